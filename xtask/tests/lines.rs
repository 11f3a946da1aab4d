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
