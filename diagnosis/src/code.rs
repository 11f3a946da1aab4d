//! SMTP reply codes (RFC 5321 §4.2) and enhanced mail system status codes (RFC 3463, registry of RFC 5248),
//! and finding them in the free text of a diagnostic.

use std::fmt;

/// An enhanced status code such as `5.1.1`: class (2, 4 or 5), subject, detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode {
    /// 2 success, 4 persistent transient failure, 5 permanent failure.
    pub class: u8,
    /// 0 other, 1 addressing, 2 mailbox, 3 mail system, 4 network and routing, 5 protocol, 6 content, 7 security.
    pub subject: u16,
    /// The detail within the subject.
    pub detail: u16,
}

impl StatusCode {
    /// Whether the condition this code names can clear by itself, so that sending the message again later can
    /// work even when this report is permanent: RFC 3463 section 3 calls these subjects and details persistent
    /// transient failures (X.2.2 mailbox full, X.3.1 mail system full, X.4.1 no answer from host, X.4.2 bad
    /// connection, X.4.3 directory server failure, X.4.5 congestion, X.4.7 delivery time expired), and any
    /// class-4 code is one by definition.
    pub fn can_clear(self) -> bool {
        self.class == 4
            || matches!(
                (self.subject, self.detail),
                (2, 2) | (3, 1) | (4, 1) | (4, 2) | (4, 3) | (4, 5) | (4, 7)
            )
    }

    /// Parses exactly `c.s.d` (no surrounding text). Subject and detail take one to three digits.
    pub fn parse(s: &str) -> Option<StatusCode> {
        let mut it = s.split('.');
        let class = it.next()?;
        let subject = it.next()?;
        let detail = it.next()?;
        if it.next().is_some()
            || class.len() != 1
            || !all_digits(subject, 3)
            || !all_digits(detail, 3)
        {
            return None;
        }
        let class: u8 = class.parse().ok()?;
        if !matches!(class, 2 | 4 | 5) {
            return None;
        }
        Some(StatusCode {
            class,
            subject: subject.parse().ok()?,
            detail: detail.parse().ok()?,
        })
    }

    /// Whether this is a permanent failure (class 5).
    pub fn is_permanent(self) -> bool {
        self.class == 5
    }

    /// Sisimai's pseudo codes (`x.0.9xx`) are not RFC 3463 codes.
    pub fn is_pseudo(self) -> bool {
        self.subject == 0 && self.detail >= 900
    }

    /// The same code with another class, as `X.y.z` entries of RFC 3463 apply to 4 and 5 alike.
    pub fn with_class(self, class: u8) -> StatusCode {
        StatusCode { class, ..self }
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// Written as its text, `"5.1.1"`.
impl serde::Serialize for StatusCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A three-digit SMTP reply code such as `550`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplyCode(pub u16);

impl ReplyCode {
    /// Parses exactly three digits forming a reply code of class 2, 3, 4 or 5 (RFC 5321 §4.2.1).
    pub fn parse(s: &str) -> Option<ReplyCode> {
        let b = s.as_bytes();
        if b.len() != 3 || !all_digits(s, 3) || !(b'2'..=b'5').contains(&b[0]) || b[1] > b'5' {
            return None;
        }
        s.parse().ok().map(ReplyCode)
    }

    /// The first digit.
    pub fn class(self) -> u8 {
        (self.0 / 100) as u8
    }
}

impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Written as its text, `"550"`.
impl serde::Serialize for ReplyCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn all_digits(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
}

/// A code found in text, with its byte range in that text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found<T> {
    /// The code.
    pub code: T,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
}

/// Finds the first enhanced status code in `text` that stands alone (not part of an IP address, a version
/// number or a longer dotted string).
/// As with reply codes, the first failure code (4.x.x or 5.x.x) wins over an earlier success code, and a code
/// written right after a reply code (`550 5.2.2`, `550-'5.2.2`) wins over one a gateway put in front of the
/// server's reply (`5.1.0 - Unknown address error 550-'5.2.2 ...'`).
pub fn find_status(text: &str) -> Option<Found<StatusCode>> {
    let b = text.as_bytes();
    let after_reply = |f: &Found<StatusCode>| {
        let mut p = f.start;
        let mut skipped = 0;
        while p > 0 && matches!(b[p - 1], b' ' | b'-' | b'\'' | b'"' | b'#' | b'(') && skipped < 3 {
            p -= 1;
            skipped += 1;
        }
        p >= 3
            && text.get(p - 3..p).and_then(ReplyCode::parse).is_some()
            && (p == 3 || !b[p - 4].is_ascii_digit())
    };
    let mut first = None;
    let mut first_failure = None;
    for f in find_all_status(text) {
        if f.code.class >= 4 {
            if after_reply(&f) {
                return Some(f);
            }
            first_failure.get_or_insert(f);
        }
        first.get_or_insert(f);
    }
    first_failure.or(first)
}

/// Every standalone enhanced status code in `text`, in order.
pub fn find_all_status(text: &str) -> impl Iterator<Item = Found<StatusCode>> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            let start = i;
            i += 1;
            if !matches!(b[start], b'2' | b'4' | b'5') || b.get(start + 1) != Some(&b'.') {
                continue;
            }
            if start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'.') {
                continue;
            }
            let mut j = start + 2;
            let s0 = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j == s0 || j - s0 > 3 || b.get(j) != Some(&b'.') {
                continue;
            }
            j += 1;
            let d0 = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j == d0 || j - d0 > 3 {
                continue;
            }
            // Reject IP addresses and dotted versions: `5.1.1.2` or `5.1.1a`.
            if j < b.len()
                && (b[j].is_ascii_alphanumeric()
                    || (b[j] == b'.' && b.get(j + 1).is_some_and(u8::is_ascii_digit)))
            {
                continue;
            }
            if let Some(code) = StatusCode::parse(&text[start..j]) {
                i = j;
                return Some(Found {
                    code,
                    start,
                    end: j,
                });
            }
        }
        None
    })
}

/// Finds the SMTP reply code of a diagnostic: three digits at the start of a line or after `;`, `:`, a quote or
/// a bracket, followed by a space, `-`, `:`, `,`, the end or a closing bracket. Numbers elsewhere (sizes, ports,
/// ids) are ignored. A failure report quotes success replies too (`250 Ok` before `451 ...`), so the first 4xx or
/// 5xx code wins over an earlier 2xx or 3xx one.
pub fn find_reply(text: &str) -> Option<Found<ReplyCode>> {
    let mut first = None;
    for f in all_replies(text) {
        if f.code.class() >= 4 {
            return Some(f);
        }
        first.get_or_insert(f);
    }
    first
}

/// Whether `before` ends with a label that announces a size: `Size:`, `Size (in bytes):`, `bytes:`.
fn after_size_label(before: &[u8]) -> bool {
    let Some(label) = before.strip_suffix(b":") else {
        return false;
    };
    let ends_with = |word: &[u8]| {
        label.len() >= word.len() && label[label.len() - word.len()..].eq_ignore_ascii_case(word)
    };
    ends_with(b"size") || ends_with(b"bytes)") || ends_with(b"bytes")
}

/// Whether the digits at `start` end a run of hex digits and colons with two colons or more right before them:
/// a group of an IPv6 address, as `Received:` lines and host names in brackets carry them.
fn in_ipv6(b: &[u8], start: usize) -> bool {
    let run = b[..start]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_hexdigit() || **c == b':')
        .filter(|c| **c == b':')
        .count();
    b.get(start.wrapping_sub(1)) == Some(&b':') && run >= 2
}

/// Every reply-code-shaped number in `text`, in order.
pub(crate) fn all_replies(text: &str) -> impl Iterator<Item = Found<ReplyCode>> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + 3 <= b.len() {
            let start = i;
            i += 1;
            if !b[start].is_ascii_digit() {
                continue;
            }
            // What comes before, skipping spaces, must be a line start or a separator.
            let mut p = start;
            while p > 0 && b[p - 1] == b' ' {
                p -= 1;
            }
            let before_ok = p == 0
                || matches!(
                    b[p - 1],
                    b'\n'
                        | b'\r'
                        | b';'
                        | b':'
                        | b'\''
                        | b'"'
                        | b'('
                        | b'['
                        | b'<'
                        | b'>'
                        | b'\t'
                        | b'='
                        | b'#'
                );
            if start > 0 && b[start - 1].is_ascii_alphanumeric() {
                continue;
            }
            let Some(code) = text.get(start..start + 3).and_then(ReplyCode::parse) else {
                continue;
            };
            // The last group of an IPv6 address (`2001:db8::222`) is not a reply code, nor a size after its label
            // (`Size (in bytes): 222`).
            if in_ipv6(b, start) || after_size_label(&b[..p]) {
                continue;
            }
            // A reply code followed by its enhanced status code (`550 5.2.2`, `550-'5.2.2`) is one wherever it
            // stands; otherwise it must start a line or follow a separator.
            let with_status = matches!(b.get(start + 3), Some(b' ' | b'-')) && {
                let rest = text.get(start + 4..).unwrap_or("");
                let rest = rest.strip_prefix(['\'', '"']).unwrap_or(rest);
                find_all_status(rest.get(..rest.len().min(12)).unwrap_or(""))
                    .next()
                    .is_some_and(|f| f.start == 0)
            };
            if !before_ok && !with_status {
                continue;
            }
            let after = b.get(start + 3).copied();
            let after_ok = matches!(
                after,
                None | Some(
                    b' ' | b'-' | b'\r' | b'\n' | b'\t' | b'\'' | b'"' | b')' | b']' | b','
                )
            ) || (after == Some(b':')
                && !b.get(start + 4).is_some_and(u8::is_ascii_digit));
            if after_ok && code.class() != 3 {
                i = start + 3;
                return Some(Found {
                    code,
                    start,
                    end: start + 3,
                });
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_stand_alone() {
        let f = find_status("smtp; 550 5.1.1 <a@example.com>... User unknown").expect("found");
        assert_eq!(f.code.to_string(), "5.1.1");
        assert!(find_status("host 192.0.2.1 said hi").is_none());
        assert!(find_status("version 5.2.10a").is_none());
        assert_eq!(
            find_status("550-5.7.26 Unauthenticated")
                .map(|f| f.code.to_string())
                .as_deref(),
            Some("5.7.26")
        );
        assert_eq!(
            find_status("#5.1.0 Address rejected")
                .map(|f| f.code.to_string())
                .as_deref(),
            Some("5.1.0")
        );
        assert!(StatusCode::parse("5.0.910").is_some_and(StatusCode::is_pseudo));
    }

    #[test]
    fn reply_codes_need_context() {
        assert_eq!(
            find_reply("smtp; 550 5.1.1 User unknown").map(|f| f.code.0),
            Some(550)
        );
        assert_eq!(
            find_reply("Remote host said: 554 delivery error").map(|f| f.code.0),
            Some(554)
        );
        assert_eq!(
            find_reply("503-5.5.1 need RCPT").map(|f| f.code.0),
            Some(503)
        );
        assert_eq!(find_reply("message size 512 bytes"), None);
        assert_eq!(find_reply("at 23:45:41 +0900"), None);
        assert_eq!(find_reply("from x1 (2001:db8:2222:2222::222) by e2"), None);
        assert_eq!(find_reply("(2001:db8::450)"), None);
        assert_eq!(find_reply("Size (in bytes): 222"), None);
        assert_eq!(find_reply("Message size: 450 KB"), None);
        assert_eq!(
            find_reply("host said:550 no such user").map(|f| f.code.0),
            Some(550)
        );
        assert_eq!(find_reply("'452 4.2.2 full'").map(|f| f.code.0), Some(452));
        assert_eq!(
            find_reply("Out: 250 2.1.5 Ok In: DATA Out: 451 4.3.0 Error").map(|f| f.code.0),
            Some(451)
        );
        assert_eq!(
            find_reply("ERROR_CODE :550, mailbox unavailable").map(|f| f.code.0),
            Some(550)
        );
        assert_eq!(
            find_reply("550: : User unknown").map(|f| f.code.0),
            Some(550)
        );
    }
}
