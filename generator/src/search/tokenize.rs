//! How text becomes search terms, as data: [`Rules`] is written into the index (`search/index.json`, `rules`)
//! and `themes/default/js/search.js` tokenizes queries by it, so the browser has no rule of its own to drift.
//!
//! A term is a lowercased word (a run of letters and digits, possibly joined by `.`, `-` or `_`):
//! - URLs, e-mail addresses and IPv4 addresses are dropped first: they name the case, not what went wrong;
//! - a joined word is a term whole and as its parts (`e-mail` → `e-mail`, `mail`;
//!   `RESOLVER.ADR.RecipNotFound` → itself, `resolver`, `adr`, `recipnotfound`), except that a status code
//!   (`5.7.26`) is never split, a host name (`mx.google.com`) is a term whole only, and a reply code joined
//!   to a status code (`550-5.7.26`) is the two codes;
//! - stop words are dropped; plain words are folded by the first matching suffix rule (`DNSBLs` → `dnsbl`,
//!   `blocked` → `block`, `policies` → `policy`).
//!
//! How much each term counts is decided at build time ([`class`]) and stored per term, never in the browser.

use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// Text removed before words are read: URLs, e-mail addresses, IPv4 addresses. Written for both Rust's `regex`
/// and JavaScript's `RegExp` with the `u` flag (no `\b`, no `\d`, whose meanings differ).
const SKIP: &str = r"https?://\S+|[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+|(?:[0-9]{1,3}\.){3}[0-9]{1,3}";
/// A word.
const WORD: &str = r"[\p{L}\p{N}]+(?:[._-][\p{L}\p{N}]+)*";
/// An enhanced status code: `d.d.d`, one class digit and one to three digits after each dot.
const STATUS: &str = r"^[0-9]\.[0-9]{1,3}\.[0-9]{1,3}$";
/// A host or file name (`mx.google.com`, `main.cf`): dotted, ending in two to six letters.
const HOST: &str = r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}$";
/// A three-digit SMTP reply code.
const REPLY: &str = r"^[2-5][0-9][0-9]$";
/// Plain words that may be folded.
const FOLDABLE: &str = r"^[a-z]+$";

/// Words too common to help, and question words ("how do I get off…") that would otherwise lift any page that
/// has them. Protocol words (`from`, `to` in `MAIL FROM`, `RCPT TO`) are kept where they carry meaning.
const STOP: &[&str] = &[
    "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but",
    "by", "can", "could", "did", "do", "does", "for", "get", "gets", "getting", "got", "has",
    "have", "how", "i", "if", "im", "in", "into", "is", "it", "its", "just", "me", "my", "of",
    "off", "on", "or", "our", "should", "so", "some", "still", "that", "the", "their", "then",
    "there", "these", "this", "to", "was", "we", "what", "when", "which", "why", "will", "with",
    "would", "you", "your",
];

/// Suffix rules for plain words, tried in order: the first whose suffix matches and whose result keeps at least
/// [`MIN_STEM`] characters applies. Identity rules (`ss`, `us`, `is`, `eed`) protect words such as `address`,
/// `status` and `exceed`.
const FOLD: &[(&str, &str)] = &[
    ("ies", "y"),
    ("ied", "y"),
    ("sses", "ss"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("xes", "x"),
    ("ss", "ss"),
    ("us", "us"),
    ("is", "is"),
    ("eed", "eed"),
    ("es", ""),
    ("ed", ""),
    ("ing", ""),
    ("s", ""),
    ("e", ""),
];
const MIN_STEM: usize = 3;
/// Terms shorter than this are dropped.
const MIN_TERM: usize = 2;

/// Words every bounce carries whatever went wrong (Postfix's `host … said: … (in reply to RCPT TO command)`,
/// DSN field names, "delivery failed"): they count a little and give no coverage bonus. Folded forms.
const BOILERPLATE: &[&str] = &[
    "action",
    "address",
    "command",
    "data",
    "deliver",
    "delivery",
    "diagnostic",
    "end",
    "error",
    "fail",
    "failur",
    "final",
    "from",
    "host",
    "mail",
    "messag",
    "original",
    "permanent",
    "recipient",
    "remot",
    "reply",
    "report",
    "rcpt",
    "said",
    "server",
    "smtp",
    "status",
    "undeliverabl",
];

/// The rules, as the index stores them for the browser.
#[derive(Debug, Serialize)]
pub struct Rules {
    skip: &'static str,
    word: &'static str,
    status: &'static str,
    host: &'static str,
    reply: &'static str,
    foldable: &'static str,
    stop: &'static [&'static str],
    fold: &'static [(&'static str, &'static str)],
    min_stem: usize,
    min_term: usize,
    /// How many dictionary terms the last, possibly unfinished, query word may stand for.
    pub prefix_terms: usize,
    /// The shortest last word that is also read as a prefix.
    pub prefix_min: usize,
    /// How much a page's share of the query's words counts (see [`super`]).
    pub coverage: u64,
}

/// The rules every index is built with.
pub const RULES: Rules = Rules {
    skip: SKIP,
    word: WORD,
    status: STATUS,
    host: HOST,
    reply: REPLY,
    foldable: FOLDABLE,
    stop: STOP,
    fold: FOLD,
    min_stem: MIN_STEM,
    min_term: MIN_TERM,
    prefix_terms: 50,
    prefix_min: 3,
    coverage: 3,
};

struct Compiled {
    skip: Regex,
    word: Regex,
    status: Regex,
    host: Regex,
    reply: Regex,
    foldable: Regex,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    // The patterns are constants, checked by the unit tests.
    let re = |p: &str| Regex::new(p).unwrap_or_else(|e| panic!("search pattern {p:?}: {e}"));
    Compiled {
        skip: re(SKIP),
        word: re(WORD),
        status: re(STATUS),
        host: re(HOST),
        reply: re(REPLY),
        foldable: re(FOLDABLE),
    }
});

/// Whether `s` is an enhanced status code (`5.7.26`).
pub fn is_status_code(s: &str) -> bool {
    COMPILED.status.is_match(s)
}

/// `word` folded by the first suffix rule that applies (plain words only).
pub fn fold(word: &str) -> std::borrow::Cow<'_, str> {
    if COMPILED.foldable.is_match(word) {
        for (suffix, with) in FOLD {
            if let Some(stem) = word.strip_suffix(suffix)
                && stem.chars().count() + with.chars().count() >= MIN_STEM
            {
                return format!("{stem}{with}").into();
            }
        }
    }
    word.into()
}

fn keep(term: &str) -> bool {
    term.chars().count() >= MIN_TERM && !STOP.contains(&term)
}

/// Splits text into search terms (see the module's documentation).
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t| out.push(t.to_string()));
    out
}

/// [`tokenize`], handing each term to `f` in order.
pub fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    let lower = text.to_lowercase();
    let cleaned = COMPILED.skip.replace_all(&lower, " ");
    for m in COMPILED.word.find_iter(&cleaned) {
        word_terms(m.as_str(), &mut f);
    }
}

/// The terms of one word, each once.
fn word_terms(word: &str, f: &mut impl FnMut(&str)) {
    if !word.contains(['.', '-', '_']) {
        let t = fold(word);
        if keep(&t) {
            f(&t);
        }
        return;
    }
    if is_status_code(word) || COMPILED.host.is_match(word) {
        if keep(word) {
            f(word);
        }
        return;
    }
    // A reply and status code written as one (`550-5.7.26`, a multi-line reply) is its two codes.
    if let Some((reply, status)) = word.split_once('-')
        && is_reply_code(reply)
        && is_status_code(status)
    {
        f(reply);
        f(status);
        return;
    }
    let mut emitted: Vec<String> = Vec::new();
    let mut emit = |t: &str| {
        let t = fold(t);
        if keep(&t) && !emitted.iter().any(|e| *e == t) {
            emitted.push(t.into_owned());
        }
    };
    emit(word);
    for part in word.split(['-', '_']) {
        if part.contains('.') && !is_status_code(part) {
            emit(part);
            for piece in part.split('.') {
                emit(piece);
            }
        } else {
            emit(part);
        }
    }
    for t in &emitted {
        f(t);
    }
}

/// What kind of term `term` is, which sets how much it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// A word that says what happened, or a code.
    Content,
    /// A word every bounce has, whatever went wrong.
    Boilerplate,
    /// A three-digit reply code (`550`): most pages cover the common ones, and a pasted line's status code
    /// (`5.7.1`) says more.
    Reply,
    /// A host or file name, or a bare number other than a reply code.
    Name,
}

/// The class of an indexed term.
pub fn class(term: &str) -> Class {
    if BOILERPLATE.contains(&term) {
        Class::Boilerplate
    } else if is_reply_code(term) {
        Class::Reply
    } else if (term.contains('.') && !is_status_code(term) && COMPILED.host.is_match(term))
        || term.bytes().all(|b| b.is_ascii_digit())
    {
        Class::Name
    } else {
        Class::Content
    }
}

/// A three-digit SMTP reply code (`2xx`–`5xx`).
fn is_reply_code(term: &str) -> bool {
    COMPILED.reply.is_match(term)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_protocol_words_stay_whole() {
        assert_eq!(
            tokenize("Error 5.7.1 at RCPT, then DATA."),
            ["error", "5.7.1", "rcpt", "data"]
        );
        assert_eq!(
            tokenize("550-5.7.26 Unauthenticated"),
            ["550", "5.7.26", "unauthenticat"]
        );
        assert_eq!(tokenize("421 4.7.0."), ["421", "4.7.0"]);
        assert_eq!(
            tokenize("RESOLVER.ADR.RecipNotFound;"),
            [
                "resolver.adr.recipnotfound",
                "resolver",
                "adr",
                "recipnotfound"
            ]
        );
        assert_eq!(tokenize("e-mail"), ["e-mail", "mail"]);
        assert_eq!(
            tokenize("the a of -- ... x how get off"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn urls_addresses_and_hosts_are_not_words() {
        assert_eq!(
            tokenize(
                "host mx.example.com[192.0.2.10] said: see https://support.google.com/mail/?p=Bad <bob@example.net>"
            ),
            ["host", "mx.example.com", "said", "see"]
        );
        assert_eq!(class("mx.example.com"), Class::Name);
        assert_eq!(class("192"), Class::Name);
        assert_eq!(class("550"), Class::Reply);
        assert_eq!(class("5.7.1"), Class::Content);
        assert_eq!(class("rcpt"), Class::Boilerplate);
        assert_eq!(class("recipnotfound"), Class::Content);
    }

    #[test]
    fn plurals_and_inflections_fold() {
        for (a, b) in [
            ("DNSBLs", "dnsbl"),
            ("blocked", "blocking"),
            ("policies", "policy"),
            ("denied", "deny"),
            ("mailboxes", "mailbox"),
            ("addresses", "address"),
            ("exceeded", "exceed"),
            ("bounces", "bounce"),
            ("greylisted", "greylisting"),
            ("messages", "message"),
        ] {
            assert_eq!(tokenize(a), tokenize(b), "{a} and {b}");
        }
        assert_eq!(
            tokenize("status dns tls ses"),
            ["status", "dns", "tls", "ses"]
        );
    }

    #[test]
    fn every_boilerplate_word_is_a_folded_term() {
        for w in BOILERPLATE {
            assert_eq!(fold(w), *w, "{w} is not in folded form");
        }
    }
}
