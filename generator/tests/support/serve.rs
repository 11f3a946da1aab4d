//! `bouncebook serve` as a process, for the tests that edit a site under it: start it on a free port, read its
//! pages and its live-reload state over HTTP.

use super::bin;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A running `bouncebook serve`: stopped when dropped, however the test ends.
pub struct Serve {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub address: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The live-reload state: the latest build, the build that wrote the pages, the build that last changed them,
/// and the problems.
#[derive(Clone, Debug)]
pub struct State {
    pub version: i64,
    pub output: i64,
    pub pages: i64,
    pub errors: Option<String>,
    /// Whether the search index is still being built after the pages went up.
    pub pending: bool,
}

impl Serve {
    /// Starts `bouncebook serve --port 0 <args>` in `site` and waits until it says where it serves.
    pub fn start(site: &Path, args: &[&str]) -> Serve {
        let mut child = bin()
            .args(["serve", "--port", "0"])
            .args(args)
            .current_dir(site)
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let mut before = String::new();
        let address = loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.kill();
                panic!("serve ended without saying where it serves:\n{before}");
            };
            before.push_str(&line);
            before.push('\n');
            if let Some(rest) = line.split(" at http://").nth(1) {
                break rest.split('/').next().unwrap_or_default().to_string();
            }
        };
        // Keep reading, so the server never blocks on a full pipe; collect it for asserts.
        let log = std::sync::Arc::new(std::sync::Mutex::new(before));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Ok(mut l) = sink.lock() {
                    l.push_str(&line);
                    l.push('\n');
                }
            }
        });
        Serve {
            child,
            address,
            log,
        }
    }

    /// What the server printed so far.
    pub fn terminal(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// `GET path` → (status, body).
    pub fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .expect("send");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).expect("read");
        let end = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(response.len(), |i| i + 4);
        let head = String::from_utf8_lossy(&response[..end]);
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = &response[end..];
        let chunked = head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked");
        (
            status,
            if chunked {
                dechunk(body)
            } else {
                body.to_vec()
            },
        )
    }

    /// `GET path` as text.
    pub fn text(&self, path: &str) -> (u16, String) {
        let (status, body) = self.get(path);
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// The state once its version differs from `since` (-1: at once), or after a quarter of a second.
    pub fn state(&self, since: i64) -> State {
        let (status, body) = self.text(&format!("/__bouncebook/events?since={since}&wait=250"));
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        State {
            version: v["version"].as_i64().unwrap_or(-1),
            output: v["output"].as_i64().unwrap_or(-1),
            pages: v["pages"].as_i64().unwrap_or(-1),
            errors: v["errors"].as_str().map(str::to_string),
            pending: v["pending"].as_bool().unwrap_or(false),
        }
    }

    /// Waits for a state `done` accepts (one save can take more than one rebuild).
    pub fn wait_for(&self, done: impl Fn(&State) -> bool) -> State {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut since = -1;
        loop {
            let state = self.state(since);
            if done(&state) {
                return state;
            }
            assert!(Instant::now() < deadline, "no such state; last {state:?}");
            since = state.version;
        }
    }

    /// Every file being served, by path, as the browser gets it.
    pub fn files(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        let (status, body) = self.get("/__bouncebook/files");
        assert_eq!(status, 200);
        let paths: Vec<String> = serde_json::from_slice(&body).expect("a list of paths");
        assert!(!paths.is_empty());
        paths
            .into_iter()
            .map(|p| {
                let (status, bytes) = self.get(&format!("/{p}"));
                assert_eq!(status, 200, "{p}");
                (p, bytes)
            })
            .collect()
    }
}

/// A chunked HTTP body (tiny_http sends large files so), joined.
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = String::from_utf8_lossy(&body[..eol]);
        let size =
            usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16).unwrap_or(0);
        body = &body[eol + 2..];
        if size == 0 || body.len() < size {
            return out;
        }
        out.extend_from_slice(&body[..size]);
        body = body.get(size + 2..).unwrap_or_default();
    }
}
