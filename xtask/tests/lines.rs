//! Guards the single-line set (`tests/bounces/lines.toml`): at least `MIN_CASES` sourced cases, a strict
//! reason score of at least `FLOOR`, and every case marked `must` (a wrong answer an issue lists) right.

use xtask::lines::{FLOOR, MIN_CASES, figures, load, misses, path, run};

#[test]
fn single_lines_meet_the_floor() {
    let cases = load(&path()).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        cases.len() >= MIN_CASES,
        "the set has {} cases, fewer than {MIN_CASES}",
        cases.len()
    );
    let rules = diagnosis::RuleSet::bundled();
    assert!(!rules.rules.is_empty(), "bundled rules failed to load");
    let outcomes = run(&cases, rules);
    assert_eq!(outcomes.len(), cases.len(), "every case ran");
    let f = figures(&outcomes);
    let missed = misses(&outcomes);
    for m in &missed {
        eprintln!("miss {m}");
    }
    eprintln!("single lines: strict {}, lenient {}", f.strict, f.lenient);
    let wrong_musts: Vec<String> = outcomes
        .iter()
        .filter(|o| o.case.must && !o.strict())
        .map(|o| format!("{} instead of {}: {:?}", o.got, o.case.reason, o.case.text))
        .collect();
    assert!(
        wrong_musts.is_empty(),
        "listed wrong answers are still wrong:\n{}",
        wrong_musts.join("\n")
    );
    assert!(
        f.strict.percent() >= FLOOR,
        "strict {} is under the floor of {FLOOR} %; misses:\n{}",
        f.strict,
        missed.join("\n")
    );
}

/// The lines in other languages (`tests/bounces/lines-intl.toml`): every one comes out with its reason or one of
/// its `also` (a `must` line with its reason itself), and every language the rules cover keeps at least `PER_LANGUAGE` lines.
#[test]
fn lines_in_other_languages_are_all_right() {
    use xtask::lines::{LANGUAGES, PER_LANGUAGE, intl_path};
    let cases = load(&intl_path()).unwrap_or_else(|e| panic!("{e:#}"));
    let mut per = std::collections::BTreeMap::<&str, usize>::new();
    for c in &cases {
        let lang = c.lang.as_deref().unwrap_or_default();
        assert!(
            LANGUAGES.contains(&lang),
            "{:?}: lang {lang:?}; expected one of {LANGUAGES:?}",
            c.text
        );
        *per.entry(lang).or_default() += 1;
    }
    for lang in LANGUAGES {
        let n = per.get(lang).copied().unwrap_or(0);
        assert!(
            n >= PER_LANGUAGE,
            "{lang} has {n} lines; keep at least {PER_LANGUAGE}"
        );
    }
    let outcomes = run(&cases, diagnosis::RuleSet::bundled());
    assert_eq!(outcomes.len(), cases.len(), "every case ran");
    let wrong: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.lenient() || (o.case.must && !o.strict()))
        .map(|o| {
            format!(
                "[{}] {}",
                o.case.lang.as_deref().unwrap_or("?"),
                misses(std::slice::from_ref(o)).join("")
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} lines are wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}
