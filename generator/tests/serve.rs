//! `bouncebook serve` run as a process: it serves the site, rebuilds when a file changes, tells open pages to
//! reload, and reports problems to the browser as well as the terminal; and its failure paths: a port in use, a
//! site broken from the start (the error page, then the site once fixed), a template broken while serving (the
//! last good pages stay, the problem goes to the page's overlay). `tests/browser/serve.test.mjs` drives the
//! overlay itself in Chromium.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::*;

/// `GET path` → (status, body).
fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The live-reload state after `since` changes: (version, output version, errors).
fn next_state(address: &str, since: i64) -> (i64, i64, Option<String>) {
    let (status, body) = get(address, &format!("/__bouncebook/events?since={since}"));
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    (
        v["version"].as_i64().unwrap_or(-1),
        v["output"].as_i64().unwrap_or(-1),
        v["errors"].as_str().map(str::to_string),
    )
}

/// Waits for a state that `done` accepts (a change can take more than one rebuild: editors and `write` may
/// report a file twice).
fn wait_for(
    address: &str,
    mut since: i64,
    done: impl Fn(&(i64, i64, Option<String>)) -> bool,
) -> (i64, i64, Option<String>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let state = next_state(address, since);
        if done(&state) {
            return state;
        }
        assert!(Instant::now() < deadline, "no such state; last {state:?}");
        since = state.0;
    }
}

/// Starts `bouncebook serve --port 0` in `site` and waits until it says where it serves (stopped when dropped).
fn start(site: &std::path::Path) -> support::serve::Serve {
    support::serve::Serve::start(site, &[])
}

#[test]
fn serves_rebuilds_reloads_and_shows_problems() {
    let site = site_copy("basic", "serve");
    let running = start(&site);
    let address = running.address.clone();

    let (status, home) = get(&address, "/");
    assert_eq!(status, 200);
    assert!(
        !site.join("public").exists(),
        "serve keeps its pages in memory"
    );
    assert!(
        home.contains("/__bouncebook/live.js"),
        "the page carries the live-reload script"
    );
    assert_eq!(
        get(&address, "/articles/relay-denied").0,
        301,
        "folders redirect to their slash form"
    );
    assert_eq!(get(&address, "/nope/").0, 404);
    assert_eq!(get(&address, "/../etc/passwd").0, 403);
    let (live, script) = get(&address, "/__bouncebook/live.js");
    assert_eq!(live, 200);
    assert!(script.contains("location.reload()"));
    let (version, output_version, errors) = next_state(&address, -1);
    assert_eq!((version, output_version, errors), (1, 1, None));
    // Nothing changed, so nothing is rebuilt: reading the files (the build does) is not a change.
    let (status, body) = get(&address, "/__bouncebook/events?since=1&wait=1500");
    assert_eq!(status, 200);
    let idle: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(idle["version"], 1, "rebuilt without a change: {body}");

    // An edit: rebuilt, and a page waiting on version 1 hears about it.
    let started = Instant::now();
    edit(
        &site,
        "content/articles/relay-denied.md",
        "The outgoing server refused to relay.",
        "Edited while serving.",
    );
    let (version, output_version, errors) = next_state(&address, 1);
    let elapsed = started.elapsed();
    assert!(version > 1 && output_version == version && errors.is_none());
    assert!(
        get(&address, "/articles/relay-denied/")
            .1
            .contains("Edited while serving.")
    );
    eprintln!(
        "edit to reload signal: {} ms (debug build)",
        elapsed.as_millis()
    );

    // A content problem: the pages are still rebuilt, and the problem is reported.
    edit(
        &site,
        "content/articles/relay-denied.md",
        "Edited while serving.",
        "Now [broken](@/articles/nope.md).",
    );
    let (version, output_version, errors) = wait_for(&address, version, |s| s.2.is_some());
    assert_eq!(
        output_version, version,
        "the pages were rebuilt despite the problem"
    );
    let errors = errors.unwrap_or_default();
    assert!(
        errors.contains("content/articles/relay-denied.md:11:5: broken link `@/articles/nope.md`"),
        "{errors}"
    );
    assert!(
        get(&address, "/articles/relay-denied/")
            .1
            .contains("Now <a")
    );

    // A config problem: nothing is rebuilt, the previous pages stay up, and the problem is reported.
    edit(&site, "bouncebook.toml", "title =", "titel =");
    let (failed, stuck, errors) = wait_for(&address, version, |s| {
        s.2.as_deref().is_some_and(|e| e.contains("titel"))
    });
    assert!(stuck < failed, "no pages were written by the failed build");
    assert!(
        errors
            .unwrap_or_default()
            .contains("bouncebook.toml:1:1: unknown field `titel`")
    );
    assert_eq!(get(&address, "/").0, 200);

    // Fixed: clean again.
    edit(&site, "bouncebook.toml", "titel =", "title =");
    edit(
        &site,
        "content/articles/relay-denied.md",
        "Now [broken](@/articles/nope.md).",
        "Fixed.",
    );
    wait_for(&address, -1, |s| s.2.is_none() && s.1 == s.0);
    let terminal = running.terminal();
    assert!(
        terminal.contains("broken link `@/articles/nope.md`"),
        "{terminal}"
    );
}

#[test]
fn a_port_in_use_is_a_clear_error_naming_it_and_port() {
    let site = site_copy("basic", "serve-port-in-use");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = taken.local_addr().expect("address").port();
    let mut child = bin()
        .args(["serve", "--port", &port.to_string()])
        .current_dir(&site)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start serve");
    // It must give up at once, not wait or serve on another port.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve kept running on a port in use");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read stderr");
    assert_eq!(status.code(), Some(2), "{err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: "), "{err}");
    assert!(first.contains(&format!(":{port}")), "names the port: {err}");
    assert!(first.contains("--port"), "says how to pick another: {err}");
    assert!(
        first.to_lowercase().contains("in use"),
        "says the port is in use: {err}"
    );
    drop(taken);
}

#[test]
fn a_site_broken_at_start_shows_the_error_page_and_recovers_when_fixed() {
    let site = site_copy("basic", "serve-broken-start");
    edit(&site, "bouncebook.toml", "title =", "titel =");
    let running = start(&site);
    let address = &running.address;
    let (version, output, errors) = next_state(address, -1);
    assert_eq!(output, 0, "nothing was built");
    let errors = errors.unwrap_or_default();
    assert!(
        errors.contains("bouncebook.toml:1:1: unknown field `titel`"),
        "{errors}"
    );
    // Every page is the error page until the site builds: what is wrong, escaped, and the script that reloads it.
    for path in ["/", "/articles/relay-denied/"] {
        let (status, page) = get(address, path);
        assert_eq!(status, 500, "{path}");
        assert!(
            page.contains("<h1>The site could not be built</h1>"),
            "{page}"
        );
        assert!(
            page.contains("bouncebook.toml:1:1: unknown field `titel`"),
            "{page}"
        );
        assert!(
            page.contains("<script src=\"/__bouncebook/live.js\" data-version=\"0\">"),
            "{page}"
        );
    }
    assert!(
        running.terminal().contains("unknown field `titel`"),
        "{}",
        running.terminal()
    );

    edit(&site, "bouncebook.toml", "titel =", "title =");
    let (version, output, errors) = wait_for(address, version, |s| s.1 > 0);
    assert_eq!((output, errors), (version, None));
    let (status, home) = get(address, "/");
    assert_eq!(status, 200);
    assert!(home.contains("/__bouncebook/live.js"), "{home}");
    assert_eq!(get(address, "/articles/relay-denied/").0, 200);
}

#[test]
fn a_template_broken_while_serving_is_reported_over_the_last_good_pages() {
    let site = site_copy("basic", "serve-template");
    let valid =
        "{% extends \"base.html\" %}{% block main %}<h1>Tag {{ tag }}</h1>{% endblock main %}";
    std::fs::create_dir_all(site.join("templates")).expect("mkdir");
    std::fs::write(site.join("templates/tag.html"), valid).expect("write");
    let running = start(&site);
    let address = &running.address;
    let (version, output, errors) = next_state(address, -1);
    assert_eq!((output, errors), (version, None));
    assert!(
        get(address, "/tags/quota/")
            .1
            .contains("<h1>Tag quota</h1>")
    );

    std::fs::write(site.join("templates/tag.html"), "{% if %}").expect("write");
    let (failed, stuck, errors) = wait_for(address, version, |s| s.2.is_some());
    let errors = errors.unwrap_or_default();
    assert!(
        errors.contains("templates/tag.html"),
        "names the template: {errors}"
    );
    assert_eq!(stuck, output, "the failed build wrote no pages");
    assert!(failed > stuck);
    // The last good pages stay up, each with the script that shows the problem over it.
    let (status, page) = get(address, "/tags/quota/");
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Tag quota</h1>"), "{page}");
    assert!(page.contains("/__bouncebook/live.js"), "{page}");
    assert!(
        running.terminal().contains("templates/tag.html"),
        "{}",
        running.terminal()
    );

    std::fs::write(
        site.join("templates/tag.html"),
        valid.replace("Tag", "Topic"),
    )
    .expect("write");
    wait_for(address, failed, |s| s.2.is_none() && s.1 == s.0);
    assert!(
        get(address, "/tags/quota/")
            .1
            .contains("<h1>Topic quota</h1>")
    );
}
