//! The bundled knowledge base's home page, built as a reader gets it (issue 13): "Most common errors" pairs
//! each code with the article whose subject it is (`primary-codes` in the front matter), else with nothing
//! but the code's own page — never with the alphabetically first article that merely mentions the code.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use support::{repo, run_in, stderr, tempdir};

/// The bundled knowledge base, built once for this file's tests with the binary, as users build it.
fn built() -> &'static PathBuf {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out_dir = tempdir("home").join("public");
        let out = run_in(
            &repo(),
            &["build", "--output", out_dir.to_str().expect("utf-8 path")],
        );
        assert!(out.status.success(), "build failed:\n{}", stderr(&out));
        out_dir
    })
}

fn page(path: &str) -> String {
    std::fs::read_to_string(built().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The front matter's `primary-codes` of every bundled article: code → article URLs claiming it.
fn primary_claims() -> BTreeMap<String, Vec<String>> {
    let mut claims: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(repo().join("content/articles")).expect("articles") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let slug = path
            .file_stem()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
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
    let html = page("index.html");
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

#[test]
fn issue_13_without_javascript_the_paste_form_leads_to_every_code_reason_and_tree() {
    let home = page("index.html");
    assert!(
        home.contains("<form action=find/ class=paste-form>"),
        "the no-script paste form goes to the find page"
    );
    let find = page("find/index.html");
    for href in [
        "codes/550/",
        "codes/5.1.1/",
        "codes/5.2.2/",
        "reasons/mailboxfull/",
        "trees/start-here/",
    ] {
        assert!(
            find.contains(&format!("href=../{href}")),
            "find/ links {href}"
        );
    }
    // Every reason's own page; the pages of Sisimai 5's merged names only redirect to one of them.
    let reasons = std::fs::read_dir(built().join("reasons"))
        .expect("reason pages")
        .filter(|e| {
            e.as_ref().is_ok_and(|e| {
                std::fs::read_to_string(e.path().join("index.html")).is_ok_and(|html| {
                    !html.contains("http-equiv=refresh") && !html.contains("http-equiv=\"refresh\"")
                })
            })
        })
        .count();
    assert!(
        reasons >= diagnosis::Reason::ALL.len(),
        "{reasons} reason pages"
    );
    let linked = find.matches("href=../reasons/").count();
    assert!(
        linked >= reasons,
        "{linked} reasons linked of {reasons} pages"
    );
}

#[test]
fn issue_13_the_bundled_site_shows_no_edit_link_to_nowhere() {
    for path in [
        "index.html",
        "articles/mailbox-full/index.html",
        "codes/550/index.html",
    ] {
        let html = page(path);
        assert!(
            !html.contains("example.invalid"),
            "{path} links example.invalid"
        );
        assert!(
            !html.contains("Edit this page"),
            "{path} has an edit link but no edit-url is set"
        );
    }
}

#[test]
fn issue_13_every_tree_outcome_says_who_must_act() {
    let trees = built().join("trees");
    let mut outcomes = 0;
    let mut silent = Vec::new();
    for tree in std::fs::read_dir(&trees).expect("trees") {
        let tree = tree.expect("entry").path();
        if !tree.is_dir() {
            continue;
        }
        for step in std::fs::read_dir(&tree).expect("steps") {
            let file = step.expect("entry").path().join("index.html");
            let Ok(html) = std::fs::read_to_string(&file) else {
                continue;
            };
            if !html.contains("class=outcome-article") {
                continue;
            }
            outcomes += 1;
            if !html.contains("<strong>Who must act:</strong>") {
                silent.push(file.display().to_string());
            }
        }
    }
    assert!(outcomes >= 50, "{outcomes} outcome pages");
    assert!(
        silent.is_empty(),
        "outcomes that do not say who acts: {silent:#?}"
    );
}
