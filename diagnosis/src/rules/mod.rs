//! Rules are data: the phrases mail servers use for each reason, provider wordings, and the table of status
//! codes. They are read from TOML (`content/rules/`), validated with file:line errors, and matched against
//! normalised text.

mod error;
#[cfg(feature = "toml")]
mod file;
mod index;
#[cfg(feature = "toml")]
mod load;
mod matching;
mod pattern;

pub use error::RuleError;
pub use matching::{Facts, Hit, Scan};
pub use pattern::Pattern;

use crate::code::{ReplyCode, StatusCode};
use crate::reason::{Actor, Reason};

/// One rule file's text and the path it is reported under in errors (`content/rules/reasons/mailboxfull.toml`).
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// Path as shown in error messages; its file name decides the file's role (`order.toml`,
    /// `status-codes.toml`, `reasons/*.toml`, `providers/*.toml`).
    pub path: &'a str,
    /// The TOML text.
    pub text: &'a str,
}

/// Where a rule was defined.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// File path as given in [`Source::path`].
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.col)
    }
}

/// A rule: if the diagnostic text contains one of the patterns (and the codes fit), the reason is `reason`.
///
/// Serialised (in [`RuleSet::to_json`]) without what only writers and the loader need: examples, notes,
/// sources and locations; empty and absent fields are left out too (the browser downloads this).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    /// Unique id, such as `mailboxfull.over-quota` or `gmail.dmarc`.
    pub id: String,
    /// The reason it decides.
    pub reason: Reason,
    /// Provider wordings belong to a provider (`gmail`); generic ones to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Any one of these must occur in the normalised text.
    pub patterns: Vec<Pattern>,
    /// If set, the reply code must be one of these (a one-digit entry matches the whole class).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reply: Vec<String>,
    /// If set, the status code must start with one of these (`5.7` matches `5.7.1`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<String>,
    /// If set, the SMTP command that failed must be one of these (`RCPT`, `DATA`, `MAIL`, `CONN`, `HELO`, ...);
    /// `none` stands for a report that does not say which command failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Where a provider rule applies: anywhere its wording occurs, or only to bounces from its provider's hosts.
    #[serde(default, skip_serializing_if = "Scope::is_anywhere")]
    pub scope: Scope,
    /// Who must act, when it differs from the reason's usual.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Actor>,
    /// The article that explains this wording (`@/articles/...md`), when it differs from the reason's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// A decision tree for it (`@/trees/...toml`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<String>,
    /// What the status code is called when this wording carries it, for a provider that uses a code otherwise
    /// than its standard (Microsoft 365's 5.1.10 is "recipient not found", not RFC 7505's null MX): the answer's
    /// code headline, in place of the table's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_title: Option<String>,
    /// Where the wording is documented (a vendor page or RFC).
    #[serde(skip)]
    pub source: Option<String>,
    /// Free text for writers.
    #[serde(skip)]
    pub note: Option<String>,
    /// Sample texts this rule must decide; they double as tests.
    #[serde(skip)]
    pub examples: Vec<String>,
    /// Where it was written.
    #[serde(skip)]
    pub location: Location,
}

/// Where a provider's rule applies.
///
/// Some wordings are the provider's own and mean the same wherever they are seen ("The email account that you
/// tried to reach does not exist"). Others are codes or short phrases that other servers use too, with another
/// meaning ("sender rejected", a bare "User unknown", a numbered code): those apply only when the bounce comes
/// from one of the provider's [`Provider::hosts`] (see [`RuleSet::providers_of`]).
///
/// Written in rule files and compiled rules as `anywhere` or `hosts`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Wherever the wording occurs.
    #[default]
    Anywhere,
    /// Only when a host of the rule's provider is named by the bounce.
    Hosts,
}

impl Scope {
    fn is_anywhere(&self) -> bool {
        *self == Scope::Anywhere
    }

    /// The name rule files use: `anywhere` or `hosts`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Anywhere => "anywhere",
            Scope::Hosts => "hosts",
        }
    }
}

// By name, as `Reason` is: the browser checker reads compiled rules and would carry a derive's visitor for
// indexes and bytes for nothing.
impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        [Scope::Anywhere, Scope::Hosts]
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown scope `{name}`")))
    }
}

/// What a reason file says about its reason as a whole.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ReasonInfo {
    /// The reason.
    pub reason: Reason,
    /// Plain words for a heading: "The recipient's mailbox is full".
    pub title: String,
    /// Who usually must act.
    pub actor: Actor,
    /// What to tell that person, in a sentence or two.
    pub advice: String,
    /// The article that explains the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// The decision tree that helps with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<String>,
    /// Where it was written.
    #[serde(skip)]
    pub location: Location,
}

/// What the table of codes says about one reply code or enhanced status code.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CodeInfo {
    /// `550`, or an enhanced code as `5.1.1` or (for both classes) `X.1.1`.
    pub code: String,
    /// The standard's short name ("Bad destination mailbox address").
    pub title: String,
    /// What it means in plain words.
    pub meaning: String,
    /// The reason to assume when nothing else in the text decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The code alone decides the reason, before generic wordings are read: it is more precise than any of
    /// them (`5.2.2` is a full mailbox whatever the text says). Provider wordings still come first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub decides: bool,
    /// Reasons whose wordings still win over a deciding code (`X.1.1` says the address is unknown, but "relay
    /// denied" or "blocked" in the same reply says more).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub yields_to: Vec<Reason>,
    /// Where the code is defined.
    #[serde(skip)]
    pub source: Option<String>,
    /// Where it was written.
    #[serde(skip)]
    pub location: Location,
}

/// A provider (mailbox provider or mail service) with its own wordings.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Provider {
    /// Short id (`gmail`), the file name.
    pub id: String,
    /// Display name ("Gmail and Google Workspace").
    pub name: String,
    /// Domain names of the provider's mail servers and mailboxes (`cox.net`, `yahoodns.net`), lowercase. A host
    /// is the provider's when it is one of these or ends in `.` and one of these.
    pub hosts: Vec<String>,
    /// The article about this provider's errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
}

/// A validated set of rules, in precedence order.
///
/// Loaded from TOML by [`RuleSet::from_sources`] (which also runs every rule's examples through the classifier;
/// it lives in `verify.rs`, above both) or [`RuleSet::from_checked_sources`]. It serialises to a compact compiled form ([`RuleSet::to_json`], [`RuleSet::from_json`]) that the browser
/// checker loads instead of the TOML files: no TOML parser in the wasm, and no examples to carry.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(from = "Compiled")]
pub struct RuleSet {
    /// Every rule, the earliest winning when several match.
    pub rules: Vec<Rule>,
    /// Per-reason information (titles, actor, article).
    pub reasons: Vec<ReasonInfo>,
    /// Reply codes, in numeric order.
    pub reply_codes: Vec<CodeInfo>,
    /// Enhanced status codes, in the order of the table.
    pub status_codes: Vec<CodeInfo>,
    /// Providers, in precedence order.
    pub providers: Vec<Provider>,
    /// Phrase prefilter, built by the loader (a set whose `rules` were changed later is searched in full).
    #[serde(skip)]
    index: index::Index,
    /// For each rule, the position of its provider in `providers` (`NO_PROVIDER` for generic rules), built with
    /// the index so that scoping a rule costs a lookup, not a string comparison.
    #[serde(skip)]
    provider_of: Vec<u32>,
}

const NO_PROVIDER: u32 = u32::MAX;

impl RuleSet {
    /// Reads, validates and orders rules from their sources, without running their examples: for rules that
    /// were checked when they were published (the bundled ones, which this crate's tests check). Every problem
    /// in every file is reported. [`RuleSet::from_sources`] also runs every rule's examples.
    #[cfg(feature = "toml")]
    pub fn from_checked_sources(sources: &[Source<'_>]) -> Result<RuleSet, Vec<RuleError>> {
        load::load(sources)
    }

    /// What loaded beside every problem in the files, examples not run (`verify` adds those).
    #[cfg(feature = "toml")]
    pub(crate) fn load_lenient(sources: &[Source<'_>]) -> (RuleSet, Vec<RuleError>) {
        load::load_parts(sources)
    }

    /// The rules bundled with bouncebook (`content/rules/` at build time), or why they did not load — a
    /// packaging bug that this crate's tests catch, which a program should still report rather than run blind.
    #[cfg(feature = "toml")]
    pub fn try_bundled() -> Result<&'static RuleSet, &'static [RuleError]> {
        static BUNDLED: std::sync::OnceLock<Result<RuleSet, Vec<RuleError>>> =
            std::sync::OnceLock::new();
        // The bundled files are checked, examples and all, by this crate's tests (tests/rules.rs), so they are
        // loaded here without re-running the examples.
        BUNDLED
            .get_or_init(|| RuleSet::from_checked_sources(&bundled_sources()))
            .as_ref()
            .map_err(Vec::as_slice)
    }

    /// The rules bundled with bouncebook; no rules at all if they failed to load (see [`RuleSet::try_bundled`]),
    /// so a reader's paste never panics.
    #[cfg(feature = "toml")]
    pub fn bundled() -> &'static RuleSet {
        static EMPTY: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RuleSet::try_bundled().unwrap_or_else(|_| EMPTY.get_or_init(RuleSet::default))
    }

    /// Information about a reason, if a reason file describes it.
    pub fn reason_info(&self, reason: Reason) -> Option<&ReasonInfo> {
        self.reasons.iter().find(|r| r.reason == reason)
    }

    /// The table entry for a reply code.
    pub fn reply_info(&self, code: ReplyCode) -> Option<&CodeInfo> {
        let s = code.to_string();
        self.reply_codes.iter().find(|c| c.code == s)
    }

    /// The table entry for an enhanced status code: the exact code first, then its `X.y.z` form.
    pub fn status_info(&self, code: StatusCode) -> Option<&CodeInfo> {
        let exact = code.to_string();
        let generic = format!("X.{}.{}", code.subject, code.detail);
        self.status_codes
            .iter()
            .find(|c| c.code == exact)
            .or_else(|| self.status_codes.iter().find(|c| c.code == generic))
    }

    /// A rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// The fields of a [`RuleSet`] as serialised; deserialising rebuilds the phrase index.
#[derive(serde::Deserialize)]
struct Compiled {
    rules: Vec<Rule>,
    reasons: Vec<ReasonInfo>,
    reply_codes: Vec<CodeInfo>,
    status_codes: Vec<CodeInfo>,
    providers: Vec<Provider>,
}

impl From<Compiled> for RuleSet {
    fn from(c: Compiled) -> RuleSet {
        let mut set = RuleSet {
            rules: c.rules,
            reasons: c.reasons,
            reply_codes: c.reply_codes,
            status_codes: c.status_codes,
            providers: c.providers,
            index: index::Index::default(),
            provider_of: Vec::new(),
        };
        set.reindex();
        set
    }
}

impl RuleSet {
    /// The compiled form as JSON: what matching needs, without examples, notes or file locations. Load it
    /// with [`RuleSet::from_json`]; rules are validated by the TOML loader before they are compiled.
    pub fn to_json(&self) -> String {
        // Strings, lists and enums only: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads the form [`RuleSet::to_json`] writes.
    pub fn from_json(json: &str) -> Result<RuleSet, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }
}

/// The bundled rule files as sources.
#[cfg(feature = "toml")]
pub fn bundled_sources() -> Vec<Source<'static>> {
    BUNDLED_FILES
        .iter()
        .map(|(path, text)| Source { path, text })
        .collect()
}

// `(path, text)` for every file under content/rules, generated by build.rs so adding a file needs no Rust.
#[cfg(feature = "toml")]
include!(concat!(env!("OUT_DIR"), "/bundled_rules.rs"));
