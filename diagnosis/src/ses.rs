//! Amazon SES event notifications (JSON, usually delivered through SNS or pasted from a log): bounces,
//! complaints and deliveries, with per-recipient status and diagnostic code.
//! <https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html>

use serde_json::Value;

/// What kind of notification it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// `notificationType`/`eventType` "Bounce".
    Bounce,
    /// "Complaint": a feedback-loop report.
    Complaint,
    /// "Delivery": a positive delivery report.
    Delivery,
}

/// One recipient of a notification.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipient {
    /// `emailAddress`, or the address in `recipients`.
    pub address: String,
    /// `action` (bounces).
    pub action: Option<String>,
    /// `status` (bounces).
    pub status: Option<String>,
    /// `diagnosticCode` (bounces) or `smtpResponse` (deliveries).
    pub diagnostic: Option<String>,
    /// `complaintFeedbackType` (complaints).
    pub feedback_type: Option<String>,
}

/// A parsed notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Its kind.
    pub event: Event,
    /// The recipients it reports.
    pub recipients: Vec<Recipient>,
    /// `bounceType` (`Permanent`, `Transient`, `Undetermined`).
    pub bounce_type: Option<String>,
    /// `bounceSubType` (`General`, `NoEmail`, `Suppressed`, `OnAccountSuppressionList`, `MailboxFull`, ...).
    pub bounce_subtype: Option<String>,
}

/// Finds and reads an SES notification in `text`, also when wrapped in an SNS envelope (`"Message": "{...}"`).
pub fn parse(text: &str) -> Option<Notification> {
    if !text.contains("notificationType") && !text.contains("eventType") {
        return None;
    }
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    let json = text.get(start..=end)?;
    // Mail transports fold long lines; JSON strings cannot hold raw line breaks, so joining lines is safe.
    let mut value: Value = serde_json::from_str(json)
        .or_else(|_| serde_json::from_str(&json.replace(['\r', '\n'], "")))
        .ok()?;
    if let Some(inner) = value.get("Message").and_then(Value::as_str) {
        value = serde_json::from_str(inner).ok()?;
    }
    let kind = value
        .get("notificationType")
        .or_else(|| value.get("eventType"))?
        .as_str()?;
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    match kind {
        "Bounce" => {
            let b = value.get("bounce")?;
            let recipients = b
                .get("bouncedRecipients")?
                .as_array()?
                .iter()
                .filter_map(|r| {
                    Some(Recipient {
                        address: s(r, "emailAddress")?,
                        action: s(r, "action"),
                        status: s(r, "status"),
                        diagnostic: s(r, "diagnosticCode"),
                        feedback_type: None,
                    })
                })
                .collect();
            Some(Notification {
                event: Event::Bounce,
                recipients,
                bounce_type: s(b, "bounceType"),
                bounce_subtype: s(b, "bounceSubType"),
            })
        }
        "Complaint" => {
            let c = value.get("complaint")?;
            let feedback_type = s(c, "complaintFeedbackType");
            let recipients = c
                .get("complainedRecipients")?
                .as_array()?
                .iter()
                .filter_map(|r| {
                    Some(Recipient {
                        address: s(r, "emailAddress")?,
                        feedback_type: feedback_type.clone(),
                        ..Recipient::default()
                    })
                })
                .collect();
            Some(Notification {
                event: Event::Complaint,
                recipients,
                bounce_type: None,
                bounce_subtype: None,
            })
        }
        "Delivery" => {
            let d = value.get("delivery")?;
            let response = s(d, "smtpResponse");
            let recipients = d
                .get("recipients")?
                .as_array()?
                .iter()
                .filter_map(|r| {
                    Some(Recipient {
                        address: r.as_str()?.to_string(),
                        diagnostic: response.clone(),
                        ..Recipient::default()
                    })
                })
                .collect();
            Some(Notification {
                event: Event::Delivery,
                recipients,
                bounce_type: None,
                bounce_subtype: None,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounce_in_sns_envelope() {
        let inner = r#"{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"a@example.com","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}]}}"#;
        let outer = serde_json::json!({"Type": "Notification", "Message": inner}).to_string();
        let n = parse(&outer).expect("parsed");
        assert_eq!(n.event, Event::Bounce);
        assert_eq!(n.recipients[0].status.as_deref(), Some("5.1.1"));
    }

    #[test]
    fn not_json() {
        assert!(parse("the eventType was {broken").is_none());
    }
}
