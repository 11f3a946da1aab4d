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

#[test]
fn every_rule_names_its_source() {
    // A rule says how servers word a failure; `source` says where that wording is produced or documented (MTA
    // source, a provider's error list, an RFC), so the next writer can check it instead of trusting it.
    let set = bundled();
    let missing: Vec<String> = set
        .rules
        .iter()
        .filter(|r| r.source.as_deref().is_none_or(|s| s.trim().is_empty()))
        .map(|r| format!("{} at {}", r.id, r.location))
        .collect();
    assert!(set.rules.len() > 30, "only {} rules", set.rules.len());
    assert!(
        missing.is_empty(),
        "rules without a source:\n{}",
        missing.join("\n")
    );
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

#[test]
fn a_provider_rule_scoped_to_hosts_needs_one_of_them() {
    let set = bundled();
    let reply = "550 5.1.0 <alice@example.org> sender rejected. AUP#In-1310";
    let reason = |text: &str| classify(text.as_bytes(), &set).bounces[0].reason;
    // Spectrum's code means a connection limit, but only Spectrum's servers say it.
    assert_eq!(reason(reply), Reason::Rejected);
    for named in [
        format!("<bob@charter.net>: host mx.example.net[192.0.2.1] said: {reply}"),
        format!("<bob@example.com>: host mx1.charter.net[192.0.2.1] said: {reply}"),
        format!(
            "Reporting-MTA: dns; relay.example.org\n\nFinal-Recipient: rfc822; bob@example.com\nAction: failed\n\
             Status: 5.1.0\nRemote-MTA: dns; MX2.Charter.NET\nDiagnostic-Code: smtp; {reply}"
        ),
    ] {
        assert_eq!(reason(&named), Reason::TooManyConn, "{named}");
    }
    let look_alike =
        format!("<bob@notcharter.net>: host mx.notcharter.net[192.0.2.1] said: {reply}");
    assert_eq!(reason(&look_alike), Reason::Rejected);
}

#[test]
fn scope_errors_say_what_is_expected() {
    let errors = errors_with(
        "reasons/filtered.toml",
        "\n[[rule]]\nid = \"filtered.x\"\nmatch = [\"x y z\"]\nscope = \"hosts\"\nexamples = [\"550 x y z\"]\n",
    );
    assert!(
        errors.iter().any(|e| e.contains("is for provider rules")),
        "{errors:#?}"
    );
    let errors = errors_with(
        "providers/cox.toml",
        "\n[[rule]]\nid = \"cox.x\"\nreason = \"blocked\"\nmatch = [\"x y z\"]\nscope = \"cox\"\nexamples = [\"550 x y z\"]\n",
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("unknown scope `cox`; expected `anywhere` or `hosts`")),
        "{errors:#?}"
    );
    let errors = errors_after("providers/cox.toml", |text| {
        *text = text.replace("hosts = [\"cox.net\"]", "hosts = [\"Cox\"]");
    });
    assert!(
        errors
            .iter()
            .any(|e| e.contains("cox.toml:") && e.contains("host `Cox` is not a domain name")),
        "{errors:#?}"
    );
}

#[test]
fn a_scoped_rule_whose_example_names_no_host_says_so() {
    let errors = errors_with(
        "providers/cox.toml",
        "\n[[rule]]\nid = \"cox.x\"\nreason = \"mailboxfull\"\nmatch = [\"box is stuffed\"]\nscope = \"hosts\"\nexamples = [\"552 box is stuffed\"]\n",
    );
    assert!(
        errors.iter().any(|e| e.contains("`cox.x`")
            && e.contains("only to bounces from its provider's hosts (cox.net)")),
        "{errors:#?}"
    );
}

#[test]
fn the_compiled_form_keeps_host_scopes() {
    let set = bundled();
    let compiled = RuleSet::from_json(&set.to_json()).expect("compiled rules load");
    let reply = "550 5.1.0 <alice@example.org> sender rejected. AUP#In-1310";
    for text in [
        reply.to_string(),
        format!("<bob@charter.net>: host mx.example.net[192.0.2.1] said: {reply}"),
    ] {
        let a = &classify(text.as_bytes(), &set).bounces[0];
        let b = &classify(text.as_bytes(), &compiled).bounces[0];
        assert_eq!(
            (a.reason, &a.decided_by),
            (b.reason, &b.decided_by),
            "{text}"
        );
    }
}
