//! The bouncebook checker in the browser: the diagnosis engine compiled to WebAssembly, behind one
//! [`Checker`] type, and the drawing of its answer into the page with DOM calls.
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
//! same types work natively, which is how the generator writes the site file and how this crate's logic is tested
//! without a browser:
//!
//! ```
//! use checker_wasm::{Checker, site::Site};
//!
//! let checker = Checker::from_site(Site::default(), "https://help.example/").unwrap();
//! let report = checker.report("550 5.2.2 <ann@example.org>: Mailbox full");
//! assert_eq!(report.bounces[0].reason, "mailboxfull");
//! assert_eq!(report.bounces[0].recipient.as_deref(), Some("ann@example.org"));
//! assert_eq!(report.bounces[0].actor, "recipient");
//! ```

pub mod excerpt;
pub mod report;
pub mod site;
pub mod words;

#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod wasm;

use diagnosis::RuleSet;
use report::Report;
use site::{Site, SiteError};

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
        if site.version != site::VERSION && site.version != 0 {
            return Err(SiteError::Version(site.version));
        }
        Ok(Checker {
            rules: site.rule_set()?,
            site,
            base: base.to_string(),
        })
    }

    /// A checker for a site file's JSON text.
    pub fn from_json(json: &str, base: &str) -> Result<Checker, SiteError> {
        // serde_json is in the wasm anyway (the engine reads Amazon SES notifications with it).
        // The version first: a file from another release may not parse as this one's `Site` at all.
        #[derive(serde::Deserialize)]
        struct Versioned {
            #[serde(default)]
            version: u32,
        }
        let v: Versioned =
            serde_json::from_str(json).map_err(|e| SiteError::Json(e.to_string()))?;
        if v.version != site::VERSION && v.version != 0 {
            return Err(SiteError::Version(v.version));
        }
        let site: Site = serde_json::from_str(json).map_err(|e| SiteError::Json(e.to_string()))?;
        Checker::from_site(site, base)
    }

    /// Diagnoses `text` and explains the result.
    pub fn report(&self, text: &str) -> Report {
        let diagnosis = diagnosis::classify(text.as_bytes(), &self.rules);
        report::build(text, &diagnosis, &self.rules, &self.site, &self.base)
    }

    /// The rules in use.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }
}
