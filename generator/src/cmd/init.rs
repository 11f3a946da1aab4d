//! `bouncebook init [DIR]`: a new site that `check` and `build` pass at once — the config, one article, one
//! decision tree and one rule file (with the `order.toml` that puts it in place) — for the writer to change.

use super::new::{article_text, today, tree_text};
use super::say;
use crate::config::FILE_NAME;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;

const CONFIG: &str = r#"# The site's settings: see docs/generator.md for every key.
title = "Email bounce help"
description = "Paste the error from a bounced email and find out what went wrong and how to fix it."
# Where the site is published: used for the sitemap, the feed and the links `bouncebook classify` prints.
base-url = "https://help.example.com/"
language = "en"
output-dir = "public"
start-tree = "start-here"
# Files in the output folder that every build keeps (dotfiles such as .git are always kept).
keep = ["CNAME"]
"#;

const RULE: &str = r#"# The wordings of one reason; see content/rules/README.md in bouncebook for the format.
reason = "mailboxfull"
title = "The recipient's mailbox is full"
actor = "recipient"
advice = "The recipient must delete mail or get more storage; try again later."
article = "@/articles/mailbox-full.md"

[[rule]]
id = "mailboxfull.full"
match = ["mailbox full", "over quota"]
examples = ["552 5.2.2 <ann@example.org>: Mailbox full", "452 4.2.2 The account is over quota"]
"#;

const ORDER: &str = r#"# Which rule file wins when several match: first listed, first.
providers = []
reasons = ["mailboxfull"]
"#;

/// The files of a new site: path under the site and text.
fn files() -> Vec<(&'static str, String)> {
    let article = article_text("mailbox-full", &today())
        .replace(
            "title = \"mailbox full\"",
            "title = \"The recipient's mailbox is full\"",
        )
        .replace("reasons = []", "reasons = [\"mailboxfull\"]");
    let tree = tree_text("start-here").replace("CHANGE-ME.md", "mailbox-full.md");
    vec![
        (FILE_NAME, CONFIG.to_string()),
        ("content/articles/mailbox-full.md", article),
        ("content/trees/start-here.toml", tree),
        ("content/rules/reasons/mailboxfull.toml", RULE.to_string()),
        ("content/rules/order.toml", ORDER.to_string()),
    ]
}

/// Creates a site in `dir`; refuses a folder that holds a site (its config or a `content/` folder) already.
pub fn run(dir: &Path) -> Result<ExitCode> {
    for existing in [FILE_NAME, "content"] {
        if dir.join(existing).exists() {
            bail!(
                "{} already exists: {} holds a site; init makes new sites only",
                dir.join(existing).display(),
                dir.display()
            );
        }
    }
    for (rel, text) in files() {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("failed to create {}", parent.display()))?;
        }
        std::fs::write(&path, text)
            .with_context(|| format!("failed to write {}", path.display()))?;
        say!("created {}", crate::config::display_path(dir, rel))?;
    }
    let root = if dir == Path::new(".") {
        String::new()
    } else {
        format!(" --root {}", dir.display())
    };
    say!(
        "next: `bouncebook serve{root}` to write with a live preview, `bouncebook build{root}` to publish"
    )?;
    Ok(ExitCode::SUCCESS)
}
