//! The bouncebook checker in the browser: the diagnosis engine compiled to WebAssembly, behind one
//! [`Checker`] type, and the drawing of its answer into the page with DOM calls.
//!
//! The answer itself — [`diagnosis::explain::Report`], built by [`diagnosis::explain::explain`] — and the site
//! file it links with ([`diagnosis::site`]) are the engine's; this crate is the JavaScript boundary
//! (`wasm.rs`), the DOM (`dom.rs`), and the widget's own words and excerpting.
//!
//! In JavaScript (built by `cargo xtask widget` into `target/widget/`, which `bouncebook build` copies into
//! every site as `widget/`):
//!
//! ```js
//! import init, { Checker } from "./checker.js";
//! await init();
//! const site = await (await fetch("./site.json")).text();
//! const checker = new Checker(site, "https://help.example/");
//! const report = checker.diagnose("550 5.1.1 <bob@example.com>: user unknown");
//! checker.render(text, report, document.querySelector("#result"), { newTab: false });
//! ```
//!
//! `bounce-checker.js` wraps that in the `<bounce-checker>` custom element that other sites embed. The
//! same type works natively, which is how this crate's logic is tested without a browser:
//!
//! ```
//! use checker_wasm::Checker;
//! use diagnosis::site::Site;
//! use diagnosis::{Actor, Reason};
//!
//! let checker = Checker::from_site(Site::default(), "https://help.example/").unwrap();
//! let report = checker.report("550 5.2.2 <ann@example.org>: Mailbox full");
//! assert_eq!(report.bounces[0].reason, Reason::MailboxFull);
//! assert_eq!(report.bounces[0].recipient.as_deref(), Some("ann@example.org"));
//! assert_eq!(report.bounces[0].actor, Actor::Recipient);
//! ```

pub mod excerpt;
pub mod words;

// Talc instead of the standard library's dlmalloc: the same job in fewer bytes of wasm (the widget's budget is
// everything it loads; see `cargo xtask widget`'s per-file figures).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod wasm;

use diagnosis::RuleSet;
use diagnosis::explain::{self, Pages, Report};
use diagnosis::site::{Site, SiteError};

/// A loaded checker: the site's rules and pages. In JavaScript, `new Checker(siteJson, kbUrl)`.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
pub struct Checker {
    rules: RuleSet,
    site: Site,
    base: String,
}

impl Checker {
    /// A checker for `site`, whose relative page URLs resolve against `base` (the knowledge base's URL).
    pub fn from_site(mut site: Site, base: &str) -> Result<Checker, SiteError> {
        site.check_version()?;
        Ok(Checker {
            rules: site.rule_set()?,
            site,
            base: base.to_string(),
        })
    }

    /// A checker for a site file's JSON text.
    pub fn from_json(json: &str, base: &str) -> Result<Checker, SiteError> {
        Checker::from_site(Site::from_json(json)?, base)
    }

    /// Diagnoses `text` and explains the result.
    pub fn report(&self, text: &str) -> Report {
        let diagnosis = diagnosis::classify(text.as_bytes(), &self.rules);
        let pages = Pages::Site {
            site: &self.site,
            base: &self.base,
        };
        explain::explain_with(
            text,
            &diagnosis,
            &self.rules,
            &pages,
            self.site.reason_names,
        )
    }

    /// The rules in use.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diagnosis::{Reason, ReasonNames};

    #[test]
    fn the_site_file_says_how_reasons_are_named() {
        let text = "421 4.7.0 Too many concurrent SMTP connections from this IP";
        let legacy = Checker::from_site(Site::default(), "").expect("bundled rules");
        assert_eq!(legacy.report(text).bounces[0].reason_name, "toomanyconn");
        let site = Site {
            reason_names: ReasonNames::Current,
            ..Site::default()
        };
        let json = site.to_json();
        assert!(json.contains(r#""reason_names":"current""#), "{json}");
        let current = Checker::from_json(&json, "").expect("loads");
        let card = &current.report(text).bounces[0];
        assert_eq!(card.reason, Reason::TooManyConn);
        assert_eq!(card.reason_name, "ratelimited");
    }
}
