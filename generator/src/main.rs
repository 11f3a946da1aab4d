//! bouncebook
fn main() {}
