//! `bouncebook classify` run as a process: formats, inputs, exit codes.

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bouncebook"));
    c.env("NO_COLOR", "1");
    c
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bouncebook-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn jsonl_one_object_per_input_in_order_with_errors_reported() {
    let dir = tempdir("jsonl");
    std::fs::write(dir.join("b.txt"), "552 5.2.2 <b@example.com>: mailbox full").expect("write");
    std::fs::write(
        dir.join("a.txt"),
        "550 5.1.1 <a@example.com>: User unknown (in reply to RCPT TO command)",
    )
    .expect("write");
    let missing = dir.join("missing.eml");
    let out = bin()
        .args(["classify", "--format", "jsonl"])
        .arg(&dir)
        .arg(&missing)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "an unreadable input exits 2");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0]["input"]
            .as_str()
            .expect("input")
            .ends_with("a.txt"),
        "folders are read in path order"
    );
    assert_eq!(lines[0]["bounces"][0]["reason"], "userunknown");
    assert_eq!(lines[0]["bounces"][0]["status"], "5.1.1");
    assert_eq!(lines[0]["bounces"][0]["reply_code"], "550");
    assert_eq!(lines[0]["bounces"][0]["hard_bounce"], true);
    assert_eq!(lines[0]["error"], serde_json::Value::Null);
    assert_eq!(lines[1]["bounces"][0]["reason"], "mailboxfull");
    assert_eq!(lines[1]["bounces"][0]["actor"], "recipient");
    for key in [
        "recipient",
        "action",
        "status",
        "reply_code",
        "reason",
        "hard_bounce",
        "actor",
        "diagnostic",
        "remote_mta",
        "rules",
        "evidence",
        "article",
    ] {
        assert!(
            lines[1]["bounces"][0].get(key).is_some(),
            "missing key {key}"
        );
    }
    assert!(
        lines[2]["error"]
            .as_str()
            .expect("error")
            .contains("missing.eml")
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.eml"));
}

#[test]
fn stdin_and_json_array() {
    let mut child = bin()
        .args(["classify", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"554 5.7.1 <x@example.net>: Relay access denied")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v[0]["input"], "-");
    assert_eq!(v[0]["bounces"][0]["reason"], "norelaying");
}

#[test]
fn human_says_what_happened_and_who_acts() {
    let mut child = bin()
        .args(["classify"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"503 valid RCPT command must precede DATA")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("syntaxerror"), "{text}");
    assert!(text.contains("who must act"), "{text}");
    assert!(!text.contains('\u{1b}'), "NO_COLOR means no escape codes");
}

#[test]
fn broken_rules_folder_names_file_and_line() {
    let dir = tempdir("rules");
    std::fs::create_dir_all(dir.join("reasons")).expect("mkdir");
    std::fs::write(
        dir.join("order.toml"),
        "providers = []\nreasons = [\"mailboxfull\"]\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("reasons/mailboxfull.toml"),
        "reason = \"mailboxfull\"\nactor = \"recipient\"\n\n[[rule]]\nid = \"x\"\nmatch = [\"full\"]\nreply = [\"5x0\"]\nexamples = [\"552 full\"]\n",
    )
    .expect("write");
    let out = bin()
        .args(["classify", "--rules"])
        .arg(&dir)
        .arg("-")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mailboxfull.toml:7:10"), "{err}");
    assert!(err.contains("is not a reply code"), "{err}");
}

#[test]
fn usage_error_exits_2() {
    let out = bin()
        .args(["classify", "--format", "xml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn reason_names_current_prints_sisimai_5_6_names_in_every_format_and_legacy_stays_the_default() {
    let dir = tempdir("reason-names");
    let big = dir.join("big.txt");
    let conn = dir.join("conn.txt");
    std::fs::write(
        &big,
        "552 5.3.4 <a@example.com>: Message size exceeds fixed limit",
    )
    .expect("write");
    std::fs::write(
        &conn,
        "421 4.7.0 Too many concurrent SMTP connections from this IP",
    )
    .expect("write");
    let run = |args: &[&str]| {
        let out = bin()
            .arg("classify")
            .args(args)
            .arg(&big)
            .arg(&conn)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let reasons = |jsonl: &str| -> Vec<String> {
        jsonl
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("json line");
                v["bounces"][0]["reason"]
                    .as_str()
                    .expect("reason")
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        reasons(&run(&["--format", "jsonl"])),
        ["mesgtoobig", "toomanyconn"]
    );
    assert_eq!(
        reasons(&run(&["--format", "jsonl", "--reason-names", "legacy"])),
        ["mesgtoobig", "toomanyconn"]
    );
    let current = run(&["--format", "jsonl", "--reason-names", "current"]);
    assert_eq!(reasons(&current), ["emailtoolarge", "ratelimited"]);
    // Only the name changes: the fields and their order are the engine's.
    let legacy = run(&["--format", "jsonl"]);
    assert_eq!(
        legacy
            .replace(r#""reason":"mesgtoobig""#, r#""reason":"emailtoolarge""#)
            .replace(r#""reason":"toomanyconn""#, r#""reason":"ratelimited""#),
        current
    );
    let json: serde_json::Value =
        serde_json::from_str(&run(&["--format", "json", "--reason-names", "current"]))
            .expect("json");
    assert_eq!(json[1]["bounces"][0]["reason"], "ratelimited");
    let human = run(&["--reason-names", "current"]);
    assert!(
        human.contains("(emailtoolarge)") && human.contains("(ratelimited)"),
        "{human}"
    );
    let bad = bin()
        .args(["classify", "--reason-names", "newest"])
        .arg(&big)
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("current"));
}
