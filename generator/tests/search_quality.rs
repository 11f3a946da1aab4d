//! Search quality (issue 14, item 2): the query set in `tests/search/queries.toml` (pasted error lines,
//! providers' wordings, plain questions and bare codes, each with the pages a reader should get first) run
//! through the Rust reference ranking over the bundled knowledge base. Top-1 must stay at 95 % or more; the
//! figures and every miss are printed (`cargo test -p generator --test search_quality -- --nocapture`).

mod support;

use generator::config::Overrides;
use generator::load::load_site;
use generator::pages::Catalog;
use generator::search;
use support::repo;

/// One query of the set.
struct Case {
    q: String,
    kind: String,
    first: Vec<String>,
}

fn cases() -> Vec<Case> {
    let path = repo().join("tests/search/queries.toml");
    let text = std::fs::read_to_string(&path).expect("read tests/search/queries.toml");
    let table: toml::Table = toml::from_str(&text).expect("queries.toml parses");
    let list = table["query"].as_array().expect("[[query]] entries");
    list.iter()
        .map(|q| Case {
            q: q["q"].as_str().expect("q").to_string(),
            kind: q["kind"].as_str().expect("kind").to_string(),
            first: q["first"]
                .as_array()
                .expect("first")
                .iter()
                .map(|u| u.as_str().expect("url").to_string())
                .collect(),
        })
        .collect()
}

/// Top-1, top-3 and mean reciprocal rank (over the top 10) of `ranks` (1-based, `None` when not in the top 10).
fn figures(ranks: &[Option<usize>]) -> (f64, f64, f64) {
    let n = ranks.len().max(1) as f64;
    let top = |k: usize| ranks.iter().filter(|r| r.is_some_and(|r| r <= k)).count() as f64 / n;
    let mrr = ranks
        .iter()
        .map(|r| r.map_or(0.0, |r| 1.0 / r as f64))
        .sum::<f64>()
        / n;
    (top(1), top(3), mrr)
}

#[test]
fn the_query_set_finds_the_right_page_first() {
    let site = load_site(&repo(), Overrides::default())
        .expect("read")
        .expect("config");
    let catalog = Catalog::new(&site.library);
    let docs = search::documents(&site.library, &catalog);
    let urls: Vec<String> = docs.iter().map(|d| d.url.to_string()).collect();
    let index = search::build(&docs);
    let cases = cases();
    assert!(cases.len() >= 100, "the set has {} queries", cases.len());
    for c in &cases {
        for u in &c.first {
            assert!(
                urls.contains(u),
                "{:?} expects {u}, which is not a page",
                c.q
            );
        }
    }
    let mut ranks = Vec::new();
    let mut by_kind: std::collections::BTreeMap<&str, Vec<Option<usize>>> = Default::default();
    for c in &cases {
        let got: Vec<&str> = index
            .search(&c.q, 10)
            .into_iter()
            .map(|(d, _)| urls[d].as_str())
            .collect();
        let rank = got
            .iter()
            .position(|u| c.first.iter().any(|f| f == u))
            .map(|p| p + 1);
        if rank != Some(1) {
            println!(
                "miss ({rank:?}) {:?}: got {:?}, want {:?}",
                c.q,
                &got[..got.len().min(3)],
                c.first
            );
        }
        ranks.push(rank);
        by_kind.entry(c.kind.as_str()).or_default().push(rank);
    }
    let (top1, top3, mrr) = figures(&ranks);
    println!(
        "search quality: {} queries, top-1 {:.1} %, top-3 {:.1} %, MRR {:.3}",
        cases.len(),
        top1 * 100.0,
        top3 * 100.0,
        mrr
    );
    for (kind, r) in &by_kind {
        let (t1, t3, m) = figures(r);
        println!(
            "  {kind}: {} queries, top-1 {:.1} %, top-3 {:.1} %, MRR {:.3}",
            r.len(),
            t1 * 100.0,
            t3 * 100.0,
            m
        );
    }
    assert!(
        top1 >= 0.95,
        "top-1 is {:.1} %, the floor is 95 %",
        top1 * 100.0
    );
}

/// Issue 14: pasted lines judged by the bounce's reason rather than its code. Every line of
/// `tests/bounces/lines.toml` (servers' and providers' wordings, each with the reason a mail admin would give it)
/// is a query; it is right when the first page is an article that explains that reason (or one of its `also`
/// reasons). The floor is the figure before this work's ranking (77.9 % on the evaluators' set), not the aim (88 %).
#[test]
fn pasted_lines_find_an_article_of_their_reason_first() {
    let site = load_site(&repo(), Overrides::default())
        .expect("read")
        .expect("config");
    let catalog = Catalog::new(&site.library);
    let docs = search::documents(&site.library, &catalog);
    let index = search::build(&docs);
    let text =
        std::fs::read_to_string(repo().join("tests/bounces/lines.toml")).expect("read lines.toml");
    let table: toml::Table = toml::from_str(&text).expect("lines.toml parses");
    let lines = table["line"].as_array().expect("[[line]] entries");
    assert!(lines.len() >= 100, "{} lines", lines.len());
    let (mut top1, mut top3) = (0, 0);
    for l in lines {
        let q = l["text"].as_str().expect("text");
        let mut reasons = vec![l["reason"].as_str().expect("reason")];
        if let Some(also) = l.get("also").and_then(|a| a.as_array()) {
            reasons.extend(also.iter().filter_map(|r| r.as_str()));
        }
        let right = |d: usize| {
            site.library.articles.iter().any(|a| {
                a.url == docs[d].url && a.reasons.iter().any(|r| reasons.contains(&r.as_str()))
            })
        };
        let hits = index.search(q, 3);
        if hits.first().is_some_and(|h| right(h.0)) {
            top1 += 1;
        }
        if hits.iter().any(|h| right(h.0)) {
            top3 += 1;
        }
    }
    let share = |k: usize| k as f64 * 100.0 / lines.len() as f64;
    println!(
        "pasted lines by reason: {} lines, top-1 {:.1} %, top-3 {:.1} %",
        lines.len(),
        share(top1),
        share(top3)
    );
    assert!(
        share(top1) >= 77.9,
        "top-1 by reason is {:.1} %",
        share(top1)
    );
}
