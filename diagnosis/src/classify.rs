//! The pipeline: read the input, find each recipient's report, decide the reason by rules in precedence
//! order, fall back to the status code table, and point at the evidence.

use crate::code::{self, ReplyCode, StatusCode};
use crate::diagnosis::{Bounce, DecidedBy, Diagnosis, Evidence, EvidenceKind, Kind, StatusEntry};
use crate::dsn;
use crate::extract;
use crate::message::{self, Document, Shape};
use crate::normalize::Normalized;
use crate::reason::{Actor, Reason};
use crate::rules::{Facts, RuleSet, Scan};

/// Inputs longer than this are cut: no bounce is that long, and it keeps the work bounded.
pub const MAX_INPUT: usize = 16 * 1024 * 1024;

/// Rules look at most this much of one text; the words that matter in a bounce come early.
const MAX_MATCH: usize = 64 * 1024;

/// A text to match rules against, with its place in the input when it is a verbatim copy.
struct Piece {
    normalized: Normalized,
    origin: Option<usize>,
    source: String,
    /// The rules' scan of `normalized`, made on first use and shared by every recipient's decisions.
    scan: std::cell::OnceCell<Scan>,
}

impl Piece {
    fn new(source: &str, origin: Option<usize>) -> Piece {
        let mut end = source.len().min(MAX_MATCH);
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        let source = &source[..end];
        Piece {
            normalized: Normalized::new(source),
            origin,
            source: source.to_string(),
            scan: std::cell::OnceCell::new(),
        }
    }

    fn scan(&self, rules: &RuleSet) -> &Scan {
        self.scan.get_or_init(|| rules.scan(&self.normalized.text))
    }

    /// The line around a range of `source` when the input does not hold it as it reads (it was decoded from
    /// quoted-printable, base64 or another charset); `None` when the input's own line will do.
    fn decoded_line(&self, start: usize, end: usize, input: &str) -> Option<String> {
        if self.origin.is_some() {
            return None;
        }
        let src = &self.source;
        let whole_start = src.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
        let whole_end = src.get(end..)?.find('\n').map_or(src.len(), |i| end + i);
        if input.contains(&src[whole_start..whole_end]) {
            return None;
        }
        let (s, t) = line_range(src, (start, end))?;
        collapse(&src[s..t])
    }

    /// The input span of a range of `source`, or of the same words found elsewhere in the input.
    fn input_span(&self, start: usize, end: usize, input: &str) -> Option<(usize, usize)> {
        if start >= end {
            return None;
        }
        if let Some(o) = self.origin {
            return Some((o + start, o + end));
        }
        let needle = self.source.get(start..end)?;
        input.find(needle).map(|at| (at, at + needle.len()))
    }
}

/// What one recipient's report says before the reason is decided.
#[derive(Default)]
struct Entry {
    recipient: Option<String>,
    recipient_span: Option<(usize, usize)>,
    action: Option<String>,
    status: Option<(StatusCode, Option<(usize, usize)>)>,
    /// The status came from a DSN `Status:` field, not from the server's words.
    status_from_report: bool,
    reply: Option<(ReplyCode, Option<(usize, usize)>)>,
    diagnostic: Option<String>,
    diagnostic_span: Option<(usize, usize)>,
    diagnostic_type: Option<String>,
    /// The line around the reply or status code when they were read in decoded text (quoted-printable, base64,
    /// another charset), whose words the input does not hold as they read.
    code_line: Option<String>,
    remote_mta: Option<String>,
    /// The DSN's `Reporting-MTA`: the server that wrote the report.
    reporting_mta: Option<String>,
    feedback_type: Option<String>,
    /// Texts to match, most specific first.
    pieces: Vec<Piece>,
}

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
    let text = crate::lossless_text(input);
    if text.trim().is_empty() {
        return Diagnosis {
            kind: Kind::Empty,
            bounces: vec![fallback(Reason::Undefined, rules)],
        };
    }
    let doc = message::read(input, &text);
    let reports: Vec<(dsn::Report, Option<usize>)> = doc
        .reports
        .iter()
        .map(|s| (dsn::parse(&s.text), s.origin))
        .collect();

    if let Some(d) = feedback(&doc, &reports, &text, rules) {
        return d;
    }
    if let Some(d) = unsubscribe(&doc, &text, rules) {
        return d;
    }
    if let Some(d) = auto_reply(&doc, &reports, &text, rules) {
        return d;
    }

    let senders = sender_addresses(&doc, &reports);
    let body_pieces: Vec<Piece> = doc
        .bodies
        .iter()
        .map(|s| Piece::new(&s.text, s.origin))
        .collect();
    let mut entries = dsn_entries(&reports, &text);
    if entries.is_empty()
        && let Some(n) = doc.bodies.iter().find_map(|s| crate::ses::parse(&s.text))
    {
        match n.event {
            crate::ses::Event::Bounce => entries = ses_entries(&n, &text),
            crate::ses::Event::Complaint | crate::ses::Event::Delivery => {
                return ses_report(&n, &text, rules);
            }
        }
    }
    let human = human_recipients(&doc, &senders);
    let has_dsn = !entries.is_empty();
    if entries.is_empty() {
        entries = human
            .iter()
            .map(|(addr, span)| Entry {
                recipient: Some(addr.clone()),
                recipient_span: *span,
                ..Entry::default()
            })
            .collect();
    }
    if entries.is_empty() {
        let recipient = doc
            .header("x-failed-recipients")
            .map(|v| v.split(',').next().unwrap_or(v).trim().to_string())
            .or_else(|| doc.original_header("to").and_then(first_address));
        let span = recipient
            .as_deref()
            .and_then(|r| text.find(r).map(|at| (at, at + r.len())));
        entries.push(Entry {
            recipient,
            recipient_span: span,
            ..Entry::default()
        });
    }

    // Each recipient's own paragraphs of the human text come after its DSN diagnostic.
    for e in &mut entries {
        if let Some(addr) = e.recipient.clone() {
            for seg in &doc.bodies {
                let found = extract::recipients(&seg.text, &senders);
                for (s, t) in extract::paragraphs(&seg.text, &found, &addr) {
                    e.pieces
                        .push(Piece::new(&seg.text[s..t], seg.origin.map(|o| o + s)));
                }
            }
        }
    }

    // The system that wrote the bounce, when its own From address says so (`MAILER-DAEMON@mx.example.net`).
    let reporter = doc
        .header("from")
        .and_then(first_address)
        .filter(|a| extract::is_system_address(a))
        .and_then(|a| a.split_once('@').map(|(_, d)| d.to_ascii_lowercase()));
    // Hosts the shared body names, read once for every recipient.
    let body_hosts: Vec<&str> = body_pieces
        .iter()
        .flat_map(|p| extract::hosts(&p.normalized.text))
        .collect();
    let single = entries.len() == 1;
    let mut bounces = Vec::new();
    let mut any_hit = false;
    for mut e in entries {
        // Codes: the DSN's own, else the recipient's text, else (one recipient only) anywhere in the body.
        fill_codes(&mut e, &text);
        if single && (e.status.is_none() || e.reply.is_none()) {
            for p in &body_pieces {
                fill_codes_from(&mut e, p, &text);
            }
        }
        let command = e
            .pieces
            .iter()
            .chain(if single {
                body_pieces.iter()
            } else {
                [].iter()
            })
            .find_map(|p| extract::command(&p.normalized.text))
            .or_else(|| names_recipient(&e).then_some("RCPT"));
        let candidates: Vec<&Piece> = e.pieces.iter().chain(body_pieces.iter()).collect();
        let hosts = hosts_named(&e, &body_hosts, reporter.as_deref());
        let providers = rules.providers_of(&hosts);
        let facts = Facts {
            reply: e.reply.map(|r| r.0),
            status: e.status.map(|s| s.0),
            command,
            providers: &providers,
        };
        // The most specific text that says something decides; generic failure words (`onhold` rules) only
        // count when no text says more.
        let find = |decide: &dyn Fn(&str, &Scan) -> Option<crate::rules::Hit>| {
            let mut weak = None;
            for p in &candidates {
                if let Some(h) = decide(&p.normalized.text, p.scan(rules)) {
                    if rules.rules[h.rule].reason != Reason::OnHold {
                        return Some((*p, h));
                    }
                    weak.get_or_insert((*p, h));
                }
            }
            weak
        };
        // Provider wordings first, then what decides alone (a precise status code, a local delivery program's
        // report), then generic wordings.
        let decisive = facts
            .status
            .and_then(|s| rules.status_info(s))
            .filter(|i| i.decides);
        // A DSN whose diagnostic type is `x-unix` was written by a local delivery program (RFC 3464 §2.3.6).
        let local_program = e
            .diagnostic_type
            .as_deref()
            .is_some_and(|t| t.starts_with("x-unix"));
        let hit = find(&|t, scan| rules.first_provider_match(t, scan, &facts)).or_else(|| {
            let generic = find(&|t, scan| rules.first_generic_match(t, scan, &facts));
            if local_program {
                // The delivery program's own words are a mailer error ("procmail: couldn't create"), except
                // a quota it hit: that is the recipient's full mailbox, whichever program reports it.
                return generic.filter(|(_, h)| rules.rules[h.rule].reason == Reason::MailboxFull);
            }
            match decisive {
                None => generic,
                Some(info) => {
                    generic.filter(|(_, h)| info.yields_to.contains(&rules.rules[h.rule].reason))
                }
            }
        });
        any_hit |= hit.is_some() || decisive.is_some() || local_program;
        let table = |info: &crate::rules::CodeInfo| {
            Some(DecidedBy::StatusCode(StatusEntry {
                code: facts.status?,
                any_class: info.code.starts_with("X."),
            }))
        };
        let (reason, decided_by, phrase_span, rule) = match (hit, decisive) {
            // Generic failure words give way to what the status code table says.
            (Some((_, h)), _)
                if rules.rules[h.rule].reason == Reason::OnHold
                    && facts
                        .status
                        .and_then(|s| rules.status_info(s))
                        .and_then(|i| i.reason)
                        .is_some() =>
            {
                let info = facts.status.and_then(|s| rules.status_info(s));
                let reason = info.and_then(|i| i.reason).unwrap_or(Reason::OnHold);
                (reason, info.and_then(table), None, None)
            }
            (Some((p, h)), _) => {
                let rule = &rules.rules[h.rule];
                let (s, t) = p.normalized.source_range(h.start, h.end);
                (
                    rule.reason,
                    Some(DecidedBy::Rule(rule.id.clone())),
                    p.input_span(s, t, &text),
                    Some(rule),
                )
            }
            (None, _) if local_program => (
                Reason::MailerError,
                Some(DecidedBy::LocalProgram),
                None,
                None,
            ),
            (None, Some(info)) => {
                let reason = info.reason.unwrap_or(Reason::OnHold);
                (reason, table(info), None, None)
            }
            (None, None) => {
                let has_text = !body_pieces.iter().all(|p| p.normalized.text.is_empty());
                let (reason, by) = fallback_reason(&e, &facts, rules, has_text);
                (reason, by, None, None)
            }
        };
        // A DSN that reports success or a relay is not a failure, whatever its text says.
        let reason = match e.action.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("delivered" | "relayed" | "expanded")
                if rule.is_none_or(|r| r.reason.is_failure()) =>
            {
                Reason::Delivered
            }
            _ => reason,
        };
        if e.diagnostic.is_none() {
            // Generic failure words ("could not be delivered") are the mailer's preamble, not the server's
            // reply: when the text has a reply or status code, the line around it is what the server said.
            let weak = rule.is_some_and(|r| r.reason == Reason::OnHold)
                && (e.reply.is_some_and(|r| r.1.is_some())
                    || e.status.is_some_and(|s| s.1.is_some()));
            let phrase = phrase_span.filter(|_| !weak);
            // The matched words' own line, decoded when the input holds them encoded.
            let phrase_line = || {
                let (p, h) = hit?;
                let (s, t) = p.normalized.source_range(h.start, h.end);
                p.decoded_line(s, t, &text)
            };
            e.diagnostic = match phrase {
                Some(span) => phrase_line().or_else(|| line_around(&text, span)),
                None => e.code_line.take().or_else(|| {
                    let anchor = e.reply.and_then(|r| r.1).or(e.status.and_then(|s| s.1))?;
                    line_around(&text, anchor)
                }),
            };
        }
        bounces.push(finish(
            e,
            reason,
            decided_by,
            rule,
            phrase_span,
            command,
            rules,
        ));
    }

    // No report, no code, no known wording (not even a generic "could not be delivered") and, for a raw
    // message, no sign in the headers: this is ordinary mail.
    let signals = has_dsn
        || any_hit
        || bounces.iter().any(|b| b.status.is_some() || b.reply_code.is_some())
        || (doc.shape == Shape::Raw && looks_like_bounce(&doc))
        // Someone pasted this because it bounced: unless there is not even an address, say what we can.
        || (doc.shape == Shape::Pasted && !extract::addresses(&text).is_empty());
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

/// The host names a recipient's report names, for provider rules scoped to their hosts: the remote and reporting
/// MTAs, the recipient's domain, the bounce's own system address, and hosts the texts name (`host mx... said`):
/// its own paragraphs' and the shared body's (`body_hosts`).
fn hosts_named<'a>(
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

/// Whether the server's reply names the recipient as `<address>:` — the form of a refusal at RCPT TO
/// (`550 <bob@example.com>: Recipient address rejected: ...`), which is about that address.
fn names_recipient(e: &Entry) -> bool {
    let (Some(rcpt), Some(diag)) = (&e.recipient, &e.diagnostic) else {
        return false;
    };
    let lower = diag.to_ascii_lowercase();
    lower.contains(&format!("<{}>:", rcpt.to_ascii_lowercase()))
}

fn first_address(v: &str) -> Option<String> {
    extract::addresses(v).into_iter().next().map(|a| a.0)
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

/// Addresses of the person who sent the bounced message: never the failed recipient.
fn sender_addresses(doc: &Document, reports: &[(dsn::Report, Option<usize>)]) -> Vec<String> {
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

fn human_recipients(doc: &Document, senders: &[String]) -> Vec<(String, Option<(usize, usize)>)> {
    let mut out: Vec<(String, Option<(usize, usize)>)> = Vec::new();
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

fn dsn_entries(reports: &[(dsn::Report, Option<usize>)], text: &str) -> Vec<Entry> {
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

fn fill_codes(e: &mut Entry, input: &str) {
    let pieces = std::mem::take(&mut e.pieces);
    for p in &pieces {
        fill_codes_from(e, p, input);
    }
    e.pieces = pieces;
}

fn fill_codes_from(e: &mut Entry, p: &Piece, input: &str) {
    if e.reply.is_none()
        && let Some(f) = code::find_reply(&p.source)
    {
        e.reply = Some((f.code, p.input_span(f.start, f.end, input)));
        e.code_line = e
            .code_line
            .take()
            .or_else(|| p.decoded_line(f.start, f.end, input));
    }
    let found = code::find_status(&p.source);
    match (e.status, found) {
        (None, Some(f)) => {
            e.status = Some((f.code, p.input_span(f.start, f.end, input)));
            e.code_line = e
                .code_line
                .take()
                .or_else(|| p.decoded_line(f.start, f.end, input));
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

/// When no wording matched: the status code table, then a bare reply code, then `onhold`/`undefined`.
/// The reason when no wording decided, and what gave it, so every answer can say what it rests on.
fn fallback_reason(
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
    if has_text || !e.pieces.is_empty() {
        (Reason::OnHold, None)
    } else {
        (Reason::Undefined, None)
    }
}

/// A line longer than this (in bytes before the anchor) is cut to the sentence the anchor is in.
const LONG_LINE: usize = 160;

/// The line of `input` around `anchor`, with the indented lines that continue it, whitespace collapsed: what the
/// server said.
fn line_around(input: &str, anchor: (usize, usize)) -> Option<String> {
    let (start, end) = line_range(input, anchor)?;
    collapse(&input[start..end])
}

/// Whitespace collapsed, at most 500 characters; `None` when nothing is left.
fn collapse(line: &str) -> Option<String> {
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    (!line.is_empty()).then(|| line.chars().take(500).collect())
}

/// The byte range of [`line_around`]'s line.
fn line_range(input: &str, anchor: (usize, usize)) -> Option<(usize, usize)> {
    let mut start = input.get(..anchor.0)?.rfind('\n').map_or(0, |i| i + 1);
    // A long line is a paragraph (mail clients wrap text, quoted-printable joins it): what the server said
    // starts at its reply code ("... The error that the other server returned was: 550 ..."), or else at the
    // sentence with the anchor in it.
    if anchor.0 - start > LONG_LINE {
        let code = code::all_replies(&input[start..anchor.1])
            .find(|f| f.code.class() >= 4)
            .map(|f| f.start);
        let sentence = || input[start..anchor.0].rfind(". ").map(|i| i + 2);
        start += code.or_else(sentence).unwrap_or(0);
    }
    let mut end = input
        .get(anchor.1..)?
        .find('\n')
        .map_or(input.len(), |i| anchor.1 + i);
    // Keep continuation lines of the same statement.
    while let Some(next) = input[end..].strip_prefix('\n') {
        let line_end = next.find('\n').map_or(next.len(), |i| i);
        let line = &next[..line_end];
        if line.starts_with([' ', '\t'])
            && !line.trim().is_empty()
            && end + 1 + line_end - start < 600
        {
            end += 1 + line_end;
        } else {
            break;
        }
    }
    Some((start, end))
}

fn finish(
    e: Entry,
    reason: Reason,
    decided_by: Option<DecidedBy>,
    rule: Option<&crate::rules::Rule>,
    phrase: Option<(usize, usize)>,
    command: Option<&str>,
    rules: &RuleSet,
) -> Bounce {
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
    push(phrase, EvidenceKind::Phrase);
    if phrase.is_none() {
        push(e.diagnostic_span, EvidenceKind::Diagnostic);
    }
    evidence.sort_by_key(|x| (x.start, x.end));
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
        decided_by,
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

fn fallback(reason: Reason, rules: &RuleSet) -> Bounce {
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
        let span = text.find(&to).map(|at| (at, at + to.len()));
        recipients.push((to, span));
    }
    if recipients.is_empty() {
        recipients.push((String::new(), None));
    }
    let bounces = recipients
        .into_iter()
        .map(|(addr, span)| {
            let mut b = fallback(Reason::Feedback, rules);
            b.recipient = (!addr.is_empty()).then_some(addr);
            b.feedback_type = ftype.clone();
            if let Some((start, end)) = span {
                b.evidence.push(Evidence {
                    start,
                    end,
                    kind: EvidenceKind::Recipient,
                });
            }
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
    let mut b = fallback(Reason::Feedback, rules);
    b.feedback_type = Some("abuse".into());
    if let Some(span) = span_of(text, &addr) {
        b.evidence.push(Evidence {
            start: span.0,
            end: span.1,
            kind: EvidenceKind::Recipient,
        });
    }
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
    let mut b = fallback(Reason::Feedback, rules);
    b.recipient = doc.header("from").and_then(first_address);
    b.feedback_type = Some("opt-out".into());
    if let Some(span) = b.recipient.as_deref().and_then(|r| span_of(text, r)) {
        b.evidence.push(Evidence {
            start: span.0,
            end: span.1,
            kind: EvidenceKind::Recipient,
        });
    }
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
    let mut b = fallback(Reason::Vacation, rules);
    b.recipient = doc.header("from").and_then(first_address);
    if let Some(r) = &b.recipient
        && let Some(at) = text.find(r.as_str())
    {
        b.evidence.push(Evidence {
            start: at,
            end: at + r.len(),
            kind: EvidenceKind::Recipient,
        });
    }
    b.diagnostic = doc.header("subject").map(str::to_string);
    Some(Diagnosis {
        kind: Kind::AutoReply,
        bounces: vec![b],
    })
}

fn span_of(text: &str, needle: &str) -> Option<(usize, usize)> {
    text.find(needle).map(|at| (at, at + needle.len()))
}

fn ses_entries(n: &crate::ses::Notification, text: &str) -> Vec<Entry> {
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

fn ses_report(n: &crate::ses::Notification, text: &str, rules: &RuleSet) -> Diagnosis {
    let (kind, reason) = match n.event {
        crate::ses::Event::Complaint => (Kind::Feedback, Reason::Feedback),
        _ => (Kind::Delivered, Reason::Delivered),
    };
    let bounces = n
        .recipients
        .iter()
        .map(|r| {
            let mut b = fallback(reason, rules);
            b.recipient = Some(r.address.clone());
            b.feedback_type = r.feedback_type.clone();
            if let Some(d) = &r.diagnostic {
                b.reply_code = code::find_reply(d).map(|f| f.code);
                b.status = code::find_status(d).map(|f| f.code);
                b.diagnostic = Some(d.clone());
                b.action = Some("delivered".into());
            }
            if let Some((start, end)) = span_of(text, &r.address) {
                b.evidence.push(Evidence {
                    start,
                    end,
                    kind: EvidenceKind::Recipient,
                });
            }
            b
        })
        .collect();
    Diagnosis { kind, bounces }
}
