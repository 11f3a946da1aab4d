//! The "send this to your mail admin" block: front matter `admin-for`, `admin-note` and `admin-checks`, turned
//! into plain text a reader copies into an email or a ticket.

use serde::Serialize;

/// Whose admin the block is for, as `admin-for` names it.
pub(crate) const ADMIN_FOR: [&str; 2] = ["sender-admin", "recipient-admin"];

/// The block as shown on the article's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdminBlock {
    /// `sender-admin` or `recipient-admin`.
    pub admin_for: String,
    /// The block's heading.
    pub heading: String,
    /// What happened, to the admin, in one or two sentences.
    pub note: String,
    /// What to check, in order.
    pub checks: Vec<String>,
    /// The whole block as plain text, ready to copy.
    pub text: String,
}

impl AdminBlock {
    /// The block for `admin_for` (`None` is the sender's admin), or why it can't be made.
    pub(crate) fn new(
        admin_for: Option<&str>,
        note: &str,
        checks: &[String],
    ) -> Result<AdminBlock, String> {
        let admin_for = admin_for.unwrap_or(ADMIN_FOR[0]);
        let heading = match admin_for {
            "sender-admin" => "Send this to your mail admin",
            "recipient-admin" => "Send this to the recipient's mail admin",
            other => {
                return Err(format!(
                    "unknown `admin-for` `{other}`: expected \"sender-admin\" or \"recipient-admin\"{}",
                    crate::error::suggestion(other, ADMIN_FOR)
                ));
            }
        };
        let note = note.trim();
        if note.is_empty() {
            return Err("`admin-note` is empty: say in one or two sentences what happened".into());
        }
        let checks: Vec<String> = checks.iter().map(|c| c.trim().to_string()).collect();
        if checks.is_empty() || checks.iter().any(String::is_empty) {
            return Err(
                "`admin-checks` needs one or more checks, in the order the admin should do them"
                    .into(),
            );
        }
        let mut text = format!(
            "What happened: {note}\n\nThe exact error (paste the server's reply from the bounce here):\n\n\nWhat to check:\n"
        );
        for (n, check) in checks.iter().enumerate() {
            text.push_str(&format!("{}. {check}\n", n + 1));
        }
        Ok(AdminBlock {
            admin_for: admin_for.to_string(),
            heading: heading.to_string(),
            note: note.to_string(),
            checks,
            text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_has_what_happened_the_error_and_the_checks() {
        let b =
            AdminBlock::new(None, " Refused. ", &["First".into(), "Second".into()]).expect("ok");
        assert_eq!(b.heading, "Send this to your mail admin");
        assert!(b.text.starts_with("What happened: Refused.\n"));
        assert!(b.text.contains("paste the server's reply"));
        assert!(b.text.ends_with("What to check:\n1. First\n2. Second\n"));
        let r = AdminBlock::new(Some("recipient-admin"), "x", &["y".into()]).expect("ok");
        assert_eq!(r.heading, "Send this to the recipient's mail admin");
    }

    #[test]
    fn bad_fields_are_explained() {
        assert!(
            AdminBlock::new(Some("sender-admn"), "x", &["y".into()])
                .expect_err("an error")
                .contains("did you mean `sender-admin`?")
        );
        assert!(
            AdminBlock::new(None, "x", &[])
                .expect_err("an error")
                .contains("`admin-checks`")
        );
        assert!(
            AdminBlock::new(None, " ", &["y".into()])
                .expect_err("an error")
                .contains("`admin-note`")
        );
    }
}
