//! "Where this wording comes from": the rules' `source` fields for a reason page. A source is free text,
//! entries separated by `; `, each a vendor page or RFC address followed by what it says, or a repository and
//! path (`sisimai/go-sisimai ed142de reason/why-mailboxfull.go`). Addresses become links; everything else stays
//! text, escaped by the template like any other value.

use diagnosis::Reason;
use diagnosis::rules::Rule;
use serde::Serialize;

/// One entry of a source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct SourceEntry {
    /// The address, when the entry starts with one (`https://...`).
    pub url: Option<String>,
    /// The rest of the entry (or all of it, for a repository and path).
    pub text: String,
}

/// The sources of the rules that decide `reason`, each entry once, in rule order.
pub(crate) fn for_reason(rules: &[Rule], reason: Reason) -> Vec<SourceEntry> {
    let mut out: Vec<SourceEntry> = Vec::new();
    for rule in rules.iter().filter(|r| r.reason == reason) {
        for entry in rule.source.iter().flat_map(|s| parse(s)) {
            if !out.contains(&entry) {
                out.push(entry);
            }
        }
    }
    out
}

/// A source's entries.
pub(crate) fn parse(source: &str) -> Vec<SourceEntry> {
    source
        .split("; ")
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|entry| {
            let (first, rest) = entry.split_once(char::is_whitespace).unwrap_or((entry, ""));
            if (first.starts_with("https://") || first.starts_with("http://")) && first.len() > 8 {
                SourceEntry {
                    url: Some(first.to_string()),
                    text: rest.trim().to_string(),
                }
            } else {
                SourceEntry {
                    url: None,
                    text: entry.to_string(),
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_links_and_the_rest_stays_text() {
        let entries = parse(
            "https://www.rfc-editor.org/rfc/rfc3463 (X.2.2 'mailbox full'); sisimai/go-sisimai ed142de reason/why-mailboxfull.go; ",
        );
        assert_eq!(
            entries,
            [
                SourceEntry {
                    url: Some("https://www.rfc-editor.org/rfc/rfc3463".into()),
                    text: "(X.2.2 'mailbox full')".into(),
                },
                SourceEntry {
                    url: None,
                    text: "sisimai/go-sisimai ed142de reason/why-mailboxfull.go".into(),
                },
            ]
        );
        // `javascript:` and other schemes are text, never a link.
        assert_eq!(parse("javascript:alert(1)")[0].url, None);
    }
}
