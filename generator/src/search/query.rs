//! Searching an [`Index`] from Rust: the reference ranking the browser must reproduce, and what one query costs
//! the browser in bytes.

use super::{Index, query_terms, tokenize::RULES};
use std::collections::{BTreeSet, HashMap, HashSet};

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
            + self.buckets.1.iter().sum::<usize>()
    }

    /// The chunk `term` is in (or would be).
    fn chunk_of(&self, term: &str) -> usize {
        self.chunks
            .partition_point(|(first, _)| first.as_str() <= term)
            .saturating_sub(1)
    }

    /// The dictionary words `term` begins (itself excluded), as the browser finds them: in order, from the
    /// term's own chunk and the next, at most [`RULES`]`.prefix_terms`.
    fn expansions<'a>(&'a self, term: &'a str) -> impl Iterator<Item = &'a super::Term> + 'a {
        let end = self
            .chunks
            .get(self.chunk_of(term) + 2)
            .map(|c| c.0.as_str());
        self.terms
            .range::<str, _>((std::ops::Bound::Excluded(term), std::ops::Bound::Unbounded))
            .take_while(move |(t, _)| t.starts_with(term) && end.is_none_or(|e| t.as_str() < e))
            .take(RULES.prefix_terms)
            .map(|(_, t)| t)
    }

    /// Ranks documents for `query`, best first: `(document id, score)`. This is the ranking; the browser's
    /// `search.js` adds the same integers in the same order (see the module's documentation of [`super`]).
    pub fn search(&self, query: &str, limit: usize) -> Vec<(usize, u64)> {
        let terms = query_terms(query);
        let Some(last) = terms.len().checked_sub(1) else {
            return Vec::new();
        };
        let mut score = vec![0u64; self.n];
        let mut covered = vec![0u64; self.n];
        let mut total = 0u64;
        for (i, term) in terms.iter().enumerate() {
            let exact = self.terms.get(term);
            if let Some(t) = exact {
                let w = u64::from(t.weight);
                if t.covers {
                    total += w;
                }
                for &(d, q) in &t.postings {
                    score[d as usize] += 2 * w * u64::from(q);
                    if t.covers {
                        covered[d as usize] += w;
                    }
                }
            }
            // The last word may be unfinished (search as you type): a page without it gets the best of the
            // words it begins, once.
            if i == last && term.chars().count() >= RULES.prefix_min {
                let has: HashSet<u32> = exact
                    .map(|t| t.postings.iter().map(|p| p.0).collect())
                    .unwrap_or_default();
                let mut best: HashMap<u32, u64> = HashMap::new();
                for t in self.expansions(term) {
                    for &(d, q) in &t.postings {
                        if !has.contains(&d) {
                            let s = u64::from(t.weight) * u64::from(q);
                            let e = best.entry(d).or_insert(0);
                            *e = (*e).max(s);
                        }
                    }
                }
                for (d, s) in best {
                    score[d as usize] += s;
                }
            }
        }
        let mut ranked: Vec<(usize, u64)> = score
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0)
            .map(|(d, s)| (d, s * (1 + total + RULES.coverage * covered[d])))
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
    }

    /// What the search page loads to answer `query` with `limit` results, snippets included: the manifest, the
    /// chunks of the query's terms, and the buckets of the results (the search page never preloads; the widget
    /// does, see [`Index::preload_bytes`]). The search module itself is not counted.
    pub fn cost(&self, query: &str, limit: usize) -> QueryCost {
        let mut chunk_ids = BTreeSet::new();
        let terms = query_terms(query);
        for (i, term) in terms.iter().enumerate() {
            let first = self.chunk_of(term);
            chunk_ids.insert(first);
            if i + 1 == terms.len()
                && let Some((next, _)) = self.chunks.get(first + 1)
                && next.starts_with(term.as_str())
            {
                chunk_ids.insert(first + 1);
            }
        }
        let mut bucket_ids = BTreeSet::new();
        let mut text_ids = BTreeSet::new();
        for (d, _) in self.search(query, limit) {
            bucket_ids.insert(d / self.buckets.0);
            text_ids.insert(d / self.texts.0);
        }
        let texts: usize = text_ids.iter().map(|&i| self.texts.1[i]).sum();
        QueryCost {
            bytes: self.manifest_bytes
                + chunk_ids.iter().map(|&i| self.chunks[i].1).sum::<usize>()
                + bucket_ids.iter().map(|&i| self.buckets.1[i]).sum::<usize>()
                + texts,
            files: 1 + chunk_ids.len() + bucket_ids.len() + text_ids.len(),
        }
    }
}
