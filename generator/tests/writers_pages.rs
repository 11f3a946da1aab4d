//! Pages for the site's writers (issue 13, item 7): `audience = ["writers"]` in an article's front matter keeps it
//! out of what readers are offered — the home page, "All articles" (where it is listed apart, under its own
//! heading), topics, related articles, search — while the page itself is built and in the sitemap. The bundled
//! writer's guide is marked so. Built with the binary, as users build.

mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::{repo, run_in, stderr, tempdir};

const GUIDE: &str = "articles/writers-guide/";

/// The bundled knowledge base, built once for this file's tests.
fn built() -> &'static PathBuf {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out_dir = tempdir("writers-pages").join("public");
        let out = run_in(
            &repo(),
            &["build", "--output", out_dir.to_str().expect("utf-8 path")],
        );
        assert!(out.status.success(), "build failed:\n{}", stderr(&out));
        out_dir
    })
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `index.html` under `dir` of the built site.
fn pages_under(dir: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(built().join(dir)).expect("folder") {
        let page = entry.expect("entry").path().join("index.html");
        if page.is_file() {
            out.push(page);
        }
    }
    out
}

#[test]
fn the_writers_guide_is_built_but_offered_to_no_reader() {
    let guide = read(&built().join(GUIDE).join("index.html"));
    assert!(guide.contains("The writer"), "the guide's page is built");
    assert!(read(&built().join("sitemap.xml")).contains(GUIDE));

    // Home: neither "Recently updated" nor anything else links it, and the article count leaves it out.
    let home = read(&built().join("index.html"));
    assert!(!home.contains("writers-guide"), "the home page offers it");

    // "All articles": listed apart, after its own heading, and nowhere before it.
    let all = read(&built().join("articles/index.html"));
    let apart = all
        .find("For this site")
        .expect("a heading for the writers' pages");
    let first = all.find("writers-guide/").expect("the guide is listed");
    assert!(first > apart, "the guide is among the readers' articles");
    assert!(all.find("mailbox-full/").expect("a reader's article") < apart);

    // Topics, reasons, codes, and every other article's "Related": none lists it.
    let mut offered = Vec::new();
    for dir in ["tags", "reasons", "codes", "articles"] {
        for page in pages_under(dir) {
            if page.starts_with(built().join(GUIDE)) {
                continue;
            }
            let html = read(&page);
            let related = html.find("id=related-title").map_or("", |i| &html[i..]);
            let listed = if dir == "articles" {
                related.contains("writers-guide/")
            } else {
                html.contains("writers-guide/")
            };
            if listed {
                offered.push(page.display().to_string());
            }
        }
    }
    assert!(offered.is_empty(), "pages offering the guide: {offered:?}");
    assert!(
        pages_under("articles").len() > 50,
        "the pages were looked at"
    );
}

#[test]
fn the_search_index_leaves_writers_pages_out() {
    let site = generator::load::load_site(&repo(), generator::config::Overrides::default())
        .expect("the bundled site reads")
        .unwrap_or_else(|e| panic!("the bundled site's config: {e:?}"));
    let lib = &site.library;
    let guide = lib
        .article("writers-guide")
        .expect("the bundled writer's guide");
    assert!(guide.for_writers(), "the guide is marked for writers");
    let catalog = generator::pages::Catalog::new(lib);
    let urls: Vec<String> = generator::search::documents(lib, &catalog)
        .iter()
        .map(|d| d.url.to_string())
        .collect();
    assert!(
        urls.iter().any(|u| u == "articles/mailbox-full/"),
        "{urls:?}"
    );
    assert!(!urls.iter().any(|u| u == GUIDE), "the guide is indexed");
    let readers = lib.articles.iter().filter(|a| !a.for_writers()).count();
    assert_eq!(
        urls.iter().filter(|u| u.starts_with("articles/")).count(),
        readers,
        "every readers' article is indexed"
    );
}
