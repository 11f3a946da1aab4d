//! Edits under `bouncebook serve` (issue 14 item 6, issue 12 item 11), run as a process on a copy of a fixture
//! site: an edit re-renders only what it changes, and what serve then serves is byte for byte what a full
//! `bouncebook build` writes; a page whose source breaks keeps its last good version while the problem is shown.
//! How fast an edit shows is measured by `cargo xtask bench`, not here.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use support::serve::Serve;
use support::{edit, run_in, site_copy, stderr};

const ARTICLE: &str = "content/articles/relay-denied.md";
const OLD_TITLE: &str = "Relay access denied (554 5.7.1)";
const NEW_TITLE: &str = "Relaying refused, edited while serving";

/// Every file below `dir`, by path with `/`, leaving out bouncebook's marker.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .expect("below")
                    .to_string_lossy()
                    .replace('\\', "/");
                if rel != ".bouncebook-output" {
                    files.insert(rel, std::fs::read(&path).expect("read"));
                }
            }
        }
    }
    files
}

/// A served file without the live-reload tag serve adds to pages (`data-version` set to `pages`).
fn without_live_tag(bytes: &[u8], pages: i64) -> Vec<u8> {
    let tag =
        format!("<script src=\"/__bouncebook/live.js\" data-version=\"{pages}\" async></script>");
    let text = String::from_utf8_lossy(bytes);
    if text.contains(&tag) {
        text.replacen(&tag, "", 1).into_bytes()
    } else {
        bytes.to_vec()
    }
}

fn shows(files: &BTreeMap<String, Vec<u8>>, path: &str, text: &str) -> bool {
    files
        .get(path)
        .is_some_and(|b| String::from_utf8_lossy(b).contains(text))
}

#[test]
fn an_edit_rerenders_what_shows_the_article_and_serve_equals_a_full_build() {
    let site = site_copy("basic", "serve-edits");
    let serve = Serve::start(&site, &[]);
    let first = serve.wait_for(|s| s.pages > 0 && !s.pending);
    let before = serve.files();
    assert!(shows(
        &before,
        "articles/relay-denied/index.html",
        "Relay access denied"
    ));

    edit(&site, ARTICLE, OLD_TITLE, NEW_TITLE);
    // Once the search index, built after the pages, is in too.
    let after_edit = serve.wait_for(|s| s.pages > first.pages && s.errors.is_none() && !s.pending);
    let after = serve.files();

    // The article's own page, and the pages that list it or show its title.
    for page in [
        "articles/relay-denied/index.html",
        "articles/index.html",
        "index.html",
        "reasons/norelaying/index.html",
        "tags/smtp-auth/index.html",
        "codes/5.7.1/index.html",
    ] {
        assert!(shows(&after, page, NEW_TITLE), "{page} shows the new title");
        assert!(!shows(&after, page, OLD_TITLE), "{page} lost the old title");
    }
    // A page that shows nothing of it is the same page.
    let unrelated = "articles/mailbox-full/index.html";
    assert_eq!(
        without_live_tag(&before[unrelated], first.pages),
        without_live_tag(&after[unrelated], after_edit.pages),
        "{unrelated} did not change"
    );
    // A second edit, after the first one's search index went in: still only that article is parsed again.
    edit(
        &site,
        ARTICLE,
        "The outgoing server refused to relay.",
        "The outgoing server refused to relay, twice.",
    );
    let settled = serve.wait_for(|s| s.pages > after_edit.pages && !s.pending);
    let after = serve.files();
    assert!(shows(
        &after,
        "articles/relay-denied/index.html",
        "refused to relay, twice."
    ));
    // Only part of the site was parsed and rendered again.
    let terminal = serve.terminal();
    let last = terminal
        .lines()
        .rev()
        .find(|l| l.contains("templates rendered"))
        .unwrap_or_else(|| panic!("serve says what it rendered:\n{terminal}"));
    let numbers: Vec<usize> = last
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    // "built N pages in T ms (P of F articles and trees parsed, R of A templates rendered, …)"
    let [parsed, files, made, all] = numbers[numbers.len() - 4..] else {
        panic!("{last}");
    };
    assert_eq!(parsed, 1, "only the edited article is parsed again: {last}");
    assert!(files > 1, "{last}");
    assert!(
        made > 0 && made * 2 < all,
        "an edit to one article renders a small part of the site: {last}"
    );

    // Byte for byte what a full build makes of the edited site, under the same base URL.
    let full = site.parent().expect("parent").join("full");
    let out = run_in(
        &site,
        &[
            "build",
            "--output",
            &full.to_string_lossy(),
            "--base-url",
            &format!("http://{}/", serve.address),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let built = tree(&full);
    let served: BTreeMap<String, Vec<u8>> = after
        .iter()
        .map(|(p, b)| (p.clone(), without_live_tag(b, settled.pages)))
        .collect();
    let only_built: Vec<&String> = built.keys().filter(|p| !served.contains_key(*p)).collect();
    let only_served: Vec<&String> = served.keys().filter(|p| !built.contains_key(*p)).collect();
    assert!(
        only_built.is_empty() && only_served.is_empty(),
        "the same files: only in the build {only_built:?}, only served {only_served:?}"
    );
    let differ: Vec<&String> = built
        .iter()
        .filter(|(p, b)| served.get(*p) != Some(*b))
        .map(|(p, _)| p)
        .collect();
    assert!(differ.is_empty(), "files that differ: {differ:?}");
    assert!(built.len() > 50, "{} files", built.len());
}

#[test]
fn a_page_whose_source_breaks_keeps_its_last_good_version_under_the_problems() {
    let site = site_copy("basic", "serve-last-good");
    let serve = Serve::start(&site, &[]);
    serve.wait_for(|s| s.output > 0);
    let (status, page) = serve.text("/articles/relay-denied/");
    assert_eq!(status, 200);
    assert!(page.contains("The outgoing server refused to relay."));

    // Front matter that no longer parses: the article is no page of the new build.
    edit(
        &site,
        ARTICLE,
        "reasons = [\"norelaying\"]",
        "reasons = [\"norelaying\"",
    );
    let broken = serve.wait_for(|s| {
        s.errors
            .as_deref()
            .is_some_and(|e| e.contains("content/articles/relay-denied.md"))
    });
    assert_eq!(
        broken.output, broken.version,
        "the rest of the site was rebuilt"
    );
    let (status, kept) = serve.text("/articles/relay-denied/");
    assert_eq!(status, 200, "the last good version, not a 404");
    assert!(kept.contains("The outgoing server refused to relay."));
    assert!(
        kept.contains("/__bouncebook/live.js"),
        "with the overlay's script"
    );

    // A tree with an unknown target is no tree of the new build either: its pages stay too.
    edit(
        &site,
        "content/trees/cant-send.toml",
        "goto = \"auth-on\"",
        "goto = \"auth-of\"",
    );
    serve.wait_for(|s| {
        s.errors
            .as_deref()
            .is_some_and(|e| e.contains("unknown node `auth-of`"))
    });
    assert_eq!(serve.text("/trees/cant-send/").0, 200);
    assert_eq!(serve.text("/trees/cant-send/auth-on/").0, 200);
    assert_eq!(serve.get("/trees/cant-send.svg").0, 200);

    // Fixed: the page is built from its source again.
    edit(
        &site,
        ARTICLE,
        "reasons = [\"norelaying\"",
        "reasons = [\"norelaying\"]",
    );
    edit(
        &site,
        ARTICLE,
        "The outgoing server refused to relay.",
        "Fixed and rebuilt.",
    );
    edit(
        &site,
        "content/trees/cant-send.toml",
        "goto = \"auth-of\"",
        "goto = \"auth-on\"",
    );
    serve.wait_for(|s| s.errors.is_none() && s.output == s.version);
    assert!(
        serve
            .text("/articles/relay-denied/")
            .1
            .contains("Fixed and rebuilt.")
    );
}
