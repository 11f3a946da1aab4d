//! Single lines in other languages (`tests/bounces/lines-intl.toml`), classified as a reader would paste them:
//! each must come out with its reason, and every language the rules cover keeps at least five lines.

use std::collections::BTreeMap;

use diagnosis::{Reason, RuleSet, classify};

/// The languages the rules cover and the test holds to [`PER_LANGUAGE`] lines each.
const LANGUAGES: [&str; 7] = ["de", "fr", "es", "pt", "it", "nl", "ja"];
const PER_LANGUAGE: usize = 5;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Lines {
    line: Vec<Line>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    text: String,
    reason: Reason,
    #[serde(default)]
    also: Vec<Reason>,
    lang: String,
    source: String,
}

fn lines() -> Vec<Line> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/bounces/lines-intl.toml"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match toml::from_str::<Lines>(&text) {
        Ok(lines) => lines.line,
        Err(e) => panic!("{path}: {e}"),
    }
}

#[test]
fn every_line_gets_its_reason() {
    let rules = RuleSet::bundled();
    let mut wrong = Vec::new();
    let lines = lines();
    for l in &lines {
        let d = classify(l.text.as_bytes(), rules);
        let got: Vec<(Reason, &[String])> = d
            .bounces
            .iter()
            .map(|b| (b.reason, b.rules.as_slice()))
            .collect();
        let right = got.len() == 1 && (got[0].0 == l.reason || l.also.contains(&got[0].0));
        if !right {
            wrong.push(format!(
                "[{}] {:?}: expected {}, got {:?}",
                l.lang, l.text, l.reason, got
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} lines are wrong:\n{}",
        wrong.len(),
        lines.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_language_has_lines_with_sources() {
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    for l in lines() {
        assert!(
            LANGUAGES.contains(&l.lang.as_str()),
            "{:?}: unknown lang {:?}; expected one of {LANGUAGES:?}",
            l.text,
            l.lang
        );
        assert!(!l.source.trim().is_empty(), "{:?} has no source", l.text);
        *per.entry(l.lang).or_default() += 1;
    }
    for lang in LANGUAGES {
        let n = per.get(lang).copied().unwrap_or(0);
        assert!(
            n >= PER_LANGUAGE,
            "{lang} has {n} lines; keep at least {PER_LANGUAGE}"
        );
    }
}
