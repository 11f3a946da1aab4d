//! The JavaScript API: `Checker`'s constructor, `diagnose`, and the DOM drawing the widget uses.

use crate::Checker;
use crate::dom::{self, Options, SearchHit};
use diagnosis::explain::Report;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::Element;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Permanent or temporary, codes, who must act and links, for one recipient. */
export interface Card {
  recipient: string | null;
  /** Sisimai's reason name, such as "mailboxfull"; with `reason-names = "current"` in bouncebook.toml, Sisimai
   * 5.6's merged names ("ratelimited", "emailtoolarge") for the pairs it merged. */
  reason: string;
  /** The reason's name before Sisimai 5.6 (the same as `reason` unless that is a merged name). */
  reason_legacy: string;
  /** The reason in plain words. */
  title: string;
  description: string;
  action: string | null;
  /** true: 5xx, false: 4xx, null: the text does not say. */
  permanent: boolean | null;
  hard_bounce: boolean;
  /** true: the sending server stopped trying (action failed); false: it keeps retrying; null: not said. */
  stopped: boolean | null;
  /** Sending again later can work once the condition clears (4xx, or a persistent transient code: X.2.2 ...). */
  retry_later: boolean;
  reply: Code | null;
  status: Code | null;
  actor: "sender" | "sender-admin" | "recipient" | "recipient-admin";
  actor_words: string;
  advice: string | null;
  diagnostic: string | null;
  remote_mta: string | null;
  command: string | null;
  feedback_type: string | null;
  rules: string[];
  article: Link | null;
  tree: Link | null;
  evidence: Span[];
}

/** A reply or enhanced status code and what it means. */
export interface Code { code: string; title: string | null; meaning: string | null; }

/** A page of the knowledge base. */
export interface Link { url: string; title: string; }

/** Evidence in the text: byte offsets (UTF-8) and UTF-16 offsets (for JavaScript strings). */
export interface Span {
  start: number; end: number; start16: number; end16: number;
  kind: "diagnostic" | "phrase" | "reply" | "status" | "recipient";
}

/** What `Checker.diagnose` returns. */
export interface Report {
  kind: "bounce" | "feedback" | "auto-reply" | "delivered" | "not-a-bounce" | "empty";
  recognised: boolean;
  bounces: Card[];
  evidence: Span[];
  query: string;
  search: string | null;
  start_tree: Link | null;
  /** URLs never to list as related articles (the "couldn't classify" page, when something was recognised). */
  not_related: string[];
}

/** How `render` draws. */
export interface RenderOptions { lang?: string; newTab?: boolean; }

/** A hit from the site's search module. */
export interface SearchHit { url: string; title: string; snippet?: string | null; }
"#;

/// Charsets the engine does not decode itself (ISO-2022-JP, Shift_JIS, KOI8-R, ...), by the browser's
/// `TextDecoder`: the same WHATWG Encoding Standard the CLI decodes with, at no cost in wasm size.
fn browser_decode(label: &str, bytes: &[u8]) -> Option<String> {
    let decoder = web_sys::TextDecoder::new_with_label(label).ok()?;
    decoder.decode_with_u8_array(bytes).ok()
}

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn dom_error(e: JsValue) -> JsError {
    JsError::new(&e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

fn options(value: JsValue) -> Result<Options, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Options::default());
    }
    from_js(value)
}

fn document() -> Result<web_sys::Document, JsError> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsError::new("no document: render needs a page (diagnose works anywhere)"))
}

#[wasm_bindgen]
impl Checker {
    /// Loads the site file's JSON (`widget/site.json`, written by `bouncebook build`). `kb` is the knowledge
    /// base's URL that the site's page URLs are relative to. Without a site file, a build with the
    /// `bundled-rules` feature uses the rules compiled into it (and shows no article links); the published
    /// widget carries no rules of its own, so it needs the site file.
    #[wasm_bindgen(constructor)]
    pub fn new(site: Option<String>, kb: Option<String>) -> Result<Checker, JsError> {
        #[cfg(feature = "panic-hook")]
        console_error_panic_hook::set_once();
        diagnosis::charset::set_decoder(browser_decode);
        let kb = kb.unwrap_or_default();
        match site {
            Some(json) => Checker::from_json(&json, &kb),
            None => Checker::from_site(diagnosis::site::Site::default(), &kb),
        }
        .map_err(js_error)
    }

    /// Diagnoses pasted text (a raw message, what a mail client showed, or one line).
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn diagnose(&self, text: &str) -> Result<JsValue, JsError> {
        to_js(&self.report(text))
    }

    /// Draws `report` (from `diagnose` on the same `text`, here or in a worker) into `into`, replacing what was
    /// there. Pasted text becomes text nodes only.
    pub fn render(
        &self,
        text: &str,
        #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
        into: &Element,
        #[wasm_bindgen(unchecked_param_type = "RenderOptions | undefined")] options: JsValue,
    ) -> Result<(), JsError> {
        let report: Report = from_js(report)?;
        dom::render(&document()?, into, text, &report, &self::options(options)?).map_err(dom_error)
    }

    /// `diagnose` and `render` in one call; returns the report.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn show(
        &self,
        text: &str,
        into: &Element,
        #[wasm_bindgen(unchecked_param_type = "RenderOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsError> {
        let report = self.report(text);
        dom::render(&document()?, into, text, &report, &self::options(options)?)
            .map_err(dom_error)?;
        to_js(&report)
    }

    /// Fills the search section (`.bc-search`) of a drawn report with the site's search hits.
    #[wasm_bindgen(js_name = renderSearch)]
    pub fn render_search(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SearchHit[]")] hits: JsValue,
        section: &Element,
        #[wasm_bindgen(unchecked_param_type = "RenderOptions | undefined")] options: JsValue,
    ) -> Result<(), JsError> {
        let hits: Vec<SearchHit> = from_js(hits)?;
        dom::render_search(&document()?, section, &hits, &self::options(options)?)
            .map_err(dom_error)
    }

    /// How many rules are loaded.
    #[wasm_bindgen(getter, js_name = ruleCount)]
    pub fn rule_count(&self) -> usize {
        self.rules.rules.len()
    }
}

// Values cross the boundary as JSON, through serde_json (already in the wasm for site files and Amazon SES
// notifications) and the browser's own JSON object: serde-wasm-bindgen would add ~8 KB (brotli) for objects
// that are small and built once per paste. `None` becomes `null`, so the object survives postMessage alike.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let json = serde_json::to_string(value).map_err(js_error)?;
    js_sys::JSON::parse(&json)
        .map_err(|_| JsError::new("the report did not convert to a JavaScript object"))
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T, JsError> {
    if value.is_undefined() || value.is_function() || value.is_symbol() {
        return Err(JsError::new(
            "expected an object, got undefined or a function",
        ));
    }
    let json = js_sys::JSON::stringify(&value)
        .map_err(|_| JsError::new("the value is not JSON (a cycle, or a BigInt)"))?;
    serde_json::from_str(&String::from(json)).map_err(js_error)
}
