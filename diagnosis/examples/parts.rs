//! Prints how the MIME reader splits a message: a debugging aid for rule writers and engine work.
//!
//! `cargo run -p diagnosis --example parts -- FILE`
use diagnosis::mime::{self, Body, Message};

fn main() {
    let path = std::env::args().nth(1).expect("usage: parts FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    print(&mime::parse(&bytes, Some(0), 0), 0);
}

fn print(msg: &Message, indent: usize) {
    let pad = "  ".repeat(indent);
    for (i, p) in msg.parts.iter().enumerate() {
        let what = match &p.body {
            Body::Text { text, origin } => format!("text, {} bytes, at {origin:?}", text.len()),
            Body::Message(_) => "message:".to_string(),
            Body::Other => "not read".to_string(),
        };
        let attached = if p.attachment { " (attachment)" } else { "" };
        println!("{pad}{i}: {}{attached} {what}", p.media_type);
        if let Body::Message(attached) = &p.body {
            print(&attached.message(), indent + 1);
        }
    }
}
