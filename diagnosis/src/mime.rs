//! A lenient reader of Internet messages (RFC 5322 headers, MIME per RFC 2045–2047 and 2231) shaped for bounces:
//! it decodes the headers, walks multiparts, opens `message/rfc822` attachments, and decodes the text of text and
//! report parts — never the images or archives a returned message may carry. Bad MIME is read as far as it makes
//! sense; nothing fails.
//!
//! Each text part remembers where it sits in the input when it is a byte-for-byte copy of it, so evidence found
//! in it can be highlighted in what the reader pasted.

use crate::charset;
use std::borrow::Cow;

/// Deepest `message/rfc822` nesting opened; deeper messages are left unread (bounces quote one, maybe two).
pub const MAX_MESSAGE_DEPTH: usize = 4;
/// Deepest multipart nesting within one message; deeper parts are left unread.
const MAX_MULTIPART_DEPTH: usize = 16;

/// A message: its headers and its leaf parts in order.
#[derive(Debug, Default)]
pub struct Message {
    /// Headers in order: lowercase names, unfolded and decoded values.
    pub headers: Vec<(String, String)>,
    /// The parts that hold content (multipart containers flattened away), in the order they appear; a message that
    /// is not multipart has one.
    pub parts: Vec<Part>,
}

impl Message {
    /// The first header of that (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        field(&self.headers, name)
    }
}

/// One leaf part.
#[derive(Debug)]
pub struct Part {
    /// Lowercase media type, `text/plain` when none is given.
    pub media_type: String,
    /// `Content-Disposition: attachment`.
    pub attachment: bool,
    /// What it holds.
    pub body: Body,
}

/// The content of a part.
#[derive(Debug)]
pub enum Body {
    /// A `text/*` or `message/*` part, decoded; `origin` is its byte offset in the input when the input holds it
    /// verbatim.
    Text {
        /// The decoded text.
        text: String,
        /// Where it starts in the input, if copied byte for byte.
        origin: Option<usize>,
    },
    /// An attached message (`message/rfc822`, `message/global`).
    Message(Attached),
    /// Anything else (images, archives, ...), not read.
    Other,
}

/// An attached message: its headers are read at once, the rest only when asked for — usually it is the returned
/// original, whose parts nobody needs.
#[derive(Debug)]
pub struct Attached {
    /// Its headers, as [`Message::headers`].
    pub headers: Vec<(String, String)>,
    bytes: Vec<u8>,
    base: Option<usize>,
    depth: usize,
}

impl Attached {
    /// Reads the whole message.
    pub fn message(&self) -> Message {
        parse(&self.bytes, self.base, self.depth)
    }
}

/// Reads a message. `base` is where `bytes` start in the input (`None` when they were decoded from it), `depth`
/// how many messages enclose it.
pub fn parse(bytes: &[u8], base: Option<usize>, depth: usize) -> Message {
    let start = skip_mbox_line(bytes);
    let (headers, body_at) = read_headers(&bytes[start..]);
    let body_at = start + body_at;
    let mut parts = Vec::new();
    read_entity(
        &headers,
        &bytes[body_at..],
        base.map(|b| b + body_at),
        "text/plain",
        depth,
        0,
        &mut parts,
    );
    Message { headers, parts }
}

/// The media type of a `Content-Type` value (lowercase) and its parameters (lowercase names).
pub fn content_type(value: &str) -> (String, Vec<(String, String)>) {
    // The media type ends at `;` or, where a mailer forgot the `;`, at the space before the first parameter.
    let value = value.trim_start();
    let end = value
        .find(|c: char| c == ';' || c.is_ascii_whitespace())
        .unwrap_or(value.len());
    let media = value[..end].trim_matches('"').to_ascii_lowercase();
    let rest = value[end..].trim_start_matches(|c: char| c == ';' || c.is_ascii_whitespace());
    (media, parameters(split_unquoted(rest, b';').into_iter()))
}

/// The first value of that (lowercase) name among headers or parameters as this module reads them.
pub fn field<'h>(fields: &'h [(String, String)], name: &str) -> Option<&'h str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Adds the leaf parts of the entity with these headers and body to `out`.
fn read_entity(
    headers: &[(String, String)],
    body: &[u8],
    base: Option<usize>,
    default_type: &str,
    depth: usize,
    nesting: usize,
    out: &mut Vec<Part>,
) {
    let (media_type, params) = match field(headers, "content-type") {
        Some(v) => content_type(v),
        None => (default_type.to_string(), Vec::new()),
    };
    let param = |name: &str| field(&params, name);
    // A multipart without a boundary, or whose boundary never occurs (a message edited by hand, say), cannot be
    // split: it is read as text below.
    if media_type.starts_with("multipart/")
        && let Some(boundary) = param("boundary").filter(|b| !b.is_empty())
        && nesting < MAX_MULTIPART_DEPTH
    {
        let inner_default = if media_type == "multipart/digest" {
            "message/rfc822"
        } else {
            "text/plain"
        };
        let parts = split_multipart(body, boundary.as_bytes());
        for &(s, e) in &parts {
            let part = &body[s..e];
            let (h, at) = read_headers(part);
            let inner_base = base.map(|b| b + s + at);
            read_entity(
                &h,
                &part[at..],
                inner_base,
                inner_default,
                depth,
                nesting + 1,
                out,
            );
        }
        if !parts.is_empty() {
            return;
        }
    }
    let attachment = field(headers, "content-disposition").is_some_and(|d| {
        d.trim_start()
            .get(..10)
            .is_some_and(|s| s.eq_ignore_ascii_case("attachment"))
    });
    let encoding = field(headers, "content-transfer-encoding").unwrap_or("");
    let body = if matches!(media_type.as_str(), "message/rfc822" | "message/global") {
        if depth + 1 < MAX_MESSAGE_DEPTH {
            let raw = transfer_decode(encoding, body);
            let inner_base = matches!(raw, Cow::Borrowed(_)).then_some(base).flatten();
            let start = skip_mbox_line(&raw);
            Body::Message(Attached {
                headers: read_headers(&raw[start..]).0,
                bytes: raw.into_owned(),
                base: inner_base,
                depth: depth + 1,
            })
        } else {
            Body::Other
        }
    } else if media_type.is_empty()
        || ["text/", "message/", "multipart/"]
            .iter()
            .any(|t| media_type.starts_with(t))
    {
        let raw = transfer_decode(encoding, body);
        let text = charset::decode(param("charset"), &raw);
        let verbatim = matches!((&raw, &text), (Cow::Borrowed(_), Cow::Borrowed(_)));
        Body::Text {
            origin: verbatim.then_some(base).flatten(),
            text: text.into_owned(),
        }
    } else {
        Body::Other
    };
    out.push(Part {
        media_type,
        attachment,
        body,
    });
}

/// Skips an mbox `From sender date` line before the headers.
fn skip_mbox_line(bytes: &[u8]) -> usize {
    let lead = bytes
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(bytes.len());
    let rest = &bytes[lead..];
    if rest.starts_with(b"From ") {
        lead + rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1)
    } else {
        lead
    }
}

/// Reads a header block: the headers (lowercase names, values unfolded and decoded) and where the body starts
/// (after the empty line, or at the first line that is not a header).
fn read_headers(bytes: &[u8]) -> (Vec<(String, String)>, usize) {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut pos = 0;
    let body_at = loop {
        if pos >= bytes.len() {
            break bytes.len();
        }
        let eol = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| pos + i);
        let line = bytes[pos..eol].trim_ascii_end();
        let next = (eol + 1).min(bytes.len());
        if line.is_empty() {
            // An empty line ends the headers (a whitespace-only one too: nothing else would make sense of it).
            break next;
        }
        let folded = line[0] == b' ' || line[0] == b'\t';
        if folded || is_unindented_parameter(line, headers.last()) {
            let Some((_, value)) = headers.last_mut() else {
                break pos;
            };
            // Unfolding: each line trimmed, joined by one space.
            let more = String::from_utf8_lossy(line.trim_ascii_start());
            if !value.is_empty() {
                value.push(' ');
            }
            value.push_str(&more);
            pos = next;
            continue;
        }
        match line.iter().position(|&b| b == b':') {
            Some(colon)
                if colon > 0
                    && line[..colon]
                        .trim_ascii_end()
                        .iter()
                        .all(u8::is_ascii_graphic) =>
            {
                let name =
                    String::from_utf8_lossy(line[..colon].trim_ascii_end()).to_ascii_lowercase();
                let value = String::from_utf8_lossy(line[colon + 1..].trim_ascii()).into_owned();
                headers.push((name, value));
            }
            _ => break pos,
        }
        pos = next;
    };
    for (_, value) in &mut headers {
        if value.contains("=?") {
            *value = decode_words(value);
        }
    }
    (headers, body_at)
}

/// A parameter line some mailers fold into `Content-Type` without the leading space (`boundary="..."` under
/// `Content-Type: multipart/alternative;`).
fn is_unindented_parameter(line: &[u8], last: Option<&(String, String)>) -> bool {
    let Some((name, value)) = last else {
        return false;
    };
    name.starts_with("content-")
        && value.ends_with(';')
        && line.iter().position(|&b| b == b'=').is_some_and(|eq| {
            eq > 0
                && line[..eq]
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*')
        })
}

/// Decodes RFC 2047 encoded words (`=?utf-8?B?...?=`); the space between two of them goes, and adjacent words in
/// one charset are decoded together, since mailers split multi-byte characters across them.
pub fn decode_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending: Option<(&str, Vec<u8>)> = None;
    let mut rest = s;
    while let Some(at) = rest.find("=?") {
        let Some((charset, bytes, len)) = encoded_word(&rest[at..]) else {
            flush(&mut pending, &mut out);
            out.push_str(&rest[..at + 2]);
            rest = &rest[at + 2..];
            continue;
        };
        let between = &rest[..at];
        let joins = pending.is_some() && between.trim().is_empty();
        if !joins {
            flush(&mut pending, &mut out);
            out.push_str(between);
        }
        match &mut pending {
            Some((c, buf)) if c.eq_ignore_ascii_case(charset) => buf.extend_from_slice(&bytes),
            _ => {
                flush(&mut pending, &mut out);
                pending = Some((charset, bytes));
            }
        }
        rest = &rest[at + len..];
    }
    flush(&mut pending, &mut out);
    out.push_str(rest);
    out
}

fn flush(pending: &mut Option<(&str, Vec<u8>)>, out: &mut String) {
    if let Some((charset, bytes)) = pending.take() {
        out.push_str(&charset::decode(Some(charset), &bytes));
    }
}

/// One encoded word at the start of `s`: its charset (language suffix dropped), decoded bytes and length.
fn encoded_word(s: &str) -> Option<(&str, Vec<u8>, usize)> {
    let inner = s.strip_prefix("=?")?;
    let q1 = inner.find('?')?;
    let charset = inner[..q1].split('*').next().unwrap_or("");
    let after = &inner[q1 + 1..];
    let mode = after.as_bytes().first()?.to_ascii_uppercase();
    let payload = after.get(1..)?.strip_prefix('?')?;
    let end = payload.find("?=")?;
    let data = &payload[..end];
    if charset.is_empty() || data.contains(' ') {
        return None;
    }
    let bytes = match mode {
        b'B' => base64(data.as_bytes()),
        b'Q' => quoted_printable(data.as_bytes(), true),
        _ => return None,
    };
    Some((charset, bytes, 2 + q1 + 1 + 2 + end + 2))
}

/// Splits `value` at `sep` outside double quotes.
fn split_unquoted(value: &str, sep: u8) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, &b) in value.as_bytes().iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            _ if b == sep && !quoted => {
                out.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&value[start..]);
    out
}

/// `name=value` parameters, unquoted, with RFC 2231 continuations (`name*0=`, `name*1=`) joined and extended
/// values (`name*=utf-8''%E2%82%AC`) decoded.
fn parameters<'a>(fields: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    // (name, section, extended, value, group): a name's pieces share the group (the index of its first piece).
    let mut pieces: Vec<(String, u32, bool, String, usize)> = Vec::new();
    for field in fields {
        let Some((name, value)) = field.split_once('=') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let value = unquote(value.trim());
        let (base, section, extended) = match name.split_once('*') {
            Some((base, tail)) => {
                let extended = tail.ends_with('*') || tail.is_empty();
                let section = tail.trim_end_matches('*').parse().unwrap_or(0);
                (base.to_string(), section, extended)
            }
            None => (name, 0, false),
        };
        let group = pieces
            .iter()
            .find(|p| p.0 == base)
            .map_or(pieces.len(), |p| p.4);
        pieces.push((base, section, extended, value, group));
    }
    // Each name's pieces together, in section order.
    crate::order::sort_by_key(&mut pieces, |p| (p.4, p.1 as usize));
    let mut out: Vec<(String, String)> = Vec::new();
    let mut charset = String::new();
    let mut bytes: Vec<u8> = Vec::new();
    for (i, (name, section, extended, value, _)) in pieces.iter().enumerate() {
        if *section == 0 {
            charset.clear();
            bytes.clear();
        }
        if *extended {
            let mut v = value.as_str();
            if *section == 0 {
                let mut quote = v.splitn(3, '\'');
                if let (Some(c), Some(_lang), Some(rest)) =
                    (quote.next(), quote.next(), quote.next())
                {
                    charset = c.to_string();
                    v = rest;
                }
            }
            bytes.extend(percent_decode(v.as_bytes()));
        } else {
            bytes.extend_from_slice(value.as_bytes());
        }
        let last = pieces.get(i + 1).is_none_or(|next| next.0 != *name);
        if last && !out.iter().any(|(n, _)| n == name) {
            let label = (!charset.is_empty()).then_some(charset.as_str());
            out.push((name.clone(), charset::decode(label, &bytes).into_owned()));
        }
    }
    out
}

fn unquote(v: &str) -> String {
    match v.strip_prefix('"') {
        Some(inner) => {
            let inner = inner.strip_suffix('"').unwrap_or(inner);
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                out.push(if c == '\\' {
                    chars.next().unwrap_or(c)
                } else {
                    c
                });
            }
            out
        }
        None => v.to_string(),
    }
}

fn percent_decode(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        match (
            v[i],
            v.get(i + 1).and_then(|&c| hex(c)),
            v.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(h << 4 | l);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The parts of a multipart body between `--boundary` lines (RFC 2046 §5.1.1): start and end offsets, the line
/// break before each delimiter belonging to the delimiter. The preamble and epilogue are dropped; an unclosed last
/// part runs to the end.
fn split_multipart(body: &[u8], boundary: &[u8]) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut open: Option<usize> = None;
    let mut pos = 0;
    while pos < body.len() {
        let eol = body[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(body.len(), |i| pos + i);
        // Some mailers indent the delimiter.
        let line = body[pos..eol].trim_ascii_start();
        if let Some(rest) = line
            .strip_prefix(b"--")
            .and_then(|l| l.strip_prefix(boundary))
        {
            let closing = rest.starts_with(b"--");
            let tail = if closing { &rest[2..] } else { rest };
            // A longer boundary that merely starts with this one is another multipart's.
            if tail.iter().all(u8::is_ascii_whitespace) {
                if let Some(start) = open.take() {
                    let mut end = pos;
                    if end > start && body[end - 1] == b'\n' {
                        end -= 1;
                        if end > start && body[end - 1] == b'\r' {
                            end -= 1;
                        }
                    }
                    parts.push((start, end.max(start)));
                }
                if closing {
                    return parts;
                }
                open = Some((eol + 1).min(body.len()));
            }
        }
        pos = eol + 1;
    }
    if let Some(start) = open {
        parts.push((start, body.len()));
    }
    parts
}

/// Undoes a `Content-Transfer-Encoding`; 7bit, 8bit, binary and unknown encodings borrow.
fn transfer_decode<'a>(encoding: &str, body: &'a [u8]) -> Cow<'a, [u8]> {
    let encoding = encoding.trim();
    if encoding.eq_ignore_ascii_case("base64") {
        Cow::Owned(base64(body))
    } else if encoding.eq_ignore_ascii_case("quoted-printable") {
        Cow::Owned(quoted_printable(body, false))
    } else {
        Cow::Borrowed(body)
    }
}

/// Lenient base64: characters outside the alphabet are skipped, padding ends it.
fn base64(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    let (mut bits, mut n) = (0u32, 0u32);
    for &c in data {
        if c == b'=' {
            break;
        }
        let Some(v) = charset::base64_value(c) else {
            continue;
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

/// Quoted-printable (RFC 2045 §6.7), or the Q encoding of header words (RFC 2047 §4.2, where `_` is a space).
/// A `=` that starts no escape is kept.
fn quoted_printable(data: &[u8], header: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'=' => {
                let (a, b) = (data.get(i + 1).copied(), data.get(i + 2).copied());
                if let (Some(h), Some(l)) = (a.and_then(hex), b.and_then(hex)) {
                    out.push(h << 4 | l);
                    i += 3;
                } else if a == Some(b'\n') {
                    i += 2; // soft line break
                } else if a == Some(b'\r') && b == Some(b'\n') {
                    i += 3;
                } else {
                    out.push(b'=');
                    i += 1;
                }
            }
            b'_' if header => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    char::from(c).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests;
