//! classify must never panic, and its evidence must stay inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let d = diagnosis::classify(data, diagnosis::RuleSet::bundled());
    for b in &d.bounces {
        for e in &b.evidence {
            assert!(e.start < e.end && e.end <= data.len());
        }
    }
});
