//! From what the reader has to the texts the classifier reads: a raw message (RFC 5322 + MIME) is taken apart
//! by [`crate::mime`]; anything else is taken as pasted text. Each text keeps where it sits in the input, so
//! evidence can be highlighted there.

use crate::mime::{self, Body, MAX_MESSAGE_DEPTH, Message};

/// A piece of text and where it is in the input when it is a verbatim copy.
#[derive(Clone, Debug)]
pub struct Segment {
    /// The decoded text.
    pub text: String,
    /// Byte offset of `text` in the input, when the input holds it byte for byte.
    pub origin: Option<usize>,
}

/// What kind of thing the input is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A whole message with headers.
    Raw,
    /// Text copied from a mail client, or a single line.
    Pasted,
}

/// The texts of the input, sorted by role.
#[derive(Clone, Debug)]
pub struct Document {
    /// Raw message or pasted text.
    pub shape: Shape,
    /// Top-level headers, lowercase names, decoded values (raw messages only).
    pub headers: Vec<(String, String)>,
    /// The `Content-Type` of the top level, lowercase (`multipart/report`), and its `report-type` parameter.
    pub content_type: Option<String>,
    /// `report-type` of a multipart/report.
    pub report_type: Option<String>,
    /// Human-readable text (text/plain parts, or text/html converted, or the pasted text), with any returned
    /// original message cut off.
    pub bodies: Vec<Segment>,
    /// `message/delivery-status` and `message/feedback-report` parts (pasted text is scanned as well).
    pub reports: Vec<Segment>,
    /// Headers of the returned original message, lowercase names.
    pub original: Vec<(String, String)>,
}

impl Document {
    /// A document with nothing read yet.
    fn empty(shape: Shape) -> Document {
        Document {
            shape,
            headers: Vec::new(),
            content_type: None,
            report_type: None,
            bodies: Vec::new(),
            reports: Vec::new(),
            original: Vec::new(),
        }
    }

    /// The first top-level header of that (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        mime::field(&self.headers, name)
    }

    /// The first header of that name in the returned original message.
    pub fn original_header(&self, name: &str) -> Option<&str> {
        mime::field(&self.original, name)
    }
}

/// Reads the input. `text` is `input` with invalid UTF-8 replaced byte for byte, so offsets agree.
pub fn read(input: &[u8], text: &str) -> Document {
    if looks_raw(text) {
        let mut msg = mime::parse(input, Some(0), 0);
        let mut doc = Document::empty(Shape::Raw);
        if let Some(ct) = msg.header("content-type") {
            let (media_type, params) = mime::content_type(ct);
            doc.report_type = mime::field(&params, "report-type").map(str::to_ascii_lowercase);
            doc.content_type = Some(media_type);
        }
        doc.headers = std::mem::take(&mut msg.headers);
        walk(msg, 0, &mut doc, true);
        if doc.bodies.is_empty() && doc.reports.is_empty() {
            // A message with no text part at all: fall back to the whole input so nothing is lost.
            doc.bodies.push(Segment {
                text: text.to_string(),
                origin: Some(0),
            });
        }
        return doc;
    }
    let end = returned_message_start(text);
    Document {
        shape: Shape::Pasted,
        headers: Vec::new(),
        content_type: None,
        report_type: None,
        bodies: vec![Segment {
            text: text[..end].to_string(),
            origin: Some(0),
        }],
        reports: vec![Segment {
            text: text.to_string(),
            origin: Some(0),
        }],
        original: header_block(&text[end..]),
    }
}

const REPORTS: &[&str] = &[
    "message/delivery-status",
    "message/feedback-report",
    "message/global-delivery-status",
];

fn walk(msg: Message, depth: usize, doc: &mut Document, top: bool) {
    let mut saw_plain = false;
    let mut html = Vec::new();
    for part in msg.parts {
        let media_type = part.media_type.as_str();
        match part.body {
            Body::Text { text, .. } if media_type == "text/html" => {
                html.push(Segment {
                    text: crate::html::to_text(&text),
                    origin: None,
                });
            }
            Body::Text { text, origin } => {
                let seg = Segment { text, origin };
                match media_type {
                    _ if REPORTS.contains(&media_type) => doc.reports.push(seg),
                    "text/rfc822-headers" | "message/rfc822-headers" | "message/global-headers" => {
                        if doc.original.is_empty() {
                            doc.original = header_block(&seg.text);
                        }
                    }
                    "text/plain" | "text/enriched" if !part.attachment || !top => {
                        let end = returned_message_start(&seg.text);
                        if doc.original.is_empty() && end < seg.text.len() {
                            doc.original = header_block(&seg.text[end..]);
                        }
                        if depth + 1 < MAX_MESSAGE_DEPTH && doc.reports.is_empty() {
                            doc.reports.extend(inline_reports(&seg.text[end..], depth));
                        }
                        let mut seg = seg;
                        seg.text.truncate(end);
                        if !seg.text.trim().is_empty() {
                            saw_plain = true;
                            doc.bodies.push(seg);
                        }
                    }
                    // Other text parts (a delivery status sent as a text/plain attachment, say) and message
                    // parts are scanned for report fields.
                    _ => doc.reports.push(seg),
                }
            }
            Body::Message(attached) => {
                // A bounce forwarded as an attachment: read the inner message too, but only for reports.
                let inner = (depth + 1 < MAX_MESSAGE_DEPTH && doc.reports.is_empty())
                    .then(|| attached.message());
                if doc.original.is_empty() {
                    doc.original = attached.headers;
                }
                if let Some(inner) = inner {
                    doc.reports.extend(inner_reports(inner, depth + 1));
                }
            }
            Body::Other => {}
        }
    }
    if !saw_plain && top {
        doc.bodies.extend(html);
    }
}

/// The delivery reports of a bounce that was forwarded inline, pasted as text into another message's body: the
/// "returned message" is then itself a `multipart/report`. Their places in the input are not known.
fn inline_reports(returned: &str, depth: usize) -> Vec<Segment> {
    let is_report = header_block(returned).iter().any(|(name, value)| {
        name == "content-type" && value.to_ascii_lowercase().contains("multipart/report")
    });
    if !is_report {
        return Vec::new();
    }
    inner_reports(mime::parse(returned.as_bytes(), None, depth + 1), depth + 1)
}

/// The non-empty delivery reports inside `msg`, a message within the input (an attachment, or a bounce pasted
/// inline), read at `depth`. Only reports: its bodies are not the reader's bounce.
fn inner_reports(msg: Message, depth: usize) -> Vec<Segment> {
    let mut inner = Document::empty(Shape::Raw);
    walk(msg, depth, &mut inner, false);
    inner.reports.retain(|s| !s.text.trim().is_empty());
    inner.reports
}

/// Where a returned original message starts inside a body: the first run of at least three consecutive header
/// lines that includes headers every message has, one of them written by the sender's side (`From`,
/// `Received`, ...). A summary such as `To:`/`Date:`/`Subject:` above the server's reply is not a returned
/// message. Returns `text.len()` when there is none.
pub fn returned_message_start(text: &str) -> usize {
    const CORE: &[&str] = &[
        "received",
        "return-path",
        "message-id",
        "from",
        "date",
        "subject",
        "to",
        "mime-version",
        "dkim-signature",
        "content-type",
    ];
    let mut run_start: Option<usize> = None;
    let mut run_len = 0;
    let mut core = 0;
    let mut origin = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if run_len > 0 && body.starts_with([' ', '\t']) && !body.trim().is_empty() {
            continue; // folded header line
        }
        match header_name(body) {
            Some(name) if !is_report_field(name.as_str()) => {
                if run_len == 0 {
                    run_start = Some(start);
                    core = 0;
                    origin = 0;
                }
                run_len += 1;
                if CORE.contains(&name.as_str()) {
                    core += 1;
                    if !matches!(name.as_str(), "to" | "date" | "subject") {
                        origin += 1;
                    }
                }
                if run_len >= 3 && core >= 2 && origin >= 1 {
                    return run_start.unwrap_or(start);
                }
            }
            // A report field inside a header block (Authentication-Results) neither starts nor breaks it.
            Some(_) if run_len > 0 => {}
            _ => run_len = 0,
        }
    }
    text.len()
}

fn is_report_field(name: &str) -> bool {
    name.starts_with("x-postfix")
        || matches!(
            name,
            "reporting-mta"
                | "final-recipient"
                | "original-recipient"
                | "action"
                | "status"
                | "remote-mta"
                | "diagnostic-code"
                | "last-attempt-date"
                | "arrival-date"
                | "received-from-mta"
                | "feedback-type"
                | "user-agent"
                | "version"
                | "original-mail-from"
                | "original-rcpt-to"
                | "source-ip"
                | "reported-domain"
                | "x-actual-recipient"
                | "will-retry-until"
                | "dsn-gateway"
                | "original-envelope-id"
                | "authentication-results"
                | "incidents"
                | "removal-recipient"
                | "reported-uri"
                | "final-log-id"
        )
}

/// Where each message of an mbox file starts (RFC 4155: every message begins with a `From <sender> <date>` line
/// after an empty line). Input that does not begin like an mbox is one message: `[0]`.
pub fn mbox_messages(input: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    if !is_from_line(input) {
        return starts;
    }
    let mut at = 0;
    while let Some(rel) = input[at..]
        .windows(7)
        .position(|w| w == b"\n\nFrom " || w == b"\n\r\nFrom")
    {
        let start = at + rel + if input[at + rel + 1] == b'\r' { 3 } else { 2 };
        if is_from_line(&input[start..]) {
            starts.push(start);
        }
        at = start;
    }
    starts
}

/// Whether `b` starts with an mbox separator line (`From alice@example.org Mon Jan  1 10:00:00 2024`) followed by
/// a header line.
fn is_from_line(b: &[u8]) -> bool {
    let Some(rest) = b.strip_prefix(b"From ") else {
        return false;
    };
    let Some(eol) = rest.iter().take(200).position(|&c| c == b'\n') else {
        return false;
    };
    let line = String::from_utf8_lossy(&rest[..eol]);
    let words = line.split_whitespace().count();
    // A sender, a date with a clock time: `Thu Apr 29 23:34:45 2015`.
    let dated = line.contains(':') && line.bytes().any(|c| c.is_ascii_digit());
    let next = &rest[eol + 1..];
    let next_end = next.iter().position(|&c| c == b'\n').unwrap_or(next.len());
    let next_line = String::from_utf8_lossy(&next[..next_end]);
    words >= 4 && dated && header_name(next_line.trim_end()).is_some()
}

/// `Name: value` → lowercase name, when the line is shaped like a header.
fn header_name(line: &str) -> Option<Name> {
    let colon = line.as_bytes().iter().take(41).position(|&b| b == b':')?;
    let name = &line.as_bytes()[..colon];
    if name.is_empty() || !name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let mut lower = Name {
        bytes: [0; 40],
        len: name.len(),
    };
    for (to, from) in lower.bytes.iter_mut().zip(name) {
        *to = from.to_ascii_lowercase();
    }
    Some(lower)
}

/// A header name, lowercase, held without allocating: header-shaped lines are tested by the thousand.
struct Name {
    bytes: [u8; 40],
    len: usize,
}

impl Name {
    fn as_str(&self) -> &str {
        // Only ASCII letters, digits and `-` are ever stored.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

/// Reads a block of headers (unfolding continuation lines) until the first line that is not one.
pub fn header_block(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut started = false;
    for line in text.lines() {
        if line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
            continue;
        }
        match header_name(line) {
            Some(name) => {
                started = true;
                let value = line[line.find(':').map_or(0, |i| i + 1)..]
                    .trim()
                    .to_string();
                out.push((name.as_str().to_string(), value));
            }
            None if started => break,
            None => {}
        }
    }
    out
}

/// Whether the text starts like an RFC 5322 message: a block of header lines including at least one header that
/// every real message has (and not just DSN fields someone pasted).
fn looks_raw(text: &str) -> bool {
    const STRONG: &[&str] = &[
        "received",
        "return-path",
        "from",
        "message-id",
        "mime-version",
        "content-type",
        "delivered-to",
        "date",
        "subject",
        "x-mailer",
        "dkim-signature",
        "to",
        "x-failed-recipients",
        "auto-submitted",
        "reply-to",
    ];
    let mut strong = 0;
    let mut lines = 0;
    for line in text.trim_start_matches(['\r', '\n']).lines().take(200) {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        match header_name(line) {
            Some(name) => {
                lines += 1;
                if STRONG.contains(&name.as_str()) {
                    strong += 1;
                }
            }
            // "From " mbox separator line.
            None if lines == 0 && line.starts_with("From ") => {}
            None => break,
        }
    }
    strong >= 2 || (strong >= 1 && lines >= 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returned_message_is_cut() {
        let t = "Delivery failed for <a@example.com>\n550 no\n\nReturn-Path: <s@example.org>\nReceived: from x\n\tby y\nFrom: s@example.org\nSubject: hi\n\nbody";
        let end = returned_message_start(t);
        assert!(t[..end].ends_with("550 no\n\n"));
        assert_eq!(header_block(&t[end..]).len(), 4);
    }

    #[test]
    fn a_summary_of_the_message_is_not_a_returned_message() {
        let t = "To: bob@example.org\nCC:\nDate: Monday, Jan 1, 2024 10:00 AM\nSubject: Undeliverable Mail\n\nundeliverable to carol@example.net\n550 5.7.1 Rejected\n";
        assert_eq!(returned_message_start(t), t.len());
    }

    #[test]
    fn dsn_fields_are_not_a_returned_message() {
        let t = "oops\nReporting-MTA: dns; x\nFinal-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n";
        assert_eq!(returned_message_start(t), t.len());
    }

    #[test]
    fn mbox_with_two_messages() {
        let one = "From MAILER-DAEMON  Mon Jan  1 10:00:00 2024\nFrom: a@example.org\nSubject: x\n\nbody\n";
        let two = format!(
            "{one}\nFrom MAILER-DAEMON  Mon Jan  1 10:05:00 2024\nReturn-Path: <>\n\nFrom here on, text\n"
        );
        assert_eq!(mbox_messages(two.as_bytes()), vec![0, one.len() + 1]);
        // Not an mbox, or a sentence starting with "From" in a body: one message.
        assert_eq!(
            mbox_messages(b"From: a@example.org\n\nFrom now on: no\n"),
            vec![0]
        );
    }

    #[test]
    fn raw_or_pasted() {
        assert!(looks_raw(
            "From: a@example.com\nTo: b@example.com\nSubject: x\n\nbody"
        ));
        assert!(!looks_raw("550 5.1.1 user unknown"));
        assert!(!looks_raw(
            "Final-Recipient: rfc822; a@example.com\nStatus: 5.1.1\n"
        ));
    }
}
