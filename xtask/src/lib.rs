//! Library side of `cargo xtask`: pieces that tests share with the command.

pub mod accuracy;
pub mod bench;
pub mod browser;
pub mod ci;
pub mod lines;
pub mod search_bytes;
pub mod serve_bench;
pub mod sites;
pub mod wasm;
