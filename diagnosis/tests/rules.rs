//! The bundled rules load cleanly, and every rule's examples are decided by that rule (the executable spec).

use diagnosis::rules::{RuleSet, bundled_sources};
use diagnosis::{Reason, classify};

fn bundled() -> RuleSet {
    match RuleSet::from_sources(&bundled_sources()) {
        Ok(set) => set,
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!(
                "bundled rules have {} errors:\n{}",
                list.len(),
                list.join("\n")
            );
        }
    }
}

#[test]
fn bundled_rules_load() {
    let set = bundled();
    assert!(set.rules.len() > 30, "only {} rules", set.rules.len());
    for r in Reason::ALL {
        assert!(set.reason_info(*r).is_some(), "no reasons/{r}.toml");
    }
}

#[test]
fn every_example_classifies_to_its_rule() {
    let set = bundled();
    let mut ran = 0;
    for rule in &set.rules {
        for ex in &rule.examples {
            let d = classify(ex.as_bytes(), &set);
            let b = &d.bounces[0];
            assert_eq!(
                b.reason, rule.reason,
                "example {ex:?} of {} at {}",
                rule.id, rule.location
            );
            ran += 1;
        }
    }
    assert!(ran > 50, "ran {ran} examples");
}

/// The bundled sources with the file ending in `file` changed by `edit`, loaded; the errors as text.
fn errors_after(file: &str, edit: impl FnOnce(&mut String)) -> Vec<String> {
    let mut files: Vec<(String, String)> = bundled_sources()
        .iter()
        .map(|s| (s.path.to_string(), s.text.to_string()))
        .collect();
    let f = files
        .iter_mut()
        .find(|(p, _)| p.ends_with(file))
        .expect("bundled file");
    edit(&mut f.1);
    let sources: Vec<diagnosis::Source<'_>> = files
        .iter()
        .map(|(path, text)| diagnosis::Source { path, text })
        .collect();
    match RuleSet::from_sources(&sources) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

/// The bundled sources with `extra` appended to the file ending in `file`, loaded; the errors as text.
fn errors_with(file: &str, extra: &str) -> Vec<String> {
    errors_after(file, |text| text.push_str(extra))
}

#[test]
fn an_example_its_phrase_misses_says_so() {
    let errors = errors_with(
        "reasons/filtered.toml",
        "\n[[rule]]\nid = \"filtered.approved\"\nmatch = [\"only accept mail from approved senders\"]\nexamples = [\"550 5.7.1 <bob@example.net>: Recipient only accepts mail from approved senders\"]\n",
    );
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("none of the rule's phrases occurs in it"),
        "{}",
        errors[0]
    );
}

#[test]
fn an_example_a_deciding_status_code_takes_names_the_code_and_yields_to() {
    let errors = errors_with(
        "reasons/filtered.toml",
        "\n[[rule]]\nid = \"filtered.approved\"\nmatch = [\"accepts mail only from approved senders\"]\nexamples = [\"550 5.1.1 <bob@example.net>: This mailbox accepts mail only from approved senders\"]\n",
    );
    assert!(
        errors.iter().any(
            |e| e.contains("its status code decides first (X.1.1") && e.contains("`yields-to`")
        ),
        "{errors:#?}"
    );
}

#[test]
fn a_broken_reason_file_is_not_also_called_missing_by_order_toml() {
    let errors = errors_with(
        "reasons/filtered.toml",
        "\n[[rule]]\nid = \"filtered.x\"\nmatch = [\"x y z\"]\nnotes = \"typo for note\"\nexamples = [\"550 x y z\"]\n",
    );
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("filtered.toml"), "{}", errors[0]);
    assert!(!errors[0].contains("order.toml"), "{}", errors[0]);
}

#[test]
fn a_reason_repeated_in_its_own_file_is_to_be_removed() {
    let errors = errors_with(
        "reasons/filtered.toml",
        "\n[[rule]]\nid = \"filtered.x\"\nreason = \"filtered\"\nmatch = [\"x y z\"]\nexamples = [\"550 x y z\"]\n",
    );
    assert!(
        errors.iter().any(|e| e.contains("remove `reason`")),
        "{errors:#?}"
    );
}

#[test]
fn file_wide_reason_keys_in_a_provider_file_are_errors() {
    let errors = errors_after("providers/yahoo.toml", |text| {
        *text = format!("actor = \"recipient\"\ntitle = \"Yahoo\"\n{text}");
    });
    assert!(
        errors
            .iter()
            .any(|e| e.contains("yahoo.toml:1:1:") && e.contains("no file-wide `actor`")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("yahoo.toml:2:1:") && e.contains("no file-wide `title`")),
        "{errors:#?}"
    );
}
