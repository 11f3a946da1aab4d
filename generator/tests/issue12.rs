//! Regression tests for issue 12, "nothing lost, nothing surprising": the `bouncebook` binary run as users run
//! it, in temporary folders, on the edges where it used to lose files or give a silent or wrong answer.

mod support;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use support::{bin, run_in, site_copy, stderr, stdout, tempdir};

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

fn build(site: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["build", "--no-minify"];
    all.extend_from_slice(args);
    run_in(site, &all)
}

// Item 1: a folder bouncebook did not make is never emptied without --force; its own keeps dotfiles and `keep`.

#[test]
fn build_refuses_a_folder_it_did_not_make_and_force_says_what_it_removed() {
    let site = site_copy("basic", "issue12-foreign");
    let out = site.parent().expect("parent").join("www");
    write(&out.join("notes.txt"), "mine");
    write(&out.join(".git/HEAD"), "ref: refs/heads/main\n");
    let r = build(&site, &["--output", "../www"]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("--force"), "{}", stderr(&r));
    assert!(stderr(&r).contains("notes.txt"), "{}", stderr(&r));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt"))
            .ok()
            .as_deref(),
        Some("mine")
    );
    assert!(!out.join("index.html").exists(), "nothing was written");

    let r = build(&site, &["--output", "../www", "--force"]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("removed") && stderr(&r).contains("notes.txt"),
        "{}",
        stderr(&r)
    );
    assert!(out.join("index.html").is_file());
    assert!(!out.join("notes.txt").exists());
    assert!(out.join(".git/HEAD").is_file(), "dotfiles are never lost");
}

#[test]
fn build_refuses_to_replace_a_file() {
    let site = site_copy("basic", "issue12-file");
    write(&site.join("public"), "a file, not a folder");
    let r = build(&site, &[]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("--force") && stderr(&r).contains("is a file"),
        "{}",
        stderr(&r)
    );
    assert_eq!(
        std::fs::read_to_string(site.join("public")).ok().as_deref(),
        Some("a file, not a folder")
    );
}

#[test]
fn rebuilds_keep_dotfiles_and_the_files_the_config_keeps() {
    let site = site_copy("basic", "issue12-keep");
    let config = std::fs::read_to_string(site.join("bouncebook.toml")).expect("config");
    write(
        &site.join("bouncebook.toml"),
        &format!("{config}keep = [\"CNAME\"]\n"),
    );
    let r = build(&site, &[]);
    assert!(r.status.success(), "{}", stderr(&r));
    let public = site.join("public");
    write(&public.join("CNAME"), "help.example.org\n");
    write(&public.join(".nojekyll"), "");
    write(&public.join(".git/config"), "[core]\n");
    write(&public.join("stale.html"), "from an old build");
    let r = build(&site, &[]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert_eq!(
        std::fs::read_to_string(public.join("CNAME"))
            .ok()
            .as_deref(),
        Some("help.example.org\n")
    );
    assert!(public.join(".nojekyll").is_file() && public.join(".git/config").is_file());
    assert!(
        !public.join("stale.html").exists(),
        "its own folder is replaced"
    );
    assert!(public.join("index.html").is_file());
}

// Item 2: a folder that is not a site is an error; `init` makes one that checks and builds.

#[test]
fn a_root_without_a_config_is_an_error_and_creates_nothing() {
    let dir = tempdir("issue12-noroot");
    let missing = dir.join("nonexistent");
    let r = bin()
        .args(["build", "--root"])
        .arg(&missing)
        .output()
        .expect("run");
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("bouncebook.toml"), "{}", stderr(&r));
    assert!(
        stderr(&r).contains(&missing.display().to_string()),
        "{}",
        stderr(&r)
    );
    assert!(!missing.exists(), "nothing created");
    let r = run_in(&dir, &["check"]);
    assert_eq!(r.status.code(), Some(2), "{}", stdout(&r));
    assert!(
        stderr(&r).contains("no bouncebook.toml") && stderr(&r).contains("init"),
        "{}",
        stderr(&r)
    );
    assert!(!stdout(&r).contains("ok:"), "{}", stdout(&r));
}

#[test]
fn init_makes_a_site_that_checks_and_builds_clean() {
    let dir = tempdir("issue12-init");
    let r = run_in(&dir, &["init", "kb"]);
    assert!(r.status.success(), "{}", stderr(&r));
    let kb = dir.join("kb");
    for f in [
        "bouncebook.toml",
        "content/articles/mailbox-full.md",
        "content/trees/start-here.toml",
    ] {
        assert!(kb.join(f).is_file(), "{f}");
    }
    assert_eq!(
        support::count_files(&kb.join("content/rules"), ".toml"),
        2,
        "a rule file and its order"
    );
    let r = run_in(&kb, &["check"]);
    assert!(r.status.success(), "{}{}", stdout(&r), stderr(&r));
    assert!(
        stdout(&r).contains("ok: 1 articles, 1 trees and 1 rules"),
        "{}",
        stdout(&r)
    );
    let r = run_in(&kb, &["build"]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(kb.join("public/articles/mailbox-full/index.html").is_file());
    let r = run_in(&dir, &["init", "kb"]);
    assert_eq!(r.status.code(), Some(2), "init never overwrites a site");
}

// Item 3: symlinks are followed, loops reported.

#[cfg(unix)]
#[test]
fn classify_follows_symlinks_and_reports_loops() {
    let dir = tempdir("issue12-links");
    write(
        &dir.join("real/a.eml"),
        "552 5.2.2 <ann@example.org>: Mailbox full",
    );
    std::fs::create_dir_all(dir.join("links")).expect("mkdir");
    std::os::unix::fs::symlink("../real/a.eml", dir.join("links/a.eml")).expect("link");
    std::os::unix::fs::symlink("..", dir.join("links/loop")).expect("link");
    let r = run_in(&dir, &["classify", "--format", "jsonl", "links"]);
    let lines: Vec<serde_json::Value> = stdout(&r)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(
        lines[0]["bounces"][0]["reason"],
        "mailboxfull",
        "{}",
        stdout(&r)
    );
    assert!(
        lines
            .iter()
            .any(|l| l["error"].as_str().is_some_and(|e| e.contains("loop"))),
        "{}",
        stdout(&r)
    );
    assert_eq!(r.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn symlinked_articles_are_content_and_loops_are_reported() {
    let site = site_copy("basic", "issue12-article-links");
    let elsewhere = site.parent().expect("parent").join("drafts");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    std::fs::rename(
        site.join("content/articles/relay-denied.md"),
        elsewhere.join("relay-denied.md"),
    )
    .expect("move");
    std::os::unix::fs::symlink(
        elsewhere.join("relay-denied.md"),
        site.join("content/articles/relay-denied.md"),
    )
    .expect("link");
    let (code, problems) = support::check(&site);
    assert_eq!((code, problems.len()), (0, 0), "{problems:?}");
    std::os::unix::fs::symlink(".", site.join("content/articles/loop")).expect("link");
    let (code, problems) = support::check(&site);
    assert_eq!(code, 1);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("content/articles/loop:1:1: symlink loop")),
        "{problems:?}"
    );
}

// Item 4: binary and empty input are said to be so; no control code reaches the terminal.

fn classify_stdin(input: &[u8], args: &[&str]) -> std::process::Output {
    let mut child = bin()
        .arg("classify")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("feed");
    child.wait_with_output().expect("wait")
}

#[test]
fn binary_and_empty_input_are_not_diagnosed() {
    let mut binary = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    binary.extend_from_slice(b"552 5.3.4 message too big for system \x01\x02\x03\0\0");
    let r = classify_stdin(&binary, &[]);
    assert!(
        stdout(&r).contains("not a bounce: not text"),
        "{}",
        stdout(&r)
    );
    assert!(
        !stdout(&r).contains("mesgtoobig") && !r.stdout.contains(&0),
        "{}",
        stdout(&r)
    );
    let r = classify_stdin(&binary, &["--format", "jsonl"]);
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).expect("json");
    assert_eq!(
        (
            v["not_bounce"].as_str(),
            v["bounces"].as_array().map(Vec::len)
        ),
        (Some("not text"), Some(0))
    );
    let r = classify_stdin(b"", &[]);
    assert!(stdout(&r).contains("empty input"), "{}", stdout(&r));
    assert!(!stdout(&r).contains("undefined"), "{}", stdout(&r));
}

#[test]
fn escape_sequences_from_a_bounce_never_reach_the_terminal() {
    let r = classify_stdin(
        b"550 5.1.1 <bob@example.com>: user unknown \x1b]0;owned\x07\x1b[2J\r",
        &[],
    );
    assert!(r.status.success());
    assert!(
        !r.stdout
            .iter()
            .any(|&b| b == 0x1b || b == 0x07 || b == b'\r'),
        "{}",
        stdout(&r)
    );
}

// Item 5: a reader that goes away ends the program quietly.

fn with_closed_stdout(cmd: &mut Command) -> std::process::Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait")
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let site = site_copy("basic", "issue12-pipe");
    let dir = site.parent().expect("parent").to_path_buf();
    write(
        &dir.join("b/a.txt"),
        "552 5.2.2 <a@example.org>: mailbox full",
    );
    for args in [
        vec!["check"],
        vec!["build", "--output", "../out"],
        vec!["classify", "../b", "../b", "../b"],
    ] {
        let r = with_closed_stdout(bin().args(&args).current_dir(&site));
        assert_ne!(r.status.code(), Some(101), "{args:?}: {}", stderr(&r));
        assert!(!stderr(&r).contains("panicked"), "{args:?}: {}", stderr(&r));
    }
}

// Item 8: stale staging folders go; a swap that cannot finish leaves the old output and nothing beside it.

#[test]
fn the_next_build_removes_what_an_interrupted_build_left() {
    let site = site_copy("basic", "issue12-stale");
    // A process id that is not running: above Linux's pid_max.
    let stale = site.join(".public.staging-4999999");
    write(&stale.join(".bouncebook-output"), "");
    write(&stale.join("index.html"), "half a site");
    let foreign = site.join(".public.staging-4999998");
    write(&foreign.join("mine.txt"), "not bouncebook's");
    let r = build(&site, &[]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(!stale.exists(), "the interrupted build's folder is removed");
    assert!(
        foreign.join("mine.txt").is_file(),
        "a folder without the marker is not bouncebook's"
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_output_is_left_as_it_was_with_nothing_beside_it() {
    use std::os::unix::fs::PermissionsExt as _;
    let site = site_copy("basic", "issue12-readonly");
    let r = build(&site, &[]);
    assert!(r.status.success(), "{}", stderr(&r));
    let public = site.join("public");
    let before = std::fs::read(public.join("index.html")).expect("index");
    std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    support::edit(&site, "bouncebook.toml", "Test KB", "Renamed KB");
    let r = build(&site, &[]);
    std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("read-only"), "{}", stderr(&r));
    assert_eq!(
        std::fs::read(public.join("index.html")).expect("index"),
        before
    );
    let beside: Vec<String> = std::fs::read_dir(&site)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[cfg(unix)]
#[test]
fn sigterm_during_a_build_leaves_no_staging_folder() {
    // The bundled knowledge base: large enough that the build is still going when the signal comes.
    let dir = tempdir("issue12-sigterm");
    let out = dir.join("public");
    let mut child = bin()
        .args(["build", "--no-minify", "--output"])
        .arg(&out)
        .current_dir(support::repo())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    let staging = dir.join(format!(".public.staging-{}", child.id()));
    let started = std::time::Instant::now();
    while !staging.exists() && started.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let caught = staging.exists();
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let status = child.wait().expect("wait");
    if !caught || status.success() {
        // The build finished before the signal: nothing to learn from this run.
        return;
    }
    let left: Vec<String> = std::fs::read_dir(&dir)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

// Item 9: answers link to pages a reader can open.

#[test]
fn classify_names_articles_by_title_and_url() {
    let r = classify_stdin(b"550 5.1.1 <bob@example.com>: user unknown", &[]);
    let text = stdout(&r);
    assert!(
        text.contains("https://bouncebook.example.org/articles/user-unknown/"),
        "the bundled site's URL: {text}"
    );
    assert!(!text.contains("@/"), "{text}");
    let r = classify_stdin(
        b"550 5.1.1 <bob@example.com>: user unknown",
        &["--format", "jsonl"],
    );
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).expect("json");
    let b = &v["bounces"][0];
    assert_eq!(b["article"], "@/articles/user-unknown.md");
    assert_eq!(
        b["article_url"],
        "https://bouncebook.example.org/articles/user-unknown/"
    );
    assert!(
        b["tree_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://bouncebook.example.org/trees/"))
    );

    let site = support::fixture("basic");
    let r = classify_stdin(
        b"552 5.2.2 <ann@example.org>: Mailbox full",
        &["--root", &site.display().to_string()],
    );
    let text = stdout(&r);
    assert!(
        text.contains("Mailbox full")
            && text.contains("https://kb.example.org/help/articles/mailbox-full/"),
        "the site's own base-url: {text}"
    );
}

// Item 10: whether the checker is in the binary is said, and can be required.

#[test]
fn version_says_whether_the_checker_is_included_and_require_checker_enforces_it() {
    let r = bin().arg("--version").output().expect("run");
    let text = stdout(&r);
    assert!(text.contains("engine: diagnosis "), "{text}");
    let included = text.contains("browser checker: included");
    assert!(
        included || text.contains("browser checker: not included"),
        "{text}"
    );
    let site = site_copy("basic", "issue12-require");
    let r = build(&site, &["--require-checker"]);
    assert_eq!(r.status.success(), included, "{}", stderr(&r));
    if !included {
        assert!(stderr(&r).contains("cargo xtask install"), "{}", stderr(&r));
        assert!(!site.join("public").exists(), "nothing built");
    }
}

// Item 12: a flag's problem names the flag.

#[test]
fn an_output_problem_names_the_flag() {
    let site = site_copy("basic", "issue12-flag");
    let r = build(&site, &["--output", "content"]);
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    assert!(stderr(&r).starts_with("--output: "), "{}", stderr(&r));
    assert!(!stderr(&r).contains("bouncebook.toml:"), "{}", stderr(&r));
}

// Item 6: check renders the templates, so what build cannot render is an error at the template's file:line:col.

#[test]
fn check_finds_template_errors_at_their_position_and_build_names_the_page() {
    let site = site_copy("basic", "issue12-templates");
    let tag = |body: &str| {
        format!(
            "{{% extends \"base.html\" %}}\n{{% block main %}}\n{body}\n{{% endblock main %}}\n"
        )
    };
    write(
        &site.join("templates/tag.html"),
        &tag("<h1>{{ tag | shout }}</h1>"),
    );
    let (code, problems) = support::check(&site);
    assert_eq!(code, 1, "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("templates/tag.html:3:")
                && p.contains("filter 'shout' not found")),
        "{problems:?}"
    );
    write(
        &site.join("templates/tag.html"),
        &tag("<h1>{{ tag }}</h1>\n  {{ no_such_thing }}"),
    );
    let (_, problems) = support::check(&site);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("templates/tag.html:4:6:") && p.contains("no_such_thing")),
        "{problems:?}"
    );
    write(
        &site.join("templates/tag.html"),
        &tag("<h1>{{ tag | }}</h1>"),
    );
    let (_, problems) = support::check(&site);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("templates/tag.html:3:") && p.contains("syntax error")),
        "{problems:?}"
    );
    write(
        &site.join("templates/article.html"),
        &tag("{{ page.nope.deeper }}"),
    );
    write(&site.join("templates/tag.html"), &tag("<h1>{{ tag }}</h1>"));
    let r = build(&site, &[]);
    assert_ne!(r.status.code(), Some(0));
    let err = stderr(&r);
    assert!(err.contains("templates/article.html:3:"), "{err}");
    assert!(
        err.contains("of content/articles/"),
        "the page's source: {err}"
    );
}

// Item 7: check reports every problem at once.

#[test]
fn a_file_that_is_not_utf8_is_reported_and_the_rest_still_checked() {
    let site = site_copy("basic", "issue12-utf8");
    std::fs::write(
        site.join("content/articles/latin1.md"),
        b"+++\ntitle = \"Caf\xe9\"\n+++\n",
    )
    .expect("write");
    support::edit(
        &site,
        "content/articles/relay-denied.md",
        "\n\n",
        "\n\nSee [gone](@/articles/gone.md).\n\n",
    );
    let (code, problems) = support::check(&site);
    assert_eq!(code, 1);
    assert!(
        problems
            .contains(&"content/articles/latin1.md:2:13: not UTF-8 (save it as UTF-8)".to_string()),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("content/articles/relay-denied.md:") && p.contains("gone")),
        "the other files are still checked: {problems:?}"
    );
}

#[test]
fn relative_and_root_relative_links_are_checked() {
    let site = site_copy("basic", "issue12-paths");
    let file = site.join("content/articles/mailbox-full.md");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(
        &file,
        format!(
            "{text}\nSee [a](../nope/), [b](/help/articles/relay-denied/), [c](../relay-denied/) and [d](/help/trees/nope/).\n"
        ),
    )
    .expect("write");
    let line = text.lines().count() + 2;
    let (code, problems) = support::check(&site);
    assert_eq!(code, 1, "{problems:?}");
    let broken: Vec<&String> = problems
        .iter()
        .filter(|p| p.contains("broken link"))
        .collect();
    assert_eq!(broken.len(), 2, "{problems:?}");
    assert!(
        broken[0].starts_with(&format!(
            "content/articles/mailbox-full.md:{line}:5: broken link `../nope/`"
        )),
        "{broken:?}"
    );
    assert!(broken[1].contains("`/help/trees/nope/`"), "{broken:?}");
}

#[test]
fn a_front_matter_error_does_not_hide_the_body_links() {
    let site = site_copy("basic", "issue12-frontmatter");
    write(
        &site.join("content/articles/half.md"),
        "+++\ntitle = \"Half\"\nsumary = \"typo\"\n+++\n\nSee [gone](@/articles/gone.md).\n",
    );
    let (code, problems) = support::check(&site);
    assert_eq!(code, 1);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("content/articles/half.md:3:1: unknown field `sumary`")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(
            |p| p.starts_with("content/articles/half.md:6:5: broken link `@/articles/gone.md`")
        ),
        "{problems:?}"
    );
}
