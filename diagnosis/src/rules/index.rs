//! A prefilter over every rule's phrases, so a text is scanned once instead of once per phrase.
//!
//! Each phrase is keyed by its first four bytes. Scanning a text looks every four-byte window up in a 64 K-bit
//! filter (almost always a miss) and, on a hit, in the key table; where a phrase's whole first piece is there, its
//! rule is the only kind whose patterns are then matched, from that place. Short phrases (under four bytes) are
//! always searched.
//!
//! The key table is a sorted list searched by halving, not a `HashMap`: lookups happen only on filter hits, and
//! the browser checker is spared the hash table's code (it carries no other).

use super::Rule;

const SLOTS: usize = 1 << 16;

/// No possible start in the text.
pub(crate) const NONE: u32 = u32::MAX;
/// Bytes of a phrase's start that key it: four keep common three-letter starts ("the", "not") from waking
/// every phrase that begins with them.
const KEY: usize = 4;

/// The prefilter, built by the loader.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    filter: Vec<u64>,
    /// Every key, sorted; the patterns of `keys[n]` are `ids[starts[n]..starts[n + 1]]`.
    keys: Vec<u32>,
    starts: Vec<u32>,
    ids: Vec<u32>,
    always: Vec<u32>,
    /// Each pattern's first literal piece, by global id.
    firsts: Vec<Box<str>>,
    /// Global id of each rule's first pattern; `base[rules]` is the total.
    base: Vec<u32>,
    /// How many rules it was built for: a set whose rules were changed afterwards is searched in full.
    pub(crate) rules: usize,
}

fn key(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn slot(k: u32) -> usize {
    (k.wrapping_mul(0x9E37_79B1) >> 16) as usize & (SLOTS - 1)
}

impl Index {
    /// Indexes the first piece of every pattern of every rule.
    pub(crate) fn build(rules: &[Rule]) -> Index {
        let mut index = Index {
            filter: vec![0; SLOTS / 64],
            rules: rules.len(),
            ..Index::default()
        };
        let mut next = 0u32;
        for rule in rules {
            index.base.push(next);
            next += rule.patterns.len() as u32;
        }
        index.base.push(next);
        // (key, pattern) pairs, sorted by key, then grouped.
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            for (j, p) in rule.patterns.iter().enumerate() {
                let i = index.base[r] + j as u32;
                index.firsts.push(p.first_piece().into());
                let first = p.first_piece().as_bytes();
                if first.len() < KEY {
                    index.always.push(i);
                    continue;
                }
                let k = key(first);
                let s = slot(k);
                index.filter[s / 64] |= 1 << (s % 64);
                pairs.push((k, i));
            }
        }
        crate::order::sort_by_key(&mut pairs, |&(k, i)| (k as usize, i as usize));
        for (k, i) in pairs {
            if index.keys.last() != Some(&k) {
                index.keys.push(k);
                index.starts.push(index.ids.len() as u32);
            }
            index.ids.push(i);
        }
        index.starts.push(index.ids.len() as u32);
        index
    }

    /// Whether the index was built (an empty or default set has none).
    pub(crate) fn usable(&self, rules: usize) -> bool {
        !self.filter.is_empty() && self.rules == rules
    }

    /// The entries of rule `r`'s patterns within what [`Index::candidates`] fills.
    pub(crate) fn of_rule<'a>(&self, flags: &'a [u32], r: usize) -> &'a [u32] {
        &flags[self.base[r] as usize..self.base[r + 1] as usize]
    }

    /// Fills `out` (one entry per pattern of every rule) with the first byte offset where each pattern's first
    /// piece occurs in `text`, or [`NONE`] when it does not (short pieces: 0, to be searched).
    pub(crate) fn candidates(&self, text: &str, out: &mut Vec<u32>) {
        out.clear();
        out.resize(self.base.last().copied().unwrap_or(0) as usize, NONE);
        for &i in &self.always {
            out[i as usize] = 0;
        }
        let b = text.as_bytes();
        for (at, w) in b.windows(KEY).enumerate() {
            let k = key(w);
            let s = slot(k);
            if self.filter[s / 64] & (1 << (s % 64)) == 0 {
                continue;
            }
            if let Ok(n) = self.keys.binary_search(&k) {
                let list = &self.ids[self.starts[n] as usize..self.starts[n + 1] as usize];
                for &i in list {
                    let slot = &mut out[i as usize];
                    if *slot == NONE && b[at..].starts_with(self.firsts[i as usize].as_bytes()) {
                        *slot = at as u32;
                    }
                }
            }
        }
    }
}
