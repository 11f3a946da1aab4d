//! Slugs: the URL-safe names of headings, tags and pages.

/// `How to fix it (as the sender)` → `how-to-fix-it-as-the-sender`. Letters and digits (any script) are kept,
/// lowercased; every other run of characters becomes one `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Whether `s` is a valid file slug: lowercase ASCII letters, digits and single `-` inside, not at the ends.
/// Such names need no escaping in URLs, file systems or shells.
pub fn is_valid(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `s` is a valid tag: like a slug, and dots may join parts too (`outlook.com`).
pub fn is_valid_tag(s: &str) -> bool {
    !s.starts_with('.') && !s.ends_with('.') && !s.contains("..") && s.split('.').all(is_valid)
}

/// The message for an invalid slug, with the slug it should probably be.
pub fn invalid_message(what: &str, s: &str) -> String {
    let fixed = slugify(s);
    let hint = if fixed.is_empty() || fixed == s {
        String::new()
    } else {
        format!(" (for example `{fixed}`)")
    };
    format!("{what} `{s}` must use only lowercase letters a-z, digits and single dashes{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("How to fix it"), "how-to-fix-it");
        assert_eq!(
            slugify("  550 5.7.1: Relay -- denied! "),
            "550-5-7-1-relay-denied"
        );
        assert_eq!(slugify("Ärger mit DKIM"), "ärger-mit-dkim");
        assert!(is_valid("mailbox-full-2"));
        assert!(!is_valid("Mailbox"));
        assert!(!is_valid("a--b"));
        assert!(!is_valid("-a"));
        assert!(is_valid_tag("outlook.com"));
        assert!(!is_valid_tag("outlook..com"));
        assert!(!is_valid_tag(".com"));
        assert_eq!(
            invalid_message("tag", "Mail Box"),
            "tag `Mail Box` must use only lowercase letters a-z, digits and single dashes (for example `mail-box`)"
        );
    }
}
