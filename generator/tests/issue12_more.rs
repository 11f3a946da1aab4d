//! Regression tests for issue 12, the rest of items 7, 12 and 13 (`issue12.rs` holds the others): `check` on a
//! tree with an unknown target still finds its loops and unreached steps, links by URL in tree text are checked;
//! `classify`'s colours do not shift its columns; `classify` over many files keeps their order; and
//! `bouncebook completions`. The binary is run as users run it, in temporary folders.

mod support;

use std::path::Path;
use support::{bin, run_in, site_copy, stderr, stdout, tempdir};

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

const TREE: &str = "content/trees/cant-send.toml";

// Item 7: tree checks run on whatever can be checked.

#[test]
fn an_unknown_tree_target_does_not_hide_the_trees_loops_and_unreached_steps() {
    let site = site_copy("basic", "issue12-tree-rest");
    let file = site.join(TREE);
    let text = std::fs::read_to_string(&file).expect("read");
    let text = text
        // A typo: reported once, and the outcome it meant is not reported as unreached on top of it.
        .replace("outcome = \"turn-on-auth\"", "outcome = \"turn-on-aut\"")
        // A loop back to the start.
        .replace(
            "label = \"It is on\"\n  outcome = \"wrong-password\"",
            "label = \"It is on\"\n  goto = \"what-error\"",
        )
        + "\n[[outcome]]\nid = \"orphan\"\ntitle = \"O\"\nfix = \"F.\"\narticle = \"@/articles/mailbox-full.md\"\n";
    std::fs::write(&file, &text).expect("write");
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .expect("in the tree")
            + 1
    };
    let (code, problems) = support::check(&site);
    assert_eq!(code, 1, "{problems:?}");
    let tree: Vec<&String> = problems.iter().filter(|p| p.starts_with(TREE)).collect();
    let typo = line_of("turn-on-aut\"");
    let back = line_of("goto = \"what-error\"");
    let orphan = line_of("id = \"orphan\"");
    assert_eq!(
        tree,
        [
            &format!(
                "{TREE}:{typo}:13: unknown outcome `turn-on-aut`; did you mean `turn-on-auth`?"
            ),
            &format!(
                "{TREE}:{back}:10: this option leads back to `what-error`, making a loop (what-error → auth-on → \
                 what-error): a tree must always move on toward an outcome"
            ),
            &format!(
                "{TREE}:{orphan}:6: outcome `orphan` is never reached from the start (`what-error`): lead an \
                 option to it, or remove it"
            ),
        ],
        "{problems:#?}"
    );
}

#[test]
fn links_by_url_in_tree_text_are_checked_on_every_page_that_shows_them() {
    let site = site_copy("basic", "issue12-tree-links");
    let file = site.join(TREE);
    let text = std::fs::read_to_string(&file).expect("read");
    let text = text
        .replace(
            "explains the most common one.\"",
            "explains the most common one; see [a](../nope/) and [b](/help/articles/relay-denied/).\"",
        )
        .replace(
            "check = \"Look at",
            "help = \"[c](../../../articles/relay-denied/), [d](/help/articles/nope/), [e](/help/trees/cant-send/auth-on/)\"\ncheck = \"Look at",
        );
    std::fs::write(&file, &text).expect("write");
    let (code, problems) = support::check(&site);
    assert_eq!(code, 1, "{problems:?}");
    let links: Vec<&String> = problems
        .iter()
        .filter(|p| p.contains("broken link"))
        .collect();
    assert_eq!(links.len(), 3, "{problems:#?}");
    // On the start page: `../nope/` from trees/cant-send/ is /trees/nope/, which no tree is.
    assert!(
        links[0].starts_with(&format!(
            "{TREE}:8:8: broken link `../nope/`: no page of the site is at /trees/nope/"
        )),
        "{links:#?}"
    );
    // On a later step: fine on its own page, broken in the wizard on the tree's first page.
    assert!(
        links[1].contains(
            "broken link `../../../articles/relay-denied/`: on /trees/cant-send/, where the wizard"
        ),
        "{links:#?}"
    );
    assert!(
        links[2].contains(
            "broken link `/help/articles/nope/`: no page of the site is at /articles/nope/"
        ),
        "{links:#?}"
    );
}

#[test]
fn links_in_a_tree_with_other_problems_are_still_checked() {
    let site = site_copy("basic", "issue12-broken-tree-links");
    let file = site.join(TREE);
    let text = std::fs::read_to_string(&file)
        .expect("read")
        .replace("goto = \"auth-on\"", "goto = \"auth-of\"")
        .replace(
            "explains the most common one.\"",
            "explains the most common one; see [a](/help/articles/nope/) and [b](@/articles/gone.md).\"",
        );
    std::fs::write(&file, &text).expect("write");
    let (code, problems) = support::check(&site);
    assert_eq!(code, 1, "{problems:?}");
    let tree: Vec<&String> = problems.iter().filter(|p| p.starts_with(TREE)).collect();
    assert!(
        tree.iter().any(|p| p.contains("unknown node `auth-of`")),
        "{tree:#?}"
    );
    assert!(
        tree.iter().any(|p| p.contains(
            "broken link `/help/articles/nope/`: no page of the site is at /articles/nope/"
        )),
        "{tree:#?}"
    );
    assert!(
        tree.iter().any(|p| p
            .contains("broken link `@/articles/gone.md`: there is no content/articles/gone.md")),
        "{tree:#?}"
    );
}

// Item 12: colour does not count toward alignment; each error once.

/// `s` without ANSI colour sequences (`ESC [ … m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn colour_does_not_shift_the_columns_of_classify() {
    let dir = tempdir("issue12-colour");
    let bounce = dir.join("b.txt");
    write(&bounce, "552 5.2.2 <ann@example.org>: Mailbox is full\n");
    let plain = run_in(&dir, &["classify", "b.txt"]);
    let mut forced = bin();
    forced
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .current_dir(&dir)
        .args(["classify", "b.txt"]);
    let coloured = forced.output().expect("run");
    let text = stdout(&coloured);
    assert!(
        text.contains('\u{1b}'),
        "CLICOLOR_FORCE turns colour on though stdout is a pipe: {text:?}"
    );
    assert_eq!(
        strip_ansi(&text),
        stdout(&plain),
        "the same text, only coloured"
    );
    // Every row's value starts in the same column, on screen.
    let rows: Vec<String> = strip_ansi(&text)
        .lines()
        .filter(|l| l.starts_with("    "))
        .map(str::to_string)
        .collect();
    assert!(rows.len() >= 4, "{rows:#?}");
    for row in &rows {
        assert_eq!(row.chars().nth(17), Some(' '), "the key is padded: {row:?}");
        assert_eq!(
            row.chars().nth(18).map(char::is_whitespace),
            Some(false),
            "the value starts at column 19: {row:?}"
        );
    }
    // NO_COLOR wins over CLICOLOR_FORCE.
    let mut both = bin();
    both.env("CLICOLOR_FORCE", "1")
        .current_dir(&dir)
        .args(["classify", "b.txt"]);
    assert!(!stdout(&both.output().expect("run")).contains('\u{1b}'));
}

#[test]
fn classify_says_each_error_once() {
    let dir = tempdir("issue12-once");
    let out = run_in(&dir, &["classify", "missing.eml"]);
    assert_eq!(out.status.code(), Some(2));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert_eq!(all.matches("missing.eml: No such file").count(), 1, "{all}");
    for format in ["json", "jsonl"] {
        let out = run_in(&dir, &["classify", "--format", format, "missing.eml"]);
        assert_eq!(
            stderr(&out).matches("missing.eml").count(),
            1,
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn a_flag_error_names_the_flag() {
    let site = site_copy("basic", "issue12-flags");
    for (args, flag) in [
        (vec!["build", "--base-url", "not a url"], "--base-url"),
        (vec!["build", "--output", "content"], "--output"),
    ] {
        let out = run_in(&site, &args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).contains(&format!("{flag}: "))
                && !stderr(&out).contains("bouncebook.toml:"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

// Item 13: classify on every core, in order; shell completions.

#[test]
fn classify_over_many_files_keeps_their_order() {
    let dir = tempdir("issue12-order");
    let inputs = dir.join("in");
    let reasons = [
        "550 5.1.1 <{}>: Recipient address rejected: User unknown",
        "552 5.2.2 <{}>: Mailbox is full",
        "554 5.7.1 <{}>: Relay access denied",
    ];
    let n = 300;
    for i in 0..n {
        let line = reasons[i % reasons.len()].replace("{}", &format!("user{i:04}@example.org"));
        // Some inputs are much larger than others, so workers finish out of order.
        let padding = if i % 7 == 0 {
            "Received: from relay.example.net by mx.example.org\n".repeat(4000)
        } else {
            String::new()
        };
        // Nested folders: the order is the sorted path order, folders included.
        let path = inputs.join(format!("{}/{i:04}.txt", i % 3));
        write(&path, &format!("{padding}{line}\n"));
    }
    let mut cmd = bin();
    cmd.env("RAYON_NUM_THREADS", "4")
        .current_dir(&dir)
        .args(["classify", "--format", "jsonl", "in"]);
    let out = cmd.output().expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let mut expected: Vec<(String, usize)> = (0..n)
        .map(|i| (format!("in/{}/{i:04}.txt", i % 3), i))
        .collect();
    expected.sort();
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), n);
    for (line, (path, i)) in lines.iter().zip(&expected) {
        assert_eq!(line["input"], path.as_str());
        assert_eq!(
            line["bounces"][0]["recipient"],
            format!("user{i:04}@example.org"),
            "{path}: its own answer"
        );
    }
    // Human output, in the same order.
    let human = run_in(&dir, &["classify", "in"]);
    let heads: Vec<String> = stdout(&human)
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(str::to_string)
        .collect();
    let paths: Vec<String> = expected.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(heads, paths);
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    let dir = tempdir("issue12-completions");
    let script = |shell: &str| {
        let out = run_in(&dir, &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        stdout(&out)
    };
    let bash = script("bash");
    write(&dir.join("bouncebook.bash"), &bash);
    // Bash itself completes `bouncebook cl` and `bouncebook classify --for` with the script.
    let complete = |words: &str, cword: usize| {
        let out = std::process::Command::new("bash")
            .current_dir(&dir)
            .arg("-c")
            .arg(format!(
                "source ./bouncebook.bash; COMP_WORDS=({words}); COMP_CWORD={cword}; \
                 _bouncebook bouncebook \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; \
                 printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ))
            .output()
            .expect("bash");
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(complete("bouncebook cl", 1).trim(), "classify");
    assert!(
        complete("bouncebook classify --for", 2)
            .lines()
            .any(|l| l == "--format"),
        "classify's flags"
    );
    let zsh = script("zsh");
    assert!(zsh.starts_with("#compdef bouncebook"), "{zsh:.80}");
    assert!(zsh.contains("classify") && zsh.contains("--reason-names"));
    let fish = script("fish");
    assert!(fish.contains("complete -c bouncebook") && fish.contains("classify"));
    // An unknown shell is a usage error naming the ones there are.
    let out = run_in(&dir, &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bash") && stderr(&out).contains("fish"));
}
