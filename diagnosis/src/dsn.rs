//! `Field: value` blocks of delivery status notifications (RFC 3464 §2.2–2.3) and feedback reports (RFC 5965
//! §3.1), wherever they appear: in a `message/delivery-status` part, or pasted below the human-readable text.

/// A field and where its value is in the text it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The field name, lowercase (`final-recipient`).
    pub name: String,
    /// The value with continuation lines unfolded (each fold becomes one space).
    pub value: String,
    /// Byte range of the raw value (including continuation lines) in the text.
    pub start: usize,
    /// End of that range.
    pub end: usize,
}

/// The fields of one recipient (or of the message as a whole).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Group {
    /// The fields in order.
    pub fields: Vec<Field>,
}

impl Group {
    /// The first field of that (lowercase) name.
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The value of the first field of that name, if not empty.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name)
            .map(|f| f.value.trim())
            .filter(|v| !v.is_empty())
    }
}

/// A parsed report: per-message fields and one group per recipient.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// `Reporting-MTA`, `Arrival-Date`, `Feedback-Type`, ...
    pub message: Group,
    /// One group per recipient, in order.
    pub recipients: Vec<Group>,
}

const PER_RECIPIENT: &[&str] = &[
    "final-recipient",
    "original-recipient",
    "x-actual-recipient",
    "action",
    "status",
    "remote-mta",
    "diagnostic-code",
    "last-attempt-date",
    "final-log-id",
    "will-retry-until",
    "x-display-name",
];

const PER_MESSAGE: &[&str] = &[
    "reporting-mta",
    "dsn-gateway",
    "received-from-mta",
    "arrival-date",
    "original-envelope-id",
    "x-postfix-queue-id",
    "x-postfix-sender",
    "x-original-message-id",
    // RFC 5965 feedback reports
    "feedback-type",
    "user-agent",
    "version",
    "original-mail-from",
    "original-rcpt-to",
    "source-ip",
    "reported-domain",
    "reported-uri",
    "authentication-results",
    "removal-recipient",
    "incidents",
];

/// Whether a line starts a recipient's block.
fn starts_recipient(name: &str) -> bool {
    matches!(
        name,
        "final-recipient" | "original-recipient" | "x-actual-recipient"
    )
}

/// Reads every DSN or feedback field in `text`. Lines that are not fields end a field's continuation and are
/// otherwise skipped, so human text around the fields does no harm.
pub fn parse(text: &str) -> Report {
    let mut report = Report::default();
    let mut current: Option<Group> = None;
    let mut last: Option<(bool, usize)> = None; // (in recipient group, field index) that may continue
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if body.starts_with([' ', '\t']) && !body.trim().is_empty() {
            if let Some((in_rcpt, idx)) = last {
                let group = if in_rcpt {
                    current.as_mut()
                } else {
                    Some(&mut report.message)
                };
                if let Some(f) = group.and_then(|g| g.fields.get_mut(idx)) {
                    f.value.push(' ');
                    f.value.push_str(body.trim());
                    f.end = start + body.len();
                }
            }
            continue;
        }
        last = None;
        if body.trim().is_empty() {
            // A blank line ends a recipient's block (RFC 3464 §2.1).
            if let Some(g) = current.take() {
                report.recipients.push(g);
            }
            continue;
        }
        let Some(colon) = body.find(':') else {
            continue;
        };
        let name = body[..colon].trim().to_ascii_lowercase();
        if name.is_empty() || name.contains(' ') {
            continue;
        }
        let raw_value = &body[colon + 1..];
        let lead = raw_value.len() - raw_value.trim_start().len();
        let vstart = start + colon + 1 + lead;
        let field = Field {
            name: name.clone(),
            value: raw_value.trim().to_string(),
            start: vstart,
            end: start + body.len(),
        };
        if PER_RECIPIENT.contains(&name.as_str()) {
            let new_group = match &current {
                None => true,
                Some(g) => {
                    starts_recipient(&name)
                        && g.fields.iter().any(|f| {
                            f.name == name
                                || matches!(
                                    f.name.as_str(),
                                    "action" | "status" | "diagnostic-code" | "remote-mta"
                                )
                        })
                }
            };
            if new_group && let Some(g) = current.take() {
                report.recipients.push(g);
            }
            let g = current.get_or_insert_with(Group::default);
            g.fields.push(field);
            last = Some((true, g.fields.len() - 1));
        } else if PER_MESSAGE.contains(&name.as_str()) {
            report.message.fields.push(field);
            last = Some((false, report.message.fields.len() - 1));
        }
    }
    if let Some(g) = current {
        report.recipients.push(g);
    }
    report.recipients.retain(|g| {
        g.fields
            .iter()
            .any(|f| starts_recipient(&f.name) || f.name == "status" || f.name == "diagnostic-code")
    });
    report
}

/// The address in a recipient field value: `rfc822; bob@example.com` → `bob@example.com`.
pub fn address(value: &str) -> &str {
    let v = match value.split_once(';') {
        Some((_, rest)) => rest,
        None => value,
    };
    v.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
}

/// The text of a `Diagnostic-Code`, without its type (`smtp; 550 ...` → `550 ...`), and the offset it starts at
/// within the value.
pub fn diagnostic(value: &str) -> (&str, usize) {
    if let Some((kind, rest)) = value.split_once(';')
        && !kind.contains(' ')
        && kind.len() <= 16
    {
        let lead = kind.len() + 1 + (rest.len() - rest.trim_start().len());
        return (rest.trim(), lead);
    }
    (value.trim(), value.len() - value.trim_start().len())
}

/// The type of a `Diagnostic-Code` (`smtp`, `x-unix`, `x-postfix`), lowercase.
pub fn diagnostic_type(value: &str) -> Option<String> {
    let (kind, _) = value.split_once(';')?;
    let kind = kind.trim();
    (!kind.is_empty() && !kind.contains(' ')).then(|| kind.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_folds() {
        let text = "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user\n    unknown\n\nFinal-Recipient: rfc822; b@example.com\nOriginal-Recipient: rfc822; b@example.com\nAction: delayed\nStatus: 4.2.2\n";
        let r = parse(text);
        assert_eq!(
            r.message.value("reporting-mta"),
            Some("dns; mx.example.org")
        );
        assert_eq!(r.recipients.len(), 2);
        assert_eq!(
            r.recipients[0].value("diagnostic-code"),
            Some("smtp; 550 5.1.1 user unknown")
        );
        let f = r.recipients[0].get("diagnostic-code").expect("field");
        assert!(text[f.start..f.end].ends_with("unknown"));
        assert_eq!(
            address(r.recipients[1].value("final-recipient").expect("rcpt")),
            "b@example.com"
        );
        assert_eq!(diagnostic("smtp; 550 5.1.1 x"), ("550 5.1.1 x", 6));
    }

    #[test]
    fn original_before_final_is_one_recipient() {
        let r = parse(
            "Original-Recipient: rfc822;a@example.com\nFinal-Recipient: rfc822;a@example.com\nAction: failed\n",
        );
        assert_eq!(r.recipients.len(), 1);
    }
}
