//! Callouts: GitHub's five kinds (`> [!NOTE]`, which pulldown-cmark reads) and our own `> [!UNVERIFIED]`, for a
//! claim the writer could not source, which pulldown-cmark leaves as a plain blockquote starting with the label.

use pulldown_cmark::{BlockQuoteKind, Event, TagEnd};

/// The label that opens an unverified-claim callout, alone on the blockquote's first line.
const UNVERIFIED: &str = "[!UNVERIFIED]";

/// The class and label of one of GitHub's kinds.
pub(super) fn kind(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// The opening of a callout: the label is text (not colour alone) and names the box for screen readers.
pub(super) fn open(class: &str, label: &str) -> String {
    format!(
        "<div class=\"callout callout-{class}\" role=\"note\" aria-label=\"{label}\">\
         <p class=\"callout-title\">{label}</p>"
    )
}

/// The opening of an unverified-claim callout.
pub(super) fn open_unverified() -> String {
    open("unverified", "Unverified: no source for this")
}

/// Whether a plain blockquote's source (`> [!UNVERIFIED]\n> ...`) is an unverified-claim callout: its first line
/// is the label alone (any case).
pub(super) fn is_unverified(source: &str) -> bool {
    let first = source.lines().next().unwrap_or_default();
    let label = first.trim_start().trim_start_matches('>').trim();
    label.eq_ignore_ascii_case(UNVERIFIED)
}

/// Consumes the label's events after the blockquote's start: the paragraph start, the label's text, and the line
/// break after it. Returns `true` when the paragraph goes on after the label (its start must then be emitted),
/// `false` when the label was the whole paragraph.
pub(super) fn skip_label<'a, I: Iterator<Item = Event<'a>>>(events: &mut I) -> bool {
    let mut seen = String::new();
    for event in events.by_ref() {
        match event {
            Event::Start(_) => {}
            Event::Text(t) => {
                seen.push_str(&t);
                if seen.trim().len() >= UNVERIFIED.len() {
                    break;
                }
            }
            Event::End(TagEnd::Paragraph) => return false,
            _ => break,
        }
    }
    !matches!(events.next(), Some(Event::End(TagEnd::Paragraph)) | None)
}
