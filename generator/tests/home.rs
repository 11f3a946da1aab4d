//! The bundled knowledge base's home page, built as a reader gets it (issue 13): "Most common errors" pairs
//! each code with the article whose subject it is (`primary-codes` in the front matter), else with nothing
//! but the code's own page — never with the alphabetically first article that merely mentions the code.

mod support;

use std::collections::BTreeMap;
use support::{repo, run_in, stderr, tempdir};

/// The front matter's `primary-codes` of every bundled article: code → article URLs claiming it.
fn primary_claims() -> BTreeMap<String, Vec<String>> {
    let mut claims: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(repo().join("content/articles")).expect("articles") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let slug = path.file_stem().unwrap().to_string_lossy().into_owned();
        let Some(line) = text.lines().find(|l| l.starts_with("primary-codes")) else {
            continue;
        };
        for code in line.split('"').skip(1).step_by(2) {
            claims
                .entry(code.to_string())
                .or_default()
                .push(format!("articles/{slug}/"));
        }
    }
    claims
}

/// `(code, code page href, article href)` for each item of the home page's "Most common errors".
fn common_errors(html: &str) -> Vec<(String, String, Option<String>)> {
    let start = html
        .find("<ul class=common>")
        .expect("the home page lists common errors");
    let list = &html[start..];
    let list = &list[..list.find("</ul>").expect("the list ends")];
    list.split("<li>")
        .skip(1)
        .map(|item| {
            let hrefs: Vec<&str> = item
                .split("<a href=")
                .skip(1)
                .map(|a| a.split(['>', ' ']).next().unwrap_or_default())
                .collect();
            let code = item
                .split("<code>")
                .nth(1)
                .and_then(|c| c.split("</code>").next())
                .expect("each item shows its code")
                .to_string();
            (
                code,
                hrefs[0].to_string(),
                hrefs.get(1).map(|h| h.to_string()),
            )
        })
        .collect()
}

#[test]
fn issue_13_most_common_errors_pair_codes_with_the_article_about_them() {
    let out_dir = tempdir("home-common").join("public");
    let out = run_in(
        &repo(),
        &["build", "--output", out_dir.to_str().expect("utf-8 path")],
    );
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    let html = std::fs::read_to_string(out_dir.join("index.html")).expect("home page");
    let items = common_errors(&html);
    assert!(items.len() >= 6, "{items:?}");
    let claims = primary_claims();
    for (code, page, article) in &items {
        assert_eq!(
            page,
            &format!("codes/{code}/"),
            "{code} links its code page"
        );
        match (article, claims.get(code)) {
            (Some(a), Some(claimed)) => assert!(
                claimed.contains(a),
                "{code} is paired with {a}, but only {claimed:?} claim it as `primary-codes`"
            ),
            (Some(a), None) => {
                panic!("{code} is paired with {a}, which does not claim it as its subject")
            }
            (None, Some(claimed)) => panic!("{code} has no article, but {claimed:?} claim it"),
            (None, None) => {}
        }
    }
    // The pairs the issue found wrong: 550 and 554 were "Account disabled", 421 and 451 "Blocklists".
    let pair = |code: &str| {
        items
            .iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, _, a)| a.clone())
    };
    assert_eq!(
        pair("550"),
        Some(None),
        "550 is too general for one article"
    );
    assert_eq!(
        pair("554"),
        Some(None),
        "554 is too general for one article"
    );
    assert_eq!(
        pair("421"),
        Some(Some("articles/delayed-mail-4xx/".to_string()))
    );
    assert_eq!(
        pair("451"),
        Some(Some("articles/delayed-mail-4xx/".to_string()))
    );
}
