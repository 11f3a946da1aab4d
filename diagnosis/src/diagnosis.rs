//! The answer: what happened to each recipient, why, and who must act.

use crate::reason::{Actor, Reason};
use serde::Serialize;

/// A byte range of the input that supports the answer, for highlighting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
    /// What it shows: `recipient`, `status`, `reply`, `phrase` or `diagnostic`.
    pub kind: &'static str,
}

/// One failed (or reported) recipient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bounce {
    /// The recipient address, when the text names it.
    pub recipient: Option<String>,
    /// The DSN action (`failed`, `delayed`, `delivered`, ...), when known or implied.
    pub action: Option<String>,
    /// The enhanced status code (RFC 3463), like `5.1.1`.
    pub status: Option<String>,
    /// The SMTP reply code, like `550`.
    pub reply_code: Option<String>,
    /// Why it failed.
    pub reason: Reason,
    /// The address itself is bad: resending to it will never work.
    pub hard_bounce: bool,
    /// Permanent (5xx) rather than temporary (4xx); unknown when nothing says.
    pub permanent: Option<bool>,
    /// Who must act.
    pub actor: Actor,
    /// The server's own words about the failure.
    pub diagnostic: Option<String>,
    /// The server that refused, when the report names it.
    pub remote_mta: Option<String>,
    /// The SMTP command that was refused (`RCPT`, `DATA`, ...), when the report says.
    pub command: Option<String>,
    /// Ids of the rules that decided the reason (empty when a code or a fallback did).
    pub rules: Vec<String>,
    /// Where in the input the evidence is.
    pub evidence: Vec<Evidence>,
    /// The article that explains and fixes it (`@/articles/...md`), when the content has one.
    pub article: Option<String>,
    /// The decision tree for it, when there is one.
    pub tree: Option<String>,
    /// ARF feedback type (`abuse`, `fraud`, ...), for complaint reports.
    pub feedback_type: Option<String>,
}

/// What the input was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A delivery failure or delay report.
    Bounce,
    /// A complaint report (ARF, RFC 5965).
    Feedback,
    /// An automatic reply (RFC 3834).
    AutoReply,
    /// A positive delivery report.
    Delivered,
    /// Ordinary mail: nothing bounced.
    NotABounce,
    /// Nothing to go on at all.
    Empty,
}

/// The result of [`crate::classify`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnosis {
    /// What the input was.
    pub kind: Kind,
    /// One entry per recipient; empty for ordinary mail.
    pub bounces: Vec<Bounce>,
}
