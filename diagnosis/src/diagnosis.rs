//! The answer: what happened to each recipient, why, what decided it, and who must act.
//!
//! The types are the engine's own (codes are [`StatusCode`] and [`ReplyCode`], evidence kinds and deciders are
//! enums); serde writes them as the JSON strings programs read (`"5.1.1"`, `"recipient"`, `"status-code:X.2.1"`).

use crate::code::{ReplyCode, StatusCode};
use crate::reason::{Actor, Reason};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A byte range of the input that supports the answer, for highlighting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
    /// What it shows.
    pub kind: EvidenceKind,
}

/// What a span of evidence shows. Declared from the weakest to the strongest: where spans overlap, the stronger
/// one is highlighted (a status code inside a diagnostic sentence shows as a status code).
///
/// Serialised as [`EvidenceKind::as_str`]'s names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EvidenceKind {
    /// The server's diagnostic sentence.
    Diagnostic,
    /// The phrase a rule matched.
    Phrase,
    /// An SMTP reply code.
    Reply,
    /// An enhanced status code.
    Status,
    /// The recipient address.
    Recipient,
}

impl EvidenceKind {
    /// Every kind, weakest first.
    pub const ALL: [EvidenceKind; 5] = [
        EvidenceKind::Diagnostic,
        EvidenceKind::Phrase,
        EvidenceKind::Reply,
        EvidenceKind::Status,
        EvidenceKind::Recipient,
    ];

    /// The name used in JSON and class names: `diagnostic`, `phrase`, `reply`, `status`, `recipient`.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Diagnostic => "diagnostic",
            EvidenceKind::Phrase => "phrase",
            EvidenceKind::Reply => "reply",
            EvidenceKind::Status => "status",
            EvidenceKind::Recipient => "recipient",
        }
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EvidenceKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EvidenceKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        EvidenceKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown evidence kind `{name}`")))
    }
}

/// What decided a recipient's reason, so every answer can say what it rests on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DecidedBy {
    /// A rule's wording, by the rule's id (`mailboxfull.over-quota`, `gmail.dmarc`).
    Rule(String),
    /// The status code table's entry for the enhanced status code.
    StatusCode(StatusEntry),
    /// The class of the enhanced status code alone (`2`: a success report is a delivery).
    StatusClass(u8),
    /// The status code table's entry for the SMTP reply code.
    ReplyCode(ReplyCode),
    /// A local delivery program's report (a DSN whose diagnostic type is `x-unix`, RFC 3464 §2.3.6).
    LocalProgram,
}

impl DecidedBy {
    /// The id of the rule that decided, when a rule did.
    pub fn rule_id(&self) -> Option<&str> {
        match self {
            DecidedBy::Rule(id) => Some(id),
            _ => None,
        }
    }
}

/// Written as in JSON and in "decided by" lines: the rule id, `status-code:5.2.2` (or `status-code:X.2.2`, the
/// table's entry for either class), `status-class:2`, `reply-code:550` or `dsn:x-unix`.
impl fmt::Display for DecidedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecidedBy::Rule(id) => f.write_str(id),
            DecidedBy::StatusCode(entry) => write!(f, "status-code:{entry}"),
            DecidedBy::StatusClass(class) => write!(f, "status-class:{class}"),
            DecidedBy::ReplyCode(code) => write!(f, "reply-code:{code}"),
            DecidedBy::LocalProgram => f.write_str("dsn:x-unix"),
        }
    }
}

impl Serialize for DecidedBy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The entry of the status code table that a code matched: the code itself (`5.2.2`), or its `X.2.2` form,
/// which RFC 3463 uses for a subject and detail in either failure class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StatusEntry {
    /// The code of the bounce.
    pub code: StatusCode,
    /// The entry was the `X.y.z` one, for both classes.
    pub any_class: bool,
}

impl fmt::Display for StatusEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.any_class {
            write!(f, "X.{}.{}", self.code.subject, self.code.detail)
        } else {
            write!(f, "{}", self.code)
        }
    }
}

/// One failed (or reported) recipient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bounce {
    /// The recipient address, when the text names it.
    pub recipient: Option<String>,
    /// The DSN action (`failed`, `delayed`, `delivered`, ...), when known or implied.
    pub action: Option<String>,
    /// The enhanced status code (RFC 3463), like `5.1.1`.
    pub status: Option<StatusCode>,
    /// The SMTP reply code, like `550`.
    pub reply_code: Option<ReplyCode>,
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
    /// What decided the reason; `None` when nothing did (`onhold`, `undefined`, a report that is not a
    /// failure). JSON calls it `rules`: a list of none or one [`DecidedBy`] string.
    #[serde(rename = "rules", serialize_with = "decided_by_list")]
    pub decided_by: Option<DecidedBy>,
    /// Where in the input the evidence is.
    pub evidence: Vec<Evidence>,
    /// The article that explains and fixes it (`@/articles/...md`), when the content has one.
    pub article: Option<String>,
    /// The decision tree for it, when there is one.
    pub tree: Option<String>,
    /// ARF feedback type (`abuse`, `fraud`, ...), for complaint reports.
    pub feedback_type: Option<String>,
}

/// `rules` in JSON has been a list since the first release; it holds what decided, when something did.
fn decided_by_list<S: Serializer>(by: &Option<DecidedBy>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(by)
}

/// What the input was. Serialised as [`Kind::as_str`]'s names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 6] = [
        Kind::Bounce,
        Kind::Feedback,
        Kind::AutoReply,
        Kind::Delivered,
        Kind::NotABounce,
        Kind::Empty,
    ];

    /// The name used in JSON: `bounce`, `feedback`, `auto-reply`, `delivered`, `not-a-bounce`, `empty`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bounce => "bounce",
            Kind::Feedback => "feedback",
            Kind::AutoReply => "auto-reply",
            Kind::Delivered => "delivered",
            Kind::NotABounce => "not-a-bounce",
            Kind::Empty => "empty",
        }
    }
}

// By name, as `Reason` is: serde's derive would add a visitor for indexes and bytes that the browser checker
// (which reads reports back from JavaScript) would carry for nothing.
impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown kind `{name}`")))
    }
}

/// The result of [`crate::classify`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnosis {
    /// What the input was.
    pub kind: Kind,
    /// One entry per recipient; empty for ordinary mail.
    pub bounces: Vec<Bounce>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deciders_read_as_the_json_strings() {
        let code = StatusCode::parse("5.2.1").expect("code");
        let cases = [
            (
                DecidedBy::Rule("mailboxfull.quota".into()),
                "mailboxfull.quota",
            ),
            (
                DecidedBy::StatusCode(StatusEntry {
                    code,
                    any_class: true,
                }),
                "status-code:X.2.1",
            ),
            (
                DecidedBy::StatusCode(StatusEntry {
                    code,
                    any_class: false,
                }),
                "status-code:5.2.1",
            ),
            (DecidedBy::StatusClass(2), "status-class:2"),
            (DecidedBy::ReplyCode(ReplyCode(550)), "reply-code:550"),
            (DecidedBy::LocalProgram, "dsn:x-unix"),
        ];
        for (by, text) in cases {
            assert_eq!(by.to_string(), text);
            assert_eq!(
                serde_json::to_string(&by).expect("json"),
                format!("\"{text}\"")
            );
        }
    }

    #[test]
    fn kinds_are_named_as_serde_writes_them() {
        for k in Kind::ALL {
            let json = serde_json::to_string(&k).expect("json");
            assert_eq!(json, format!("\"{}\"", k.as_str()));
            assert_eq!(serde_json::from_str::<Kind>(&json).expect("reads back"), k);
        }
        assert!(serde_json::from_str::<Kind>("\"bounced\"").is_err());
        for k in EvidenceKind::ALL {
            assert_eq!(serde_json::to_string(&k).expect("json"), format!("\"{k}\""));
        }
    }

    #[test]
    fn a_bounce_writes_codes_kinds_and_decider_as_strings() {
        let b = Bounce {
            recipient: Some("bob@example.com".into()),
            action: Some("failed".into()),
            status: StatusCode::parse("5.1.1"),
            reply_code: Some(ReplyCode(550)),
            reason: Reason::UserUnknown,
            hard_bounce: true,
            permanent: Some(true),
            actor: Actor::Sender,
            diagnostic: None,
            remote_mta: None,
            command: None,
            decided_by: Some(DecidedBy::ReplyCode(ReplyCode(550))),
            evidence: vec![Evidence {
                start: 0,
                end: 3,
                kind: EvidenceKind::Reply,
            }],
            article: None,
            tree: None,
            feedback_type: None,
        };
        let json = serde_json::to_string(&b).expect("json");
        assert!(
            json.contains(r#""status":"5.1.1","reply_code":"550","reason":"userunknown""#),
            "{json}"
        );
        assert!(json.contains(r#""rules":["reply-code:550"]"#), "{json}");
        assert!(
            json.contains(r#""evidence":[{"start":0,"end":3,"kind":"reply"}]"#),
            "{json}"
        );
        let none = Bounce {
            decided_by: None,
            ..b
        };
        assert!(
            serde_json::to_string(&none)
                .expect("json")
                .contains(r#""rules":[]"#)
        );
    }
}
