//! The search index: built here, searched in the browser by `themes/default/js/search.js`, offline.
//!
//! One implementation of the ranking, decided here: the tokenizer's rules ([`tokenize::RULES`]) are written into
//! the manifest and the browser tokenizes queries by them; every posting carries its final score parts (a
//! per-term weight, BM25 with field weights, the code bonus), so the browser only adds integers up. The rule
//! for adding them is [`Index::search`], the reference: `tests/browser/search.test.mjs` checks that the search
//! page ranks the query set exactly as it does (`bouncebook search` prints its answer).
//!
//! Scoring, per query term `t` and document `d`: `2 · w(t) · q(t, d)` where `w(t)` is the term's weight (how
//! rare it is, times its class: URL and host-name pieces and bounce boilerplate count little) and `q(t, d)` the
//! posting's byte (BM25's term-frequency part with field weights, a bonus for a word of the title, times the
//! page's boost; plus a bonus when the term is a code the page is about, or, smaller the more codes it lists,
//! one it covers). The last word may be unfinished: for a page without it, the best of up to 50 words it
//! begins counts once (`w · q`). The sum is multiplied by `1 + T + 3·M` (`coverage` in the rules), `T` being
//! the total weight of the query's words that count for coverage and `M` the part of it the page has, so a page
//! with more of a pasted line ranks first, and boilerplate, names and reply codes give no such bonus.
//!
//! Files (in `search/`), so a query loads only what it needs; all but the manifest are gzip-compressed:
//! - `index.json`: the manifest: the tokenizer's rules, document count, the first term of each term chunk,
//!   how many documents each bucket holds, and whether the index is small enough to load whole.
//! - `t-<hash>-<i>.bin`: term chunks, terms in sorted order, each with its weight and postings (`encode_chunk`).
//! - `d-<hash>-<i>.bin`: document buckets, JSON: `[url, title, summary]` per document, for results.
//! - `x-<hash>-<i>.bin`: text buckets, JSON: each document's prose (code blocks left out), for snippets on the
//!   search page. The checker widget shows summaries instead, so a small index (manifest, chunks and
//!   documents) can be loaded whole up front while the text is fetched only for the results a reader sees.

use crate::output::content_hash;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

pub mod tokenize;
use tokenize::{Class, Rules};
pub use tokenize::{for_each_token, tokenize};

mod query;
pub use query::QueryCost;

/// BM25 parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Field weights.
const W_TITLE: f64 = 3.0;
/// Added for a word of the title, outside BM25's saturation: an article that mentions a word in every paragraph
/// is not more about it than one whose title names it.
const TITLE_BONUS: f64 = 1.0;
const W_KEYWORD: f64 = 3.0;
const W_SUMMARY: f64 = 2.0;
/// Code blocks count a little less than prose: they quote whole bounces, boilerplate and all.
const W_CODE_TEXT: f64 = 0.7;
/// The bonus for a code that is the page's subject (a code's own page, an article's `primary-codes`).
const CODE_BONUS: f64 = 3.0;
/// The bonus for any other code the page covers, divided by the square root of how many it covers: an article
/// about one failure covers a few, an overview dozens.
const CLAIM_BONUS: f64 = 1.5;
/// The highest posting score before quantizing (BM25's `k1 + 1`, plus the code bonus), which maps to 255.
const MAX_Q: f64 = K1 + 1.0 + TITLE_BONUS + CODE_BONUS;
/// Term weights are `idf × class factor`, scaled to integers.
const WEIGHT_SCALE: f64 = 100.0;
/// Postings kept per term, the best-scoring: a word on thousands of pages adds little to any of them, and a
/// query should not download all of them.
const MAX_POSTINGS: usize = 1000;
/// Stored prose per document, for snippets.
const TEXT_CAP: usize = 1500;
/// Target sizes of one term chunk, one document bucket and one text bucket: a query loads a few of each, so
/// smaller files mean fewer bytes per query, larger ones fewer files.
const CHUNK_BYTES: usize = 4 * 1024;
const BUCKET_BYTES: usize = 4 * 1024;
const TEXT_BUCKET_BYTES: usize = 4 * 1024;
/// Indexes whose terms and document list compress to this size or less are loaded whole when the search module
/// loads (the checker widget requires that nothing is fetched after it has loaded).
const PRELOAD_BYTES: usize = 256 * 1024;

/// How much a term of each class counts.
fn class_factor(class: Class) -> f64 {
    match class {
        Class::Content => 1.0,
        Class::Boilerplate => 0.25,
        Class::Reply => 0.25,
        Class::Name => 0.3,
    }
}

/// The manifest, `search/index.json`.
#[derive(Debug, Serialize)]
struct Manifest<'a> {
    v: u32,
    /// How queries are tokenized.
    rules: &'a Rules,
    /// Number of documents.
    n: usize,
    /// Load every chunk and document bucket at once.
    preload: bool,
    /// Term chunks: `t-<hash>-<i>.bin`, and the first term of each.
    chunks: Files<&'a str>,
    /// Document buckets: `d-<hash>-<i>.bin`, `per` documents each.
    docs: Files<usize>,
    /// Text buckets: `x-<hash>-<i>.bin`, `per` documents each.
    texts: Files<usize>,
}

/// A numbered set of files.
#[derive(Debug, Serialize)]
struct Files<T> {
    hash: String,
    /// For chunks, the first term of each; for buckets, the number of documents per bucket.
    first: Vec<T>,
    per: usize,
}

/// One term of the index.
#[derive(Debug)]
pub(crate) struct Term {
    /// `idf × class factor`, scaled.
    pub(crate) weight: u32,
    /// Whether the term counts for coverage (its class is [`Class::Content`]).
    pub(crate) covers: bool,
    /// (document id, score byte), ids ascending.
    pub(crate) postings: Vec<(u32, u8)>,
}

/// A built index: its files and the data to search it from Rust.
#[derive(Debug)]
pub struct Index {
    /// Files to write under the output folder: (path, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    pub(crate) terms: BTreeMap<String, Term>,
    /// Number of documents.
    pub(crate) n: usize,
    /// For each term chunk: its first term and size in bytes.
    pub(crate) chunks: Vec<(String, usize)>,
    /// Documents per document bucket, and each bucket's size.
    pub(crate) buckets: (usize, Vec<usize>),
    /// Documents per text bucket, and each bucket's size.
    pub(crate) texts: (usize, Vec<usize>),
    /// Whether the manifest, chunks and document buckets are loaded whole.
    pub(crate) preload: bool,
    /// Size of the manifest.
    pub(crate) manifest_bytes: usize,
}

/// What one document says about one term.
#[derive(Default)]
struct Weighed {
    /// Field-weighted term frequency.
    tf: f64,
    /// The page covers the term as one of its codes (1), or as its subject (2).
    claimed: u8,
    /// The term is in the title.
    titled: bool,
}

/// One document's terms and its length.
fn weigh(doc: &Document<'_>) -> (HashMap<String, Weighed>, usize) {
    let mut tf: HashMap<String, Weighed> = HashMap::new();
    let mut add = |t: &str, w: f64| match tf.get_mut(t) {
        Some(v) => v.tf += w,
        None => {
            tf.insert(
                t.to_string(),
                Weighed {
                    tf: w,
                    ..Weighed::default()
                },
            );
        }
    };
    let mut len = 0;
    for_each_token(&doc.text, |t| {
        len += 1;
        add(t, 1.0);
    });
    for_each_token(&doc.code, |t| {
        len += 1;
        add(t, W_CODE_TEXT);
    });
    for_each_token(&doc.title, |t| add(t, W_TITLE));
    for k in &doc.keywords {
        for_each_token(k, |t| add(t, W_KEYWORD));
    }
    for_each_token(&doc.summary, |t| add(t, W_SUMMARY));
    for_each_token(&doc.title, |t| {
        if let Some(e) = tf.get_mut(t) {
            e.titled = true;
        }
    });
    for (codes, level) in [(&doc.codes, 1), (&doc.primary, 2)] {
        for c in codes {
            for_each_token(c, |t| {
                let e = tf.entry(t.to_string()).or_default();
                e.claimed = e.claimed.max(level);
            });
        }
    }
    (tf, len)
}

/// Appends `v` as a LEB128 varint.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A term chunk: for each term, `varint(term length) term-bytes varint(weight · 2 + covers) varint(posting
/// count) varint(postings length)` then the postings, each `varint(id delta) score-byte`.
fn encode_chunk<'a>(terms: impl Iterator<Item = (&'a String, &'a Term)>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut block = Vec::new();
    for (term, t) in terms {
        varint(&mut out, term.len() as u64);
        out.extend_from_slice(term.as_bytes());
        varint(&mut out, u64::from(t.weight) * 2 + u64::from(t.covers));
        varint(&mut out, t.postings.len() as u64);
        block.clear();
        let mut last = 0;
        for &(id, score) in &t.postings {
            varint(&mut block, u64::from(id - last));
            block.push(score);
            last = id;
        }
        varint(&mut out, block.len() as u64);
        out.extend_from_slice(&block);
    }
    out
}

/// Collapses whitespace and cuts `text` to at most `cap` bytes at a character boundary.
fn squeeze(text: &str, cap: usize) -> String {
    let mut out = String::with_capacity(text.len().min(cap));
    for word in text.split_whitespace() {
        if out.len() + word.len() + 1 > cap {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Builds the index of `docs` (their order is their id).
pub fn build(docs: &[Document<'_>]) -> Index {
    // Documents are weighed in parallel, a batch at a time, and their terms interned as they come, so memory
    // holds one small (term id, frequency) list per document rather than a hash map per document.
    const BATCH: usize = 512;
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut per_doc: Vec<Vec<(u32, f32, u8, bool)>> = Vec::with_capacity(docs.len());
    let mut lens: Vec<usize> = Vec::with_capacity(docs.len());
    for batch in docs.chunks(BATCH) {
        let weighed: Vec<_> = batch.par_iter().map(weigh).collect();
        for (tf, len) in weighed {
            let mut list = Vec::with_capacity(tf.len());
            for (term, w) in tf {
                let id = match ids.get(&term) {
                    Some(&id) => id,
                    None => {
                        let id = names.len() as u32;
                        ids.insert(term.clone(), id);
                        names.push(term);
                        id
                    }
                };
                list.push((id, w.tf as f32, w.claimed, w.titled));
            }
            per_doc.push(list);
            lens.push(len);
        }
    }
    drop(ids);
    let avg = (lens.iter().sum::<usize>() as f64 / docs.len().max(1) as f64).max(1.0);
    let mut lists: Vec<Vec<(u32, u8)>> = vec![Vec::new(); names.len()];
    for (id, ((list, len), doc)) in per_doc.into_iter().zip(lens).zip(docs).enumerate() {
        let norm = K1 * (1.0 - B + B * len as f64 / avg);
        let claim = CLAIM_BONUS / (doc.codes.len().max(1) as f64).sqrt();
        for (term, f, claimed, titled) in list {
            let f = f64::from(f);
            let q = (f * (K1 + 1.0) / (f + norm) + if titled { TITLE_BONUS } else { 0.0 })
                * doc.boost
                + match claimed {
                    2 => CODE_BONUS,
                    1 => claim,
                    _ => 0.0,
                };
            let byte = (q / MAX_Q * 255.0).round().clamp(1.0, 255.0) as u8;
            lists[term as usize].push((id as u32, byte));
        }
    }
    let n = docs.len() as f64;
    let terms: BTreeMap<String, Term> = names
        .into_iter()
        .zip(lists)
        .map(|(name, mut postings)| {
            let df = postings.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let class = tokenize::class(&name);
            let weight = (idf * class_factor(class) * WEIGHT_SCALE).round().max(1.0) as u32;
            if postings.len() > MAX_POSTINGS {
                postings.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                postings.truncate(MAX_POSTINGS);
                postings.sort_by_key(|p| p.0);
            }
            let term = Term {
                weight,
                covers: class == Class::Content,
                postings,
            };
            (name, term)
        })
        .collect();
    write(docs, terms)
}

/// Lays `terms` and `docs` out in files.
fn write(docs: &[Document<'_>], terms: BTreeMap<String, Term>) -> Index {
    let all: Vec<(&String, &Term)> = terms.iter().collect();
    let ranges = split_by_size(all.len(), CHUNK_BYTES, |i| {
        all[i].0.len() + all[i].1.postings.len() * 2 + 8
    });
    let encoded: Vec<Vec<u8>> = ranges
        .par_iter()
        .map(|r| gzip(&encode_chunk(all[r.clone()].iter().copied())))
        .collect();
    let chunk_hash = set_hash(&encoded);
    let mut files = Vec::new();
    let mut chunks = Vec::new();
    for (i, (r, bytes)) in ranges.iter().zip(encoded).enumerate() {
        chunks.push((all[r.start].0.clone(), bytes.len()));
        files.push((format!("search/t-{chunk_hash}-{i}.bin"), bytes));
    }
    let (buckets, docs_files) = write_buckets(docs, "d", BUCKET_BYTES, &mut files, |d| {
        serde_json::json!([d.url, d.title, d.summary])
    });
    let preloaded: usize = files.iter().map(|(_, b)| b.len()).sum();
    let (texts, texts_files) = write_buckets(docs, "x", TEXT_BUCKET_BYTES, &mut files, |d| {
        serde_json::Value::String(squeeze(&d.text, TEXT_CAP))
    });
    let preload = preloaded <= PRELOAD_BYTES;
    let manifest = Manifest {
        v: 2,
        rules: &tokenize::RULES,
        n: docs.len(),
        preload,
        chunks: Files {
            hash: chunk_hash,
            first: chunks.iter().map(|c| c.0.as_str()).collect(),
            per: 0,
        },
        docs: docs_files,
        texts: texts_files,
    };
    let manifest = serde_json::to_vec(&manifest).unwrap_or_default();
    let manifest_bytes = manifest.len();
    files.push(("search/index.json".to_string(), manifest));
    Index {
        files,
        n: docs.len(),
        chunks,
        buckets,
        texts,
        preload,
        manifest_bytes,
        terms,
    }
}

/// One hash for a set of files, so their names change whenever any of them does.
fn set_hash(files: &[Vec<u8>]) -> String {
    let mut all = Vec::new();
    for f in files {
        all.extend_from_slice(&(f.len() as u64).to_le_bytes());
        all.extend_from_slice(f);
    }
    content_hash(&all)
}

/// Splits documents into JSON buckets of the same number of documents, about `target` bytes each, one `row`
/// per document, named `<prefix>-<hash>-<i>.bin` (gzip-compressed JSON). Returns (documents per bucket, size of
/// each bucket) and the manifest's entry.
fn write_buckets(
    docs: &[Document<'_>],
    prefix: &str,
    target: usize,
    files: &mut Vec<(String, Vec<u8>)>,
    row: impl Fn(&Document<'_>) -> serde_json::Value + Sync,
) -> ((usize, Vec<usize>), Files<usize>) {
    let rows: Vec<String> = docs.par_iter().map(|d| row(d).to_string()).collect();
    let total: usize = rows.iter().map(|r| r.len() + 1).sum();
    let per = (target * rows.len() / total.max(1)).max(1);
    let encoded: Vec<Vec<u8>> = rows
        .par_chunks(per)
        .map(|r| gzip(format!("[{}]", r.join(",")).as_bytes()))
        .collect();
    let hash = set_hash(&encoded);
    let mut sizes = Vec::new();
    for (i, bytes) in encoded.into_iter().enumerate() {
        sizes.push(bytes.len());
        files.push((format!("search/{prefix}-{hash}-{i}.bin"), bytes));
    }
    let manifest = Files {
        hash,
        first: Vec::new(),
        per,
    };
    ((per, sizes), manifest)
}

/// Splits items `0..n` into runs in order, each of about `target` bytes: a run ends with the item that makes it
/// reach the target, and holds one item at least.
fn split_by_size(
    n: usize,
    target: usize,
    size: impl Fn(usize) -> usize,
) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < n {
        let mut end = start;
        let mut bytes = 0;
        while end < n && (bytes < target || end == start) {
            bytes += size(end);
            end += 1;
        }
        ranges.push(start..end);
        start = end;
    }
    ranges
}

/// Gzip, which browsers undo with `DecompressionStream`. The files are named `.bin` so that no host adds a
/// `Content-Encoding` of its own and no browser unpacks them first.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(9),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// The distinct terms of `query`, in order.
fn query_terms(query: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut terms = tokenize(query);
    terms.retain(|t| seen.insert(t.clone()));
    terms
}

mod documents;
pub use documents::{Document, documents};

#[cfg(test)]
mod tests;
