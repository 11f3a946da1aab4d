//! Who the report is about: one entry per recipient, with what its report says (address, action, codes, the
//! server's words, the texts to match) before the reason is decided.

use super::lines;
use super::piece::Piece;
use crate::code::{self, ReplyCode, StatusCode};
use crate::dsn;
use crate::extract::{self, span_of};
use crate::message::{Document, Shape};
use crate::ses;

/// A byte range of the input.
type Span = (usize, usize);

/// What one recipient's report says before the reason is decided.
#[derive(Default)]
pub(super) struct Entry {
    pub recipient: Option<String>,
    pub recipient_span: Option<Span>,
    pub action: Option<String>,
    pub status: Option<(StatusCode, Option<Span>)>,
    /// The status came from a DSN `Status:` field, not from the server's words.
    pub status_from_report: bool,
    pub reply: Option<(ReplyCode, Option<Span>)>,
    pub diagnostic: Option<String>,
    pub diagnostic_span: Option<Span>,
    pub diagnostic_type: Option<String>,
    /// The line around the reply or status code when they were read in decoded text (quoted-printable, base64,
    /// another charset), whose words the input does not hold as they read.
    pub code_line: Option<String>,
    pub remote_mta: Option<String>,
    /// The DSN's `Reporting-MTA`: the server that wrote the report.
    pub reporting_mta: Option<String>,
    pub feedback_type: Option<String>,
    /// Texts to match, most specific first.
    pub pieces: Vec<Piece>,
}

/// One entry per recipient of the delivery status reports (RFC 3464), each recipient once.
pub(super) fn from_reports(reports: &[(dsn::Report, Option<usize>)], text: &str) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for (report, origin) in reports {
        for g in &report.recipients {
            // A `Final-Recipient` some servers write as a source route to their own store
            // (`@store.example.net:bob@local_daemon`) names no mailbox; the original address then does.
            let fields = [
                "final-recipient",
                "original-recipient",
                "x-actual-recipient",
            ]
            .into_iter()
            .filter_map(|name| g.get(name));
            let routed = |f: &dsn::Field| {
                let a = dsn::address(&f.value);
                a.starts_with('@') || a.split_once('@').is_some_and(|(l, _)| l.contains(':'))
            };
            let rcpt_field = fields
                .clone()
                .find(|f| dsn::address(&f.value).contains('@') && !routed(f))
                .or_else(|| fields.clone().next());
            let recipient = rcpt_field
                .map(|f| dsn::address(&f.value).to_string())
                .filter(|a| a.contains('@'));
            // The same recipient reported twice (a DSN inside a forwarded DSN) counts once.
            if let Some(r) = &recipient
                && out.iter().any(|e| {
                    e.recipient
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(r))
                })
            {
                continue;
            }
            let span = |f: &dsn::Field| origin.map(|o| (o + f.start, o + f.end));
            let recipient_span = rcpt_field.and_then(|f| {
                let addr = recipient.as_deref()?;
                let at = text.get(span(f)?.0..span(f)?.1)?.find(addr)?;
                Some((span(f)?.0 + at, span(f)?.0 + at + addr.len()))
            });
            let mut e = Entry {
                recipient,
                recipient_span,
                action: g.value("action").map(|a| {
                    a.split_whitespace()
                        .next()
                        .unwrap_or(a)
                        .to_ascii_lowercase()
                }),
                remote_mta: g.value("remote-mta").map(|v| dsn::address(v).to_string()),
                reporting_mta: report
                    .message
                    .value("reporting-mta")
                    .map(|v| dsn::address(v).to_string()),
                ..Entry::default()
            };
            if let Some(st) = g.get("status")
                && let Some(found) = code::find_status(&st.value)
            {
                e.status_from_report = true;
                e.status = Some((
                    found.code,
                    span(st)
                        .map(|(s, _)| (s + found.start, s + found.end))
                        .filter(|_| st.value.len() == st.end - st.start),
                ));
            }
            if let Some(dc) = g.get("diagnostic-code") {
                let (diag, lead) = dsn::diagnostic(&dc.value);
                if !diag.is_empty() {
                    e.diagnostic = Some(diag.to_string());
                    e.diagnostic_type = dsn::diagnostic_type(&dc.value);
                    e.diagnostic_span = span(dc).map(|(s, t)| (s + lead.min(t - s), t));
                    // Folded values differ from the raw text; keep the mapping only for the first line.
                    let origin = span(dc).map(|(s, _)| s + lead).filter(|_| {
                        !dc.value.contains("  ") && dc.value.len() == dc.end - dc.start
                    });
                    e.pieces.push(Piece::new(diag, origin));
                }
            }
            // Some MTAs explain the status in a comment: `Status: 4.0.0 (host name lookup failure)`.
            if let Some(st) = g.get("status")
                && let Some(comment) = st
                    .value
                    .split_once('(')
                    .map(|(_, c)| c.trim_end_matches(')').trim())
                && !comment.is_empty()
            {
                e.pieces.push(Piece::new(comment, None));
            }
            out.push(e);
        }
    }
    out
}

/// One entry per bounced recipient of an Amazon SES notification.
pub(super) fn from_ses(n: &ses::Notification, text: &str) -> Vec<Entry> {
    n.recipients
        .iter()
        .map(|r| {
            let mut e = Entry {
                recipient: Some(r.address.clone()),
                recipient_span: span_of(text, &r.address),
                action: r.action.clone(),
                ..Entry::default()
            };
            if let Some(st) = r.status.as_deref().and_then(StatusCode::parse) {
                e.status = Some((st, None));
            }
            if let Some(d) = &r.diagnostic {
                let (diag, _) = dsn::diagnostic(d);
                e.diagnostic = Some(diag.to_string());
                e.diagnostic_type = dsn::diagnostic_type(d);
                e.diagnostic_span = span_of(text, diag);
                e.pieces.push(Piece::new(diag, None));
            }
            // The bounce subtype is SES's own verdict ("Suppressed", "MailboxFull", "NoEmail").
            if let Some(sub) = &n.bounce_subtype {
                e.pieces.push(Piece::new(sub, None));
            }
            e
        })
        .collect()
}

/// The recipients a report without delivery status fields names: the addresses of its human-readable text,
/// else the one `X-Failed-Recipients` or the returned message's `To` names (an entry without an address when
/// nothing does, so the failure is still reported).
pub(super) fn from_text(doc: &Document, senders: &[String], text: &str) -> Vec<Entry> {
    let human: Vec<Entry> = human_recipients(doc, senders)
        .into_iter()
        .map(|(addr, span)| Entry {
            recipient: Some(addr),
            recipient_span: span,
            ..Entry::default()
        })
        .collect();
    if !human.is_empty() {
        return human;
    }
    let recipient = doc
        .header("x-failed-recipients")
        .map(|v| v.split(',').next().unwrap_or(v).trim().to_string())
        .or_else(|| doc.original_header("to").and_then(extract::first_address));
    let recipient_span = recipient.as_deref().and_then(|r| span_of(text, r));
    vec![Entry {
        recipient,
        recipient_span,
        ..Entry::default()
    }]
}

/// Addresses of the person who sent the bounced message: never the failed recipient.
pub(super) fn sender_addresses(
    doc: &Document,
    reports: &[(dsn::Report, Option<usize>)],
) -> Vec<String> {
    let mut out = Vec::new();
    if doc.shape == Shape::Raw {
        for h in ["to", "delivered-to", "x-original-to"] {
            if let Some(v) = doc.header(h) {
                out.extend(extract::addresses(v).into_iter().map(|a| a.0));
            }
        }
    }
    for h in ["from", "return-path", "sender", "reply-to"] {
        if let Some(v) = doc.original_header(h) {
            out.extend(extract::addresses(v).into_iter().map(|a| a.0));
        }
    }
    for (r, _) in reports {
        for f in ["x-postfix-sender", "original-mail-from"] {
            if let Some(v) = r.message.value(f) {
                out.extend(extract::addresses(v).into_iter().map(|a| a.0));
            }
        }
    }
    out
}

fn human_recipients(doc: &Document, senders: &[String]) -> Vec<(String, Option<Span>)> {
    let mut out: Vec<(String, Option<Span>)> = Vec::new();
    for seg in &doc.bodies {
        let found = extract::recipients(&seg.text, senders);
        for addr in extract::distinct(&found) {
            if out.iter().any(|(a, _)| a.eq_ignore_ascii_case(&addr)) {
                continue;
            }
            let span = found
                .iter()
                .find(|f| f.address == addr)
                .and_then(|f| seg.origin.map(|o| (o + f.start, o + f.end)));
            out.push((addr, span));
        }
    }
    out
}

/// Each recipient's own paragraphs of the human text, after its DSN diagnostic.
pub(super) fn add_paragraphs(entries: &mut [Entry], doc: &Document, senders: &[String]) {
    for e in entries {
        if let Some(addr) = e.recipient.clone() {
            for seg in &doc.bodies {
                let found = extract::recipients(&seg.text, senders);
                for (s, t) in extract::paragraphs(&seg.text, &found, &addr) {
                    e.pieces
                        .push(Piece::new(&seg.text[s..t], seg.origin.map(|o| o + s)));
                }
            }
        }
    }
}

/// The codes: the DSN's own, else the recipient's texts', else (`single` recipient only) anywhere in the
/// shared `body`.
pub(super) fn fill_codes(e: &mut Entry, body: &[Piece], single: bool, input: &str) {
    let pieces = std::mem::take(&mut e.pieces);
    for p in &pieces {
        fill_codes_from(e, p, input);
    }
    e.pieces = pieces;
    if single && (e.status.is_none() || e.reply.is_none()) {
        for p in body {
            fill_codes_from(e, p, input);
        }
    }
}

fn fill_codes_from(e: &mut Entry, p: &Piece, input: &str) {
    if e.reply.is_none()
        && let Some(f) = code::find_reply(&p.source)
    {
        e.reply = Some((f.code, p.input_span(f.start, f.end, input)));
        e.code_line = e
            .code_line
            .take()
            .or_else(|| lines::decoded_line(p, f.start, f.end, input));
    }
    let found = code::find_status(&p.source);
    match (e.status, found) {
        (None, Some(f)) => {
            e.status = Some((f.code, p.input_span(f.start, f.end, input)));
            e.code_line = e
                .code_line
                .take()
                .or_else(|| lines::decoded_line(p, f.start, f.end, input));
        }
        // The reporting MTA's Status field gives way to the code in the remote server's own words, which is
        // what the refusal actually said (a generic 5.0.0, or a 4.4.7 written when retries ran out).
        (Some((st, _)), Some(f))
            if e.status_from_report
                && f.code != st
                && (f.code.subject, f.code.detail) != (0, 0)
                && (f.code.class == st.class || st.class == 4) =>
        {
            e.status_from_report = false;
            e.status = Some((f.code, p.input_span(f.start, f.end, input)));
        }
        _ => {}
    }
}

/// The SMTP command that was refused: as the recipient's texts (or, for a `single` recipient, the shared
/// body) say, else `RCPT` when the server's reply names the recipient.
pub(super) fn command(e: &Entry, body: &[Piece], single: bool) -> Option<&'static str> {
    let shared = if single { body } else { &[] };
    e.pieces
        .iter()
        .chain(shared)
        .find_map(|p| extract::command(&p.normalized.text))
        .or_else(|| names_recipient(e).then_some("RCPT"))
}

/// Whether the server's reply names the recipient as `<address>:` — the form of a refusal at RCPT TO
/// (`550 <bob@example.com>: Recipient address rejected: ...`), which is about that address.
fn names_recipient(e: &Entry) -> bool {
    let (Some(rcpt), Some(diag)) = (&e.recipient, &e.diagnostic) else {
        return false;
    };
    let lower = diag.to_ascii_lowercase();
    lower.contains(&format!("<{}>:", rcpt.to_ascii_lowercase()))
}

/// The host names a recipient's report names, for provider rules scoped to their hosts: the remote and reporting
/// MTAs, the recipient's domain, the bounce's own system address (`reporter`), and hosts the texts name
/// (`host mx... said`): its own paragraphs' and the shared body's (`body_hosts`).
pub(super) fn hosts_named<'a>(
    e: &'a Entry,
    body_hosts: &[&'a str],
    reporter: Option<&'a str>,
) -> Vec<&'a str> {
    let mut out: Vec<&str> = [
        e.remote_mta.as_deref(),
        e.reporting_mta.as_deref(),
        reporter,
    ]
    .into_iter()
    .flatten()
    .chain(
        e.recipient
            .as_deref()
            .and_then(|r| r.rsplit_once('@'))
            .map(|(_, d)| d),
    )
    .collect();
    for p in &e.pieces {
        out.extend(extract::hosts(&p.normalized.text));
    }
    out.extend(body_hosts);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message;

    fn reports(text: &str) -> Vec<(dsn::Report, Option<usize>)> {
        let doc = message::read(text.as_bytes(), text);
        doc.reports
            .iter()
            .map(|s| (dsn::parse(&s.text), s.origin))
            .collect()
    }

    const DSN: &str = "Reporting-MTA: dns; mx.example.org\n\n\
Final-Recipient: rfc822; ann@example.net\n\
Action: failed\n\
Status: 5.0.0\n\
Remote-MTA: dns; mx.example.net\n\
Diagnostic-Code: smtp; 550 5.1.1 <ann@example.net>: user unknown\n\n\
Final-Recipient: rfc822; ANN@example.net\n\
Action: failed\n\
Status: 5.0.0\n";

    #[test]
    fn a_delivery_status_report_gives_one_entry_per_recipient_once() {
        let got = from_reports(&reports(DSN), DSN);
        assert_eq!(got.len(), 1, "the same address twice counts once");
        let e = &got[0];
        assert_eq!(e.recipient.as_deref(), Some("ann@example.net"));
        let (s, t) = e.recipient_span.expect("recipient span");
        assert_eq!(&DSN[s..t], "ann@example.net");
        assert_eq!(e.action.as_deref(), Some("failed"));
        assert_eq!(e.remote_mta.as_deref(), Some("mx.example.net"));
        assert_eq!(e.reporting_mta.as_deref(), Some("mx.example.org"));
        assert_eq!(
            e.diagnostic.as_deref(),
            Some("550 5.1.1 <ann@example.net>: user unknown")
        );
        assert_eq!(e.status.map(|s| s.0.to_string()).as_deref(), Some("5.0.0"));
        assert!(e.status_from_report);
    }

    #[test]
    fn the_servers_own_code_wins_over_a_generic_status_field() {
        let mut e = from_reports(&reports(DSN), DSN).remove(0);
        fill_codes(&mut e, &[], true, DSN);
        let (status, at) = e.status.expect("status");
        assert_eq!(status.to_string(), "5.1.1");
        let (s, t) = at.expect("status span");
        assert_eq!(&DSN[s..t], "5.1.1");
        assert_eq!(e.reply.map(|r| r.0), Some(ReplyCode(550)));
        assert_eq!(
            command(&e, &[], true),
            Some("RCPT"),
            "the reply names the recipient"
        );
    }

    #[test]
    fn one_recipient_takes_codes_from_the_shared_body() {
        let text = "Delivery failed.\n\n452 4.2.2 mailbox over quota\n";
        let body = [Piece::new(text, Some(0))];
        let mut e = Entry {
            recipient: Some("bob@example.com".into()),
            ..Entry::default()
        };
        fill_codes(&mut e, &body, false, text);
        assert_eq!(e.reply, None, "not when several recipients share the body");
        fill_codes(&mut e, &body, true, text);
        assert_eq!(e.reply.map(|r| r.0), Some(ReplyCode(452)));
        assert_eq!(e.status.map(|s| s.0.to_string()).as_deref(), Some("4.2.2"));
    }

    #[test]
    fn pasted_text_names_its_recipients_or_the_failed_recipients_header() {
        let pasted = "Your message to carol@example.com could not be delivered.\n";
        let doc = message::read(pasted.as_bytes(), pasted);
        let got = from_text(&doc, &[], pasted);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].recipient.as_deref(), Some("carol@example.com"));

        let raw = "From: MAILER-DAEMON@example.org\nTo: me@example.org\nSubject: failure\n\
X-Failed-Recipients: dan@example.net, eve@example.net\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n\
The message could not be delivered.\n";
        let doc = message::read(raw.as_bytes(), raw);
        let senders = sender_addresses(&doc, &[]);
        assert!(senders.contains(&"me@example.org".to_string()));
        let got = from_text(&doc, &senders, raw);
        assert_eq!(got[0].recipient.as_deref(), Some("dan@example.net"));
    }

    #[test]
    fn hosts_named_include_the_mtas_and_the_recipients_domain() {
        let e = Entry {
            recipient: Some("bob@mail.example.com".into()),
            remote_mta: Some("mx1.example.com".into()),
            ..Entry::default()
        };
        let hosts = hosts_named(&e, &["relay.example.org"], Some("example.net"));
        for h in [
            "mx1.example.com",
            "example.net",
            "mail.example.com",
            "relay.example.org",
        ] {
            assert!(hosts.contains(&h), "{h} in {hosts:?}");
        }
    }
}
