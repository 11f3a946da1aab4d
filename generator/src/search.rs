//! The search index: built here, searched in the browser by `themes/default/js/search.js`, offline.
//!
//! The tokenizer keeps what readers paste whole: status codes (`5.7.1`), reply-and-status pairs (`550-5.7.26`,
//! also indexed as `550` and `5.7.26`), protocol words (`RCPT`, `DATA`) and dotted identifiers
//! (`RESOLVER.ADR.RecipNotFound`, also as its parts). Scores are BM25 with field weights, computed here and
//! stored as one byte per posting; the browser only adds them up, weighted by how rare each term is and by how
//! many of the query's terms a page has, so a whole pasted error line ranks the page that shares most of it
//! first.
//!
//! Files (in `search/`), so a query loads only what it needs; all but the manifest are gzip-compressed:
//! - `index.json`: the manifest: document count, the first term of each term chunk, the first document of each
//!   document bucket, and whether the index is small enough to load whole.
//! - `t-<hash>.bin`: term chunks, terms in sorted order, each with its postings (binary, see [`encode_chunk`]).
//! - `d-<hash>.bin`: document buckets, JSON: `[url, title, summary]` per document, for results.
//! - `x-<hash>.bin`: text buckets, JSON: each document's text, for snippets on the search page. The checker widget
//!   shows summaries instead, so a small index (manifest, chunks and documents) can be loaded whole up front
//!   while the text, the largest part, is fetched only for the results a reader sees.
//!
//! The ranking is mirrored in Rust ([`Index::search`]) for tests and for the build report; the two must change
//! together (a test runs the JavaScript against the Rust results when node is installed).

use crate::output::content_hash;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Words too common to help; protocol words (`from`, `to` in `MAIL FROM`/`RCPT TO`...) are deliberately kept
/// where they carry meaning. The JavaScript has the same list.
pub const STOP_WORDS: [&str; 40] = [
    "a", "about", "after", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do",
    "for", "has", "have", "if", "in", "into", "is", "it", "its", "of", "on", "or", "so", "that",
    "the", "their", "then", "there", "these", "this", "to", "was", "we", "which", "with", "you",
];

/// Characters that join the parts of one token when they stand between letters or digits.
fn is_joiner(c: char) -> bool {
    matches!(c, '.' | '-' | '_')
}

/// `d.d.d` with one class digit and one to three digits after each dot.
fn is_status_code(s: &str) -> bool {
    let mut parts = s.split('.');
    let (Some(a), Some(b), Some(c), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let digits = |p: &str, max: usize| {
        !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
    };
    digits(a, 1) && digits(b, 3) && digits(c, 3)
}

fn keep(token: &str) -> bool {
    token.chars().count() >= 2 && !STOP_WORDS.contains(&token)
}

/// Splits text into search terms, lowercased. A word is a run of letters and digits, possibly joined by `.`,
/// `-` or `_`; a joined word is emitted whole and as its parts (a status code is never split).
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t| out.push(t.to_string()));
    out
}

/// Adds a term of a joined word once.
fn emit<'a>(emitted: &mut Vec<&'a str>, t: &'a str) {
    if keep(t) && !emitted.contains(&t) {
        emitted.push(t);
    }
}

/// [`tokenize`] without allocating a string per term: `f` sees each term in order.
pub fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    let lower = text.to_lowercase();
    for word in words(&lower) {
        if !word.contains(is_joiner) {
            if keep(word) {
                f(word);
            }
            continue;
        }
        let mut emitted: Vec<&str> = Vec::new();
        emit(&mut emitted, word);
        for part in word.split(['-', '_']) {
            if part.contains('.') && !is_status_code(part) {
                emit(&mut emitted, part);
                for piece in part.split('.') {
                    emit(&mut emitted, piece);
                }
            } else {
                emit(&mut emitted, part);
            }
        }
        for t in emitted {
            f(t);
        }
    }
}

/// The words of `text`: runs of letters and digits joined by single joiners (`[\p{L}\p{N}]+([._-][\p{L}\p{N}]+)*`).
fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(char::is_alphanumeric)?;
        let s = &rest[start..];
        let mut end = 0;
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c.is_alphanumeric() {
                end = i + c.len_utf8();
            } else if is_joiner(c) && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric()) {
                continue;
            } else {
                break;
            }
        }
        let word = &s[..end];
        rest = &s[end..];
        Some(word)
    })
}

/// BM25 parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// The highest term-frequency part of a BM25 score (`k1 + 1`), which maps to 255.
const MAX_TF: f64 = K1 + 1.0;
/// Field weights.
const W_CODE: f64 = 6.0;
const W_TITLE: f64 = 5.0;
const W_KEYWORD: f64 = 3.0;
const W_SUMMARY: f64 = 2.0;
/// Stored text per document, for snippets.
const TEXT_CAP: usize = 2500;
/// Target sizes of one term chunk, one document bucket and one text bucket: a query loads a few of each, so
/// smaller files mean fewer bytes per query, larger ones fewer files.
const CHUNK_BYTES: usize = 48 * 1024;
const BUCKET_BYTES: usize = 32 * 1024;
const TEXT_BUCKET_BYTES: usize = 32 * 1024;
/// Indexes whose terms and document list compress to this size or less are loaded whole when the search module
/// loads (the checker widget requires that nothing is fetched after it has loaded).
const PRELOAD_BYTES: usize = 256 * 1024;

/// The manifest, `search/index.json`.
#[derive(Debug, Serialize)]
struct Manifest<'a> {
    v: u32,
    /// Number of documents.
    n: usize,
    /// Load every file at once.
    preload: bool,
    /// `[first term, file]` per term chunk.
    chunks: Vec<(&'a str, String)>,
    /// `[first document id, file]` per document bucket.
    docs: Vec<(usize, String)>,
    /// `[first document id, file]` per text bucket.
    texts: Vec<(usize, String)>,
}

/// A built index: its files and the data to search it from Rust.
#[derive(Debug)]
pub struct Index {
    /// Files to write under the output folder: (path, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// term → postings (document id, score byte), ids ascending.
    postings: BTreeMap<String, Vec<(u32, u8)>>,
    /// Number of documents.
    n: usize,
    /// For each term chunk: its first term and size in bytes.
    chunks: Vec<(String, usize)>,
    /// For each document bucket: its first id and size.
    buckets: Vec<(usize, usize)>,
    /// For each text bucket: its first id and size.
    texts: Vec<(usize, usize)>,
    /// Whether the manifest, chunks and document buckets are loaded whole.
    preload: bool,
    /// Size of the manifest.
    manifest_bytes: usize,
}

/// One document's term frequencies, field-weighted, and its length.
fn weigh(doc: &Document<'_>) -> (HashMap<String, f64>, usize) {
    let mut tf: HashMap<String, f64> = HashMap::new();
    let mut add = |t: &str, w: f64| match tf.get_mut(t) {
        Some(v) => *v += w,
        None => {
            tf.insert(t.to_string(), w);
        }
    };
    let mut len = 0;
    for_each_token(&doc.text, |t| {
        len += 1;
        add(t, 1.0);
    });
    for c in &doc.codes {
        for_each_token(c, |t| add(t, W_CODE));
    }
    for_each_token(&doc.title, |t| add(t, W_TITLE));
    for k in &doc.keywords {
        for_each_token(k, |t| add(t, W_KEYWORD));
    }
    for_each_token(&doc.summary, |t| add(t, W_SUMMARY));
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

/// A term chunk: for each term, `varint(term length) term-bytes varint(posting count) varint(postings length)`
/// then the postings, each `varint(id delta) score-byte`.
pub fn encode_chunk<'a>(terms: impl Iterator<Item = (&'a String, &'a Vec<(u32, u8)>)>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut block = Vec::new();
    for (term, postings) in terms {
        varint(&mut out, term.len() as u64);
        out.extend_from_slice(term.as_bytes());
        varint(&mut out, postings.len() as u64);
        block.clear();
        let mut last = 0;
        for &(id, score) in postings {
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
    let mut terms: Vec<String> = Vec::new();
    let mut per_doc: Vec<Vec<(u32, f32)>> = Vec::with_capacity(docs.len());
    let mut lens: Vec<usize> = Vec::with_capacity(docs.len());
    for batch in docs.chunks(BATCH) {
        let weighed: Vec<(HashMap<String, f64>, usize)> = batch.par_iter().map(weigh).collect();
        for (tf, len) in weighed {
            let mut list: Vec<(u32, f32)> = Vec::with_capacity(tf.len());
            for (term, f) in tf {
                let id = match ids.get(&term) {
                    Some(&id) => id,
                    None => {
                        let id = terms.len() as u32;
                        ids.insert(term.clone(), id);
                        terms.push(term);
                        id
                    }
                };
                list.push((id, f as f32));
            }
            per_doc.push(list);
            lens.push(len);
        }
    }
    drop(ids);
    let avg = (lens.iter().sum::<usize>() as f64 / docs.len().max(1) as f64).max(1.0);
    let mut lists: Vec<Vec<(u32, u8)>> = vec![Vec::new(); terms.len()];
    for (id, ((list, len), doc)) in per_doc.into_iter().zip(lens).zip(docs).enumerate() {
        let norm = K1 * (1.0 - B + B * len as f64 / avg);
        for (term, f) in list {
            let f = f64::from(f);
            let score = f * (K1 + 1.0) / (f + norm) * doc.boost;
            let byte = (score / MAX_TF * 255.0).round().clamp(1.0, 255.0) as u8;
            lists[term as usize].push((id as u32, byte));
        }
    }
    // Documents were visited in id order, so postings are sorted; terms are sorted here, once.
    let postings: BTreeMap<String, Vec<(u32, u8)>> = terms.into_iter().zip(lists).collect();

    // Chunk boundaries first (cheap), then encoding and compression in parallel.
    let all: Vec<(&String, &Vec<(u32, u8)>)> = postings.iter().collect();
    let ranges = split_by_size(all.len(), CHUNK_BYTES, |i| {
        all[i].0.len() + all[i].1.len() * 2 + 6
    });
    let encoded: Vec<Vec<u8>> = ranges
        .par_iter()
        .map(|r| gzip(&encode_chunk(all[r.clone()].iter().copied())))
        .collect();
    let mut files = Vec::new();
    let mut chunks = Vec::new();
    let mut manifest_chunks = Vec::new();
    for (r, bytes) in ranges.into_iter().zip(encoded) {
        let name = format!("t-{}.bin", content_hash(&bytes));
        chunks.push((all[r.start].0.clone(), bytes.len()));
        manifest_chunks.push((all[r.start].0.as_str(), name.clone()));
        files.push((format!("search/{name}"), bytes));
    }

    let (buckets, manifest_docs) = write_buckets(docs, "d", BUCKET_BYTES, &mut files, |d| {
        serde_json::json!([d.url, d.title, d.summary])
    });
    let preloaded: usize = files.iter().map(|(_, b)| b.len()).sum();
    let (texts, manifest_texts) = write_buckets(docs, "x", TEXT_BUCKET_BYTES, &mut files, |d| {
        serde_json::Value::String(squeeze(&d.text, TEXT_CAP))
    });
    let preload = preloaded <= PRELOAD_BYTES;
    let manifest = Manifest {
        v: 1,
        n: docs.len(),
        preload,
        chunks: manifest_chunks,
        docs: manifest_docs,
        texts: manifest_texts,
    };
    let manifest = serde_json::to_vec(&manifest).unwrap_or_default();
    let manifest_bytes = manifest.len();
    files.push(("search/index.json".to_string(), manifest));
    Index {
        files,
        postings,
        n: docs.len(),
        chunks,
        buckets,
        texts,
        preload,
        manifest_bytes,
    }
}

/// A bucket of documents: its first id and its size in bytes.
type Bucket = (usize, usize);

/// Splits documents into JSON buckets of about `target` bytes, one `row` per document, named
/// `<prefix>-<hash>.bin` (gzip-compressed JSON). Returns (first id, size) and (first id, file name) per bucket.
fn write_buckets(
    docs: &[Document<'_>],
    prefix: &str,
    target: usize,
    files: &mut Vec<(String, Vec<u8>)>,
    row: impl Fn(&Document<'_>) -> serde_json::Value + Sync,
) -> (Vec<Bucket>, Vec<(usize, String)>) {
    use rayon::prelude::*;
    let rows: Vec<String> = docs.par_iter().map(|d| row(d).to_string()).collect();
    let ranges = split_by_size(rows.len(), target, |i| rows[i].len() + 1);
    let encoded: Vec<Vec<u8>> = ranges
        .par_iter()
        .map(|r| gzip(format!("[{}]", rows[r.clone()].join(",")).as_bytes()))
        .collect();
    let mut sizes = Vec::new();
    let mut names = Vec::new();
    for (r, bytes) in ranges.into_iter().zip(encoded) {
        let name = format!("{prefix}-{}.bin", content_hash(&bytes));
        sizes.push((r.start, bytes.len()));
        names.push((r.start, name.clone()));
        files.push((format!("search/{name}"), bytes));
    }
    (sizes, names)
}

/// Splits items `0..n` into runs in order, each of about `target` bytes: a run ends with the item that makes it
/// reach the target, and holds one item at least.
fn split_by_size(n: usize, target: usize, size: impl Fn(usize) -> usize) -> Vec<Range<usize>> {
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
        flate2::Compression::new(6),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// What one query costs the browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryCost {
    /// Bytes fetched: the manifest, the term chunks the query's terms are in, and the buckets of the top results.
    pub bytes: usize,
    /// Files fetched.
    pub files: usize,
}

impl Index {
    /// Total bytes of every index file.
    pub fn bytes(&self) -> usize {
        self.files.iter().map(|(_, b)| b.len()).sum()
    }

    /// Whether the browser loads the manifest, the term chunks and the document list at once (the text for
    /// snippets always comes later, per result).
    pub fn preload(&self) -> bool {
        self.preload
    }

    /// Bytes the browser loads up front when [`Index::preload`] is true.
    pub fn preload_bytes(&self) -> usize {
        self.manifest_bytes
            + self.chunks.iter().map(|c| c.1).sum::<usize>()
            + self.buckets.iter().map(|b| b.1).sum::<usize>()
    }

    /// Ranks documents for `query`, best first, as the browser does: `(document id, score)`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(usize, f64)> {
        let mut terms = tokenize(query);
        let mut seen = std::collections::HashSet::new();
        terms.retain(|t| seen.insert(t.clone()));
        if terms.is_empty() {
            return Vec::new();
        }
        let n = self.n as f64;
        let mut score = vec![0.0f64; self.n];
        let mut matched = vec![0u32; self.n];
        let last = terms.len() - 1;
        for (i, term) in terms.iter().enumerate() {
            if let Some(p) = self.postings.get(term) {
                let df = p.len() as f64;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                for &(d, q) in p {
                    score[d as usize] += idf * f64::from(q);
                    matched[d as usize] += 1;
                }
            }
            // The last word may be unfinished (search as you type): count words it begins, at half weight,
            // for documents without the word itself.
            if i == last && term.chars().count() >= 3 {
                let has: std::collections::HashSet<u32> = self
                    .postings
                    .get(term)
                    .map(|p| p.iter().map(|&(d, _)| d).collect())
                    .unwrap_or_default();
                let mut best: HashMap<u32, f64> = HashMap::new();
                for (other, p) in self
                    .postings
                    .range(term.clone()..)
                    .skip_while(|(t, _)| *t == term)
                    .take(PREFIX_TERMS)
                {
                    if !other.starts_with(term.as_str()) {
                        break;
                    }
                    let df = p.len() as f64;
                    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                    for &(d, q) in p {
                        if !has.contains(&d) {
                            let s = 0.5 * idf * f64::from(q);
                            let e = best.entry(d).or_insert(0.0);
                            if s > *e {
                                *e = s;
                            }
                        }
                    }
                }
                let mut best: Vec<(u32, f64)> = best.into_iter().collect();
                best.sort_by_key(|&(d, _)| d);
                for (d, s) in best {
                    score[d as usize] += s;
                    matched[d as usize] += 1;
                }
            }
        }
        let total = terms.len() as f64;
        let mut ranked: Vec<(usize, f64)> = score
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0.0)
            .map(|(d, s)| (d, s * (1.0 + f64::from(matched[d])) / (1.0 + total)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
    }

    /// What the search page loads to answer `query` with `limit` results, snippets included (on top of what was
    /// preloaded, counted in too).
    pub fn cost(&self, query: &str, limit: usize) -> QueryCost {
        let mut chunk_ids = std::collections::BTreeSet::new();
        let terms = tokenize(query);
        for (i, term) in terms.iter().enumerate() {
            let first = self.chunk_of(term);
            chunk_ids.insert(first);
            if i + 1 == terms.len() {
                // Prefix matches may continue into the next chunk.
                if let Some((next, _)) = self.chunks.get(first + 1)
                    && next.starts_with(term.as_str())
                {
                    chunk_ids.insert(first + 1);
                }
            }
        }
        let bucket_of = |list: &[(usize, usize)], d: usize| {
            list.partition_point(|(start, _)| *start <= d)
                .saturating_sub(1)
        };
        let mut bucket_ids = std::collections::BTreeSet::new();
        let mut text_ids = std::collections::BTreeSet::new();
        for (d, _) in self.search(query, limit) {
            bucket_ids.insert(bucket_of(&self.buckets, d));
            text_ids.insert(bucket_of(&self.texts, d));
        }
        let texts: usize = text_ids.iter().map(|&i| self.texts[i].1).sum();
        if self.preload {
            return QueryCost {
                bytes: self.preload_bytes() + texts,
                files: 1 + self.chunks.len() + self.buckets.len() + text_ids.len(),
            };
        }
        QueryCost {
            bytes: self.manifest_bytes
                + chunk_ids.iter().map(|&i| self.chunks[i].1).sum::<usize>()
                + bucket_ids.iter().map(|&i| self.buckets[i].1).sum::<usize>()
                + texts,
            files: 1 + chunk_ids.len() + bucket_ids.len() + text_ids.len(),
        }
    }

    fn chunk_of(&self, term: &str) -> usize {
        self.chunks
            .partition_point(|(first, _)| first.as_str() <= term)
            .saturating_sub(1)
    }
}

/// How many dictionary terms a prefix may expand to. The JavaScript uses the same number.
const PREFIX_TERMS: usize = 50;

mod documents;
pub use documents::{Document, documents};

#[cfg(test)]
mod tests;
