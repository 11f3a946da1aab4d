//! What readers paste, end to end: one-liners, mail clients' displays, raw messages. Hand-written inputs in the
//! wording of real servers (not corpus files), so they also measure generalisation.

use diagnosis::{Actor, Kind, Reason, RuleSet, classify};

fn one(text: &str) -> diagnosis::Bounce {
    let d = classify(text.as_bytes(), RuleSet::bundled());
    assert_eq!(d.bounces.len(), 1, "{text:?} gave {:#?}", d.bounces);
    d.bounces.into_iter().next().expect("one bounce")
}

#[test]
fn one_liners() {
    let cases: &[(&str, Reason)] = &[
        ("503 5.5.1 Error: need RCPT command", Reason::SyntaxError),
        (
            "503 valid RCPT command must precede DATA",
            Reason::SyntaxError,
        ),
        (
            "550 5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy",
            Reason::AuthFailure,
        ),
        (
            "554 5.7.1 <bob@example.net>: Relay access denied",
            Reason::NoRelaying,
        ),
        (
            "552 5.2.2 <bob@example.net>: mailbox is full",
            Reason::MailboxFull,
        ),
        (
            "535 5.7.8 Error: authentication failed: authentication failure",
            Reason::SecurityError,
        ),
        (
            "550 5.7.25 The IP address sending this message does not have a PTR record setup",
            Reason::RequirePtr,
        ),
        (
            "421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later",
            Reason::TooManyConn,
        ),
        (
            "552 5.3.4 Message size exceeds fixed limit",
            Reason::MesgTooBig,
        ),
        (
            "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
            Reason::UserUnknown,
        ),
        (
            "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org",
            Reason::Blocked,
        ),
        // Wordings of servers and services that are not in the labeled corpus.
        (
            "552 5.2.2 <bob@example.net>: Quota exceeded (mailbox for user is full) (in reply to end of DATA command)",
            Reason::MailboxFull,
        ),
        (
            "550 5.1.1 <bob@example.net>: Recipient address rejected: example.net (in reply to RCPT TO command)",
            Reason::UserUnknown,
        ),
        (
            "550 5.7.1 Message rejected due to content restrictions",
            Reason::PolicyViolation,
        ),
        (
            "554 5.7.1 Message rejected because of unacceptable content",
            Reason::SpamDetected,
        ),
        (
            "550 5.7.23 The message was rejected because of Sender Policy Framework violation",
            Reason::AuthFailure,
        ),
        (
            "550 5.7.509 Access denied, sending domain example.org does not pass DMARC verification and has a DMARC policy of reject.",
            Reason::AuthFailure,
        ),
        (
            "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints",
            Reason::BadReputation,
        ),
        (
            "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)",
            Reason::UserUnknown,
        ),
        (
            "530 5.7.57 Client not authenticated to send mail",
            Reason::SecurityError,
        ),
        (
            "454 4.7.0 TLS not available due to local problem",
            Reason::FailedStartTls,
        ),
        (
            "550 5.7.606 Access denied, banned sending IP [192.0.2.1]",
            Reason::Blocked,
        ),
        ("452 4.5.3 Too many recipients", Reason::TooManyConn),
        (
            "550 5.2.1 The email account that you tried to reach is disabled.",
            Reason::Suspend,
        ),
        (
            "554 5.7.1 [CS01] Message rejected due to local policy.",
            Reason::PolicyViolation,
        ),
        (
            "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
            Reason::UserUnknown,
        ),
        (
            "556 5.1.10 Recipient address has null MX",
            Reason::NotAccept,
        ),
        (
            "550 5.7.1 Rejected by spam filter: high spam score",
            Reason::SpamDetected,
        ),
        (
            "550 5.7.0 Please use your ISP's SMTP server; relaying is not permitted for this host",
            Reason::NoRelaying,
        ),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(text, want)| {
            let got = one(text).reason;
            (got != *want).then(|| format!("{text}\n  got {got}, want {want}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn outlook_display_of_an_ndr() {
    let text = "Your message to bob@example.com couldn't be delivered.\n\
bob wasn't found at example.com.\n\
alice   Office 365   bob\n\
Action Required   Recipient\n\
Unknown To address\n\n\
Diagnostic information for administrators:\n\
Generating server: AM0PR01MB1234.eurprd01.prod.outlook.com\n\
bob@example.com\n\
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n";
    let b = one(text);
    assert_eq!(b.reason, Reason::UserUnknown);
    assert_eq!(b.recipient.as_deref(), Some("bob@example.com"));
    assert_eq!(b.status.map(|s| s.to_string()).as_deref(), Some("5.1.10"));
    assert_eq!(b.reply_code.map(|c| c.0), Some(550));
    assert!(b.hard_bounce);
    assert_eq!(b.actor, Actor::Sender);
}

#[test]
fn gmail_display_of_a_bounce() {
    let text = "Address not found\n\
Your message wasn't delivered to carol@example.org because the address couldn't be found, or is unable to receive mail.\n\
The response from the remote server was:\n\
550 5.1.1 <carol@example.org>: Recipient address rejected: User unknown in local recipient table\n";
    let b = one(text);
    assert_eq!(b.reason, Reason::UserUnknown);
    assert_eq!(b.recipient.as_deref(), Some("carol@example.org"));
}

#[test]
fn evidence_points_into_the_input() {
    let text = "Delivery failed.\n<dave@example.net>: host mx.example.net said: 552 5.2.2 Mailbox full (in reply to RCPT TO command)\n";
    let b = one(text);
    assert_eq!(b.reason, Reason::MailboxFull);
    let kinds: Vec<(&str, &str)> = b
        .evidence
        .iter()
        .map(|e| (e.kind.as_str(), &text[e.start..e.end]))
        .collect();
    assert!(
        kinds.contains(&("recipient", "dave@example.net")),
        "{kinds:?}"
    );
    assert!(kinds.contains(&("status", "5.2.2")), "{kinds:?}");
    assert!(kinds.contains(&("reply", "552")), "{kinds:?}");
    assert_eq!(b.command.as_deref(), Some("RCPT"));
}

#[test]
fn raw_dsn_with_two_recipients() {
    let raw = "From: MAILER-DAEMON@mx.example.org\r\nTo: alice@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n\
--b1\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n\r\n\
--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n\
Final-Recipient: rfc822; bob@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n\
Final-Recipient: rfc822; carol@example.com\r\nAction: delayed\r\nStatus: 4.2.2\r\nDiagnostic-Code: smtp; 452 4.2.2 Mailbox full\r\n\r\n--b1--\r\n";
    let d = classify(raw.as_bytes(), RuleSet::bundled());
    assert_eq!(d.kind, Kind::Bounce);
    let got: Vec<_> = d
        .bounces
        .iter()
        .map(|b| {
            (
                b.recipient.clone().unwrap_or_default(),
                b.reason,
                b.permanent,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "bob@example.com".to_string(),
                Reason::UserUnknown,
                Some(true)
            ),
            (
                "carol@example.com".to_string(),
                Reason::MailboxFull,
                Some(false)
            ),
        ]
    );
    for b in &d.bounces {
        for e in &b.evidence {
            assert!(e.start < e.end && e.end <= raw.len());
        }
    }
}

#[test]
fn ordinary_mail_and_nothing() {
    let mail = "From: alice@example.org\r\nTo: bob@example.com\r\nSubject: lunch\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nSee you at noon.\r\n";
    let d = classify(mail.as_bytes(), RuleSet::bundled());
    assert_eq!(d.kind, Kind::NotABounce);
    assert!(d.bounces.is_empty());
    let empty = classify(b"  \n ", RuleSet::bundled());
    assert_eq!(empty.bounces[0].reason, Reason::Undefined);
    assert_eq!(
        one("the server said something odd to bob@example.com").reason,
        Reason::OnHold
    );
}

#[test]
fn invalid_utf8_keeps_offsets() {
    let mut bytes =
        b"\xff\xfe 550 5.1.1 <x@example.com>: User unknown (in reply to RCPT TO command)".to_vec();
    bytes.push(0xc3);
    let d = classify(&bytes, RuleSet::bundled());
    let b = &d.bounces[0];
    assert_eq!(b.reason, Reason::UserUnknown);
    let rcpt = b
        .evidence
        .iter()
        .find(|e| e.kind == diagnosis::EvidenceKind::Recipient)
        .expect("recipient evidence");
    assert_eq!(&bytes[rcpt.start..rcpt.end], b"x@example.com");
}

#[test]
fn other_servers_human_text() {
    let hmailserver = "Your message did not reach some or all of the intended recipients.\n\n   Sent: Mon, 1 Jan 2024 10:00:00 +0100\n   Subject: Invoice\n\nThe following recipient(s) could not be reached:\n\nbob@example.net\n   Error Type: SMTP\n   Remote server (192.0.2.7) issued an error.\n   hMailServer sent: RCPT TO:<bob@example.net>\n   Remote server replied: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table\n";
    let b = one(hmailserver);
    assert_eq!(
        (b.recipient.as_deref(), b.reason, b.command.as_deref()),
        (Some("bob@example.net"), Reason::UserUnknown, Some("RCPT"))
    );

    let exim_cpanel = "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  carol@example.org\n    host mx.example.org [198.51.100.4]\n    SMTP error from remote mail server after RCPT TO:<carol@example.org>:\n    552 5.2.2 <carol@example.org>: Mailbox quota exceeded\n";
    let b = one(exim_cpanel);
    assert_eq!(
        (b.recipient.as_deref(), b.reason),
        (Some("carol@example.org"), Reason::MailboxFull)
    );

    let exchange_onprem = "Delivery has failed to these recipients or groups:\n\ndave@example.com\nThe e-mail address you entered couldn't be found. Please check the recipient's e-mail address and try to resend the message.\n\nDiagnostic information for administrators:\n\nGenerating server: EX01.example.com\n\ndave@example.com\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n";
    let b = one(exchange_onprem);
    assert_eq!(
        (
            b.recipient.as_deref(),
            b.reason,
            b.status.map(|s| s.to_string()).as_deref()
        ),
        (Some("dave@example.com"), Reason::UserUnknown, Some("5.1.1"))
    );

    let delay = "This is an automatically generated Delivery Status Notification\n\nTHIS IS A WARNING MESSAGE ONLY.\n\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\nDelivery to the following recipient has been delayed:\n\n     erin@example.com\n\nMessage will be retried for 2 more day(s)\n";
    let b = one(delay);
    assert_eq!(
        (b.recipient.as_deref(), b.reason),
        (Some("erin@example.com"), Reason::Expired)
    );
}

#[test]
fn local_delivery_program_reports() {
    let dsn = |diag: &str| {
        format!(
            "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; bob@example.org\nAction: failed\nStatus: 5.3.0\n\
Diagnostic-Code: x-unix; {diag}\n"
        )
    };
    // The program's own failure is a mailer error, whatever words it uses.
    let b = one(&dsn("maildrop: Unable to create a dot-lock: No such user"));
    assert_eq!(b.reason, Reason::MailerError);
    // A quota the program hit is the recipient's full mailbox.
    let b = one(&dsn(
        "/home/bob/Maildir/tmp/1700000000.P1.mx: Disk quota exceeded",
    ));
    assert_eq!(b.reason, Reason::MailboxFull);
}

#[test]
fn bounce_forwarded_inline_as_text() {
    let raw = "From: MAILER-DAEMON@relay.example.org\nTo: alice@example.org\nSubject: Undelivered Mail Returned to Sender\n\
Content-Type: text/plain; charset=us-ascii\n\n\
The message below could not be delivered. For help, write to <support@example.org>.\n\n\
Return-Path: <>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nFrom: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n\
Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"in1\"\n\n\
--in1\nContent-Type: text/plain\n\nThe mail system\n\n\
--in1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n\
Final-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 4.0.0\n\
Diagnostic-Code: X-Postfix; connect to mx.example.net[192.0.2.9]: server refused to talk to me: 421 Service not available\n\n\
--in1--\n";
    let d = classify(raw.as_bytes(), RuleSet::bundled());
    assert_eq!(d.bounces.len(), 1, "{:#?}", d.bounces);
    let b = &d.bounces[0];
    assert_eq!(b.recipient.as_deref(), Some("bob@example.net"));
    assert_eq!(b.reason, Reason::Blocked);
    assert_eq!(b.reply_code.map(|c| c.0), Some(421));
}

#[test]
fn unsubscribe_request_sent_by_a_mail_client() {
    let raw = "From: carol@example.net\nTo: opt-out-42@lists.example.org\nSubject: unsubscribe\n\
Auto-Submitted: auto-replied\nContent-Type: text/plain\n\nThis message was sent automatically to unsubscribe from a list.\n";
    let d = classify(raw.as_bytes(), RuleSet::bundled());
    assert_eq!(d.kind, Kind::Feedback);
    assert_eq!(d.bounces.len(), 1);
    assert_eq!(d.bounces[0].reason, Reason::Feedback);
    assert_eq!(d.bounces[0].feedback_type.as_deref(), Some("opt-out"));
    assert_eq!(d.bounces[0].recipient.as_deref(), Some("carol@example.net"));
}

#[test]
fn what_decided_is_named_even_when_only_a_code_did() {
    let d = classify(
        b"550 5.2.1 <ana@example.net>: mailbox is dormant",
        RuleSet::bundled(),
    );
    assert_eq!(d.bounces[0].reason, Reason::Suspend);
    assert_eq!(
        d.bounces[0]
            .decided_by
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("status-code:X.2.1")
    );
}

#[test]
fn the_server_said_is_the_reply_not_the_mailers_preamble() {
    let text = b"This is the mail system at host mx.example.net.\n\n\
I'm sorry to have to inform you that your message could not\n\
be delivered to one or more recipients.\n\n\
<bob@example.net>: host mx.example.net[203.0.113.25] said: 550 5.7.1\n\
    <bob@example.net>: Recipient only takes letters on Tuesdays\n\
    (in reply to RCPT TO command)\n";
    let d = classify(text, RuleSet::bundled());
    let diag = d.bounces[0].diagnostic.as_deref().unwrap_or("");
    assert!(diag.contains("550 5.7.1"), "{diag}");
    assert!(!diag.contains("sorry"), "{diag}");
}

/// What the server said is shown decoded when the bounce was quoted-printable (soft line breaks, `=3D`) or in
/// another charset, and a paragraph is cut to the reply.
#[test]
fn the_server_said_is_decoded_text() {
    let raw = "From: Mail Delivery Subsystem <mailer-daemon@example.net>\n\
To: ann@example.org\n\
Subject: Delivery Status Notification (Failure)\n\
MIME-Version: 1.0\n\
Content-Type: text/plain; charset=UTF-8\n\
Content-Transfer-Encoding: quoted-printable\n\
\n\
Delivery to bob@example.com failed. We tried to deliver your message, but it was rejected by the recipient =\n\
domain. We recommend contacting the other email provider for further information about the cause of this e=\n\
rror. The error that the other server returned was: 550 5.1.1 The email account that you tried to reach do=\n\
es not exist (user=3Dbob).\n";
    let d = classify(raw.as_bytes(), RuleSet::bundled());
    let b = &d.bounces[0];
    assert_eq!(b.reason, Reason::UserUnknown);
    assert_eq!(
        b.diagnostic.as_deref(),
        Some("550 5.1.1 The email account that you tried to reach does not exist (user=bob).")
    );
}

#[test]
fn an_antivirus_footer_is_not_a_virus() {
    // Gateways sign the mail they pass ("scanned by ... antivirus"); the server's own reply is what counts.
    let raw = "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n\
To: alice@example.org\n\
Subject: Warning: message delayed 24 hours\n\
\n\
A message that you sent has not yet been delivered to one or more of its\n\
recipients after more than 24 hours on the queue on mx.example.org.\n\
\n\
  bob@example.net\n\
    Delay reason: SMTP error from remote mail server after end of data:\n\
    host mx.example.net [192.0.2.1]: 451 spam not accepted\n\
\n\
No action is required on your part.\n\
\n\
-- \n\
This message was checked by the Example antivirus system.\n";
    let b = one(raw);
    assert_eq!(b.reason, Reason::SpamDetected, "{b:#?}");
}

#[test]
fn a_routed_final_recipient_gives_way_to_the_original() {
    let raw = "From: postmaster@example.net\n\
To: alice@example.org\n\
MIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\
\n\
--b\n\
Content-Type: text/plain\n\
\n\
Your message cannot be delivered.\n\
\n\
--b\n\
Content-Type: message/delivery-status\n\
\n\
Reporting-MTA: dns;mx.example.net\n\
\n\
Original-recipient: rfc822;bob@example.net\n\
Final-recipient: rfc822;@store.example.net:bob@local_daemon\n\
Action: failed\n\
Status: 5.2.0\n\
Diagnostic-code: smtp;522 5.2.0 Delivery failed: Over quota\n\
\n\
--b--\n";
    let b = one(raw);
    assert_eq!(b.recipient.as_deref(), Some("bob@example.net"));
    assert_eq!(b.reason, Reason::MailboxFull);
}
