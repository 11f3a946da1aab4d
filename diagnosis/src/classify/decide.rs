//! The precedence ladder: which of the things a recipient's report says decides its reason.
//!
//! Every step of who wins over whom is here, in [`decide`]; `rules` only finds, in the rules' own order (the
//! data of `order.toml`), the first provider or generic wording that fits.

use super::entries::Entry;
use super::piece::Piece;
use crate::diagnosis::{DecidedBy, StatusEntry};
use crate::reason::Reason;
use crate::rules::{CodeInfo, Facts, Hit, Rule, RuleSet, Scan};

/// The reason one recipient gets, and what it rests on.
pub(super) struct Decision<'a> {
    /// The reason.
    pub reason: Reason,
    /// What decided it; `None` for `onhold` and `undefined`.
    pub by: Option<DecidedBy>,
    /// The rule whose wording decided, when one did.
    pub rule: Option<&'a Rule>,
    /// Where that wording was found: the text and the match in it.
    pub hit: Option<(&'a Piece, Hit)>,
    /// The input span of that wording, when the input holds it.
    pub phrase: Option<(usize, usize)>,
    /// Something in the report says this is a failure: a wording, a deciding status code or a local delivery
    /// program's report (an input with none of these, and no codes, may be ordinary mail).
    pub signal: bool,
}

/// Decides the reason from the facts and the texts (`candidates`, most specific first; `input` is what they
/// were read from). The first step that applies wins:
///
/// 1. A provider's own wording (`providers/*.toml`, in `order.toml`'s order).
/// 2. A DSN written by a local delivery program (`Diagnostic-Code: x-unix`): a mailer error, unless a generic
///    wording says the program hit a quota (a full mailbox, whichever program reports it).
/// 3. An enhanced status code whose table entry `decides` (`5.2.2` is a full mailbox whatever the text says),
///    unless a generic wording of a reason it `yields-to` matched.
/// 4. A generic wording (`reasons/*.toml`, in order). Words that only say it failed (`onhold` rules) give way to
///    the reason the status code table gives the code.
/// 5. With no wording: a success status class, the status code table, `x-unix`, the reply code table, and then
///    `onhold` when there is text (`has_text`), `undefined` when there is none.
///
/// Last, a DSN action of `delivered`, `relayed` or `expanded` makes it a delivery, unless a rule's wording names
/// a reason that is not a failure.
pub(super) fn decide<'a>(
    e: &Entry,
    candidates: &[&'a Piece],
    facts: &Facts<'_>,
    rules: &'a RuleSet,
    has_text: bool,
    input: &str,
) -> Decision<'a> {
    let status_info = facts.status.and_then(|s| rules.status_info(s));
    let decisive = status_info.filter(|i| i.decides);
    // A DSN whose diagnostic type is `x-unix` was written by a local delivery program (RFC 3464 §2.3.6).
    let local_program = e
        .diagnostic_type
        .as_deref()
        .is_some_and(|t| t.starts_with("x-unix"));
    let found = first_wording(candidates, rules, |t, scan| {
        rules.first_provider_match(t, scan, facts)
    })
    .or_else(|| {
        let generic = first_wording(candidates, rules, |t, scan| {
            rules.first_generic_match(t, scan, facts)
        });
        let reason = |h: &Hit| rules.rules[h.rule].reason;
        if local_program {
            return generic.filter(|(_, h)| reason(h) == Reason::MailboxFull);
        }
        match decisive {
            None => generic,
            Some(info) => generic.filter(|(_, h)| info.yields_to.contains(&reason(h))),
        }
    });
    let signal = found.is_some() || decisive.is_some() || local_program;
    let table = |info: &CodeInfo| {
        let code = facts.status?;
        Some(DecidedBy::StatusCode(StatusEntry {
            code,
            any_class: info.code.starts_with("X."),
        }))
    };
    let mut d = Decision {
        reason: Reason::OnHold,
        by: None,
        rule: None,
        hit: None,
        phrase: None,
        signal,
    };
    if let Some((p, h)) = found {
        let rule = &rules.rules[h.rule];
        // Generic failure words give way to what the status code table says.
        let table_reason = status_info
            .and_then(|i| Some((i, i.reason?)))
            .filter(|_| rule.reason == Reason::OnHold);
        if let Some((info, reason)) = table_reason {
            d.reason = reason;
            d.by = table(info);
        } else {
            let (s, t) = p.normalized.source_range(h.start, h.end);
            d.reason = rule.reason;
            d.by = Some(DecidedBy::Rule(rule.id.clone()));
            d.rule = Some(rule);
            d.hit = Some((p, h));
            d.phrase = p.input_span(s, t, input);
        }
    } else if local_program {
        d.reason = Reason::MailerError;
        d.by = Some(DecidedBy::LocalProgram);
    } else if let Some(info) = decisive {
        d.reason = info.reason.unwrap_or(Reason::OnHold);
        d.by = table(info);
    } else {
        let (reason, by) = without_wording(e, facts, rules, has_text);
        d.reason = reason;
        d.by = by;
    }
    // A DSN that reports success or a relay is not a failure, whatever its text says.
    if matches!(
        e.action.as_deref().map(str::to_ascii_lowercase).as_deref(),
        Some("delivered" | "relayed" | "expanded")
    ) && d.rule.is_none_or(|r| r.reason.is_failure())
    {
        d.reason = Reason::Delivered;
    }
    d
}

/// The most specific text that says something decides: the first candidate a wording of `find` matches, but
/// generic failure words (`onhold` rules) only count when no text says more.
fn first_wording<'a>(
    candidates: &[&'a Piece],
    rules: &RuleSet,
    find: impl Fn(&str, &Scan) -> Option<Hit>,
) -> Option<(&'a Piece, Hit)> {
    let mut weak = None;
    for p in candidates {
        if let Some(h) = find(&p.normalized.text, p.scan(rules)) {
            if rules.rules[h.rule].reason != Reason::OnHold {
                return Some((*p, h));
            }
            weak.get_or_insert((*p, h));
        }
    }
    weak
}

/// When no wording decided: a success code, the status code table, a local delivery program, the reply code
/// table, else `onhold` (there is text) or `undefined` (there is none).
fn without_wording(
    e: &Entry,
    facts: &Facts<'_>,
    rules: &RuleSet,
    has_text: bool,
) -> (Reason, Option<DecidedBy>) {
    // A success code in a report is a delivery (RFC 3463 class 2).
    if let Some(s) = facts.status.filter(|s| s.class == 2) {
        return (Reason::Delivered, Some(DecidedBy::StatusClass(s.class)));
    }
    if let Some(code) = facts.status
        && let Some(info) = rules.status_info(code)
        && let Some(r) = info.reason
    {
        let entry = StatusEntry {
            code,
            any_class: info.code.starts_with("X."),
        };
        return (r, Some(DecidedBy::StatusCode(entry)));
    }
    if e.diagnostic_type
        .as_deref()
        .is_some_and(|t| t.starts_with("x-unix"))
    {
        return (Reason::MailerError, Some(DecidedBy::LocalProgram));
    }
    if let Some(code) = facts.reply
        && let Some(r) = rules.reply_info(code).and_then(|i| i.reason)
    {
        return (r, Some(DecidedBy::ReplyCode(code)));
    }
    if has_text {
        (Reason::OnHold, None)
    } else {
        (Reason::Undefined, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{ReplyCode, StatusCode};
    use crate::rules::Source;

    /// A small rule set of every kind, so each step of the ladder can be shown on its own.
    fn rules() -> RuleSet {
        let files = [
            (
                "order.toml",
                "providers = [\"acme\"]\nreasons = [\"mailboxfull\", \"blocked\", \"spamdetected\", \"onhold\"]\n",
            ),
            (
                "status-codes.toml",
                "[[reply]]\ncode = \"552\"\ntitle = \"t\"\nmeaning = \"m\"\nreason = \"mailboxfull\"\n\n\
                 [[status]]\ncode = \"X.1.1\"\ntitle = \"t\"\nmeaning = \"m\"\nreason = \"userunknown\"\n\
                 decides = true\nyields-to = [\"blocked\"]\n\n\
                 [[status]]\ncode = \"5.7.1\"\ntitle = \"t\"\nmeaning = \"m\"\nreason = \"policyviolation\"\n",
            ),
            (
                "providers/acme.toml",
                "provider = \"acme\"\nhosts = [\"acme.example\"]\n\n[[rule]]\nid = \"acme.closed\"\n\
                 reason = \"suspend\"\nmatch = [\"account closed\"]\nexamples = [\"550 5.1.1 account closed\"]\n",
            ),
            (
                "reasons/mailboxfull.toml",
                "reason = \"mailboxfull\"\nactor = \"recipient\"\n\n[[rule]]\nid = \"mailboxfull.quota\"\n\
                 match = [\"over quota\"]\nexamples = [\"over quota\"]\n",
            ),
            (
                "reasons/blocked.toml",
                "reason = \"blocked\"\nactor = \"sender-admin\"\n\n[[rule]]\nid = \"blocked.listed\"\n\
                 match = [\"blocked using\"]\nexamples = [\"blocked using a list\"]\n",
            ),
            (
                "reasons/spamdetected.toml",
                "reason = \"spamdetected\"\nactor = \"sender\"\n\n[[rule]]\nid = \"spamdetected.spam\"\n\
                 match = [\"looks like spam\"]\nexamples = [\"looks like spam\"]\n",
            ),
            (
                "reasons/onhold.toml",
                "reason = \"onhold\"\nactor = \"sender\"\n\n[[rule]]\nid = \"onhold.generic\"\n\
                 match = [\"could not be delivered\"]\nexamples = [\"could not be delivered\"]\n",
            ),
        ];
        let sources: Vec<Source<'_>> = files
            .iter()
            .map(|&(path, text)| Source { path, text })
            .collect();
        match RuleSet::from_checked_sources(&sources) {
            Ok(set) => set,
            Err(e) => panic!("test rules: {e:?}"),
        }
    }

    /// What decides `text` with these codes and report fields: the reason and the decider as JSON writes it.
    fn decided(
        text: &str,
        status: Option<&str>,
        reply: Option<u16>,
        entry: Entry,
    ) -> (Reason, Option<String>) {
        let rules = rules();
        let pieces = [Piece::new(text, Some(0))];
        let candidates: Vec<&Piece> = pieces.iter().collect();
        let facts = Facts {
            status: status.and_then(StatusCode::parse),
            reply: reply.map(ReplyCode),
            ..Facts::default()
        };
        let d = decide(&entry, &candidates, &facts, &rules, !text.is_empty(), text);
        (d.reason, d.by.map(|b| b.to_string()))
    }

    fn plain(text: &str, status: Option<&str>, reply: Option<u16>) -> (Reason, Option<String>) {
        decided(text, status, reply, Entry::default())
    }

    fn by(reason: Reason, by: &str) -> (Reason, Option<String>) {
        (reason, Some(by.to_string()))
    }

    #[test]
    fn a_provider_wording_wins_over_a_deciding_status_code() {
        assert_eq!(
            plain("550 5.1.1 account closed", Some("5.1.1"), Some(550)),
            by(Reason::Suspend, "acme.closed")
        );
    }

    #[test]
    fn a_deciding_status_code_wins_over_generic_wordings_unless_it_yields() {
        assert_eq!(
            plain("550 5.1.1 looks like spam", Some("5.1.1"), Some(550)),
            by(Reason::UserUnknown, "status-code:X.1.1")
        );
        assert_eq!(
            plain("550 5.1.1 blocked using a list", Some("5.1.1"), Some(550)),
            by(Reason::Blocked, "blocked.listed")
        );
    }

    #[test]
    fn generic_failure_words_give_way_to_the_status_table() {
        assert_eq!(
            plain("could not be delivered: 5.7.1", Some("5.7.1"), None),
            by(Reason::PolicyViolation, "status-code:5.7.1")
        );
        assert_eq!(
            plain("could not be delivered", None, None),
            by(Reason::OnHold, "onhold.generic")
        );
    }

    #[test]
    fn a_local_delivery_program_is_a_mailer_error_unless_it_hit_a_quota() {
        let unix = || Entry {
            diagnostic_type: Some("x-unix".into()),
            ..Entry::default()
        };
        assert_eq!(
            decided("procmail: looks like spam", None, None, unix()),
            by(Reason::MailerError, "dsn:x-unix")
        );
        assert_eq!(
            decided("maildrop: over quota", None, None, unix()),
            by(Reason::MailboxFull, "mailboxfull.quota")
        );
    }

    #[test]
    fn without_wording_the_code_tables_decide() {
        assert_eq!(
            plain("2.0.0 ok", Some("2.0.0"), None),
            by(Reason::Delivered, "status-class:2")
        );
        assert_eq!(
            plain("552 no room", None, Some(552)),
            by(Reason::MailboxFull, "reply-code:552")
        );
        assert_eq!(
            plain("something odd", None, Some(550)),
            (Reason::OnHold, None)
        );
        assert_eq!(plain("", None, None), (Reason::Undefined, None));
    }

    #[test]
    fn a_delivered_action_is_a_delivery_whatever_the_words() {
        let delivered = Entry {
            action: Some("Relayed".into()),
            ..Entry::default()
        };
        assert_eq!(
            decided("over quota", None, None, delivered),
            by(Reason::Delivered, "mailboxfull.quota")
        );
    }

    #[test]
    fn the_phrase_is_found_in_the_input() {
        let rules = rules();
        let text = "Remote said: 552 over quota";
        let pieces = [Piece::new(text, Some(0))];
        let candidates: Vec<&Piece> = pieces.iter().collect();
        let d = decide(
            &Entry::default(),
            &candidates,
            &Facts::default(),
            &rules,
            true,
            text,
        );
        let (s, t) = d.phrase.expect("phrase span");
        assert_eq!(&text[s..t], "over quota");
        assert!(d.signal);
    }
}
