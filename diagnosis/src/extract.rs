//! Finding recipients, codes and the failed SMTP command in human-readable bounce text.
//!
//! Mail servers write the failed address on a line of its own or at the start of one (Postfix `<a@b>: host
//! ... said:`, qmail `<a@b>:`, Exim's indented address, Exchange's address line), or in a sentence ("wasn't
//! delivered to a@b"). Addresses that name the sender or the reporting system are not recipients.

/// An address found in text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The address as written.
    pub address: String,
    /// Byte range in the text.
    pub start: usize,
    /// End of the range.
    pub end: usize,
    /// Whether it starts its line (after brackets, quotes and bullets): the strongest sign of a recipient.
    pub leading: bool,
}

fn is_local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._%+-=/'!#$&*?^`{|}~".contains(&b)
}

fn is_domain_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// Every address-shaped string in `text`, in order.
pub fn addresses(text: &str) -> Vec<(String, usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = b.get(i..).and_then(|s| s.iter().position(|&c| c == b'@')) {
        let at = i + rel;
        i = at + 1;
        let mut s = at;
        while s > 0 && is_local_char(b[s - 1]) {
            s -= 1;
        }
        // Local parts don't start with a dot or a quote.
        while s < at && matches!(b[s], b'.' | b'\'' | b'`' | b'=' | b'/') {
            s += 1;
        }
        let mut e = at + 1;
        while e < b.len() && is_domain_char(b[e]) {
            e += 1;
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        let domain = &text[at + 1..e];
        let tld_ok = domain
            .rsplit('.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|c| c.is_ascii_alphabetic()));
        if s == at || !domain.contains('.') || !tld_ok {
            continue;
        }
        out.push((text[s..e].to_string(), s, e));
        i = e;
    }
    out
}

/// The first place `needle` occurs in `text`, as a byte range.
pub fn span_of(text: &str, needle: &str) -> Option<(usize, usize)> {
    text.find(needle).map(|at| (at, at + needle.len()))
}

/// The first address in a header value or text, as written.
pub fn first_address(v: &str) -> Option<String> {
    addresses(v).into_iter().next().map(|a| a.0)
}

/// Local parts that belong to the system reporting the failure, not to a recipient.
pub fn is_system_address(addr: &str) -> bool {
    let local = addr.split('@').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        local.as_str(),
        "mailer-daemon"
            | "postmaster"
            | "mail-daemon"
            | "maildaemon"
            | "mailerdaemon"
            | "double-bounce"
    )
}

/// Header-like prefixes whose addresses are never the failed recipient.
const NOT_RECIPIENT_FIELDS: &[&str] = &[
    "from:",
    "sender:",
    "reply-to:",
    "return-path:",
    "message-id:",
    "in-reply-to:",
    "references:",
    "to:",
    "cc:",
    "x-postfix-sender:",
    "original-mail-from:",
    "received:",
    "envelope-from",
    "mail from:",
    "sent by:",
    "sender address:",
];

/// Words that put an address forward as someone to write to, not as the failed recipient: providers' refusals
/// name their abuse and delisting desks (AT&T: "forward this error to abuse_rbl@abuse-att.net"; Apple: "contact
/// icloudadmin@apple.com"; Sendmail's "contact neko@example.org to clarify").
const CONTACT_CUES: &[&str] = &[
    "forward this error to",
    "forward this message to",
    "contact",
    "email us at",
    "write to",
    "send an email to",
    "please e-mail",
    "please email",
];

/// Candidate recipients in human text, excluding `exclude` (sender addresses) and system addresses.
pub fn recipients(text: &str, exclude: &[String]) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    for (address, start, end) in addresses(text) {
        if exclude.iter().any(|x| x.eq_ignore_ascii_case(&address)) {
            continue;
        }
        let lead = text[line_start(text, start)..start]
            .trim()
            .to_ascii_lowercase();
        let lead_trimmed = lead.trim_end_matches(['<', '"', '\'', '(', '[', ' ']);
        // The reporting system's own addresses are not recipients, unless the text says mail went to them
        // ("... delivering your mail to <postmaster@example.org>").
        if is_system_address(&address)
            && !(lead_trimmed.ends_with(" to") || lead_trimmed.ends_with("to:"))
        {
            continue;
        }
        if NOT_RECIPIENT_FIELDS.iter().any(|f| lead.starts_with(f))
            || lead_trimmed.ends_with("from")
            || lead_trimmed.ends_with("from:")
            || lead_trimmed.ends_with("sender")
            || lead_trimmed.ends_with("sender:")
            || lead_trimmed.ends_with("by")
            || lead_trimmed.ends_with("mailto:")
            || lead_trimmed.ends_with("message-id")
            || is_sender_tag(lead_trimmed)
            || CONTACT_CUES.iter().any(|c| lead_trimmed.ends_with(c))
        {
            continue;
        }
        let leading = lead_trimmed
            .chars()
            .all(|c| matches!(c, '*' | '-' | '•' | '>' | ':' | '#' | ' ' | '\t'))
            || lead_trimmed.ends_with("recipient:")
            || lead_trimmed.ends_with("recipient")
            || lead_trimmed.ends_with("rcpt to:")
            || lead_trimmed.ends_with("address:")
            || lead_trimmed.ends_with("to:");
        out.push(Found {
            address,
            start,
            end,
            leading,
        });
    }
    out
}

/// Whether the text before an address ends with the `F=` tag that logs and rejections use for the envelope
/// sender (`H=mx.example.net [192.0.2.1] F=<alice@example.org>`).
fn is_sender_tag(lead: &str) -> bool {
    lead.strip_suffix("f=")
        .is_some_and(|before| !before.ends_with(|c: char| c.is_ascii_alphanumeric()))
}

/// The distinct recipients, leading ones preferred: if any address starts a line, only those count.
pub fn distinct(found: &[Found]) -> Vec<String> {
    let any_leading = found.iter().any(|f| f.leading);
    let mut out: Vec<String> = Vec::new();
    for f in found.iter().filter(|f| f.leading || !any_leading) {
        if !out.iter().any(|a| a.eq_ignore_ascii_case(&f.address)) {
            out.push(f.address.clone());
        }
    }
    out
}

/// The pieces of `text` that speak of `address`: from the line of each of its mentions up to the line of the
/// next mention of another recipient. Linear in the number of mentions.
pub fn paragraphs(text: &str, found: &[Found], address: &str) -> Vec<(usize, usize)> {
    // For every mention, the next mention of a different address (scanning from the end once).
    let mut next_other = vec![None; found.len()];
    let mut later: Option<usize> = None;
    for i in (0..found.len()).rev() {
        next_other[i] = later;
        if !found[i].address.eq_ignore_ascii_case(address) {
            later = Some(i);
        }
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, f) in found.iter().enumerate() {
        if !f.address.eq_ignore_ascii_case(address) {
            continue;
        }
        // Never back over the line of the mention before (whoever's it is).
        let floor = i
            .checked_sub(1)
            .map_or(0, |p| line_end(text, found[p].end).min(f.start));
        let start = transcript_start(text, line_start(text, f.start), floor);
        let end = next_other[i].map_or(text.len(), |g| line_start(text, found[g].start).max(start));
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// Where the SMTP transcript that leads up to the line at `start` begins, if one does: Sendmail writes the
/// dialogue with the remote server just before the recipient's own line (`While talking to mx.example.edu:`,
/// `>>> MAIL From:<…>`, `<<< 550 …`, then `554 <bob@example.edu>... Remote protocol error`), and the `<<<`
/// reply is the remote server's own refusal (sendmail/deliver.c, sendmail/usersmtp.c). Goes back no further
/// than `floor`.
fn transcript_start(text: &str, start: usize, floor: usize) -> usize {
    let mut at = start;
    while at > floor {
        let prev = line_start(text, at - 1).max(floor);
        let line = text[prev..at].trim_start();
        let dialogue = line.starts_with("<<<")
            || line.starts_with(">>>")
            || line.starts_with("While talking to ");
        if !dialogue {
            break;
        }
        at = prev;
    }
    at
}

/// End of the line holding `at` (the position of its newline, or the text's end).
fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text[at..].find('\n').map_or(text.len(), |p| at + p)
}

/// Start of the line holding `at`, looking back at most a few kilobytes (a longer "line" is not prose).
fn line_start(text: &str, at: usize) -> usize {
    let mut from = at.saturating_sub(4096);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    text[from..at].rfind('\n').map_or(from, |p| from + p + 1)
}

/// Host names the text says it dealt with, the way MTAs name them: `host mx.example.com[192.0.2.1] said`,
/// `host mx.example.com [192.0.2.1]:`, `host: mx.example.com (192.0.2.1)`, `the mail system at host
/// mx.example.org`. Reads lowercase normalised text; linear in its length.
pub fn hosts(normalized: &str) -> Vec<&str> {
    let b = normalized.as_bytes();
    let mut out: Vec<&str> = Vec::new();
    let mut from = 0;
    while let Some(rel) = normalized.get(from..).and_then(|t| t.find("host")) {
        let at = from + rel;
        from = at + 4;
        // A word of its own: not `localhost`, `hostname` or `ghost`.
        if at > 0 && b[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let mut i = at + 4;
        if b.get(i) == Some(&b':') {
            i += 1;
        }
        if b.get(i) != Some(&b' ') {
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'-') {
            i += 1;
        }
        let name = normalized[start..i].trim_end_matches(['.', '-']);
        let tld_ok = name
            .rsplit('.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|c| c.is_ascii_alphabetic()));
        if name.contains('.') && tld_ok && !out.contains(&name) {
            out.push(name);
        }
        from = from.max(i);
    }
    out
}

/// The SMTP stage at which the server refused, from the way MTAs report it (RFC 5321 command names).
pub fn command(normalized: &str) -> Option<&'static str> {
    // Every phrase contains its anchor word; phrases whose anchor is absent are not searched.
    const STAGES: &[(&str, &str, &str)] = &[
        ("rcpt", "in reply to rcpt to", "RCPT"),
        ("rcpt", "after rcpt to", "RCPT"),
        ("rcpt", "did not like our rcpt to", "RCPT"),
        ("rcpt", ">>> rcpt to", "RCPT"),
        ("rcpt", "rcpt to:<", "RCPT"),
        ("rcpt", "smtp:rcpt", "RCPT"),
        ("recipient", "does not like recipient", "RCPT"),
        ("data", "in reply to end of data", "DATA"),
        ("data", "after end of data", "DATA"),
        ("data", "in reply to data", "DATA"),
        ("data", "after data", "DATA"),
        ("data", "did not like our final data", "DATA"),
        ("data", "did not like our data", "DATA"),
        ("data", "during the data", "DATA"),
        ("data", ">>> data", "DATA"),
        ("mail from", "in reply to mail from", "MAIL"),
        ("mail from", "after mail from", "MAIL"),
        ("mail from", "did not like our mail from", "MAIL"),
        ("mail from", ">>> mail from", "MAIL"),
        ("rejected", "but sender was rejected", "MAIL"),
        ("rejected", "but my name was rejected", "HELO"),
        ("helo", "in reply to helo", "HELO"),
        ("helo", "after helo", "HELO"),
        ("ehlo", "in reply to ehlo", "EHLO"),
        ("ehlo", "after ehlo", "EHLO"),
        ("starttls", "in reply to starttls", "STARTTLS"),
        ("starttls", "after starttls", "STARTTLS"),
        ("in reply to auth", "in reply to auth", "AUTH"),
        ("talk to me", "refused to talk to me", "CONN"),
        ("connect", "after initial connection", "CONN"),
        ("connect", "while connected to", "CONN"),
        ("greeting", "greeting", "CONN"),
    ];
    let mut best: Option<(usize, &'static str)> = None;
    let mut anchor_seen: Option<(&str, bool)> = None;
    for &(anchor, phrase, stage) in STAGES {
        let present = match anchor_seen {
            Some((a, p)) if a == anchor => p,
            _ => {
                let p = normalized.contains(anchor);
                anchor_seen = Some((anchor, p));
                p
            }
        };
        if !present {
            continue;
        }
        if let Some(at) = normalized.find(phrase)
            && best.is_none_or(|(b, _)| at < b)
        {
            best = Some((at, stage));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_addresses() {
        let a = addresses("to <bob.smith@example.com>, and x@y, 'carol@example.org'.");
        let names: Vec<_> = a.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(names, ["bob.smith@example.com", "carol@example.org"]);
    }

    #[test]
    fn recipients_skip_senders_and_prefer_line_starts() {
        let text = "From: MAILER-DAEMON@example.net\n<r@example.com> (expanded from <k@example.org>): user unknown\nsent by s@example.org\n";
        let f = recipients(text, &[]);
        assert_eq!(distinct(&f), ["r@example.com"]);
    }

    #[test]
    fn sentence_recipients_when_nothing_leads() {
        let text = "Your message wasn't delivered to bob@example.com because the address couldn't be found.";
        assert_eq!(distinct(&recipients(text, &[])), ["bob@example.com"]);
    }

    #[test]
    fn a_sendmail_transcript_belongs_to_the_recipient_line_after_it() {
        let text = "Transcript:\nWhile talking to mx.example.edu:\n>>> MAIL From:<a@example.jp>\n<<< 550 Insecure Mail Relay\n554 <b@example.edu>... Remote protocol error\n";
        let f = recipients(text, &[]);
        let p = paragraphs(text, &f, "b@example.edu");
        assert_eq!(p.len(), 1);
        assert!(
            text[p[0].0..p[0].1].starts_with("While talking to"),
            "{:?}",
            &text[p[0].0..p[0].1]
        );
        // Another recipient's line stops it.
        let text = "<<< 550 no\n550 <a@example.edu>... User unknown\n<<< 550 Insecure Mail Relay\n554 <b@example.edu>... Remote protocol error\n";
        let f = recipients(text, &[]);
        let p = paragraphs(text, &f, "b@example.edu");
        assert!(
            text[p[0].0..p[0].1].starts_with("<<< 550 Insecure"),
            "{:?}",
            &text[p[0].0..p[0].1]
        );
    }

    #[test]
    fn paragraphs_split_by_other_recipients() {
        let text = "<a@example.com>:\nno mailbox\n\n<b@example.com>:\nfull\n";
        let f = recipients(text, &[]);
        let p = paragraphs(text, &f, "a@example.com");
        assert_eq!(&text[p[0].0..p[0].1], "<a@example.com>:\nno mailbox\n\n");
    }

    #[test]
    fn a_desk_to_write_to_is_not_a_recipient() {
        let text = "553 5.3.0 mx.example.net DNSBL:RBL 521< 192.0.2.1 >_is_blocked.For assistance forward this error to abuse_rbl@example.net";
        assert!(distinct(&recipients(text, &[])).is_empty());
        let text = "550 5.7.1 Your message to bob@example.com was rejected; contact postmaster-desk@example.net";
        assert_eq!(distinct(&recipients(text, &[])), ["bob@example.com"]);
    }

    #[test]
    fn sender_tag_is_not_a_recipient() {
        let found = recipients(
            "undeliverable to carol@example.net\n550-H=mx.example.org [192.0.2.1] F=[alice@example.org] T=[carol@example.net]\n",
            &[],
        );
        assert_eq!(distinct(&found), vec!["carol@example.net".to_string()]);
    }

    #[test]
    fn host_names_as_mtas_write_them() {
        let text = "this is the mail system at host relay.example.org. <bob@example.com>: host \
                    mx1.example.com[192.0.2.1] said: 550 no; smtp error from remote server for text command, host: \
                    smtp-in.example.net (192.0.2.2) reason: 550; localhost 127.0.0.1; host 192.0.2.3 refused";
        assert_eq!(
            hosts(text),
            [
                "relay.example.org",
                "mx1.example.com",
                "smtp-in.example.net"
            ]
        );
        assert!(hosts("ghost town.example.com, hostname mx.example.com").is_empty());
    }

    #[test]
    fn stages() {
        assert_eq!(
            command("host x said: 550 no (in reply to rcpt to command)"),
            Some("RCPT")
        );
        assert_eq!(
            command("smtp error from remote mail server after end of data: 554"),
            Some("DATA")
        );
        // qmail says which command failed in words of its own.
        assert_eq!(
            command("connected to 192.0.2.1 but sender was rejected. remote host said: 553 no"),
            Some("MAIL")
        );
        assert_eq!(
            command("connected to 192.0.2.1 but my name was rejected. remote host said: 501 no"),
            Some("HELO")
        );
        assert_eq!(command("nothing here"), None);
    }
}
