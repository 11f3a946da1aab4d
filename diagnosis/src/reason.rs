//! Reasons a message bounced, and who has to act on them.
//!
//! The names are Sisimai's (the reference bounce classifier, 5.x), so figures and labels from its corpus compare
//! one to one. The list is closed: a rule file naming any other reason is a load error.

use std::fmt;
use std::str::FromStr;

macro_rules! reasons {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// Why a message was not delivered (or, for a few, what kind of report it is).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Reason {
            $(#[doc = $doc] $variant,)*
        }

        impl Reason {
            /// Every reason, in alphabetical order of its name.
            pub const ALL: &'static [Reason] = &[$(Reason::$variant,)*];

            /// The reason's name as Sisimai spells it (`userunknown`, `mailboxfull`, ...).
            pub fn as_str(self) -> &'static str {
                match self { $(Reason::$variant => $name,)* }
            }

            /// One line saying what the reason means, for lists and tooltips.
            pub fn description(self) -> &'static str {
                match self { $(Reason::$variant => $doc,)* }
            }
        }

        impl FromStr for Reason {
            type Err = UnknownReason;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // A search of the (sorted) list, not a 36-arm match: the browser checker reads every compiled
                // rule's reason through this, and the table is data it carries anyway.
                Reason::ALL
                    .binary_search_by(|r| r.as_str().cmp(s))
                    .map(|i| Reason::ALL[i])
                    .map_err(|_| UnknownReason(s.to_string()))
            }
        }
    };
}

reasons! {
    AuthFailure => "authfailure", "The message failed SPF, DKIM or DMARC checks at the receiving side.";
    BadReputation => "badreputation", "The sending IP address or domain has a poor reputation with the receiver.";
    Blocked => "blocked", "The sending IP address or host name (or HELO name) is refused, often by a blocklist.";
    ContentError => "contenterror", "The message's headers or content format were refused.";
    Delivered => "delivered", "The message was delivered: this is a positive delivery report.";
    ExceedLimit => "exceedlimit", "The message exceeded a limit of the receiving system, such as a size limit.";
    Expired => "expired", "Delivery was retried until the queue lifetime ran out.";
    FailedStartTls => "failedstarttls", "The TLS (STARTTLS) negotiation needed to deliver the message failed.";
    Feedback => "feedback", "A complaint report (ARF feedback loop) from a mailbox provider.";
    Filtered => "filtered", "The recipient's server or the recipient refused the message after reading it.";
    HasMoved => "hasmoved", "The recipient's mailbox has moved and mail is not forwarded.";
    HostUnknown => "hostunknown", "The recipient's domain does not exist or has no mail server.";
    MailboxFull => "mailboxfull", "The recipient's mailbox is full.";
    MailerError => "mailererror", "A local delivery program (procmail, a pipe, a script) failed.";
    MesgTooBig => "mesgtoobig", "The message is larger than the receiving server accepts.";
    NetworkError => "networkerror", "The receiving server could not be reached: DNS or connection failure.";
    NoRelaying => "norelaying", "The server refused to relay the message: it is neither for its own domains nor from an authenticated user.";
    NotAccept => "notaccept", "The receiving domain does not accept any mail (for example a null MX).";
    NotCompliantRfc => "notcompliantrfc", "The message does not comply with the mail format standards (RFC 5322).";
    OnHold => "onhold", "There is an error, but too little detail to tell which.";
    PolicyViolation => "policyviolation", "The message broke a policy of the receiving organisation.";
    Rejected => "rejected", "The sender's address (the envelope sender) was refused.";
    RequirePtr => "requireptr", "The sending IP address has no valid reverse DNS (PTR) record.";
    SecurityError => "securityerror", "Authentication was missing or failed, or another security check failed.";
    SpamDetected => "spamdetected", "The receiving server judged the message to be spam.";
    Speeding => "speeding", "The sender sent too much, too fast: a rate limit.";
    Suppressed => "suppressed", "The address is on the sending service's suppression list, so no delivery was tried.";
    Suspend => "suspend", "The recipient's account is disabled or suspended.";
    SyntaxError => "syntaxerror", "The sending program made an SMTP protocol error (wrong command, wrong order).";
    SystemError => "systemerror", "The receiving system had an internal error.";
    SystemFull => "systemfull", "The receiving system is out of disk space.";
    TooManyConn => "toomanyconn", "The sender opened too many connections at once.";
    Undefined => "undefined", "There is nothing in the text to go on.";
    UserUnknown => "userunknown", "The recipient address does not exist at that domain.";
    Vacation => "vacation", "An automatic reply (out of office), not a failure.";
    VirusDetected => "virusdetected", "The receiving server found a virus in the message.";
}

impl Reason {
    /// Whether the address itself is bad, so retrying or resending can never work (Sisimai's hard bounce).
    ///
    /// As Sisimai counts them: an unknown address, domain or moved mailbox is hard even in a 4xx reply; a domain
    /// that accepts no mail is hard only when the refusal is permanent (the classifier applies that part).
    pub fn is_hard(self) -> bool {
        matches!(
            self,
            Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved | Reason::NotAccept
        )
    }

    /// Whether this reason is a real delivery failure (not a report of delivery, an auto-reply or a complaint).
    pub fn is_failure(self) -> bool {
        !matches!(
            self,
            Reason::Delivered | Reason::Vacation | Reason::Feedback
        )
    }
}

/// Which spelling of reason names to hand out.
///
/// Sisimai 5.6 (February 2026) merged `toomanyconn` and `speeding` into `ratelimited`, and `mesgtoobig` and
/// `exceedlimit` into `emailtoolarge`. The engine keeps the older, finer names ([`Reason`]'s, and the default:
/// the labeled corpus uses them, so scores compare), and can print the current ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ReasonNames {
    /// The names before Sisimai 5.6: every [`Reason`] by its own name.
    #[default]
    Legacy,
    /// Sisimai 5.6 and later: `ratelimited` and `emailtoolarge` for the merged pairs.
    Current,
}

impl ReasonNames {
    /// `legacy` or `current`, as the command line and `bouncebook.toml` spell them.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonNames::Legacy => "legacy",
            ReasonNames::Current => "current",
        }
    }

    /// Whether this is the default ([`ReasonNames::Legacy`]), for leaving it out of files.
    pub fn is_legacy(&self) -> bool {
        *self == ReasonNames::Legacy
    }
}

impl FromStr for ReasonNames {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "legacy" => Ok(ReasonNames::Legacy),
            "current" => Ok(ReasonNames::Current),
            _ => Err(format!(
                "unknown reason names `{s}`; expected `legacy` (Sisimai before 5.6) or `current` (5.6 and later)"
            )),
        }
    }
}

impl serde::Serialize for ReasonNames {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ReasonNames {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

impl Reason {
    /// The reason's name in the given spelling: [`Reason::as_str`], except that with
    /// [`ReasonNames::Current`] the pairs Sisimai merged share the merged name.
    pub fn name(self, names: ReasonNames) -> &'static str {
        match names {
            ReasonNames::Current => self.newer_name().unwrap_or(self.as_str()),
            ReasonNames::Legacy => self.as_str(),
        }
    }
}

/// Sisimai 5's newer names, each for two of the older reasons it merged, the first the one its page answers to:
/// `ratelimited` for `speeding` and `toomanyconn`, `emailtoolarge` for `mesgtoobig` and `exceedlimit`
/// (Sisimai 5 merged each pair into one name). The engine keeps the older, finer names.
pub const NEWER_NAMES: [(&str, [Reason; 2]); 2] = [
    ("ratelimited", [Reason::Speeding, Reason::TooManyConn]),
    ("emailtoolarge", [Reason::MesgTooBig, Reason::ExceedLimit]),
];

impl Reason {
    /// The newer Sisimai name that covers this reason, if Sisimai merged it (see [`NEWER_NAMES`]).
    pub fn newer_name(self) -> Option<&'static str> {
        NEWER_NAMES
            .iter()
            .find(|(_, reasons)| reasons.contains(&self))
            .map(|(name, _)| *name)
    }

    /// The newer Sisimai names that cover this reason (see [`NEWER_NAMES`]): none or one.
    pub fn newer_names(self) -> Vec<&'static str> {
        self.newer_name().into_iter().collect()
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Reason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// A reason name that is not in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownReason(pub String);

impl fmt::Display for UnknownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown reason `{}`; expected one of: ", self.0)?;
        for (i, r) in Reason::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(r.as_str())?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownReason {}

/// Who has to do something so the mail goes through. Serialised as [`Actor::as_str`]'s names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The person who sent the message (fix the address, the client settings, the content).
    Sender,
    /// The sender's mail administrator or hosting provider (DNS, authentication, IP reputation, server).
    SenderAdmin,
    /// The recipient (empty their mailbox, re-enable their account, tell you their new address).
    Recipient,
    /// The recipient's mail administrator (their server, filters or policy).
    RecipientAdmin,
}

impl Actor {
    /// Every actor.
    pub const ALL: [Actor; 4] = [
        Actor::Sender,
        Actor::SenderAdmin,
        Actor::Recipient,
        Actor::RecipientAdmin,
    ];

    /// The serialised name: `sender`, `sender-admin`, `recipient`, `recipient-admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Sender => "sender",
            Actor::SenderAdmin => "sender-admin",
            Actor::Recipient => "recipient",
            Actor::RecipientAdmin => "recipient-admin",
        }
    }

    /// Plain words for people: "you, the sender", ...
    pub const fn describe(self) -> &'static str {
        match self {
            Actor::Sender => "the sender (you)",
            Actor::SenderAdmin => "the sender's mail administrator or host",
            Actor::Recipient => "the recipient",
            Actor::RecipientAdmin => "the recipient's mail administrator",
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// By name, as `Reason` is (the browser checker reads actors back in rules and reports; a derive would add a
// visitor for indexes and bytes it never sees).
impl serde::Serialize for Actor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Actor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Actor::ALL
            .into_iter()
            .find(|a| a.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown actor `{name}`")))
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn current_names_merge_the_pairs_sisimai_merged_and_keep_the_rest() {
        use super::ReasonNames::{Current, Legacy};
        assert_eq!(Reason::TooManyConn.name(Current), "ratelimited");
        assert_eq!(Reason::Speeding.name(Current), "ratelimited");
        assert_eq!(Reason::MesgTooBig.name(Current), "emailtoolarge");
        assert_eq!(Reason::ExceedLimit.name(Current), "emailtoolarge");
        for r in Reason::ALL {
            assert_eq!(r.name(Legacy), r.as_str());
            if !matches!(
                r,
                Reason::TooManyConn | Reason::Speeding | Reason::MesgTooBig | Reason::ExceedLimit
            ) {
                assert_eq!(r.name(Current), r.as_str());
            }
        }
        assert_eq!("current".parse(), Ok(Current));
        assert!("newest".parse::<super::ReasonNames>().is_err());
    }

    use super::*;

    #[test]
    fn names_round_trip_and_are_sorted() {
        assert_eq!(Reason::ALL.len(), 36);
        for w in Reason::ALL.windows(2) {
            assert!(w[0].as_str() < w[1].as_str(), "{} before {}", w[0], w[1]);
        }
        for r in Reason::ALL {
            assert_eq!(r.as_str().parse::<Reason>(), Ok(*r));
        }
        assert!("mailbox-full".parse::<Reason>().is_err());
    }

    #[test]
    fn actors_are_written_and_read_by_name() {
        for a in Actor::ALL {
            let json = serde_json::to_string(&a).expect("json");
            assert_eq!(json, format!("\"{a}\""));
            assert_eq!(serde_json::from_str::<Actor>(&json).expect("reads back"), a);
        }
        assert!(serde_json::from_str::<Actor>("\"sender_admin\"").is_err());
    }
}
