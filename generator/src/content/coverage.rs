//! Coverage: which reasons and codes the articles explain, as `bouncebook check` reports it.

use super::library::Library;

/// Which reasons and codes have an article that claims them in its front matter (`reasons`, `codes`): the
/// reader who pastes one of them gets a page that explains it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Reasons (of the 36) no article claims.
    pub reasons_missing: Vec<diagnosis::Reason>,
    /// Reply codes of the rules' code table, how many, and those no article claims.
    pub reply_codes: (usize, Vec<String>),
    /// Enhanced status codes of the code table, how many, and those no article claims. An `X.1.1` entry is
    /// covered by an article claiming `4.1.1` or `5.1.1`.
    pub status_codes: (usize, Vec<String>),
    /// `> [!UNVERIFIED]` callouts (claims without a source) and how many articles have one: information for the
    /// writer, not a problem.
    pub unverified: (usize, usize),
}

impl Coverage {
    /// Computes coverage of `lib`'s reasons and code table by its articles.
    pub fn of(lib: &Library) -> Coverage {
        use std::collections::HashSet;
        let claimed_reasons: HashSet<diagnosis::Reason> = lib
            .articles
            .iter()
            .flat_map(|a| a.reasons.iter().copied())
            .collect();
        let claimed_codes: HashSet<&str> = lib
            .articles
            .iter()
            .flat_map(|a| a.codes.iter().map(String::as_str))
            .collect();
        let covered = |code: &str| match code.strip_prefix("X.") {
            Some(rest) => ["4.", "5."]
                .iter()
                .any(|class| claimed_codes.contains(format!("{class}{rest}").as_str())),
            None => claimed_codes.contains(code),
        };
        let missing = |table: &[diagnosis::rules::CodeInfo]| {
            let missing = table
                .iter()
                .map(|c| c.code.clone())
                .filter(|c| !covered(c))
                .collect();
            (table.len(), missing)
        };
        Coverage {
            reasons_missing: diagnosis::Reason::ALL
                .iter()
                .copied()
                .filter(|r| !claimed_reasons.contains(r))
                .collect(),
            reply_codes: missing(&lib.rules.reply_codes),
            status_codes: missing(&lib.rules.status_codes),
            unverified: (
                lib.articles.iter().map(|a| a.unverified).sum(),
                lib.articles.iter().filter(|a| a.unverified > 0).count(),
            ),
        }
    }
}

impl std::fmt::Display for Coverage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all = diagnosis::Reason::ALL.len();
        let line =
            |f: &mut std::fmt::Formatter<'_>, what: &str, total: usize, missing: &[String]| {
                write!(f, "\n  {}/{total} {what}", total - missing.len())?;
                if !missing.is_empty() {
                    write!(f, " (none for {})", missing.join(", "))?;
                }
                Ok(())
            };
        write!(f, "articles cover:")?;
        let reasons: Vec<String> = self.reasons_missing.iter().map(|r| r.to_string()).collect();
        line(f, "reasons", all, &reasons)?;
        line(
            f,
            "reply codes of the code table",
            self.reply_codes.0,
            &self.reply_codes.1,
        )?;
        line(
            f,
            "enhanced status codes of the code table",
            self.status_codes.0,
            &self.status_codes.1,
        )?;
        let (callouts, articles) = self.unverified;
        write!(
            f,
            "\nunverified claims: {callouts} [!UNVERIFIED] callout(s) in {articles} article(s) (information, not a problem)"
        )
    }
}
