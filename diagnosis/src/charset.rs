//! Character sets of mail (RFC 2045 `charset=`, RFC 2047 encoded words): bytes in some labelled charset to text.
//!
//! UTF-8, US-ASCII, Latin-1/windows-1252 and UTF-7 are decoded here. Everything else — ISO-2022-JP, Shift_JIS,
//! the ISO-8859 and windows code pages, KOI8, GB18030, Big5, EUC-KR — goes to the WHATWG Encoding Standard's
//! decoders: `encoding_rs` with the `charsets` feature (the CLI and the generator), or, where the engine runs
//! without it, a decoder the host registers with [`set_decoder`] (the browser checker hands over the browser's
//! own `TextDecoder`, which implements the same standard, so the wasm carries no tables). Labels nobody knows
//! are read as UTF-8, so nothing is lost but the odd character.

use std::borrow::Cow;
use std::sync::OnceLock;

/// A decoder for a charset label (`"iso-2022-jp"`), or `None` when the label is unknown to it.
pub type Decoder = fn(label: &str, bytes: &[u8]) -> Option<String>;

static DECODER: OnceLock<Decoder> = OnceLock::new();

/// Registers the decoder used for charsets this build does not decode itself. The first registration wins;
/// returns whether this one did.
pub fn set_decoder(decoder: Decoder) -> bool {
    DECODER.set(decoder).is_ok()
}

/// `bytes`, labelled `label` (any case, quotes allowed; `None` when unlabelled), as text. Borrows when the bytes
/// already are that text, so callers can tell a verbatim copy of the input.
pub fn decode<'a>(label: Option<&str>, bytes: &'a [u8]) -> Cow<'a, str> {
    let label = label
        .map(|l| l.trim().trim_matches(['"', '\'']).trim())
        .unwrap_or("");
    let lower = label.to_ascii_lowercase();
    match lower.as_str() {
        "" | "utf-8" | "utf8" | "us-ascii" | "ascii" | "unicode-1-1-utf-8" => utf8(bytes),
        "utf-7" | "unicode-1-1-utf-7" | "csunicode11utf7" => Cow::Owned(utf7(bytes)),
        _ if ascii_compatible(&lower) && bytes.is_ascii() && !bytes.contains(&0x1b) => utf8(bytes),
        "iso-8859-1" | "latin1" | "l1" | "iso8859-1" | "iso_8859-1" | "windows-1252" | "cp1252" => {
            Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect())
        }
        _ => match other(&lower, bytes) {
            Some(s) => Cow::Owned(s),
            None => utf8(bytes),
        },
    }
}

/// Whether the charset writes ASCII as ASCII (all of mail's but UTF-16/32 and the escape-based ISO-2022 family,
/// whose ESC sequences the caller checks for).
fn ascii_compatible(label: &str) -> bool {
    !label.starts_with("utf-16") && !label.starts_with("utf-32") && !label.starts_with("ucs")
}

fn utf8(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

#[cfg(feature = "charsets")]
fn other(label: &str, bytes: &[u8]) -> Option<String> {
    match encoding_rs::Encoding::for_label_no_replacement(label.as_bytes()) {
        Some(enc) => Some(enc.decode_without_bom_handling(bytes).0.into_owned()),
        None => DECODER.get().and_then(|d| d(label, bytes)),
    }
}

#[cfg(not(feature = "charsets"))]
fn other(label: &str, bytes: &[u8]) -> Option<String> {
    DECODER.get().and_then(|d| d(label, bytes))
}

/// One windows-1252 byte (the WHATWG reading of ISO-8859-1 labels too): Latin-1 with typographic marks in 0x80–0x9F.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// UTF-7 (RFC 2152): ASCII, with `+…-` runs of modified base64 carrying UTF-16. Old Exchange servers still send it.
fn utf7(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b != b'+' {
            out.push(if b.is_ascii() {
                char::from(b)
            } else {
                '\u{fffd}'
            });
            continue;
        }
        if bytes.get(i) == Some(&b'-') {
            out.push('+');
            i += 1;
            continue;
        }
        let (mut bits, mut n, mut units) = (0u32, 0u32, Vec::new());
        while let Some(v) = bytes.get(i).and_then(|&c| base64_value(c)) {
            bits = (bits << 6) | u32::from(v);
            n += 6;
            if n >= 16 {
                n -= 16;
                units.push(((bits >> n) & 0xffff) as u16);
            }
            i += 1;
        }
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        out.extend(char::decode_utf16(units).map(|c| c.unwrap_or('\u{fffd}')));
    }
    out
}

/// The value of a base64 digit (RFC 4648 alphabet).
pub(crate) fn base64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_and_ascii_borrow() {
        assert!(matches!(decode(None, b"hi"), Cow::Borrowed("hi")));
        assert!(matches!(
            decode(Some("\"ISO-8859-1\""), b"hi"),
            Cow::Borrowed("hi")
        ));
        assert!(matches!(
            decode(Some("UTF-8"), "é".as_bytes()),
            Cow::Borrowed("é")
        ));
    }

    #[test]
    fn latin1() {
        assert_eq!(decode(Some("iso-8859-1"), b"caf\xe9 \x93q\x94"), "café “q”");
    }

    #[test]
    fn utf7() {
        assert_eq!(
            decode(Some("unicode-1-1-utf-7"), b"Hi Mom -+Jjo--! 1+-1"),
            "Hi Mom -☺-! 1+1"
        );
        assert_eq!(decode(Some("utf-7"), b"+ZeVnLIqe-"), "日本語");
    }

    #[test]
    fn unknown_labels_read_as_utf8() {
        assert_eq!(decode(Some("x-unheard-of"), "ö".as_bytes()), "ö");
        assert_eq!(decode(Some("uft-8"), b"a\xffb"), "a\u{fffd}b");
    }

    #[cfg(feature = "charsets")]
    #[test]
    fn japanese() {
        let jis = b"\x1b$B$3$s$K$A$O\x1b(B";
        assert_eq!(decode(Some("ISO-2022-JP"), jis), "こんにちは");
        assert_eq!(decode(Some("shift_jis"), b"\x82\xb1\x82\xf1"), "こん");
    }
}
