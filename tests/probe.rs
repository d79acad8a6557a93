//! `precond-probe` against real servers on loopback: it passes every check, read and
//! `--write`, against both documents examples; and against a correct precond app with one rule
//! broken on purpose (a middleware that bends one thing, or a write that is not atomic), it
//! flags that rule, and only that one.

#[path = "support/databases.rs"]
mod databases;
#[allow(unused_macros)]
#[macro_use]
#[path = "support/documents_suite.rs"]
mod documents_suite;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use documents_suite::Server;
use precond::axum::{Rejected, Tagged};
use precond::{Rejection, Versioned, conditional};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The probe, built once.
fn probe_binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let output = Command::new(env!("CARGO"))
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args([
                    "build",
                    "--quiet",
                    "-p",
                    "precond-probe",
                    "--message-format",
                    "json-render-diagnostics",
                ])
                .stderr(Stdio::inherit())
                .output()
                .expect("cargo build -p precond-probe");
            assert!(
                output.status.success(),
                "cargo build -p precond-probe failed"
            );
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter_map(|line| serde_json::from_str::<Value>(line).ok())
                .find(|m| {
                    m["reason"] == "compiler-artifact" && m["target"]["name"] == "precond-probe"
                })
                .and_then(|m| m["executable"].as_str().map(PathBuf::from))
                .expect("the precond-probe executable")
        })
        .clone()
}

/// Runs the probe with `args` (`--json` added): exit code and each check's outcome by id.
fn run_probe(args: &[&str]) -> (i32, BTreeMap<String, String>, String) {
    let output = Command::new(probe_binary())
        .args(args)
        .arg("--json")
        .output()
        .expect("run precond-probe");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}{}", String::from_utf8_lossy(&output.stderr)));
    let outcomes = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (output.status.code().unwrap_or(-1), outcomes, stdout)
}

fn failures(outcomes: &BTreeMap<String, String>) -> Vec<&str> {
    outcomes
        .iter()
        .filter(|(_, o)| *o == "fail")
        .map(|(id, _)| id.as_str())
        .collect()
}

#[test]
fn both_documents_examples_pass_every_check() {
    for example in ["documents", "documents_actix"] {
        let server = Server::start(example);
        let url = server.url("/documents/42");
        let (code, outcomes, report) = run_probe(&[&url, "--write"]);
        assert_eq!(
            failures(&outcomes),
            Vec::<&str>::new(),
            "{example}: {report}"
        );
        assert_eq!(code, 0, "{example}");
        let passed = outcomes.values().filter(|o| *o == "pass").count();
        assert!(passed >= 40, "{example}: only {passed} passed: {report}");
        // The resource ends with the content it began with.
        let document = reqwest::blocking_get_json(&url);
        assert_eq!(document["title"], "My Document", "{example}");
    }
}

// ---------------------------------------------------------------------------------------------
// A correct app, and faults.

#[derive(Clone, Serialize, Deserialize, Versioned)]
struct Note {
    text: String,
    #[versioned(version)]
    #[serde(default)]
    version: u64,
    #[versioned(last_modified, skip)]
    #[serde(skip, default = "epoch")]
    modified: SystemTime,
}

fn epoch() -> SystemTime {
    UNIX_EPOCH
}

#[derive(Clone)]
struct App {
    notes: Arc<Mutex<BTreeMap<u64, Note>>>,
    /// The write checks, then writes after a pause, without checking again (the seed's bug).
    racy: bool,
}

#[conditional(cache_control = "no-cache")]
async fn read(
    State(app): State<App>,
    Path(id): Path<u64>,
    #[current(app.notes.lock().unwrap().get(&id).cloned())] current: Option<Note>,
) -> Result<Tagged<Note>, StatusCode> {
    current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND)
}

#[conditional(require = "If-Match | If-None-Match")]
async fn write(
    State(app): State<App>,
    Path(id): Path<u64>,
    #[current(app.notes.lock().unwrap().get(&id).cloned())] current: Option<Note>,
    axum::Json(note): axum::Json<Note>,
) -> Result<Tagged<Note>, Rejected> {
    if app.racy {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut notes = app.notes.lock().unwrap();
    let stored = notes.get(&id).map(|n| n.version);
    if !app.racy && stored != current.as_ref().map(|n| n.version) {
        let winner = notes.get(&id).map(Versioned::validators);
        return Err(Rejection::precondition_failed(winner.as_ref()).into());
    }
    let version = stored.unwrap_or(0) + 1;
    let now = SystemTime::now();
    let floor = UNIX_EPOCH + Duration::from_secs(now.duration_since(UNIX_EPOCH).unwrap().as_secs());
    let note = Note {
        text: note.text,
        version,
        modified: floor,
    };
    notes.insert(id, note.clone());
    Ok(Tagged::new(note))
}

#[conditional(require = "If-Match")]
async fn remove(
    State(app): State<App>,
    Path(id): Path<u64>,
    #[current(app.notes.lock().unwrap().get(&id).cloned())] current: Option<Note>,
) -> StatusCode {
    let _ = current;
    app.notes.lock().unwrap().remove(&id);
    StatusCode::NO_CONTENT
}

/// One rule broken.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    None,
    /// If-Match compared weakly: `W/"x"` is taken for `"x"`.
    WeakIfMatch,
    /// A malformed (unquoted) If-Match is dropped, as Django does: the write is unconditional.
    DropsMalformedIfMatch,
    /// 304s lose their ETag.
    NotModifiedWithoutEtag,
    /// Only the first member of an If-None-Match list is read.
    ListsNotUnderstood,
    /// If-Modified-Since evaluated despite If-None-Match (If-None-Match dropped when both).
    ImsOverInm,
    /// The write is not atomic with the check.
    NonAtomic,
    /// The ETag changes on every GET.
    Churn,
}

async fn bend(State(fault): State<Fault>, mut request: Request, next: Next) -> Response {
    let headers = request.headers_mut();
    match fault {
        Fault::WeakIfMatch => {
            if let Some(v) = headers
                .get("if-match")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("W/"))
            {
                let v = HeaderValue::from_str(v).unwrap();
                headers.insert("if-match", v);
            }
        }
        // Taken as no precondition at all (`*` here, so that `require` lets it through).
        Fault::DropsMalformedIfMatch
            if headers.get("if-match").is_some_and(|v| {
                !v.as_bytes().starts_with(b"\"") && !v.as_bytes().starts_with(b"W/") && v != "*"
            }) =>
        {
            headers.insert("if-match", HeaderValue::from_static("*"));
        }
        Fault::ListsNotUnderstood => {
            if let Some(first) = headers
                .get("if-none-match")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
            {
                let first = HeaderValue::from_str(first.trim()).unwrap();
                headers.insert("if-none-match", first);
            }
        }
        Fault::ImsOverInm if headers.contains_key("if-modified-since") => {
            headers.remove("if-none-match");
        }
        _ => {}
    }
    let mut response = next.run(request).await;
    match fault {
        Fault::NotModifiedWithoutEtag if response.status() == StatusCode::NOT_MODIFIED => {
            response.headers_mut().remove("etag");
        }
        Fault::Churn if response.status() == StatusCode::OK => {
            static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            response.headers_mut().insert(
                "etag",
                HeaderValue::from_str(&format!("\"churn-{n}\"")).unwrap(),
            );
        }
        _ => {}
    }
    response
}

/// Serves the app with `fault` on a thread of its own; its URL.
fn serve(fault: Fault) -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let note = Note {
                text: "first".into(),
                version: 1,
                modified: UNIX_EPOCH + Duration::from_secs(1_735_689_600),
            };
            let app = App {
                notes: Arc::new(Mutex::new(BTreeMap::from([(1, note)]))),
                racy: fault == Fault::NonAtomic,
            };
            let router: Router = Router::new()
                .route("/notes/{id}", get(read).put(write).delete(remove))
                .with_state(app)
                .layer(middleware::from_fn_with_state(fault, bend));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, router).await.unwrap();
        });
    });
    format!("http://{}/notes/1", receiver.recv().unwrap())
}

#[test]
fn a_correct_app_passes() {
    let (code, outcomes, report) = run_probe(&[&serve(Fault::None), "--write"]);
    assert_eq!(failures(&outcomes), Vec::<&str>::new(), "{report}");
    assert_eq!(code, 0);
}

#[test]
fn each_broken_rule_is_flagged_and_only_it() {
    for (fault, expected) in [
        (Fault::WeakIfMatch, &["weak-if-match"][..]),
        (Fault::DropsMalformedIfMatch, &["unquoted-if-match"]),
        (Fault::NotModifiedWithoutEtag, &["304-headers"]),
        (Fault::ListsNotUnderstood, &["inm-list"]),
        (Fault::ImsOverInm, &["inm-over-ims"]),
        (Fault::NonAtomic, &["lost-update"]),
    ] {
        let (code, outcomes, report) = run_probe(&[&serve(fault), "--write"]);
        assert_eq!(failures(&outcomes), expected, "{fault:?}: {report}");
        assert_eq!(code, 1, "{fault:?}: a MUST failed, so exit 1");
    }
}

/// A proxy in front of `upstream` that adds a body to every 304 (which hyper, behind it, would
/// never send): what a hand-written server or a misconfigured proxy does. Its URL.
fn with_stray_304_bodies(upstream: String) -> String {
    use std::io::{Read, Write};
    let upstream = upstream.strip_prefix("http://").unwrap().to_owned();
    let (authority, path) = upstream.split_at(upstream.find('/').unwrap());
    let (authority, path) = (authority.to_owned(), path.to_owned());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { continue };
            let authority = authority.clone();
            std::thread::spawn(move || {
                let mut request = Vec::new();
                let mut buffer = [0u8; 8192];
                // The probe sends its request whole, with Connection: close: read the head and
                // what body its Content-Length announces.
                loop {
                    let Ok(n) = client.read(&mut buffer) else {
                        return;
                    };
                    if n == 0 {
                        break;
                    }
                    request.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let Ok(mut server) = std::net::TcpStream::connect(&authority) else {
                    return;
                };
                let _ = server.write_all(&request);
                let mut answer = Vec::new();
                let _ = server.read_to_end(&mut answer);
                if answer.starts_with(b"HTTP/1.1 304") {
                    answer.extend_from_slice(b"stray body");
                }
                let _ = client.write_all(&answer);
            });
        }
    });
    format!("http://{address}{path}")
}

#[test]
fn a_304_with_a_body_is_flagged_and_only_it() {
    let url = with_stray_304_bodies(serve(Fault::None));
    let (code, outcomes, report) = run_probe(&[&url]);
    assert_eq!(failures(&outcomes), ["304-no-body"], "{report}");
    assert_eq!(code, 1);
}

#[test]
fn an_etag_that_changes_on_every_get_is_flagged() {
    let (code, outcomes, report) = run_probe(&[&serve(Fault::Churn)]);
    assert_eq!(outcomes["etag-stable"], "fail", "{report}");
    assert_eq!(code, 1);
}

#[test]
fn must_only_ignores_should_failures_and_bad_arguments_are_refused() {
    // The broken list handling is a MUST; a missing ETag on a 304 is a MUST: both exit 1 in
    // either mode. A server with only SHOULD failures exits 0 under --must-only: the
    // documents example never fails, so use arguments the probe refuses, which exit 2.
    let status = Command::new(probe_binary())
        .arg("https://example.com/")
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2));
    let status = Command::new(probe_binary())
        .args(["http://127.0.0.1:1/x", "--header", "bad"])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2));
    let status = Command::new(probe_binary())
        .arg("http://127.0.0.1:1/x")
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2), "nothing listens there");
}

mod reqwest {
    /// A GET's JSON, with a blocking std client (the test is synchronous).
    pub fn blocking_get_json(url: &str) -> serde_json::Value {
        use std::io::{Read, Write};
        let rest = url.strip_prefix("http://").unwrap();
        let (authority, path) = rest.split_at(rest.find('/').unwrap());
        let mut stream = std::net::TcpStream::connect(authority).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
        serde_json::from_str(body).unwrap_or_default()
    }
}
