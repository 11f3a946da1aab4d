//! The exported API, run in headless Chromium by wasm-bindgen-test:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test -p checker-wasm --target wasm32-unknown-unknown`
//! (`cargo xtask test` does this).

#![cfg(target_arch = "wasm32")]

use checker_wasm::Checker;
use diagnosis::explain::Report;
use diagnosis::site::{self, Page, Site};
use diagnosis::{Kind, Reason};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A site file with the bundled rules, one article and a writer's extra wording, compiled as `bouncebook
/// build` compiles them.
fn site_json(extra_rule: Option<&str>) -> String {
    let mut files: Vec<(String, String)> = diagnosis::rules::bundled_sources()
        .iter()
        .map(|s| (s.path.to_string(), s.text.to_string()))
        .collect();
    if let Some(rule) = extra_rule {
        let file = files
            .iter_mut()
            .find(|(path, _)| path.ends_with("reasons/mailboxfull.toml"))
            .expect("the bundled rules have a mailboxfull file");
        file.1.push_str(rule);
    }
    let sources: Vec<diagnosis::Source<'_>> = files
        .iter()
        .map(|(path, text)| diagnosis::Source { path, text })
        .collect();
    let rules =
        diagnosis::RuleSet::from_sources(&sources).expect("the rules and the extra one load");
    let mut site = Site {
        version: site::VERSION,
        rules: Some(rules),
        ..Site::default()
    };
    site.articles.insert(
        "@/articles/mailbox-full.md".into(),
        Page {
            url: "articles/mailbox-full/".into(),
            title: "The mailbox is full".into(),
        },
    );
    site.to_json()
}

fn report(value: JsValue) -> Report {
    serde_wasm_bindgen::from_value(value).expect("diagnose returns a Report")
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a page")
}

#[wasm_bindgen_test]
fn diagnose_returns_the_report_with_links_against_the_kb() {
    let checker =
        Checker::new(Some(site_json(None)), Some("https://help.example/".into())).expect("loads");
    let r = report(
        checker
            .diagnose("550 5.2.2 <ann@example.org>: Mailbox is full")
            .expect("diagnoses"),
    );
    assert!(r.recognised);
    assert_eq!(r.kind, Kind::Bounce);
    let card = &r.bounces[0];
    assert_eq!(card.reason, Reason::MailboxFull);
    assert_eq!(card.recipient.as_deref(), Some("ann@example.org"));
    assert_eq!(card.permanent, Some(true));
    assert_eq!(
        card.article.as_ref().map(|a| a.url.as_str()),
        Some("https://help.example/articles/mailbox-full/")
    );
    assert_eq!(
        checker.rule_count(),
        diagnosis::RuleSet::bundled().rules.len()
    );
}

#[wasm_bindgen_test]
fn without_a_site_file_the_bundled_rules_are_used() {
    let checker = Checker::new(None, None).expect("bundled rules");
    let r = report(
        checker
            .diagnose("550 5.1.1 <bob@example.com>: user unknown")
            .expect("diagnoses"),
    );
    assert_eq!(r.bounces[0].reason, Reason::UserUnknown);
    assert_eq!(r.bounces[0].article, None, "no site, no links");
}

#[wasm_bindgen_test]
fn a_writers_new_rule_works_from_the_site_file() {
    let text = "554 <carol@example.net>: the letterbox is stuffed to the brim";
    let plain = Checker::new(Some(site_json(None)), None).expect("loads");
    assert_ne!(
        report(plain.diagnose(text).expect("diagnoses")).bounces[0].reason,
        Reason::MailboxFull
    );
    let rule = "\n[[rule]]\nid = \"mailboxfull.stuffed\"\nmatch = [\"letterbox is stuffed\"]\nexamples = [\"the letterbox is stuffed\"]\n";
    let extended = Checker::new(Some(site_json(Some(rule))), None).expect("loads the new rule");
    let r = report(extended.diagnose(text).expect("diagnoses"));
    assert_eq!(r.bounces[0].reason, Reason::MailboxFull);
    assert_eq!(r.bounces[0].rules, vec!["mailboxfull.stuffed".to_string()]);
}

#[wasm_bindgen_test]
fn a_broken_site_file_is_a_js_error_not_a_panic() {
    assert!(Checker::new(Some("{not json".into()), None).is_err());
    assert!(Checker::new(Some(r#"{"version": 99}"#.into()), None).is_err());
}

#[wasm_bindgen_test]
fn evidence_offsets_are_utf16_for_javascript() {
    let checker = Checker::new(None, None).expect("loads");
    let text = "😀 550 5.1.1 <bob@example.com>: user unknown";
    let r = report(checker.diagnose(text).expect("diagnoses"));
    let js = js_sys::JsString::from(text);
    let status = r
        .evidence
        .iter()
        .find(|s| s.kind == diagnosis::EvidenceKind::Status)
        .expect("the status is evidence");
    let slice: String = js
        .substring(status.start16 as u32, status.end16 as u32)
        .into();
    assert_eq!(slice, "5.1.1");
}

#[wasm_bindgen_test]
fn render_draws_pasted_markup_as_text() {
    let checker =
        Checker::new(Some(site_json(None)), Some("https://help.example/".into())).expect("loads");
    let doc = document();
    let into = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&into)
        .expect("attached");
    let text = "<img src=x onerror=\"window.__pwned=1\"> 550 5.2.2 <ann@example.org>: Mailbox is full <script>window.__pwned=2</script>";
    let report = checker
        .show(text, &into, JsValue::UNDEFINED)
        .expect("renders");
    assert!(!report.is_undefined());
    assert_eq!(
        into.query_selector_all("img, script")
            .expect("query")
            .length(),
        0
    );
    let pasted = into
        .query_selector(".bc-pasted")
        .expect("query")
        .expect("the pasted text is shown");
    assert_eq!(pasted.text_content().as_deref(), Some(text));
    let marks = into.query_selector_all("mark").expect("query");
    assert!(marks.length() >= 2, "codes and recipient are marked");
    let article = into
        .query_selector(".bc-article a")
        .expect("query")
        .expect("article link");
    assert_eq!(
        article.get_attribute("href").as_deref(),
        Some("https://help.example/articles/mailbox-full/")
    );
    let pwned =
        js_sys::Reflect::get(&web_sys::window().expect("window"), &"__pwned".into()).expect("get");
    assert!(pwned.is_undefined());
}

#[wasm_bindgen_test]
fn nothing_recognised_is_said_so() {
    let checker = Checker::new(None, None).expect("loads");
    let into = document().create_element("div").expect("div");
    let value = checker
        .show("lunch at noon?", &into, JsValue::UNDEFINED)
        .expect("renders");
    assert!(!report(value).recognised);
    assert!(into.query_selector(".bc-none").expect("query").is_some());
    assert_eq!(
        into.query_selector_all(".bc-card").expect("query").length(),
        0
    );
}

/// Charsets the wasm does not carry are decoded by the browser's TextDecoder (registered by the constructor).
#[wasm_bindgen_test]
fn an_iso_2022_jp_bounce_is_decoded_by_the_browser() {
    let checker = Checker::new(None, None).expect("loads");
    let bounce = "From: MAILER-DAEMON@example.jp\n\
To: sender@example.org\n\
Subject: Returned mail\n\
MIME-Version: 1.0\n\
Content-Type: text/plain; charset=ISO-2022-JP\n\
\n\
<bob@example.jp>:\n\
550 5.1.1 <bob@example.jp>: \u{1b}$B08@h$,$_$D$+$j$^$;$s\u{1b}(B user unknown\n";
    let r = report(checker.diagnose(bounce).expect("diagnoses"));
    let b = &r.bounces[0];
    assert_eq!(b.reason, Reason::UserUnknown);
    let diagnostic = b.diagnostic.as_deref().unwrap_or("");
    assert!(diagnostic.contains("宛先がみつかりません"), "{diagnostic}");
}
