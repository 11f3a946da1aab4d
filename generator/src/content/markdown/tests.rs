//! Markdown features, one test each: anchors and the table of contents, heading order, internal links,
//! callouts, tables, footnotes, code, task lists, search text, image descriptions.

use super::*;

fn html(md: &str) -> String {
    render(
        md,
        Context {
            root: "../../",
            article_dir: Some(""),
        },
    )
    .html
}

#[test]
fn headings_get_unique_anchors_and_a_toc() {
    let r = render(
        "## How to fix it\n\n### Step\n\n## How to fix it\n\n## Custom {#mine}\n",
        Context {
            root: "",
            article_dir: None,
        },
    );
    let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["how-to-fix-it", "step", "how-to-fix-it-1", "mine"]);
    assert!(
        r.html
            .contains("<h2 id=\"how-to-fix-it\">How to fix it <a class=\"anchor\"")
    );
    assert!(r.problems.is_empty());
}

#[test]
fn heading_order_problems() {
    let r = render(
        "# Title\n\n## A\n\n#### D\n",
        Context {
            root: "",
            article_dir: None,
        },
    );
    let messages: Vec<&str> = r.problems.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].starts_with("use `##` for sections"));
    assert!(messages[1].starts_with("heading level jumps from ## to ####"));
    assert_eq!(r.problems[1].0, 15);
}

#[test]
fn internal_links_are_rewritten_and_recorded() {
    let r = render(
        "See [a](@/articles/relay-denied.md#fix), [t](@/trees/start.toml#auth), [r](other.md), [s](#top).",
        Context {
            root: "../../",
            article_dir: Some(""),
        },
    );
    assert!(
        r.html.contains("href=\"../../articles/relay-denied/#fix\""),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("href=\"../../trees/start/auth/\""),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("href=\"../../articles/other/\""),
        "{}",
        r.html
    );
    let targets: Vec<(&Target, Option<&str>)> = r
        .links
        .iter()
        .map(|l| (&l.target, l.anchor.as_deref()))
        .collect();
    assert_eq!(
        targets,
        [
            (&Target::Article("relay-denied".into()), Some("fix")),
            (&Target::Tree("start".into()), Some("auth")),
            (&Target::Article("other".into()), None),
            (&Target::SamePage, Some("top")),
        ]
    );
    assert_eq!(r.links[0].offset, 4);
}

#[test]
fn unknown_internal_link_kind_is_a_problem() {
    let r = render(
        "[x](@/codes/550)",
        Context {
            root: "",
            article_dir: None,
        },
    );
    assert_eq!(r.problems.len(), 1);
    assert!(
        r.problems[0]
            .1
            .starts_with("unknown internal link `@/codes/550`")
    );
}

#[test]
fn callouts_tables_footnotes_code() {
    insta::assert_snapshot!(html(
        "> [!WARNING]\n> Port 26 is not standard.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
         Text[^n] and more[^m].\n\n[^m]: Second.\n[^n]: First.\n\n```sh\necho '<hi>'\n```\n\n- [x] done\n"
    ));
}

#[test]
fn text_is_collected_for_search() {
    let r = render(
        "## Fix\n\nUse `587` now.\n\n```text\n550 5.7.1 denied\n```\n",
        Context {
            root: "",
            article_dir: None,
        },
    );
    assert_eq!(r.text, "Fix\nUse 587 now.\n");
    assert_eq!(
        r.code, "550 5.7.1 denied\n",
        "code blocks are searched apart from the prose"
    );
}

#[test]
fn images_need_alt_text() {
    let r = render(
        "![](x.png) ![ok](y.png)",
        Context {
            root: "",
            article_dir: None,
        },
    );
    assert_eq!(r.problems.len(), 1);
}

#[test]
fn fragment_links_are_written_as_pulldown_cmark_writes_links_for_each_page() {
    let fragment = render_fragment(
        "See [a](@/articles/x.md \"T & 'q' <b>\"), [t](@/trees/s.toml#n), [e](https://example.org/?a=1&b=2) \
         and ![a [l](@/articles/y.md) inside](i.png).",
    );
    let written = |root: &str| {
        let md = format!(
            "See [a]({root}articles/x/ \"T & 'q' <b>\"), [t]({root}trees/s/n/), [e](https://example.org/?a=1&b=2) \
             and ![a [l]({root}articles/y/) inside](i.png)."
        );
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, Parser::new_ext(&md, options()));
        html
    };
    for root in ["../../", "../../../", ""] {
        assert_eq!(fragment.html.at(root), written(root), "root {root:?}");
    }
    assert_eq!(fragment.links.len(), 3);
}

#[test]
fn no_text_can_stand_for_the_root() {
    // CommonMark replaces U+0000 wherever it comes from, so the only ones in the HTML are the root's own.
    let md = "a\0b `c\0d` [e](@/articles/x.md) &#0; <span>\0</span>\n\n<div>\0</div>\n\n```\n\0\n```\n\n\
              [f](g\0h \"i\0j\")\n\n## K\0 {#l\0}\n";
    let fragment = render_fragment(md);
    let html = fragment.html.at("../");
    assert!(!html.contains('\0'), "{html:?}");
    assert_eq!(html.matches("href=\"../articles/x/\"").count(), 1, "{html}");
}

#[test]
fn unverified_callouts_are_their_own_kind_and_counted() {
    let cx = Context {
        root: "",
        article_dir: None,
    };
    let r = render(
        "> [!UNVERIFIED]\n> Seen in bounces, not documented.\n\n> [!unverified]\n\n> Only a quote.\n",
        cx,
    );
    assert_eq!(r.unverified, 2, "{}", r.html);
    assert_eq!(
        r.html
            .matches("class=\"callout callout-unverified\"")
            .count(),
        2
    );
    assert!(
        r.html
            .contains("<p class=\"callout-title\">Unverified: no source for this</p>")
    );
    assert!(!r.html.contains("[!UNVERIFIED]"), "{}", r.html);
    assert!(
        r.html
            .contains("<p>Seen in bounces, not documented.</p>\n</div>"),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("<blockquote>\n<p>Only a quote.</p>\n</blockquote>"),
        "{}",
        r.html
    );
    let plain = render("> [!UNVERIFIED] is how you write it.\n", cx);
    assert_eq!(plain.unverified, 0);
}
