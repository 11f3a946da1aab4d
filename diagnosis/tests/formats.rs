//! Old and odd report formats (issue 10's fourth class of miss): every recipient is found, each gets its own
//! reason, and "what the server said" is the recipient's own line, never empty and never the next recipient's.
//!
//! The bounces in `tests/formats/` are written by hand in each server's layout, as its source or documentation
//! gives it (not copied from any corpus or fixture):
//! - qmail: notqmail/notqmail a7012e4 (2024-12-26) qmail-send.c (the "Hi. This is the qmail-send program"
//!   report, one `<address>:` paragraph per recipient) and qmail-remote.c (`perm_dns`, `perm_nomx`, "does not like
//!   recipient", "failed after I sent the message") and qmail-local.c (the looping message);
//! - IMail (SMTP32): the `Unknown user:`/`Unknown host:`/`undeliverable to`/"Delivery failed N attempts" lines and
//!   "Body of message generated response:" as sisimai/go-sisimai's lhost/via-imailserver.go describes them;
//! - InterScan MSS: its `Sent <<<` / `Received >>>` dialogue (arrows the other way round from Sendmail's), as
//!   go-sisimai's lhost/via-interscanmss.go describes it;
//! - GroupWise: "The message that you sent was undeliverable to the following:" then one tab-indented
//!   `address (reason)` line per recipient;
//! - Exchange 2000/2003: "The following recipient(s) cannot be reached:", per recipient an indented `address on
//!   date` line, the sentence, and `<host #status>`;
//! - Sendmail: deepin-community/sendmail c7e7de4 (Sendmail 8.17) sendmail/savemail.c ("----- The following
//!   addresses had permanent fatal errors -----", `(reason: …)`) and usersmtp.c (`>>>`/`<<<`), and the v5 layout
//!   with one `While talking to` dialogue for several recipients;
//! - Smail 3 and Deutsche Telekom's Smail-style reports: the `|--- Failed addresses follow: ---|` banner, then
//!   ` address ... failed: reason` lines (Smail 3.2 src/notify.c) or ` <address>` over an indented reply, as
//!   go-sisimai's lhost/via-deutschetelekom.go describes them;
//! - Active!hunter, 1&1, GMX, MailFoundry, MailMarshal (Trustwave) and HCL Notes: each report's layout as
//!   go-sisimai ed142de's lhost/via-*.go module for it describes it (its comments quote the layout).

use diagnosis::{Reason, RuleSet, classify};

/// Each recipient in order: address, reason, and words its "server said" must hold.
fn expect(file: &str, want: &[(&str, Reason, &str)]) {
    let path = format!("{}/tests/formats/{file}", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let d = classify(&raw, RuleSet::bundled());
    let got: Vec<_> = d
        .bounces
        .iter()
        .map(|b| {
            (
                b.recipient.clone().unwrap_or_default(),
                b.reason,
                b.diagnostic.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(got.len(), want.len(), "{file}: {got:#?}");
    for ((addr, reason, said), (w_addr, w_reason, w_said)) in got.iter().zip(want) {
        assert_eq!(addr, w_addr, "{file}: {got:#?}");
        assert_eq!(reason, w_reason, "{file}, {addr}: {said}");
        assert!(
            said.contains(w_said),
            "{file}, {addr}: server said {said:?}, want it to hold {w_said:?}"
        );
        // Never another recipient's line.
        for (other, _, _) in want.iter().filter(|(a, _, _)| a != w_addr) {
            assert!(
                !said.contains(other),
                "{file}, {addr}: {said:?} names {other}"
            );
        }
    }
}

#[test]
fn qmail_paragraphs_with_extra_lines() {
    expect(
        "qmail-five-recipients.eml",
        &[
            ("kijitora@example.com", Reason::UserUnknown, "550 5.1.1"),
            (
                "bob@example.net",
                Reason::HostUnknown,
                "couldn't find any host named",
            ),
            // perm_nomx: the name exists but has neither MX nor address, so it takes no mail.
            (
                "carol@example.jp",
                Reason::NotAccept,
                "couldn't find a mail exchanger",
            ),
            ("dave@example.com", Reason::NetworkError, "looping"),
            ("erin@example.com", Reason::MailboxFull, "552 5.2.2"),
        ],
    );
}

#[test]
fn imail_lines() {
    expect(
        "imail-delivery-failed.eml",
        &[(
            "kijitora@example.com",
            Reason::Expired,
            "Delivery failed 4 attempts",
        )],
    );
    expect(
        "imail-generated-response.eml",
        &[("kijitora@example.com", Reason::UserUnknown, "550 5.1.1")],
    );
    expect(
        "imail-unknown-user-host.eml",
        &[
            ("kijitora@example.com", Reason::UserUnknown, "Unknown user"),
            (
                "bob@nonexistent.example.net",
                Reason::HostUnknown,
                "Unknown host",
            ),
        ],
    );
}

#[test]
fn interscan_dialogue() {
    expect(
        "interscan-sent-received.eml",
        &[
            ("kijitora@example.co.jp", Reason::UserUnknown, "550 5.1.1"),
            ("bob@example.co.jp", Reason::MailboxFull, "552 5.2.2"),
        ],
    );
}

#[test]
fn groupwise_tab_indented_list() {
    expect(
        "groupwise-tab-list.eml",
        &[
            ("kijitora@example.jp", Reason::UserUnknown, "user not found"),
            ("bob@example.jp", Reason::MailboxFull, "mailbox full"),
        ],
    );
}

#[test]
fn exchange_2003_sentence_and_bracketed_code() {
    expect(
        "exchange2003-bracketed-codes.eml",
        &[
            (
                "kijitora@example.jp",
                Reason::UserUnknown,
                "account does not exist",
            ),
            ("bob@example.jp", Reason::MailboxFull, "mailbox is full"),
        ],
    );
}

#[test]
fn sendmail_several_recipients_in_one_transcript() {
    expect(
        "sendmail-v5-transcript.eml",
        &[
            ("kijitora@example.jp", Reason::UserUnknown, "User unknown"),
            ("bob@example.jp", Reason::MailboxFull, "Mailbox full"),
        ],
    );
    expect(
        "sendmail-8-reasons.eml",
        &[
            ("kijitora@example.jp", Reason::UserUnknown, "550 5.1.1"),
            ("bob@example.jp", Reason::MailboxFull, "552 5.2.2"),
        ],
    );
}

#[test]
fn smail_failed_addresses() {
    expect(
        "smail-failed-addresses.eml",
        &[
            (
                "kijitora@neko.nyaan.example.com",
                Reason::HostUnknown,
                "unknown host",
            ),
            ("bob@example.org", Reason::UserUnknown, "no such user"),
        ],
    );
    expect(
        "telekom-smail-banner.eml",
        &[("kijitora@t-online.de", Reason::MailboxFull, "552 5.2.2")],
    );
}

#[test]
fn gateway_and_provider_layouts() {
    expect(
        "activehunter-chkusr.eml",
        &[(
            "kijitora@example.org",
            Reason::UserUnknown,
            "no mailbox here",
        )],
    );
    expect(
        "einsundeins-size.eml",
        &[(
            "general@example.eu",
            Reason::MesgTooBig,
            "Mail size limit exceeded",
        )],
    );
    expect(
        "gmx-two-layouts.eml",
        &[
            ("shironeko@example.jp", Reason::UserUnknown, "User Unknown"),
            (
                "kijitora@example.co.jp",
                Reason::Expired,
                "retry timeout exceeded",
            ),
        ],
    );
    expect(
        "mailfoundry-failed-with.eml",
        &[(
            "kijitora@example.org",
            Reason::UserUnknown,
            "No such user here",
        )],
    );
    expect(
        "mailmarshal-affected.eml",
        &[("neko@example.com", Reason::UserUnknown, "550 5.1.1")],
    );
    expect(
        "notes-failure-reasons.eml",
        &[(
            "kijitora@notes.example.jp",
            Reason::UserUnknown,
            "not listed in public Name",
        )],
    );
}
