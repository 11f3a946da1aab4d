//! Prints how mail-parser splits a message: a debugging aid for rule writers and engine work.
use mail_parser::{MessageParser, MimeHeaders, PartType};

fn main() {
    let path = std::env::args().nth(1).expect("usage: parts FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    let Some(msg) = MessageParser::default().parse(&bytes) else {
        println!("not a message");
        return;
    };
    for (i, p) in msg.parts.iter().enumerate() {
        let ct = p
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
            .unwrap_or_default();
        let kind = match &p.body {
            PartType::Text(t) => format!("text {} bytes", t.len()),
            PartType::Html(t) => format!("html {} bytes", t.len()),
            PartType::Binary(b) => format!("binary {} bytes", b.len()),
            PartType::InlineBinary(b) => format!("inline binary {} bytes", b.len()),
            PartType::Message(m) => format!("message with {} parts", m.parts.len()),
            PartType::Multipart(ids) => format!("multipart {ids:?}"),
        };
        println!("{i}: {ct} {kind} body@{}..{}", p.offset_body, p.offset_end);
    }
}
