//! The pipeline, one stage per file:
//!
//! 1. [`kinds`]: reports that are not delivery failures (complaints, unsubscribe requests, auto-replies, SES
//!    complaint and delivery notifications) are answered at once.
//! 2. [`entries`]: one entry per recipient, from the delivery status report, an SES notification or the human
//!    text, with the codes, the server's words and the texts ([`piece`]s) to match.
//! 3. [`decide`]: the precedence ladder — provider wordings, deciding codes, generic wordings, the code tables.
//! 4. [`lines`]: the line to show as what the server said, when the report quotes none.
//! 5. [`finish`]: the [`Bounce`](crate::Bounce) with its status, permanence, actor, article and evidence; then
//!    [`kinds::conclude`] says whether the input was a bounce at all.

mod decide;
mod entries;
mod finish;
mod kinds;
mod lines;
mod piece;

use crate::diagnosis::{Diagnosis, Kind};
use crate::dsn;
use crate::extract;
use crate::message;
use crate::reason::Reason;
use crate::rules::{Facts, RuleSet};
use crate::ses;
use piece::Piece;
use std::borrow::Cow;

/// Inputs longer than this are cut: no bounce is that long, and it keeps the work bounded.
pub const MAX_INPUT: usize = 16 * 1024 * 1024;

/// Classifies a bounce. Never fails and never panics: unreadable input gives `onhold` or `undefined`.
///
/// An mbox file with several messages gives the bounces of each, in order.
pub fn classify(input: &[u8], rules: &RuleSet) -> Diagnosis {
    let input = &input[..input.len().min(MAX_INPUT)];
    let starts = message::mbox_messages(input);
    if starts.len() < 2 {
        return classify_one(input, rules);
    }
    let mut kinds = Vec::new();
    let mut bounces = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(input.len());
        let d = classify_one(&input[start..end], rules);
        kinds.push(d.kind);
        for mut b in d.bounces {
            for e in &mut b.evidence {
                e.start += start;
                e.end += start;
            }
            bounces.push(b);
        }
    }
    // A failure anywhere makes the file a bounce; otherwise the first message that was something says what.
    let kind = if kinds.contains(&Kind::Bounce) {
        Kind::Bounce
    } else {
        kinds
            .iter()
            .copied()
            .find(|k| !matches!(k, Kind::NotABounce | Kind::Empty))
            .unwrap_or(kinds[0])
    };
    if matches!(kind, Kind::NotABounce) {
        bounces.clear();
    }
    Diagnosis { kind, bounces }
}

fn classify_one(input: &[u8], rules: &RuleSet) -> Diagnosis {
    let text = lossless_text(input);
    if text.trim().is_empty() {
        return Diagnosis {
            kind: Kind::Empty,
            bounces: vec![finish::for_reason(Reason::Undefined, rules)],
        };
    }
    let doc = message::read(input, &text);
    let reports: Vec<(dsn::Report, Option<usize>)> = doc
        .reports
        .iter()
        .map(|s| (dsn::parse(&s.text), s.origin))
        .collect();
    if let Some(d) = kinds::not_a_failure(&doc, &reports, &text, rules) {
        return d;
    }

    let senders = entries::sender_addresses(&doc, &reports);
    let body: Vec<Piece> = doc
        .bodies
        .iter()
        .map(|s| Piece::new(&s.text, s.origin))
        .collect();
    let mut entries = entries::from_reports(&reports, &text);
    if entries.is_empty()
        && let Some(n) = doc.bodies.iter().find_map(|s| ses::parse(&s.text))
    {
        match n.event {
            ses::Event::Bounce => entries = entries::from_ses(&n, &text),
            ses::Event::Complaint | ses::Event::Delivery => {
                return kinds::ses_report(&n, &text, rules);
            }
        }
    }
    let has_dsn = !entries.is_empty();
    if entries.is_empty() {
        entries = entries::from_text(&doc, &senders, &text);
    }
    entries::add_paragraphs(&mut entries, &doc, &senders);

    // The system that wrote the bounce, when its own From address says so (`MAILER-DAEMON@mx.example.net`).
    let reporter = doc
        .header("from")
        .and_then(extract::first_address)
        .filter(|a| extract::is_system_address(a))
        .and_then(|a| a.split_once('@').map(|(_, d)| d.to_ascii_lowercase()));
    // Hosts the shared body names, read once for every recipient.
    let body_hosts: Vec<&str> = body
        .iter()
        .flat_map(|p| extract::hosts(&p.normalized.text))
        .collect();
    let body_has_text = body.iter().any(|p| !p.normalized.text.is_empty());
    let single = entries.len() == 1;
    let mut bounces = Vec::new();
    let mut failure_said = has_dsn;
    for mut e in entries {
        entries::fill_codes(&mut e, &body, single, &text);
        let command = entries::command(&e, &body, single);
        let providers =
            rules.providers_of(&entries::hosts_named(&e, &body_hosts, reporter.as_deref()));
        let facts = Facts {
            reply: e.reply.map(|r| r.0),
            status: e.status.map(|s| s.0),
            command,
            providers: &providers,
        };
        // The recipient's own texts, then the shared body's; the entry keeps its other fields.
        let own = std::mem::take(&mut e.pieces);
        let candidates: Vec<&Piece> = own.iter().chain(&body).collect();
        let has_text = body_has_text || !own.is_empty();
        let d = decide::decide(&e, &candidates, &facts, rules, has_text, &text);
        failure_said |= d.signal;
        if e.diagnostic.is_none() {
            let code_at = e.reply.and_then(|r| r.1).or(e.status.and_then(|s| s.1));
            let generic = d.rule.is_some_and(|r| r.reason == Reason::OnHold);
            let phrase = d.hit.zip(d.phrase);
            e.diagnostic = lines::server_said(phrase, generic, e.code_line.take(), code_at, &text);
        }
        bounces.push(finish::bounce(e, &d, command, rules));
    }
    kinds::conclude(&doc, &text, failure_said, bounces)
}

/// The input as text with the same byte offsets: invalid UTF-8 bytes become `?` one for one.
fn lossless_text(input: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(input) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            let mut out = String::with_capacity(input.len());
            let mut rest = input;
            loop {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let (good, bad) = rest.split_at(e.valid_up_to());
                        out.push_str(std::str::from_utf8(good).unwrap_or_default());
                        let skip = e.error_len().unwrap_or(bad.len()).max(1);
                        out.extend(std::iter::repeat_n('?', skip));
                        rest = &bad[skip..];
                    }
                }
            }
            Cow::Owned(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_keeps_every_offset() {
        let input = b"550 \xff\xfe user unknown \xe2\x82";
        let text = lossless_text(input);
        assert_eq!(text.len(), input.len());
        assert_eq!(text, "550 ?? user unknown ??");
        assert!(matches!(lossless_text(b"plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn an_mbox_gives_every_messages_bounces_with_offsets_into_the_whole_file() {
        let first = "From MAILER-DAEMON Mon Jan  1 00:00:00 2024\nFrom: MAILER-DAEMON@example.org\n\
Subject: failure\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n550 5.1.1 <ann@example.net>: user unknown\n\n";
        let second = "From MAILER-DAEMON Mon Jan  1 00:00:01 2024\nFrom: MAILER-DAEMON@example.org\n\
Subject: failure\nDate: Mon, 1 Jan 2024 00:00:01 +0000\n\n552 5.2.2 <bob@example.net>: mailbox full\n";
        let mbox = format!("{first}{second}");
        let d = classify(mbox.as_bytes(), RuleSet::bundled());
        assert_eq!(d.kind, Kind::Bounce);
        let got: Vec<_> = d.bounces.iter().map(|b| b.recipient.as_deref()).collect();
        assert_eq!(got, [Some("ann@example.net"), Some("bob@example.net")]);
        let bob = d.bounces[1]
            .evidence
            .iter()
            .find(|e| e.kind == crate::EvidenceKind::Recipient)
            .expect("recipient evidence");
        assert_eq!(&mbox[bob.start..bob.end], "bob@example.net");
    }

    #[test]
    fn empty_input_is_undefined() {
        let d = classify(b" \n\t", RuleSet::bundled());
        assert_eq!(d.kind, Kind::Empty);
        assert_eq!(d.bounces[0].reason, Reason::Undefined);
    }
}
