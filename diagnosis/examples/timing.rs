//! Rough split of classify's time: with the bundled rules and with none. Usage: timing DIR
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: timing DIR");
    let mut inputs = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        inputs.push(std::fs::read(e.path()).expect("file"));
    }
    let empty = diagnosis::RuleSet::default();
    for (name, rules) in [
        ("bundled", diagnosis::RuleSet::bundled()),
        ("no rules", &empty),
    ] {
        let t = Instant::now();
        for _ in 0..5 {
            for i in &inputs {
                std::hint::black_box(diagnosis::classify(i, rules));
            }
        }
        println!(
            "{name}: {:.1} µs/email",
            t.elapsed().as_secs_f64() * 1e6 / (5.0 * inputs.len() as f64)
        );
    }
}
