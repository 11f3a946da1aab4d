//! The bouncebook diagnosis engine: give it a bounced email — a whole raw message, the text a mail client shows,
//! or one line of an SMTP error — and it says, per recipient, what happened, the codes, whether it is permanent,
//! who must act, which rules decided, where the evidence is, and which article fixes it.
//!
//! It is pure Rust with no I/O, so the same code runs in the `bouncebook` CLI and, compiled to WebAssembly, in
//! the reader's browser. Reasons use Sisimai's names. Rules are data (`content/rules/*.toml`); the bundled ones
//! are compiled in.
//!
//! ```
//! use diagnosis::{classify, Reason, RuleSet};
//!
//! let d = classify(b"550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown", RuleSet::bundled());
//! let b = &d.bounces[0];
//! assert_eq!(b.reason, Reason::UserUnknown);
//! assert_eq!(b.recipient.as_deref(), Some("bob@example.com"));
//! assert_eq!(b.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
//! assert!(b.hard_bounce);
//! ```
//!
//! [`explain::explain`] turns a [`Diagnosis`] into the answer a reader sees (titles, advice, code meanings,
//! links to the site's pages, highlighted evidence): the browser checker draws it and `bouncebook classify`
//! prints it. [`site`] is the file through which a built site gives its checker its rules and pages.

/// The engine's version (the crate's), which `bouncebook --version` reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod charset;
mod classify;
pub mod code;
mod diagnosis;
pub mod dsn;
pub mod explain;
mod extract;
mod html;
mod message;
pub mod mime;
pub mod normalize;
mod order;
mod reason;
pub mod rules;
pub mod ses;
pub mod site;
#[cfg(feature = "toml")]
mod verify;

pub use classify::{MAX_INPUT, classify};
pub use code::{ReplyCode, StatusCode};
pub use diagnosis::{Bounce, DecidedBy, Diagnosis, Evidence, EvidenceKind, Kind, StatusEntry};
pub use reason::{Actor, NEWER_NAMES, Reason, ReasonNames, UnknownReason};
pub use rules::{RuleError, RuleSet, Source};
