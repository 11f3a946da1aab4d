//! Guards the accuracy floors on the labeled corpus. Figures are minimums, never exact values: improving the
//! rules must not break this test. `GUARD` is today's ratchet; `TARGETS` are the floors, which the
//! guard climbs towards (the report below says how far each still is).

use xtask::accuracy::{GUARD, TARGETS, corpus_dir, score};

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
    eprintln!(
        "targets: reason {}/{} %, status {} %, reply {} %, count {} %",
        TARGETS.reason_emails, TARGETS.reason_pasted, TARGETS.status, TARGETS.reply, TARGETS.count
    );
    let report = format!(
        "emails: reason {}, status {}, reply {}, count {}; pasted: reason {}",
        emails.reason, emails.status, emails.reply, emails.count, pasted.reason
    );
    assert!(emails.reason.percent() >= GUARD.reason_emails, "{report}");
    assert!(pasted.reason.percent() >= GUARD.reason_pasted, "{report}");
    assert!(emails.status.percent() >= GUARD.status, "{report}");
    assert!(emails.reply.percent() >= GUARD.reply, "{report}");
    assert!(emails.count.percent() >= GUARD.count, "{report}");
    assert!(
        emails.not_bounce_ok && pasted.not_bounce_ok,
        "ordinary mail must give no bounce"
    );
}
