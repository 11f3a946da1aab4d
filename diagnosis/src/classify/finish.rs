//! From a decided entry to the [`Bounce`] the answer lists: the status to report, permanence, the action, who
//! must act, the article and tree, and the evidence in order.

use super::decide::Decision;
use super::entries::Entry;
use crate::code::StatusCode;
use crate::diagnosis::{Bounce, Evidence, EvidenceKind};
use crate::reason::{Actor, Reason};
use crate::rules::RuleSet;

/// The bounce for one decided recipient.
pub(super) fn bounce(e: Entry, d: &Decision<'_>, command: Option<&str>, rules: &RuleSet) -> Bounce {
    let reason = d.reason;
    let status = e
        .status
        .map(|s| s.0)
        .or_else(|| default_status(reason, &e, rules));
    let permanent = status
        .map(|s| s.class == 5)
        .or(e.reply.map(|r| r.0.class() == 5))
        .or(match e.action.as_deref() {
            Some("failed") => Some(true),
            Some("delayed") => Some(false),
            _ => None,
        })
        .filter(|_| reason.is_failure());
    let info = rules.reason_info(reason);
    let mut evidence = Vec::new();
    let mut push = |span: Option<(usize, usize)>, kind: EvidenceKind| {
        if let Some((start, end)) = span
            && start < end
            && !evidence
                .iter()
                .any(|x: &Evidence| x.start == start && x.end == end)
        {
            evidence.push(Evidence { start, end, kind });
        }
    };
    push(e.recipient_span, EvidenceKind::Recipient);
    push(e.reply.and_then(|r| r.1), EvidenceKind::Reply);
    push(e.status.and_then(|s| s.1), EvidenceKind::Status);
    push(d.phrase, EvidenceKind::Phrase);
    if d.phrase.is_none() {
        push(e.diagnostic_span, EvidenceKind::Diagnostic);
    }
    crate::order::sort_by_key(&mut evidence, |x| (x.start, x.end));
    let action = e.action.clone().or_else(|| {
        reason.is_failure().then(|| {
            if permanent == Some(false) {
                "delayed"
            } else {
                "failed"
            }
            .to_string()
        })
    });
    let rule = d.rule;
    Bounce {
        recipient: e.recipient,
        action,
        status,
        reply_code: e.reply.map(|r| r.0),
        reason,
        // The address is bad whatever the class of the reply; only a temporary "no mail accepted" is soft.
        hard_bounce: reason.is_hard() && (reason != Reason::NotAccept || permanent != Some(false)),
        permanent,
        actor: rule
            .and_then(|r| r.actor)
            .or(info.map(|i| i.actor))
            .unwrap_or(Actor::Sender),
        diagnostic: e.diagnostic,
        remote_mta: e.remote_mta,
        command: command.map(str::to_string),
        decided_by: d.by.clone(),
        evidence,
        article: rule
            .and_then(|r| r.article.clone())
            .or_else(|| info.and_then(|i| i.article.clone())),
        tree: rule
            .and_then(|r| r.tree.clone())
            .or_else(|| info.and_then(|i| i.tree.clone())),
        feedback_type: e.feedback_type,
    }
}

/// The status to report when the text gives none: the reason's usual code from the table, in the class the
/// reply code or action implies.
fn default_status(reason: Reason, e: &Entry, rules: &RuleSet) -> Option<StatusCode> {
    let class = match (e.reply, e.action.as_deref()) {
        (Some((r, _)), _) if matches!(r.class(), 4 | 5) => r.class(),
        (_, Some("delayed")) => 4,
        (_, Some("failed")) | (None, None) => 5,
        _ => return None,
    };
    let code = rules
        .status_codes
        .iter()
        .find(|c| c.reason == Some(reason) && c.code.starts_with("X."))?;
    StatusCode::parse(&code.code.replacen('X', &class.to_string(), 1))
}

/// A bounce that has only its reason: the reason's usual actor, article and tree, nothing read from a report
/// (complaints, auto-replies, and the `undefined` answer to an empty input start from it).
pub(super) fn for_reason(reason: Reason, rules: &RuleSet) -> Bounce {
    let info = rules.reason_info(reason);
    Bounce {
        recipient: None,
        action: None,
        status: None,
        reply_code: None,
        reason,
        hard_bounce: false,
        permanent: None,
        actor: info.map_or(Actor::Sender, |i| i.actor),
        diagnostic: None,
        remote_mta: None,
        command: None,
        decided_by: None,
        evidence: Vec::new(),
        article: info.and_then(|i| i.article.clone()),
        tree: info.and_then(|i| i.tree.clone()),
        feedback_type: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::ReplyCode;
    use crate::rules::Source;

    fn rules() -> RuleSet {
        let files = [
            (
                "order.toml",
                "providers = []\nreasons = [\"mailboxfull\", \"notaccept\"]\n",
            ),
            (
                "status-codes.toml",
                "[[status]]\ncode = \"X.2.2\"\ntitle = \"t\"\nmeaning = \"m\"\nreason = \"mailboxfull\"\n",
            ),
            (
                "reasons/mailboxfull.toml",
                "reason = \"mailboxfull\"\nactor = \"recipient\"\narticle = \"@/articles/full.md\"\n\n\
                 [[rule]]\nid = \"mailboxfull.quota\"\nmatch = [\"over quota\"]\nactor = \"recipient-admin\"\n\
                 tree = \"@/trees/full.toml\"\nexamples = [\"over quota\"]\n",
            ),
            (
                "reasons/notaccept.toml",
                "reason = \"notaccept\"\nactor = \"sender\"\n\n[[rule]]\nid = \"notaccept.nullmx\"\n\
                 match = [\"null mx\"]\nexamples = [\"null mx\"]\n",
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

    fn decision(reason: Reason) -> Decision<'static> {
        Decision {
            reason,
            by: None,
            rule: None,
            hit: None,
            phrase: None,
            signal: true,
        }
    }

    #[test]
    fn the_reasons_usual_code_fills_a_missing_status_in_the_replys_class() {
        let rules = rules();
        let e = Entry {
            reply: Some((ReplyCode(452), None)),
            ..Entry::default()
        };
        let b = bounce(e, &decision(Reason::MailboxFull), None, &rules);
        assert_eq!(b.status.map(|s| s.to_string()).as_deref(), Some("4.2.2"));
        assert_eq!(b.permanent, Some(false));
        assert_eq!(b.action.as_deref(), Some("delayed"));
        assert_eq!(b.actor, Actor::Recipient, "the reason's actor");
        assert_eq!(b.article.as_deref(), Some("@/articles/full.md"));
    }

    #[test]
    fn the_deciding_rule_overrides_actor_and_tree() {
        let rules = rules();
        let mut d = decision(Reason::MailboxFull);
        d.rule = rules.rule("mailboxfull.quota");
        let b = bounce(Entry::default(), &d, Some("DATA"), &rules);
        assert_eq!(b.actor, Actor::RecipientAdmin);
        assert_eq!(b.tree.as_deref(), Some("@/trees/full.toml"));
        assert_eq!(
            b.article.as_deref(),
            Some("@/articles/full.md"),
            "the reason's article"
        );
        assert_eq!(b.command.as_deref(), Some("DATA"));
        assert_eq!(
            b.action.as_deref(),
            Some("failed"),
            "no code says temporary"
        );
    }

    #[test]
    fn a_temporary_refusal_of_all_mail_is_not_a_hard_bounce() {
        let rules = rules();
        let temporary = Entry {
            status: StatusCode::parse("4.1.10").map(|s| (s, None)),
            ..Entry::default()
        };
        assert!(!bounce(temporary, &decision(Reason::NotAccept), None, &rules).hard_bounce);
        let permanent = Entry {
            status: StatusCode::parse("5.1.10").map(|s| (s, None)),
            ..Entry::default()
        };
        assert!(bounce(permanent, &decision(Reason::NotAccept), None, &rules).hard_bounce);
        let unknown = Entry {
            reply: Some((ReplyCode(450), None)),
            ..Entry::default()
        };
        assert!(bounce(unknown, &decision(Reason::UserUnknown), None, &rules).hard_bounce);
    }

    #[test]
    fn evidence_is_in_text_order_once_and_the_phrase_replaces_the_diagnostic() {
        let rules = rules();
        let e = Entry {
            recipient_span: Some((20, 35)),
            reply: Some((ReplyCode(552), Some((0, 3)))),
            status: StatusCode::parse("5.2.2").map(|s| (s, Some((4, 9)))),
            diagnostic_span: Some((0, 40)),
            ..Entry::default()
        };
        let mut d = decision(Reason::MailboxFull);
        d.phrase = Some((4, 9));
        let b = bounce(e, &d, None, &rules);
        let got: Vec<_> = b
            .evidence
            .iter()
            .map(|x| (x.start, x.end, x.kind))
            .collect();
        assert_eq!(
            got,
            [
                (0, 3, EvidenceKind::Reply),
                (4, 9, EvidenceKind::Status),
                (20, 35, EvidenceKind::Recipient)
            ]
        );
    }

    #[test]
    fn reports_that_are_not_failures_have_no_permanence_or_action() {
        let rules = rules();
        let e = Entry {
            status: StatusCode::parse("5.2.2").map(|s| (s, None)),
            ..Entry::default()
        };
        let b = bounce(e, &decision(Reason::Vacation), None, &rules);
        assert_eq!((b.permanent, b.action), (None, None));
        assert_eq!(
            for_reason(Reason::MailboxFull, &rules).actor,
            Actor::Recipient
        );
    }
}
