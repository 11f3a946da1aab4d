//! The MIME reader on hand-written messages: headers, multiparts, encodings, attached messages.

use super::*;

fn texts(m: &Message) -> Vec<(&str, &str, Option<usize>)> {
    m.parts
        .iter()
        .filter_map(|p| match &p.body {
            Body::Text { text, origin } => Some((p.media_type.as_str(), text.as_str(), *origin)),
            _ => None,
        })
        .collect()
}

#[test]
fn headers_unfold_and_decode() {
    let m = parse(
            b"Subject: =?utf-8?B?w6lj?= =?utf-8?Q?h=C3=A9ance?=\r\n plus\r\nX-Empty:\r\nFrom: a@example.org\r\n\r\nbody",
            Some(0),
            0,
        );
    assert_eq!(m.header("subject"), Some("échéance plus"));
    assert_eq!(m.header("x-empty"), Some(""));
    assert_eq!(m.header("from"), Some("a@example.org"));
    assert_eq!(texts(&m), vec![("text/plain", "body", Some(91))]);
}

#[test]
fn a_split_multibyte_character_joins_across_words() {
    // "é" is C3 A9, split over two encoded words.
    assert_eq!(
        decode_words("=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?= ok"),
        "café ok"
    );
    // Not an encoded word: kept as written.
    assert_eq!(decode_words("a =? b ?= c"), "a =? b ?= c");
}

#[test]
fn multipart_report_with_rfc822() {
    let raw = "From: MAILER-DAEMON@example.org\n\
Content-Type: multipart/report; report-type=delivery-status;\n boundary=\"b\"\n\
\n\
preamble\n\
--b\n\
Content-Type: text/plain; charset=us-ascii\n\
\n\
Mail to <x@example.com> failed.\n\
--b\n\
Content-Type: message/delivery-status\n\
\n\
Status: 5.1.1\n\
--b\n\
Content-Type: message/rfc822\n\
\n\
From: me@example.org\n\
Subject: hi\n\
Content-Type: text/plain; charset=iso-8859-1\n\
Content-Transfer-Encoding: quoted-printable\n\
\n\
caf=E9\n\
--b--\n\
epilogue\n";
    let m = parse(raw.as_bytes(), Some(0), 0);
    let (ct, params) = content_type(m.header("content-type").unwrap_or(""));
    assert_eq!(ct, "multipart/report");
    assert_eq!(field(&params, "report-type"), Some("delivery-status"));
    let t = texts(&m);
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].1, "Mail to <x@example.com> failed.");
    let at = t[0].2.unwrap_or(0);
    assert_eq!(&raw[at..at + 4], "Mail");
    assert_eq!(t[1], ("message/delivery-status", "Status: 5.1.1", t[1].2));
    let Body::Message(attached) = &m.parts[2].body else {
        panic!("no inner message");
    };
    assert_eq!(field(&attached.headers, "subject"), Some("hi"));
    let inner = &attached.message();
    assert_eq!(inner.header("subject"), Some("hi"));
    assert_eq!(texts(inner)[0].1, "café");
    assert_eq!(texts(inner)[0].2, None);
}

#[test]
fn a_longer_boundary_is_not_this_one() {
    let body = b"--a\nX\n--a1\nY\n--a--\n";
    assert_eq!(split_multipart(body, b"a"), vec![(4, 12)]);
}

#[test]
fn rfc2231_parameters() {
    let (ct, p) = content_type(
        "Text/Plain; name*0=\"long\"; name*1=\"er.txt\"; title*=utf-8'en'%E2%82%AC%20x; charset=\"a\\\"b\"",
    );
    assert_eq!(ct, "text/plain");
    assert_eq!(field(&p, "name"), Some("longer.txt"));
    assert_eq!(field(&p, "title"), Some("€ x"));
    assert_eq!(field(&p, "charset"), Some("a\"b"));
}

#[test]
fn base64_and_qp() {
    assert_eq!(base64(b"aGVs\r\nbG8=\r\n"), b"hello");
    assert_eq!(quoted_printable(b"a=3Db=\r\nc= d", false), b"a=bc= d");
}

#[test]
fn unclosed_and_empty_multiparts() {
    let m = parse(
            b"Content-Type: multipart/mixed; boundary=z\n\n--z\n\nfirst\n--z\nContent-Type: image/png\n\nPNG",
            Some(0),
            0,
        );
    assert_eq!(texts(&m), vec![("text/plain", "first", Some(48))]);
    assert!(matches!(m.parts[1].body, Body::Other));
    let m = parse(b"Content-Type: multipart/mixed\n\nno boundary", None, 0);
    assert_eq!(texts(&m), vec![("multipart/mixed", "no boundary", None)]);
}
