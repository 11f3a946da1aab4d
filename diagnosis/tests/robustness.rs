//! `classify` never panics and its evidence always lies inside the input, whatever the bytes.

use diagnosis::{Kind, Reason, RuleSet, classify};
use proptest::prelude::*;

fn check(bytes: &[u8]) {
    let d = classify(bytes, RuleSet::bundled());
    for b in &d.bounces {
        for e in &b.evidence {
            assert!(
                e.start < e.end && e.end <= bytes.len(),
                "evidence {e:?} outside {} bytes",
                bytes.len()
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(&bytes);
    }

    #[test]
    fn mail_shaped_text(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("From: MAILER-DAEMON@example.org\r\n".to_string()),
                Just("Content-Type: multipart/report; report-type=delivery-status; boundary=\"x\"\r\n".to_string()),
                Just("Content-Type: message/delivery-status\r\n".to_string()),
                Just("Content-Transfer-Encoding: base64\r\n".to_string()),
                Just("--x\r\n".to_string()),
                Just("\r\n".to_string()),
                Just("Final-Recipient: rfc822; a@example.com\r\n".to_string()),
                Just("Status: 5.1.1\r\n".to_string()),
                Just("Diagnostic-Code: smtp; 550-5.7.1 user\r\n 550 5.7.1 unknown\r\n".to_string()),
                Just("=?utf-8?B?8J+QiA==?=".to_string()),
                "[ -~]{0,40}",
                "\\PC{0,20}",
            ],
            0..40,
        )
    ) {
        check(parts.concat().as_bytes());
    }
}

#[test]
fn deep_nesting_and_huge_lines_finish() {
    let mut nested = String::new();
    for i in 0..200 {
        nested.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
        ));
    }
    check(nested.as_bytes());
    let long = "550 5.1.1 ".to_string() + &"x".repeat(3_000_000);
    check(long.as_bytes());
    let many_at = "@".repeat(1_000_000);
    check(many_at.as_bytes());
}

/// Found by `cargo fuzz` (diagnosis/fuzz) when MIME was read by mail-parser: a message/rfc822 part whose body
/// starts another message/rfc822 part, closed by the outer boundary, reached a `debug_assert!` there. Kept for the
/// reader that replaced it: the message must still be read, as what it is: a delivery report from a mailer that
/// says nothing more, so one bounce the engine cannot explain (reason `onhold`, no recipient), which sends the
/// reader to the article about such bounces.
#[test]
fn an_rfc822_part_nested_in_another_and_closed_by_the_outer_boundary_does_not_panic() {
    let input = b"From: mailer@example.org\n\
MIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=delivery-status;\n\
\tboundary=\"b1\"\n\
\n\
--b1\n\
Content-Type: message/rfc822\n\
\n\
Content-Type: message/rfc822\n\
org--\n\
\n\
\n\
text--b1--\n\
\n";
    let d = classify(input, RuleSet::bundled());
    assert_eq!(d.kind, Kind::Bounce, "{d:#?}");
    assert_eq!(d.bounces.len(), 1, "{d:#?}");
    let b = &d.bounces[0];
    assert_eq!(b.reason, Reason::OnHold, "{d:#?}");
    assert_eq!(b.recipient, None);
    assert!(
        b.article.is_some(),
        "a bounce nobody can explain still leads somewhere: {d:#?}"
    );
}
