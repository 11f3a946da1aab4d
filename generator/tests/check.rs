//! `bouncebook check` run as a process: one test per kind of content error, each asserting the message and
//! where it points, plus a run that collects many errors at once.

mod support;

use support::*;

/// Copies the basic site, applies `change`, runs `check`, and returns its problem lines (it must fail).
fn problems(test: &str, change: impl FnOnce(&std::path::Path)) -> Vec<String> {
    let site = site_copy("basic", test);
    change(&site);
    let (code, lines) = check(&site);
    assert_eq!(code, 1, "check should fail: {lines:?}");
    lines
}

fn one_problem(test: &str, change: impl FnOnce(&std::path::Path)) -> String {
    let lines = problems(test, change);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    lines[0].clone()
}

#[test]
fn the_fixture_is_clean() {
    let (code, lines) = check(&fixture("basic"));
    assert_eq!(code, 0, "{lines:?}");
    let out = run_in(&fixture("basic"), &["check"]);
    let text = stdout(&out);
    let mut lines = text.lines();
    // The counts are the fixture's: its article and tree files, and one rule in each of its two reason files.
    let content = fixture("basic").join("content");
    let rules: usize = std::fs::read_dir(content.join("rules/reasons"))
        .expect("rule files")
        .flatten()
        .map(|e| {
            std::fs::read_to_string(e.path())
                .expect("read")
                .matches("\n[[rule]]")
                .count()
        })
        .sum();
    assert_eq!(
        lines.next().map(str::to_string),
        Some(format!(
            "ok: {} articles, {} trees and {rules} rules, no problems",
            count_files(&content.join("articles"), ".md"),
            count_files(&content.join("trees"), ".toml"),
        ))
    );
    assert_eq!(lines.next(), Some("articles cover:"));
    // Its articles claim three reasons (securityerror, mailboxfull, norelaying) of every reason the engine knows.
    assert!(
        text.contains(&format!(
            "\n  3/{} reasons (none for authfailure,",
            diagnosis::Reason::ALL.len()
        )),
        "{text}"
    );
    // Its code table has two reply codes, 552 and 554, and articles claim both; of its three enhanced codes,
    // X.2.2 (5.2.2, 4.2.2) and X.7.1 (5.7.1) are claimed and X.2.0 is not.
    assert!(
        text.contains("\n  2/2 reply codes of the code table\n"),
        "{text}"
    );
    assert!(
        text.contains("\n  2/3 enhanced status codes of the code table (none for X.2.0)\n"),
        "{text}"
    );
}

#[test]
fn unverified_callouts_are_counted_as_information() {
    let site = site_copy("basic", "unverified_callouts_are_counted_as_information");
    let (code, _) = check(&site);
    assert_eq!(code, 0);
    let before = stdout(&run_in(&site, &["check"]));
    assert!(
        before.contains("\nunverified claims: 0 [!UNVERIFIED] callout(s) in 0 article(s)"),
        "{before}"
    );
    let article = site.join("content/articles/mailbox-full.md");
    let text = std::fs::read_to_string(&article).expect("read");
    let callout = "\n> [!UNVERIFIED]\n> Seen in bounces; no vendor documents it.\n";
    std::fs::write(
        &article,
        format!("{text}{callout}\n> [!unverified]\n> Our inference.\n"),
    )
    .expect("write");
    let out = run_in(&site, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "\nunverified claims: 2 [!UNVERIFIED] callout(s) in 1 article(s) (information, not a problem)"
        ),
        "{text}"
    );
}

#[test]
fn config_unknown_key() {
    let line = one_problem("config-key", |s| {
        edit(s, "bouncebook.toml", "edit-url", "edit_url")
    });
    assert!(
        line.starts_with("bouncebook.toml:4:1: unknown field `edit_url`, expected one of"),
        "{line}"
    );
    assert!(line.ends_with("keys use dashes: `edit-url`"), "{line}");
}

#[test]
fn config_wrong_type() {
    let line = one_problem("config-type", |s| {
        edit(s, "bouncebook.toml", "title = \"Test KB\"", "title = 3")
    });
    assert!(
        line.starts_with("bouncebook.toml:1:9: invalid type: integer `3`, expected a string"),
        "{line}"
    );
}

#[test]
fn config_bad_value() {
    let line = one_problem("config-value", |s| {
        edit(
            s,
            "bouncebook.toml",
            "\"https://kb.example.org/help/\"",
            "\"kb.example.org\"",
        )
    });
    assert_eq!(
        line,
        "bouncebook.toml:3:12: `base-url` must be an absolute http(s) URL such as \"https://help.example.com/\", not \"kb.example.org\""
    );
}

#[test]
fn front_matter_unknown_field() {
    let line = one_problem("fm-field", |s| {
        edit(
            s,
            "content/articles/relay-denied.md",
            "audience =",
            "audiences =",
        )
    });
    assert!(
        line.starts_with(
            "content/articles/relay-denied.md:6:1: unknown field `audiences`, expected one of"
        ),
        "{line}"
    );
}

#[test]
fn front_matter_missing_field() {
    let line = one_problem("fm-missing", |s| {
        edit(
            s,
            "content/articles/relay-denied.md",
            "updated = 2026-11-25\n",
            "",
        )
    });
    assert!(
        line.starts_with("content/articles/relay-denied.md:1:1: missing field `updated`"),
        "{line}"
    );
}

#[test]
fn front_matter_missing_entirely() {
    let line = one_problem("fm-none", |s| {
        std::fs::write(s.join("content/articles/new.md"), "# New\n\nText.\n").expect("write")
    });
    assert_eq!(
        line,
        "content/articles/new.md:1:1: expected front matter at the top of the file, between `+++` lines (title, summary, updated...); did you forget the opening `+++`?"
    );
}

#[test]
fn unknown_reason_and_bad_code() {
    let lines = problems("fm-values", |s| {
        edit(
            s,
            "content/articles/relay-denied.md",
            "\"norelaying\"",
            "\"norelay\"",
        );
        edit(
            s,
            "content/articles/relay-denied.md",
            "\"5.7.1\"",
            "\"5.7\"",
        );
    });
    assert_eq!(
        lines,
        [
            "content/articles/relay-denied.md:4:17: `5.7` is not an SMTP reply code (three digits, such as \"550\") or an enhanced status code (class.subject.detail, such as \"5.7.1\")",
            "content/articles/relay-denied.md:5:12: unknown reason `norelay`; did you mean `norelaying`?",
        ]
    );
}

#[test]
fn bad_tag_and_audience() {
    let lines = problems("fm-tag", |s| {
        edit(
            s,
            "content/articles/relay-denied.md",
            "\"smtp-auth\"",
            "\"SMTP auth\"",
        );
        edit(
            s,
            "content/articles/relay-denied.md",
            "\"admin\"",
            "\"admins\"",
        );
    });
    assert_eq!(
        lines,
        [
            "content/articles/relay-denied.md:6:23: unknown audience `admins`: expected sender, admin, recipient or writers; did you mean `admin`?",
            "content/articles/relay-denied.md:7:9: tag `SMTP auth` must use only lowercase letters a-z, digits and single dashes (for example `smtp-auth`); dots may join parts, as in `outlook.com`",
        ]
    );
}

#[test]
fn broken_link_to_a_missing_article() {
    let line = one_problem("link-missing", |s| {
        edit(
            s,
            "content/articles/relay-denied.md",
            "(mailbox-full.md)",
            "(mailbox-ful.md)",
        )
    });
    assert_eq!(
        line,
        "content/articles/relay-denied.md:15:52: broken link `mailbox-ful.md`: there is no content/articles/mailbox-ful.md; did you mean `mailbox-full`?"
    );
}

#[test]
fn broken_anchor() {
    let line = one_problem("link-anchor", |s| {
        edit(
            s,
            "content/articles/mailbox-full.md",
            "#fix-it-as-the-sender",
            "#fix-it-as-sender",
        )
    });
    assert_eq!(
        line,
        "content/articles/mailbox-full.md:37:42: broken link `@/articles/relay-denied.md#fix-it-as-sender`: content/articles/relay-denied.md has no heading with the anchor `#fix-it-as-sender`; did you mean `fix-it-as-the-sender`?"
    );
}

#[test]
fn broken_same_page_anchor_and_tree_link() {
    let lines = problems("link-tree", |s| {
        edit(
            s,
            "content/articles/mailbox-full.md",
            "(#how-to-fix-it)",
            "(#how-to-fix)",
        );
        edit(
            s,
            "content/articles/mailbox-full.md",
            "cant-send.toml)",
            "cant-send.toml#nowhere)",
        );
    });
    assert_eq!(
        lines,
        [
            "content/articles/mailbox-full.md:38:17: broken link `@/trees/cant-send.toml#nowhere`: tree `cant-send` has no node or outcome `nowhere`",
            "content/articles/mailbox-full.md:38:73: broken link `#how-to-fix`: content/articles/mailbox-full.md has no heading with the anchor `#how-to-fix`; did you mean `how-to-fix-it`?",
        ]
    );
}

#[test]
fn unknown_internal_link_kind() {
    let line = one_problem("link-kind", |s| {
        edit(
            s,
            "content/articles/relay-denied.md",
            "(mailbox-full.md)",
            "(@/codes/552)",
        )
    });
    assert!(
        line.starts_with(
            "content/articles/relay-denied.md:15:52: unknown internal link `@/codes/552`"
        ),
        "{line}"
    );
}

#[test]
fn heading_order_and_image_alt_text() {
    let lines = problems("markdown", |s| {
        edit(
            s,
            "content/articles/relay-denied.md",
            "## Fix it as the admin",
            "# Fix it as the admin\n\n![](diagram.png)",
        );
    });
    assert_eq!(
        lines,
        [
            "content/articles/relay-denied.md:17:1: use `##` for sections: the page's title is its only top-level heading",
            "content/articles/relay-denied.md:19:1: image has no description: write what it shows between the brackets, `![what it shows](...)`, for readers who can't see it",
        ]
    );
}

#[test]
fn alias_outside_the_output_folder() {
    let line = one_problem("alias-escape", |s| {
        edit(
            s,
            "content/articles/mailbox-full.md",
            "\"/old/full/\"",
            "\"/../../etc/cron.d/x\"",
        )
    });
    assert_eq!(
        line,
        "content/articles/mailbox-full.md:8:37: alias `/../../etc/cron.d/x` would be written outside the output folder: remove the `..`"
    );
}

#[test]
fn alias_over_a_generated_page_or_another_alias() {
    let lines = problems("alias-clash", |s| {
        edit(
            s,
            "content/articles/mailbox-full.md",
            "\"/old/full/\"",
            "\"/articles/relay-denied/\"",
        );
        edit(
            s,
            "content/articles/relay-denied.md",
            "tags = [\"smtp-auth\"]",
            "tags = [\"smtp-auth\"]\naliases = [\"/kb/mailbox-full.html\"]",
        );
    });
    assert_eq!(
        lines,
        [
            "content/articles/mailbox-full.md:8:37: alias `articles/relay-denied/index.html` would overwrite a page bouncebook generates",
            "content/articles/relay-denied.md:8:12: alias `kb/mailbox-full.html` is also an alias of content/articles/mailbox-full.md: an old URL can redirect to one page only",
        ]
    );
}

#[test]
fn tree_outcome_with_a_missing_article() {
    let line = one_problem("tree-article", |s| {
        edit(
            s,
            "content/trees/cant-send.toml",
            "authentication-failed-535.md",
            "authentication-failed.md",
        )
    });
    assert_eq!(
        line,
        "content/trees/cant-send.toml:34:11: outcome `wrong-password` links a missing article: there is no content/articles/authentication-failed.md; did you mean `authentication-failed-535`?"
    );
}

#[test]
fn tree_unreachable_and_cycle() {
    let lines = problems("tree-structure", |s| {
        edit(
            s,
            "content/trees/cant-send.toml",
            "label = \"It is on\"\n  outcome = \"wrong-password\"",
            "label = \"It is on\"\n  goto = \"what-error\"",
        );
        edit(
            s,
            "content/trees/cant-send.toml",
            "label = \"535 authentication failed\"\n  outcome = \"wrong-password\"",
            "label = \"535 authentication failed\"\n  outcome = \"turn-on-auth\"",
        );
    });
    assert_eq!(
        lines,
        [
            "content/trees/cant-send.toml:28:10: this option leads back to `what-error`, making a loop (what-error → auth-on → what-error): a tree must always move on toward an outcome",
            "content/trees/cant-send.toml:31:6: outcome `wrong-password` is never reached from the start (`what-error`): lead an option to it, or remove it",
        ]
    );
}

#[test]
fn tree_link_in_help_text() {
    let line = one_problem("tree-help", |s| {
        edit(
            s,
            "content/trees/cant-send.toml",
            "relay-denied.md)",
            "relay-denid.md)",
        )
    });
    assert_eq!(
        line,
        "content/trees/cant-send.toml:8:8: broken link `@/articles/relay-denid.md`: there is no content/articles/relay-denid.md"
    );
}

#[test]
fn rule_errors_come_from_the_engine() {
    let line = one_problem("rule-error", |s| {
        edit(
            s,
            "content/rules/reasons/norelaying.toml",
            "id = \"norelaying.denied\"",
            "id = \"norelaying.denied\"\nreason = \"norelay\"",
        )
    });
    assert!(
        line.starts_with("content/rules/reasons/norelaying.toml:10:10: "),
        "{line}"
    );
    assert!(line.contains("norelay"), "{line}");
}

#[test]
fn rule_files_name_missing_articles_and_trees() {
    let lines = problems("rule-refs", |s| {
        edit(
            s,
            "content/rules/reasons/norelaying.toml",
            "@/articles/relay-denied.md",
            "@/articles/relay.md",
        );
        edit(
            s,
            "content/rules/reasons/norelaying.toml",
            "@/trees/cant-send.toml",
            "@/trees/cant.toml",
        );
    });
    assert_eq!(
        lines,
        [
            "content/rules/reasons/norelaying.toml:1:1: reason `norelaying` names a missing article `@/articles/relay.md`; did you mean `@/articles/relay-denied.md`?",
            "content/rules/reasons/norelaying.toml:1:1: reason `norelaying` names a missing tree `@/trees/cant.toml`; did you mean `@/trees/cant-send.toml`?",
        ]
    );
}

#[test]
fn start_tree_must_exist() {
    let line = one_problem("start-tree", |s| {
        let config = std::fs::read_to_string(s.join("bouncebook.toml")).expect("read");
        std::fs::write(
            s.join("bouncebook.toml"),
            format!("{config}start-tree = \"cant-sen\"\n"),
        )
        .expect("write");
    });
    assert_eq!(
        line,
        "bouncebook.toml:1:1: `start-tree` names unknown tree `cant-sen`: expected a file content/trees/cant-sen.toml; did you mean `cant-send`?"
    );
}

#[test]
fn every_problem_is_reported_at_once_sorted_by_file() {
    let lines = problems("many", |s| {
        edit(
            s,
            "content/articles/relay-denied.md",
            "\"norelaying\"",
            "\"norelay\"",
        );
        edit(
            s,
            "content/articles/mailbox-full.md",
            "(#how-to-fix-it)",
            "(#how-to-fix)",
        );
        edit(
            s,
            "content/trees/cant-send.toml",
            "authentication-failed-535.md",
            "authentication-failed.md",
        );
        edit(
            s,
            "content/rules/reasons/norelaying.toml",
            "@/articles/relay-denied.md",
            "@/articles/relay.md",
        );
    });
    let files: Vec<&str> = lines
        .iter()
        .map(|l| l.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        files,
        [
            "content/articles/mailbox-full.md",
            "content/articles/relay-denied.md",
            "content/rules/reasons/norelaying.toml",
            "content/trees/cant-send.toml",
        ]
    );
}

#[test]
fn paths_are_shown_from_where_check_runs() {
    let site = site_copy("basic", "root-flag");
    edit(
        &site,
        "content/articles/relay-denied.md",
        "\"norelaying\"",
        "\"norelay\"",
    );
    let parent = site.parent().expect("parent");
    let out = run_in(parent, &["check", "--root", "site"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .starts_with("site/content/articles/relay-denied.md:5:12: unknown reason `norelay`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn new_article_and_tree_check_clean() {
    let site = site_copy("basic", "new");
    let out = run_in(&site, &["new", "article", "greylisting"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "created content/articles/greylisting.md\n");
    let out = run_in(&site, &["new", "tree", "delayed"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (code, lines) = check(&site);
    assert_eq!(code, 0, "{lines:?}");
    // No overwriting, and slugs are checked.
    let again = run_in(&site, &["new", "article", "greylisting"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    let bad = run_in(&site, &["new", "article", "Grey Listing"]);
    assert!(
        stderr(&bad).contains("(for example `grey-listing`)"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn config_reason_names_must_be_legacy_or_current() {
    let line = one_problem("config-reason-names", |s| {
        let config = s.join("bouncebook.toml");
        let text = std::fs::read_to_string(&config).expect("read");
        std::fs::write(&config, format!("{text}reason-names = \"newest\"\n")).expect("write");
    });
    assert!(
        line.starts_with("bouncebook.toml:5:16: `reason-names`: unknown reason names `newest`"),
        "{line}"
    );
    assert!(line.contains("`current`"), "{line}");
}
