//! Guards the accuracy floors on the labeled corpus. Figures are minimums, never exact values: improving the
//! rules must not break this test.

use xtask::accuracy::{FLOORS, corpus_dir, score};

#[test]
fn accuracy_floors_hold() {
    let corpus = corpus_dir();
    if !corpus.join("labels.jsonl").exists() {
        eprintln!(
            "skipped: the corpus is absent at {} (CI has it at ../shared/corpus)",
            corpus.display()
        );
        return;
    }
    let rules = diagnosis::RuleSet::bundled();
    assert!(!rules.rules.is_empty(), "bundled rules failed to load");
    let emails = score(&corpus, "emails", rules).expect("score emails");
    let pasted = score(&corpus, "pasted", rules).expect("score pasted");
    assert!(
        emails.reason.total > 400,
        "scored only {} recipients",
        emails.reason.total
    );
    let report = format!(
        "emails: reason {}, status {}, reply {}, count {}; pasted: reason {}",
        emails.reason, emails.status, emails.reply, emails.count, pasted.reason
    );
    assert!(emails.reason.percent() >= FLOORS.reason_emails, "{report}");
    assert!(pasted.reason.percent() >= FLOORS.reason_pasted, "{report}");
    assert!(emails.status.percent() >= FLOORS.status, "{report}");
    assert!(emails.reply.percent() >= FLOORS.reply, "{report}");
    assert!(emails.count.percent() >= FLOORS.count, "{report}");
    assert!(
        emails.not_bounce_ok && pasted.not_bounce_ok,
        "ordinary mail must give no bounce"
    );
}
