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
