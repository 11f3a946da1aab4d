//! What `serve` carries from one build to the next, so that an edit re-renders only what it changes.
//!
//! Every costly step of a build is a pure function of its inputs: parsing a source file (of its path and text),
//! loading the rules (of the rule files), compiling the theme (of its files), rendering a template (of the theme
//! and the page's Tera context), minifying a page (of its HTML) and building the search index (of the indexed
//! documents). A [`Memo`] keeps each result under a 128-bit fingerprint of those inputs; the next build looks the
//! fingerprint up and does the work only when it is new. So an edit to one article re-parses that article and
//! re-renders the pages whose values it changed (its page, and the lists, tag, reason and code pages, home and
//! feed that show its title or summary), and nothing else. Nothing is guessed from which file was saved: the
//! result is the full build's, byte for byte (`generator/tests/serve_edits.rs` compares the two trees).
//!
//! Each table keeps what the last build used, so memory stays at about one site's worth.

use crate::content::article::Article;
use crate::content::tree::DecisionTree;
use crate::error::ContentError;
use crate::theme::Theme;
use foldhash::quality::{FixedState, FoldHasher};
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A 128-bit fingerprint of what made a value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Key(u64, u64);

/// Builds a [`Key`]: two foldhash streams with different fixed seeds, fed the same parts. Values that format
/// with `Debug` can be fed without being serialised first ([`Fingerprint::debug`]). foldhash rather than std's
/// SipHash: a page's values arrive as thousands of small pieces, where SipHash took most of a rebuild's time;
/// nobody has a reason to make collisions on their own site, so a fast hash's 2 × 64 bits are enough.
pub struct Fingerprint {
    a: FoldHasher<'static>,
    b: FoldHasher<'static>,
}

impl Fingerprint {
    /// A fingerprint for values of one kind (`kind` keeps kinds apart).
    pub fn new(kind: &str) -> Fingerprint {
        let f = Fingerprint {
            a: FixedState::with_seed(0x6f75_6e63_6562_6f6b).build_hasher(),
            b: FixedState::with_seed(0x9e37_79b9_7f4a_7c15).build_hasher(),
        };
        f.bytes(kind.as_bytes())
    }

    /// Adds `bytes`, length first, so that parts never run together.
    pub fn bytes(mut self, bytes: &[u8]) -> Fingerprint {
        self.a.write_usize(bytes.len());
        self.b.write_usize(bytes.len());
        self.a.write(bytes);
        self.b.write(bytes);
        self
    }

    /// Adds a value's `Debug` text.
    pub fn debug(mut self, value: &impl fmt::Debug) -> Fingerprint {
        use fmt::Write as _;
        // Writing into a hasher cannot fail.
        let _ = write!(self, "{value:?}");
        self.a.write_u8(0xff);
        self.b.write_u8(0xff);
        self
    }

    /// Adds another key.
    pub fn key(mut self, key: Key) -> Fingerprint {
        for h in [&mut self.a, &mut self.b] {
            h.write_u64(key.0);
            h.write_u64(key.1);
        }
        self
    }

    /// The key.
    pub fn finish(&self) -> Key {
        Key(self.a.finish(), self.b.finish())
    }
}

impl fmt::Write for Fingerprint {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.a.write(s.as_bytes());
        self.b.write(s.as_bytes());
        Ok(())
    }
}

/// Values by key, for one build: a build takes what it needs from the last build's values and leaves its own
/// for the next, so what no build uses any more is dropped.
pub(crate) struct Table<V> {
    tables: Mutex<(HashMap<Key, V>, HashMap<Key, V>)>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table {
            tables: Mutex::new((HashMap::new(), HashMap::new())),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }
}

impl<V: Clone> Table<V> {
    /// The value under `key`, or `make()`'s, which is kept. `make` runs outside the lock, so builds stay
    /// parallel; two threads making the same value at once both make it, and one keeps it.
    pub(crate) fn get_or(&self, key: Key, make: impl FnOnce() -> V) -> V {
        match self.try_get_or(key, || Ok::<V, std::convert::Infallible>(make())) {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// [`Table::get_or`] for a `make` that can fail; a failure is not kept.
    pub(crate) fn try_get_or<E>(
        &self,
        key: Key,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        {
            let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
            let (last, this) = &mut *t;
            if let Some(v) = this.get(&key) {
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(v.clone());
            }
            if let Some(v) = last.remove(&key) {
                this.insert(key, v.clone());
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(v);
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let v = make()?;
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        t.1.insert(key, v.clone());
        Ok(v)
    }

    /// Whether the table holds a value under `key`.
    pub(crate) fn contains(&self, key: Key) -> bool {
        let t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        t.0.contains_key(&key) || t.1.contains_key(&key)
    }

    /// Starts a new build: this build's values become the last, and the counts start again.
    fn next_build(&self) {
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        t.0 = std::mem::take(&mut t.1);
        self.hits.store(0, Ordering::Relaxed);
        self.misses.store(0, Ordering::Relaxed);
    }

    /// (reused, made) since the build started.
    fn counts(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

/// A shared, immutable result: cloning it out of a table is cheap.
type Shared<T> = Arc<T>;

/// What one build hands the next; see the module's documentation.
#[derive(Default)]
pub struct Memo {
    pub(crate) articles: Table<Shared<(Option<Article>, Vec<ContentError>)>>,
    pub(crate) trees: Table<Shared<(Option<DecisionTree>, Vec<ContentError>)>>,
    pub(crate) rules: Table<(Shared<diagnosis::RuleSet>, Vec<diagnosis::RuleError>)>,
    pub(crate) theme: Table<Result<Shared<Theme>, ContentError>>,
    pub(crate) pages: Table<Shared<Vec<u8>>>,
    pub(crate) html: Table<Shared<Vec<u8>>>,
    pub(crate) index: Table<Shared<crate::search::Index>>,
    /// The search index the last build wrote, for a build that defers the new one.
    last_index: Mutex<Option<Shared<crate::search::Index>>>,
}

impl fmt::Debug for Memo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Memo")
            .field("pages (reused, rendered)", &self.pages.counts())
            .finish_non_exhaustive()
    }
}

impl Memo {
    /// Starts the next build.
    pub fn next_build(&self) {
        self.articles.next_build();
        self.trees.next_build();
        self.rules.next_build();
        self.theme.next_build();
        self.pages.next_build();
        self.html.next_build();
        self.index.next_build();
    }

    /// The search index the last build wrote.
    pub(crate) fn last_index(&self) -> Option<Shared<crate::search::Index>> {
        self.last_index
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Records the search index a build wrote.
    pub(crate) fn set_last_index(&self, index: &Shared<crate::search::Index>) {
        *self.last_index.lock().unwrap_or_else(|e| e.into_inner()) = Some(index.clone());
    }

    /// What the build since [`Memo::next_build`] did, for `serve`'s message: (templates rendered, of all), and
    /// (articles and trees parsed, of all).
    pub fn done(&self) -> ((usize, usize), (usize, usize)) {
        let (reused, made) = self.pages.counts();
        let (articles_reused, articles_made) = self.articles.counts();
        let (trees_reused, trees_made) = self.trees.counts();
        let parsed = articles_made + trees_made;
        (
            (made, reused + made),
            (parsed, parsed + articles_reused + trees_reused),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tell_parts_apart() {
        let k = |parts: &[&[u8]]| {
            parts
                .iter()
                .fold(Fingerprint::new("t"), |f, p| f.bytes(p))
                .finish()
        };
        assert_eq!(k(&[b"ab", b"c"]), k(&[b"ab", b"c"]));
        assert_ne!(k(&[b"ab", b"c"]), k(&[b"a", b"bc"]));
        assert_ne!(
            Fingerprint::new("a").finish(),
            Fingerprint::new("b").finish()
        );
    }

    #[test]
    fn a_table_keeps_what_the_last_build_used_and_no_more() {
        let t: Table<u32> = Table::default();
        let one = Fingerprint::new("1").finish();
        let two = Fingerprint::new("2").finish();
        assert_eq!(t.get_or(one, || 1), 1);
        assert_eq!(t.get_or(two, || 2), 2);
        t.next_build();
        // Used again: kept, not made.
        assert_eq!(t.get_or(one, || 10), 1);
        assert_eq!(t.counts(), (1, 0));
        t.next_build();
        // `two` was not used by the last build, so it is gone.
        assert_eq!(t.get_or(two, || 20), 20);
        assert_eq!(t.get_or(one, || 10), 1);
    }
}
