//! Reports that are not delivery failures — complaints (ARF and Microsoft's JMRP), unsubscribe requests,
//! automatic replies, Amazon SES complaint and delivery notifications — and, once the recipients are decided,
//! whether the input was a bounce at all.

use super::finish;
use crate::code;
use crate::diagnosis::{Bounce, Diagnosis, Evidence, EvidenceKind, Kind};
use crate::dsn;
use crate::extract::{self, first_address, span_of};
use crate::message::{Document, Shape};
use crate::normalize::Normalized;
use crate::reason::Reason;
use crate::rules::{Facts, RuleSet};
use crate::ses;

/// The answer when the input is a complaint, an unsubscribe request or an automatic reply; `None` when it may be
/// a delivery failure.
pub(super) fn not_a_failure(
    doc: &Document,
    reports: &[(dsn::Report, Option<usize>)],
    text: &str,
    rules: &RuleSet,
) -> Option<Diagnosis> {
    feedback(doc, reports, text, rules)
        .or_else(|| unsubscribe(doc, text, rules))
        .or_else(|| auto_reply(doc, reports, text, rules))
}

/// What the input is, given its decided `bounces`: ordinary mail when nothing says it bounced (`failure_said`:
/// a delivery status report, a failure wording or a deciding code), no bounce has a code, and — for a raw
/// message — no header says a mail system wrote it.
pub(super) fn conclude(
    doc: &Document,
    text: &str,
    failure_said: bool,
    bounces: Vec<Bounce>,
) -> Diagnosis {
    let signals = failure_said
        || bounces.iter().any(|b| b.status.is_some() || b.reply_code.is_some())
        || (doc.shape == Shape::Raw && looks_like_bounce(doc))
        // Someone pasted this because it bounced: unless there is not even an address, say what we can.
        || (doc.shape == Shape::Pasted && !extract::addresses(text).is_empty());
    if !signals {
        return Diagnosis {
            kind: Kind::NotABounce,
            bounces: Vec::new(),
        };
    }
    let kind = if bounces.iter().all(|b| b.reason == Reason::Delivered) {
        Kind::Delivered
    } else {
        Kind::Bounce
    };
    Diagnosis { kind, bounces }
}

/// Whether the headers say this is a report from a mail system.
fn looks_like_bounce(doc: &Document) -> bool {
    let from = doc.header("from").unwrap_or("").to_ascii_lowercase();
    doc.content_type.as_deref() == Some("multipart/report")
        || doc.header("x-failed-recipients").is_some()
        || from.contains("mailer-daemon")
        || from.contains("postmaster")
        || from.contains("mail delivery")
}

fn recipient_evidence(b: &mut Bounce, span: Option<(usize, usize)>) {
    if let Some((start, end)) = span {
        b.evidence.push(Evidence {
            start,
            end,
            kind: EvidenceKind::Recipient,
        });
    }
}

/// Complaint reports (RFC 5965): one entry per reported recipient.
fn feedback(
    doc: &Document,
    reports: &[(dsn::Report, Option<usize>)],
    text: &str,
    rules: &RuleSet,
) -> Option<Diagnosis> {
    let Some((report, origin)) = reports
        .iter()
        .find(|(r, _)| r.message.get("feedback-type").is_some())
    else {
        return jmrp(doc, text, rules);
    };
    if doc
        .report_type
        .as_deref()
        .is_some_and(|t| t != "feedback-report")
    {
        return None;
    }
    let ftype = report
        .message
        .value("feedback-type")
        .map(str::to_ascii_lowercase);
    let mut recipients: Vec<(String, Option<(usize, usize)>)> = report
        .message
        .fields
        .iter()
        .filter(|f| f.name == "original-rcpt-to" || f.name == "removal-recipient")
        .map(|f| {
            (
                dsn::address(&f.value).to_string(),
                origin.map(|o| (o + f.start, o + f.end)),
            )
        })
        .collect();
    if recipients.is_empty()
        && let Some(to) = doc.original_header("to").and_then(first_address)
    {
        let span = span_of(text, &to);
        recipients.push((to, span));
    }
    if recipients.is_empty() {
        recipients.push((String::new(), None));
    }
    let bounces = recipients
        .into_iter()
        .map(|(addr, span)| {
            let mut b = finish::for_reason(Reason::Feedback, rules);
            b.recipient = (!addr.is_empty()).then_some(addr);
            b.feedback_type = ftype.clone();
            recipient_evidence(&mut b, span);
            b
        })
        .collect();
    Some(Diagnosis {
        kind: Kind::Feedback,
        bounces,
    })
}

/// Microsoft's Junk Mail Reporting Program sends complaints as the original message with its own headers
/// instead of an ARF report. <https://sendersupport.olc.protection.outlook.com/pm/junkmail.aspx>
fn jmrp(doc: &Document, text: &str, rules: &RuleSet) -> Option<Diagnosis> {
    let rcpt = doc.original_header("x-hmxmroriginalrecipient")?;
    let addr = first_address(rcpt).unwrap_or_else(|| rcpt.trim().to_string());
    let mut b = finish::for_reason(Reason::Feedback, rules);
    b.feedback_type = Some("abuse".into());
    recipient_evidence(&mut b, span_of(text, &addr));
    b.recipient = Some(addr);
    Some(Diagnosis {
        kind: Kind::Feedback,
        bounces: vec![b],
    })
}

/// An unsubscribe request that a mail client sent for its user to a list's `mailto:` address (RFC 2369
/// `List-Unsubscribe: <mailto:...?subject=unsubscribe>`): the recipient opts out, a complaint of the `opt-out`
/// kind (RFC 5965 §7.3), not an automatic reply.
fn unsubscribe(doc: &Document, text: &str, rules: &RuleSet) -> Option<Diagnosis> {
    let subject = doc.header("subject")?.trim();
    let automatic = doc
        .header("auto-submitted")
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"));
    if doc.shape != Shape::Raw || !automatic || !subject.eq_ignore_ascii_case("unsubscribe") {
        return None;
    }
    let mut b = finish::for_reason(Reason::Feedback, rules);
    b.recipient = doc.header("from").and_then(first_address);
    b.feedback_type = Some("opt-out".into());
    let span = b.recipient.as_deref().and_then(|r| span_of(text, r));
    recipient_evidence(&mut b, span);
    Some(Diagnosis {
        kind: Kind::Feedback,
        bounces: vec![b],
    })
}

/// Automatic replies (RFC 3834 `Auto-Submitted: auto-replied`, and the older vacation headers).
fn auto_reply(
    doc: &Document,
    reports: &[(dsn::Report, Option<usize>)],
    text: &str,
    rules: &RuleSet,
) -> Option<Diagnosis> {
    if doc.shape != Shape::Raw || reports.iter().any(|(r, _)| !r.recipients.is_empty()) {
        return None;
    }
    let auto = doc
        .header("auto-submitted")
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("auto-replied"))
        || doc.header("x-autoreply").is_some()
        || doc.header("x-autorespond").is_some()
        || doc
            .header("precedence")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("auto_reply"));
    // Clients that set no header still mark the subject ("Automatic reply:", "Out of Office"); those wordings
    // are the vacation rules.
    let subject_says = doc.header("subject").is_some_and(|s| {
        let subject = Normalized::new(s).text;
        rules
            .first_generic_match(&subject, &rules.scan(&subject), &Facts::default())
            .is_some_and(|h| rules.rules[h.rule].reason == Reason::Vacation)
    });
    let from = doc.header("from").unwrap_or("").to_ascii_lowercase();
    if !(auto || subject_says) || from.contains("mailer-daemon") || from.contains("postmaster") {
        return None;
    }
    let mut b = finish::for_reason(Reason::Vacation, rules);
    b.recipient = doc.header("from").and_then(first_address);
    let span = b.recipient.as_deref().and_then(|r| span_of(text, r));
    recipient_evidence(&mut b, span);
    b.diagnostic = doc.header("subject").map(str::to_string);
    Some(Diagnosis {
        kind: Kind::AutoReply,
        bounces: vec![b],
    })
}

/// An Amazon SES complaint or delivery notification: one entry per recipient, none of them a failure.
pub(super) fn ses_report(n: &ses::Notification, text: &str, rules: &RuleSet) -> Diagnosis {
    let (kind, reason) = match n.event {
        ses::Event::Complaint => (Kind::Feedback, Reason::Feedback),
        _ => (Kind::Delivered, Reason::Delivered),
    };
    let bounces = n
        .recipients
        .iter()
        .map(|r| {
            let mut b = finish::for_reason(reason, rules);
            b.recipient = Some(r.address.clone());
            b.feedback_type = r.feedback_type.clone();
            if let Some(d) = &r.diagnostic {
                b.reply_code = code::find_reply(d).map(|f| f.code);
                b.status = code::find_status(d).map(|f| f.code);
                b.diagnostic = Some(d.clone());
                b.action = Some("delivered".into());
            }
            recipient_evidence(&mut b, span_of(text, &r.address));
            b
        })
        .collect();
    Diagnosis { kind, bounces }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    /// Each bounce's recipient and feedback type.
    type Recipients = Vec<(Option<String>, Option<String>)>;

    fn kind_of(raw: &str) -> Option<(Kind, Recipients)> {
        let rules = RuleSet::bundled();
        let doc = message::read(raw.as_bytes(), raw);
        let reports: Vec<_> = doc
            .reports
            .iter()
            .map(|s| (dsn::parse(&s.text), s.origin))
            .collect();
        let d = not_a_failure(&doc, &reports, raw, rules)?;
        Some((
            d.kind,
            d.bounces
                .into_iter()
                .map(|b| (b.recipient, b.feedback_type))
                .collect(),
        ))
    }

    fn pair(rcpt: &str, ftype: Option<&str>) -> (Option<String>, Option<String>) {
        (Some(rcpt.to_string()), ftype.map(str::to_string))
    }

    #[test]
    fn an_arf_report_names_each_reported_recipient() {
        let raw = "From: fbl@isp.example\nTo: abuse@example.org\nSubject: complaint\n\
MIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary=\"b\"\n\n\
--b\nContent-Type: text/plain\n\nA complaint.\n\
--b\nContent-Type: message/feedback-report\n\n\
Feedback-Type: abuse\nUser-Agent: fbl/1.0\nVersion: 1\nOriginal-Rcpt-To: carol@isp.example\n\
--b--\n";
        assert_eq!(
            kind_of(raw),
            Some((
                Kind::Feedback,
                vec![pair("carol@isp.example", Some("abuse"))]
            ))
        );
    }

    #[test]
    fn an_out_of_office_reply_is_an_auto_reply() {
        let raw = "From: Dana <dana@example.net>\nTo: me@example.org\nSubject: Out of office\n\
Auto-Submitted: auto-replied\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nBack on Monday.\n";
        assert_eq!(
            kind_of(raw),
            Some((Kind::AutoReply, vec![pair("dana@example.net", None)]))
        );
    }

    #[test]
    fn an_unsubscribe_request_is_an_opt_out() {
        let raw = "From: erin@example.net\nTo: list-unsubscribe@example.org\nSubject: unsubscribe\n\
Auto-Submitted: auto-generated\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n\n";
        assert_eq!(
            kind_of(raw),
            Some((
                Kind::Feedback,
                vec![pair("erin@example.net", Some("opt-out"))]
            ))
        );
    }

    #[test]
    fn a_bounce_from_a_mailer_daemon_is_not_an_auto_reply() {
        let raw = "From: MAILER-DAEMON@example.net\nTo: me@example.org\nSubject: Auto reply: failure\n\
Auto-Submitted: auto-replied\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n550 5.1.1 user unknown\n";
        assert_eq!(kind_of(raw), None);
    }

    #[test]
    fn nothing_that_says_it_bounced_is_ordinary_mail() {
        let raw = "From: fran@example.net\nTo: me@example.org\nSubject: lunch\n\
Date: Mon, 1 Jan 2024 00:00:00 +0000\n\nNoon?\n";
        let doc = message::read(raw.as_bytes(), raw);
        let b = finish::for_reason(Reason::OnHold, RuleSet::bundled());
        assert_eq!(
            conclude(&doc, raw, false, vec![b.clone()]).kind,
            Kind::NotABounce
        );
        assert_eq!(conclude(&doc, raw, true, vec![b]).kind, Kind::Bounce);
        let delivered = finish::for_reason(Reason::Delivered, RuleSet::bundled());
        assert_eq!(
            conclude(&doc, raw, true, vec![delivered]).kind,
            Kind::Delivered
        );
    }
}
