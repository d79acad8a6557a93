//! The HTTP contract of the `documents` examples, checked against the real binary on a loopback
//! port with a real HTTP client. One suite for every framework: a test file includes this module
//! as `documents_suite` and calls [`documents_suite!`] with the example's name, e.g.
//!
//! ```ignore
//! #[macro_use]
//! #[path = "support/documents_suite.rs"]
//! mod documents_suite;
//! documents_suite!("documents");
//! ```
//!
//! What the suite expects of an example binary:
//! - it serves on `127.0.0.1:$PORT`, accepts `PORT=0` (any free port) and prints
//!   `... serving on http://127.0.0.1:<port>` as its first line of standard output;
//! - it serves the API of the README under `/documents/{id}`, seeded with document 42
//!   `{"id":42,"title":"My Document","version":1}`, last modified Wed, 01 Jan 2025 00:00:00 GMT.
//!
//! Every test starts its own server, so that each one begins from the seed.

#![allow(dead_code)] // each test binary uses the whole suite, but rustc checks per module

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError};

use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

/// One `#[tokio::test]` per case of this module, each against a fresh `$example` server.
#[macro_export]
macro_rules! documents_suite {
    ($example:literal) => {
        $crate::documents_suite!($example, $crate::documents_suite::Backend::Memory);
    };
    ($example:literal, $backend:expr) => {
        $crate::documents_suite!(@cases $example, $backend;
            the_readme_flow,
            get_answers_200_with_strong_validators,
            head_answers_like_get_without_a_body,
            fresh_copies_get_304,
            absent_documents_are_404,
            ids_that_are_not_numbers_are_400,
            other_paths_and_methods_have_no_route,
            put_with_the_current_etag_is_200,
            put_with_a_stale_etag_is_412_with_the_current_etag,
            writes_without_a_precondition_are_428,
            put_with_if_unmodified_since,
            put_with_if_none_match_star_creates_once,
            put_with_if_match_on_an_absent_document_is_412,
            put_with_an_invalid_body,
            preconditions_come_before_the_body,
            put_takes_back_what_get_returned,
            stale_uploads_are_refused_before_they_are_sent,
            truncated_bodies_are_400_in_plain_words,
            expect_100_continue_gets_the_final_answer,
            bodies_over_2_mib_are_413,
            patch_merges,
            patch_needs_merge_patch_json,
            patch_with_invalid_json_is_400,
            patch_that_breaks_the_document_is_422,
            patch_with_a_stale_or_no_precondition,
            patch_with_if_none_match_star_creates,
            delete_is_204_then_404,
            range_is_206,
            unsatisfiable_range_is_416,
            multiple_or_malformed_ranges_are_ignored,
            if_range_decides_between_206_and_200,
        );
        /// Concurrent writers doing read-modify-write cycles with If-Match and a re-fetch and
        /// retry on 412: every successful write is in the final version, none is lost.
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn concurrent_writers_lose_no_update() {
            let server = $crate::documents_suite::Server::start_on($example, $backend);
            $crate::documents_suite::concurrent_writers_lose_no_update(&server).await;
        }
    };
    (@cases $example:literal, $backend:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let server = $crate::documents_suite::Server::start_on($example, $backend);
                $crate::documents_suite::$case(&server).await;
            }
        )*
    };
}

/// The seed's ETag and Last-Modified, and the content type of merge patches.
pub const SEED_ETAG: &str = "\"1\"";
pub const SEED_LAST_MODIFIED: &str = "Wed, 01 Jan 2025 00:00:00 GMT";
pub const MERGE_PATCH: &str = "application/merge-patch+json";

// ---------------------------------------------------------------------------------------------
// The harness.

/// Where a server started by the suite keeps its documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The example's default: SQLite in memory, nothing to install.
    Memory,
    /// A new schema of the PostgreSQL at `DATABASE_URL`.
    Postgres,
}

/// A running example server, killed on drop (and its database dropped after it).
pub struct Server {
    child: Child,
    base: String,
    client: Client,
    example: String,
    _schema: Option<crate::databases::PgSchema>,
}

impl Server {
    /// Builds (once per test process) and starts the example on a free loopback port, on its
    /// default database.
    pub fn start(example: &str) -> Server {
        Server::start_on(example, Backend::Memory)
    }

    /// The same on `backend`, fresh: seeded with document 42 only.
    pub fn start_on(example: &str, backend: Backend) -> Server {
        let schema = (backend == Backend::Postgres).then(crate::databases::PgSchema::create);
        let mut server = Server::start_with(example, schema.as_ref().map(|s| s.url()).as_deref());
        server._schema = schema;
        server
    }

    /// Starts the example with `DATABASE_URL` set to `database_url` (or unset).
    pub fn start_with(example: &str, database_url: Option<&str>) -> Server {
        let mut command = Command::new(example_binary(example));
        command.env("PORT", "0").env_remove("DATABASE_URL");
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start the {example} example: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        let mut stdout = BufReader::new(stdout);
        stdout
            .read_line(&mut line)
            .expect("read the example's first line");
        let base = match line.split_once("serving on ") {
            Some((_, rest)) => rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned(),
            None => panic!("{example} did not say where it serves: {line:?}"),
        };
        // The rest of its output goes on being read, so that the server never blocks on it.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while stdout.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        Server {
            child,
            base,
            client: Client::new(),
            example: example.to_owned(),
            _schema: None,
        }
    }

    /// The `host:port` it serves on.
    pub fn address(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Kills the process at once (SIGKILL), requests in flight and all.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The client the suite sends this server's requests with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    /// A PUT with a JSON body.
    pub fn put(&self, path: &str, body: Value) -> RequestBuilder {
        self.request(Method::PUT, path).json(&body)
    }

    /// A PATCH with an `application/merge-patch+json` body, as given (it may be invalid JSON).
    pub fn patch(&self, path: &str, body: &str) -> RequestBuilder {
        self.request(Method::PATCH, path)
            .header("content-type", MERGE_PATCH)
            .body(body.to_owned())
    }

    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.request(Method::DELETE, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The example's executable, built by this process with the features this test was built with.
///
/// `cargo test --test documents_server` does not rebuild examples, so the suite builds the one it
/// runs: it never tests a stale binary. With the same features and profile as the test, the
/// build reuses the test's artifacts (under `cargo test --workspace --all-features`, which builds
/// every example, it is a no-op).
pub fn example_binary(example: &str) -> PathBuf {
    static BUILT: Mutex<BTreeMap<String, PathBuf>> = Mutex::new(BTreeMap::new());
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(path) = built.get(example) {
        return path.clone();
    }
    let features: Vec<&str> = [
        ("default", cfg!(feature = "default")),
        ("axum", cfg!(feature = "axum")),
        ("actix", cfg!(feature = "actix")),
        ("chrono", cfg!(feature = "chrono")),
        ("time", cfg!(feature = "time")),
        ("client", cfg!(feature = "client")),
    ]
    .into_iter()
    .filter_map(|(name, enabled)| enabled.then_some(name))
    .collect();
    let output = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--quiet", "--example", example])
        .args(["--message-format", "json-render-diagnostics"])
        .args(["--no-default-features", "--features", &features.join(",")])
        .args(profile_args())
        .stderr(Stdio::inherit())
        .output()
        .expect("run cargo build");
    assert!(
        output.status.success(),
        "cargo build --example {example} failed"
    );
    let path = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|message| {
            message["reason"] == "compiler-artifact"
                && message["target"]["name"] == example
                && message["target"]["kind"][0] == "example"
        })
        .and_then(|message| message["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo did not report the {example} executable"));
    built.insert(example.to_owned(), path.clone());
    path
}

/// `--release` or `--profile NAME` when this test was built that way (target/PROFILE/deps/...).
fn profile_args() -> Vec<String> {
    let exe = std::env::current_exe().expect("current exe");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .and_then(|dir| dir.file_name())
        .and_then(|name| name.to_str())
        .unwrap_or("debug");
    match profile {
        "debug" => vec![],
        "release" => vec!["--release".to_owned()],
        other => vec!["--profile".to_owned(), other.to_owned()],
    }
}

#[path = "exchange.rs"]
mod exchange;
pub use exchange::Answer;

/// Sends a request and reads the whole response.
pub async fn send(request: RequestBuilder) -> Answer {
    Answer::read(request.send().await.expect("send the request")).await
}

/// The document as the server has it now.
async fn current(server: &Server, path: &str) -> Answer {
    let reply = send(server.get(path)).await;
    reply.assert_status(StatusCode::OK);
    reply
}

/// Headers that belong to the connection rather than to the API, which the suite does not
/// compare: `date`; `connection` (actix-web closes a connection whose request body it did not
/// read, and says so; precond says so on the axum side too); and `content-length` (framing: the
/// suite compares bodies byte for byte instead, HEAD's against GET's, and checks a 304's in
/// [`fresh_copies_get_304`]).
pub const TRANSPORT_HEADERS: [&str; 3] = ["date", "connection", "content-length"];

/// The response has exactly these headers (by name), besides [`TRANSPORT_HEADERS`]: no
/// framework may add or drop one.
#[track_caller]
fn assert_headers(reply: &Answer, expected: &[&str]) {
    let mut names: Vec<&str> = reply
        .headers
        .keys()
        .map(|name| name.as_str())
        .filter(|name| !TRANSPORT_HEADERS.contains(name))
        .collect();
    names.sort_unstable();
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(names, expected, "{reply:?}");
}

/// An error of the API itself: `status`, `Content-Type: application/json` and exactly `body`.
#[track_caller]
fn assert_error(reply: &Answer, status: StatusCode, body: &str) {
    reply.assert_status(status);
    assert_eq!(
        reply.expect_header("content-type"),
        "application/json",
        "{reply:?}"
    );
    assert_eq!(String::from_utf8_lossy(&reply.body), body, "{reply:?}");
}

/// The body of a 404.
pub const NOT_FOUND: &str = r#"{"error":"not_found","message":"No document has this id."}"#;

/// The body of a 400 for an id that is not a number.
pub const INVALID_ID: &str = r#"{"error":"bad_request","message":"Document ids are whole numbers from 0 to 9223372036854775807."}"#;

/// The bodies of a 415 to PUT and to PATCH.
pub const PUT_NEEDS_JSON: &str =
    r#"{"error":"unsupported_media_type","message":"Send the document as application/json."}"#;
pub const PATCH_NEEDS_MERGE_PATCH: &str = r#"{"error":"unsupported_media_type","message":"Send the patch as application/merge-patch+json (RFC 7396)."}"#;

/// The messages of precond's 412: a changed resource (If-Match, If-Unmodified-Since, or a lost
/// compare-and-swap), an existing one (If-None-Match), an absent one.
const CHANGED: &str = "The resource has changed since you last fetched it. Fetch it again, reapply your change, and resubmit with If-Match set to current_etag.";
const EXISTS: &str = "The resource already exists (or matches an entity tag in If-None-Match). Fetch it and resubmit with If-Match set to current_etag to change it.";
const ABSENT: &str = "The resource does not exist, so the precondition cannot hold.";

/// The messages of precond's 428 to PUT and PATCH, and to DELETE.
const REQUIRED_TO_WRITE: &str = "This request must be conditional, so that it cannot overwrite a change made by someone else. Resubmit it with If-Match set to the ETag you last fetched, or If-Unmodified-Since set to the Last-Modified you last fetched, or If-None-Match: * to create the resource only if it does not exist yet.";
const REQUIRED_TO_DELETE: &str = "This request must be conditional, so that it cannot overwrite a change made by someone else. Resubmit it with If-Match set to the ETag you last fetched, or If-Unmodified-Since set to the Last-Modified you last fetched.";

const MODIFIED_SINCE: &str = "The resource has been modified since the date in If-Unmodified-Since. Fetch it again, reapply your change, and resubmit with If-Match set to current_etag.";
const WEAK_ETAG: &str = "If-Match uses the strong comparison (RFC 9110 §13.1.1), so a weak entity tag (W/\"...\") never matches. Resubmit with If-Match set to current_etag, the strong tag.";
const NOT_QUOTED: &str = "If-Match must carry entity tags exactly as the ETag header sent them, double quotes included: If-Match: \"abc\", not If-Match: abc. The current one is current_etag.";

/// The 412 of a stale or lost write: the current ETag and Last-Modified in the headers, the
/// ETag in precond's JSON body, byte for byte.
#[track_caller]
fn assert_precondition_failed(reply: &Answer, current_etag: &str) {
    assert_412(reply, current_etag, CHANGED, "changed");
}

/// The 412 of a write whose `If-Match` cannot be right, or whose `If-Unmodified-Since` is
/// earlier than the document's Last-Modified: `reason` and message say which.
#[track_caller]
fn assert_precondition_failed_for(reply: &Answer, current_etag: &str, reason: &str) {
    let message = match reason {
        "changed" => CHANGED,
        "modified_since" => MODIFIED_SINCE,
        "weak_etag" => WEAK_ETAG,
        "etag_not_quoted" => NOT_QUOTED,
        other => panic!("no message for {other}"),
    };
    assert_412(reply, current_etag, message, reason);
}

/// The 412 of `If-None-Match: *` on a document that exists.
#[track_caller]
fn assert_already_exists(reply: &Answer, current_etag: &str) {
    assert_412(reply, current_etag, EXISTS, "exists");
}

#[track_caller]
fn assert_412(reply: &Answer, current_etag: &str, message: &str, reason: &str) {
    let (tag, message) = (Value::from(current_etag), Value::from(message));
    let body = format!(
        r#"{{"error":"precondition_failed","message":{message},"reason":"{reason}","current_etag":{tag}}}"#
    );
    assert_error(reply, StatusCode::PRECONDITION_FAILED, &body);
    assert_headers(reply, &["content-type", "etag", "last-modified"]);
    assert_eq!(reply.expect_header("etag"), current_etag);
}

/// The 412 of a write on a document that does not exist: the rest of the message depends on
/// the method (a DELETE is not told to create it) and on what the handler accepts.
#[track_caller]
fn assert_precondition_failed_absent(reply: &Answer) {
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED, "{reply:?}");
    let body = reply.json();
    assert_eq!(body["error"], "precondition_failed", "{body}");
    assert_eq!(body["reason"], "not_found", "{body}");
    assert_eq!(body["current_etag"], Value::Null, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.starts_with(ABSENT), "{message}");
    assert_headers(reply, &["content-type"]);
}

/// The 428 of a write without a precondition: not cacheable, and it says what to send (to PUT
/// and PATCH [`REQUIRED_TO_WRITE`], to DELETE [`REQUIRED_TO_DELETE`]).
#[track_caller]
fn assert_precondition_required(reply: &Answer, message: &str) {
    let body = format!(r#"{{"error":"precondition_required","message":"{message}"}}"#);
    assert_error(reply, StatusCode::PRECONDITION_REQUIRED, &body);
    assert_headers(reply, &["cache-control", "content-type"]);
    assert_eq!(reply.expect_header("cache-control"), "no-store");
}

/// Document 42 is still the seed.
async fn assert_seed_unchanged(server: &Server) {
    let reply = current(server, "/documents/42").await;
    assert_eq!(reply.expect_header("etag"), SEED_ETAG);
    assert_eq!(
        reply.json(),
        json!({"id": 42, "title": "My Document", "version": 1})
    );
}

// ---------------------------------------------------------------------------------------------
// The cases.

/// The README's walkthrough, step by step.
pub async fn the_readme_flow(server: &Server) {
    let doc = "/documents/42";

    let r = current(server, doc).await;
    let etag = r.expect_header("etag").to_owned();
    assert_eq!(etag, SEED_ETAG);

    send(server.get(doc).header("If-None-Match", &etag))
        .await
        .assert_status(StatusCode::NOT_MODIFIED);

    assert_precondition_required(
        &send(server.put(doc, json!({"title": "Blind"}))).await,
        REQUIRED_TO_WRITE,
    );

    let r = send(
        server
            .put(doc, json!({"title": "First"}))
            .header("If-Match", &etag),
    )
    .await;
    r.assert_status(StatusCode::OK);
    let new_etag = r.expect_header("etag").to_owned();
    assert_eq!(new_etag, "\"2\"");

    let r = send(
        server
            .put(doc, json!({"title": "Second"}))
            .header("If-Match", &etag),
    )
    .await;
    assert_precondition_failed(&r, &new_etag);

    // Re-fetch and retry with the pasted current_etag.
    let retry_etag = r.json()["current_etag"].as_str().expect("a tag").to_owned();
    let r = send(
        server
            .put(doc, json!({"title": "Second", "text": "merged"}))
            .header("If-Match", &retry_etag),
    )
    .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.expect_header("etag"), "\"3\"");
    assert_eq!(
        r.json(),
        json!({"id": 42, "title": "Second", "text": "merged", "version": 3})
    );
}

pub async fn get_answers_200_with_strong_validators(server: &Server) {
    let r = current(server, "/documents/42").await;
    assert_headers(
        &r,
        &[
            "accept-ranges",
            "cache-control",
            "content-type",
            "etag",
            "last-modified",
        ],
    );
    assert_eq!(r.expect_header("etag"), SEED_ETAG);
    assert_eq!(r.expect_header("last-modified"), SEED_LAST_MODIFIED);
    assert_eq!(r.expect_header("content-type"), "application/json");
    assert_eq!(r.expect_header("accept-ranges"), "bytes");
    assert_eq!(r.expect_header("cache-control"), "no-cache");
    assert_eq!(r.body, br#"{"id":42,"title":"My Document","version":1}"#);
    // The query is no part of the route.
    assert_eq!(
        current(server, "/documents/42?fields=title").await.body,
        r.body
    );
}

/// HEAD gets what GET gets, headers and all, without the body, whatever the status (a
/// `Content-Length`, if any, is the length of GET's body).
pub async fn head_answers_like_get_without_a_body(server: &Server) {
    for (path, name, value) in [
        ("/documents/42", "accept", "*/*"),
        ("/documents/42", "If-None-Match", SEED_ETAG),
        ("/documents/42", "If-Modified-Since", SEED_LAST_MODIFIED),
        ("/documents/42", "If-Match", "\"7\""),
        (
            "/documents/42",
            "If-Unmodified-Since",
            "Tue, 31 Dec 2024 23:59:59 GMT",
        ),
        // Range applies to GET only (RFC 9110 §14.2): HEAD answers 200, with no Content-Range.
        ("/documents/42", "Range", "bytes=0-9"),
        ("/documents/999", "accept", "*/*"),
        ("/documents/abc", "accept", "*/*"),
    ] {
        let get = send(server.get(path).header(name, value)).await;
        let head = send(server.request(Method::HEAD, path).header(name, value)).await;
        let case = format!("{path} {name}: {value}");
        assert!(head.body.is_empty(), "{case}: {head:?}");
        if name == "Range" {
            get.assert_status(StatusCode::PARTIAL_CONTENT);
            head.assert_status(StatusCode::OK);
            assert!(!head.has("content-range"), "{case}: {head:?}");
            continue;
        }
        assert_eq!(head.status, get.status, "{case}: {head:?}");
        let without_transport = |reply: &Answer| {
            let mut headers = reply.headers.clone();
            for name in TRANSPORT_HEADERS {
                headers.remove(name);
            }
            headers
        };
        assert_eq!(without_transport(&head), without_transport(&get), "{case}");
        if head.has("content-length") {
            assert_eq!(
                head.expect_header("content-length"),
                get.body.len().to_string(),
                "{case}"
            );
        }
    }
}

pub async fn fresh_copies_get_304(server: &Server) {
    let doc = "/documents/42";
    for (name, value) in [
        ("If-None-Match", SEED_ETAG),
        ("If-None-Match", "\"7\", \"1\""),
        ("If-None-Match", "W/\"1\""), // If-None-Match compares weakly
        ("If-None-Match", "*"),
        ("If-Modified-Since", SEED_LAST_MODIFIED),
        ("If-Modified-Since", "Thu, 02 Jan 2025 00:00:00 GMT"),
    ] {
        let r = send(server.get(doc).header(name, value)).await;
        assert_eq!(r.status, StatusCode::NOT_MODIFIED, "{name}: {value}: {r:?}");
        // The validators and the declared Cache-Control, nothing about a body.
        assert_headers(&r, &["cache-control", "etag", "last-modified"]);
        assert_eq!(r.expect_header("etag"), SEED_ETAG);
        assert_eq!(r.expect_header("last-modified"), SEED_LAST_MODIFIED);
        assert_eq!(r.expect_header("cache-control"), "no-cache");
        assert!(r.body.is_empty());
    }
    for (name, value) in [
        ("If-None-Match", "\"2\""),
        ("If-Modified-Since", "Tue, 31 Dec 2024 23:59:59 GMT"),
        ("If-Modified-Since", "not a date"),
    ] {
        let r = send(server.get(doc).header(name, value)).await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {value}: {r:?}");
    }
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    let r = send(
        server
            .get(doc)
            .header("If-None-Match", "\"2\"")
            .header("If-Modified-Since", SEED_LAST_MODIFIED),
    )
    .await;
    r.assert_status(StatusCode::OK);
    // RFC 9110 §8.6: a 304 carries no Content-Length, or the 200's.
    let full = send(server.get("/documents/42")).await;
    for method in [Method::GET, Method::HEAD] {
        let r = send(
            server
                .request(method.clone(), "/documents/42")
                .header("If-None-Match", SEED_ETAG),
        )
        .await;
        r.assert_status(StatusCode::NOT_MODIFIED);
        assert!(
            r.headers
                .get("content-length")
                .is_none_or(|length| Some(length) == full.headers.get("content-length")),
            "{method} {r:?}"
        );
    }
}

pub async fn absent_documents_are_404(server: &Server) {
    let r = send(server.get("/documents/999")).await;
    assert_error(&r, StatusCode::NOT_FOUND, NOT_FOUND);
    assert_headers(&r, &["content-type"]);
    let head = send(server.request(Method::HEAD, "/documents/999")).await;
    head.assert_status(StatusCode::NOT_FOUND);
    assert!(head.body.is_empty());
    // Preconditions on a GET of nothing are ignored: the 404 stands (RFC 9110 §13.2.1).
    for (name, value) in [
        ("If-None-Match", "*"),
        ("If-Match", "\"1\""),
        ("If-Modified-Since", SEED_LAST_MODIFIED),
    ] {
        let r = send(server.get("/documents/999").header(name, value)).await;
        assert_error(&r, StatusCode::NOT_FOUND, NOT_FOUND);
    }
}

/// The `{id}` of the path is a number: anything else is a 400 for every method, before the
/// body or the preconditions are looked at. Percent-encoded digits are digits.
pub async fn ids_that_are_not_numbers_are_400(server: &Server) {
    for path in [
        "/documents/abc",
        "/documents/-1",
        "/documents/1.0",
        "/documents/18446744073709551616", // u64::MAX + 1
        "/documents/9223372036854775808",  // i64::MAX + 1: the table's keys are BIGINT
        "/documents/4%2F2",
        "/documents/%FF",
    ] {
        for request in [
            server.get(path),
            server.request(Method::HEAD, path),
            server
                .put(path, json!({"title": "x"}))
                .header("If-Match", SEED_ETAG),
            server
                .request(Method::PUT, path)
                .header("content-type", "text/plain")
                .body("x"),
            server.patch(path, "{"),
            server.delete(path).header("If-Match", SEED_ETAG),
        ] {
            let r = send(request).await;
            r.assert_status(StatusCode::BAD_REQUEST);
            assert_headers(&r, &["content-type"]);
            if !r.body.is_empty() {
                assert_error(&r, StatusCode::BAD_REQUEST, INVALID_ID);
            }
        }
    }
    for path in ["/documents/%34%32", "/documents/042"] {
        assert_eq!(
            current(server, path).await.expect_header("etag"),
            SEED_ETAG,
            "{path}"
        );
    }
}

/// What has no route: 404 for any other path, 405 with `Allow` for any other method, both
/// with this API's JSON errors.
pub async fn other_paths_and_methods_have_no_route(server: &Server) {
    for path in [
        "/",
        "/documents",
        "/documents/",
        "/documents/42/",
        "/documents/42/title",
        "/Documents/42",
    ] {
        for method in [Method::GET, Method::PUT, Method::POST] {
            let r = send(server.request(method.clone(), path)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path}: {r:?}");
            assert_headers(&r, &["content-type"]);
            assert_eq!(r.json()["error"], "not_found", "{method} {path}: {r:?}");
        }
    }
    let purge = Method::from_bytes(b"PURGE").expect("a method");
    for method in [Method::POST, Method::OPTIONS, Method::TRACE, purge] {
        let r = send(server.request(method.clone(), "/documents/42")).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method}: {r:?}");
        assert_headers(&r, &["allow", "content-type"]);
        assert_eq!(r.expect_header("allow"), "GET,HEAD,PUT,PATCH,DELETE");
        assert_eq!(r.json()["error"], "method_not_allowed", "{method}: {r:?}");
    }
}

pub async fn put_with_the_current_etag_is_200(server: &Server) {
    let doc = "/documents/42";
    let r = send(
        server
            .put(doc, json!({"title": "First", "text": "body"}))
            .header("If-Match", SEED_ETAG),
    )
    .await;
    r.assert_status(StatusCode::OK);
    assert_headers(&r, &["content-type", "etag", "last-modified"]);
    assert_eq!(r.expect_header("content-type"), "application/json");
    assert_eq!(r.expect_header("etag"), "\"2\"");
    assert!(r.last_modified() > httpdate::parse_http_date(SEED_LAST_MODIFIED).unwrap());
    let written = json!({"id": 42, "title": "First", "text": "body", "version": 2});
    assert_eq!(r.json(), written);

    // The response carried the new validators: they are the ones a GET sees now.
    let g = current(server, doc).await;
    assert_eq!(g.expect_header("etag"), r.expect_header("etag"));
    assert_eq!(
        g.expect_header("last-modified"),
        r.expect_header("last-modified")
    );
    assert_eq!(g.json(), written);

    // `text` is optional: a PUT without it removes it.
    let r = send(
        server
            .put(doc, json!({"title": "Bare"}))
            .header("If-Match", "\"2\""),
    )
    .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json(), json!({"id": 42, "title": "Bare", "version": 3}));
}

pub async fn put_with_a_stale_etag_is_412_with_the_current_etag(server: &Server) {
    let doc = "/documents/42";
    send(
        server
            .put(doc, json!({"title": "First"}))
            .header("If-Match", SEED_ETAG),
    )
    .await
    .assert_status(StatusCode::OK);
    for (stale, reason) in [
        (SEED_ETAG, "changed"),
        ("\"0\"", "changed"),
        ("W/\"2\"", "weak_etag"),
        ("\"1\", \"3\"", "changed"),
        ("garbage", "etag_not_quoted"),
        // The current tag without its quotes: the seed's "wrong ETag format".
        ("2", "etag_not_quoted"),
    ] {
        let r = send(
            server
                .put(doc, json!({"title": "Lost"}))
                .header("If-Match", stale),
        )
        .await;
        assert_precondition_failed_for(&r, "\"2\"", reason);
    }
    // Nothing was written.
    let g = current(server, doc).await;
    assert_eq!(g.json()["title"], "First");
    assert_eq!(g.json()["version"], 2);
}

pub async fn writes_without_a_precondition_are_428(server: &Server) {
    for path in ["/documents/42", "/documents/999"] {
        let r = send(server.put(path, json!({"title": "Blind"}))).await;
        assert_precondition_required(&r, REQUIRED_TO_WRITE);
        let r = send(server.patch(path, r#"{"title":"Blind"}"#)).await;
        assert_precondition_required(&r, REQUIRED_TO_WRITE);
        let r = send(server.delete(path)).await;
        assert_precondition_required(&r, REQUIRED_TO_DELETE);
    }
    // Neither written, nor created.
    assert_seed_unchanged(server).await;
    send(server.get("/documents/999"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

/// If-Unmodified-Since has second precision, so every write is stamped at least a second after
/// both the previous stamp and the second it is made in: neither a client that echoes the
/// `Last-Modified` it read nor one that sends the `Date` of its read can overwrite a change made
/// since, even within the same second. The price is a retry: while the stored date is ahead of
/// the clock (it never goes out ahead of `Date`), a fresh copy's date is refused too.
pub async fn put_with_if_unmodified_since(server: &Server) {
    let doc = "/documents/42";
    let put = |title: &str, since: &str| {
        server
            .put(doc, json!({"title": title}))
            .header("If-Unmodified-Since", since.to_owned())
    };
    // Earlier than the seed's Last-Modified: the document changed since then.
    let r = send(put("Early", "Tue, 31 Dec 2024 23:59:59 GMT")).await;
    assert_precondition_failed_for(&r, SEED_ETAG, "modified_since");

    let r = send(put("First", SEED_LAST_MODIFIED)).await;
    r.assert_status(StatusCode::OK);
    let first = r.expect_header("last-modified").to_owned();
    let date = httpdate::parse_http_date(r.expect_header("date")).unwrap();
    assert!(r.last_modified() <= date, "Last-Modified after Date: {r:?}");

    // The issue's case: a client reads (Date: T), another client writes within T, then the
    // first writes with If-Unmodified-Since: T. It must be refused, not overwrite.
    let read = current(server, doc).await;
    let read_date = read.expect_header("date").to_owned();
    let r = send(
        server
            .put(doc, json!({"title": "Other"}))
            .header("If-Match", read.expect_header("etag").to_owned()),
    )
    .await;
    r.assert_status(StatusCode::OK);
    let other = r.expect_header("etag").to_owned();
    let r = send(put("Lost by date", &read_date)).await;
    assert_precondition_failed_for(&r, &other, "modified_since");
    // And a client still holding the first write's Last-Modified, within the same second too.
    let r = send(put("Lost by echo", &first)).await;
    assert_precondition_failed_for(&r, &other, "modified_since");
    assert_eq!(current(server, doc).await.json()["title"], "Other");

    // A fresh copy's date passes once the clock has caught up with the stored one (until
    // then it is refused: never a lost update, at worst a retry).
    let mut attempts = 0;
    loop {
        let fresh = current(server, doc).await;
        let r = send(put("Third", fresh.expect_header("last-modified"))).await;
        if r.status == StatusCode::OK {
            assert_eq!(r.expect_header("etag"), "\"4\"");
            break;
        }
        assert_precondition_failed_for(&r, &other, "modified_since");
        attempts += 1;
        assert!(attempts < 50, "a fresh If-Unmodified-Since never passed");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // A date that cannot be parsed is no precondition at all.
    assert_precondition_required(&send(put("Blind", "yesterday")).await, REQUIRED_TO_WRITE);
}

pub async fn put_with_if_none_match_star_creates_once(server: &Server) {
    let doc = "/documents/7";
    let create = |title: &str| {
        server
            .put(doc, json!({"title": title}))
            .header("If-None-Match", "*")
    };
    let r = send(create("New")).await;
    r.assert_status(StatusCode::CREATED);
    assert_headers(&r, &["content-type", "etag", "last-modified"]);
    assert_eq!(r.expect_header("etag"), "\"1\"");
    assert!(r.has("last-modified"));
    assert_eq!(r.json(), json!({"id": 7, "title": "New", "version": 1}));
    assert_eq!(current(server, doc).await.json()["title"], "New");

    // A second create finds it.
    let r = send(create("Again")).await;
    assert_already_exists(&r, "\"1\"");
    assert_eq!(current(server, doc).await.json()["title"], "New");

    // And If-None-Match: * on the seed, too.
    let r = send(
        server
            .put("/documents/42", json!({"title": "Overwrite"}))
            .header("If-None-Match", "*"),
    )
    .await;
    assert_already_exists(&r, SEED_ETAG);
    assert_seed_unchanged(server).await;
}

pub async fn put_with_if_match_on_an_absent_document_is_412(server: &Server) {
    for tag in ["\"1\"", "*"] {
        let r = send(
            server
                .put("/documents/999", json!({"title": "Ghost"}))
                .header("If-Match", tag),
        )
        .await;
        assert_precondition_failed_absent(&r);
    }
    let r = send(server.delete("/documents/999").header("If-Match", "*")).await;
    assert_precondition_failed_absent(&r);
    send(server.get("/documents/999"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

/// A body that is not a document, or not JSON: the API's JSON errors once the preconditions
/// pass; a stale ETag is 412 and none is 428 whatever the body, which is then never read.
pub async fn put_with_an_invalid_body(server: &Server) {
    let doc = "/documents/42";
    let put = |content_type: Option<&str>, body: &str, if_match: Option<&str>| {
        let mut request = server.request(Method::PUT, doc).body(body.to_owned());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type.to_owned());
        }
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag.to_owned());
        }
        request
    };
    let json = Some("application/json");
    let bad_request = |message: &str| json!({"error": "bad_request", "message": message});
    let unprocessable =
        |message: &str| json!({"error": "unprocessable_entity", "message": message});
    for (content_type, body, status, expected) in [
        (
            json,
            "{\"title\":",
            StatusCode::BAD_REQUEST,
            bad_request("EOF while parsing a value at line 1 column 9"),
        ),
        (
            json,
            "",
            StatusCode::BAD_REQUEST,
            bad_request("EOF while parsing a value at line 1 column 0"),
        ),
        (
            json,
            "{\"text\":\"no title\"}",
            StatusCode::UNPROCESSABLE_ENTITY,
            unprocessable("missing field `title` at line 1 column 19"),
        ),
        (
            json,
            "{\"title\":5}",
            StatusCode::UNPROCESSABLE_ENTITY,
            unprocessable("invalid type: integer `5`, expected a string at line 1 column 10"),
        ),
        (
            Some("application/json; charset=utf-8"),
            "{\"title\":\"x\",\"colour\":\"red\"}",
            StatusCode::UNPROCESSABLE_ENTITY,
            unprocessable(
                "unknown field `colour`, expected one of `id`, `title`, `text`, `version` at line 1 column 21",
            ),
        ),
        (
            Some("application/vnd.example+json"),
            "{\"title\":5}",
            StatusCode::UNPROCESSABLE_ENTITY,
            unprocessable("invalid type: integer `5`, expected a string at line 1 column 10"),
        ),
        (
            Some("text/plain"),
            "{\"title\":\"x\"}",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            serde_json::from_str(PUT_NEEDS_JSON).unwrap(),
        ),
        (
            Some("text/json"),
            "{\"title\":\"x\"}",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            serde_json::from_str(PUT_NEEDS_JSON).unwrap(),
        ),
        (
            None,
            "{\"title\":\"x\"}",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            serde_json::from_str(PUT_NEEDS_JSON).unwrap(),
        ),
    ] {
        let expected = expected.to_string();
        let r = send(put(content_type, body, Some(SEED_ETAG))).await;
        assert_error(&r, status, &expected);
        assert_headers(&r, &["content-type"]);
        let r = send(put(content_type, body, Some("\"0\""))).await;
        assert_precondition_failed(&r, SEED_ETAG);
        let r = send(put(content_type, body, None)).await;
        assert_precondition_required(&r, REQUIRED_TO_WRITE);
    }
    assert_seed_unchanged(server).await;
}

/// The issue's pairs, each once more through both writes: the preconditions are answered
/// before the body is looked at, so the answer does not depend on the body.
pub async fn preconditions_come_before_the_body(server: &Server) {
    let doc = "/documents/42";
    let representation = current(server, doc).await.body;
    for method in [Method::PUT, Method::PATCH] {
        for (content_type, body) in [
            (Some("application/json"), &b"zzz"[..]),
            (Some("application/json"), br#"{"zzz":1}"#),
            (None, b"zzz"),
            (Some("text/plain"), b"\xff\xfe not even UTF-8"),
            // What GET returned: a retry with a stale tag is a 412, not a 422.
            (Some("application/json"), &representation),
        ] {
            let request = |tag: Option<&str>| {
                let mut request = server.request(method.clone(), doc).body(body.to_vec());
                if let Some(content_type) = content_type {
                    request = request.header("content-type", content_type);
                }
                if let Some(tag) = tag {
                    request = request.header("If-Match", tag.to_owned());
                }
                request
            };
            assert_precondition_failed(&send(request(Some("\"0\""))).await, SEED_ETAG);
            assert_precondition_required(&send(request(None)).await, REQUIRED_TO_WRITE);
        }
    }
    assert_seed_unchanged(server).await;
}

/// fetch → modify → PUT: the body may be the representation GET returned, with its `id` (which
/// must be the path's) and `version` (ignored: `If-Match` says which version was changed).
pub async fn put_takes_back_what_get_returned(server: &Server) {
    let doc = "/documents/42";
    let fetched = current(server, doc).await;
    let mut body = fetched.json();
    body["title"] = json!("Edited");
    let r = send(
        server
            .put(doc, body.clone())
            .header("If-Match", fetched.expect_header("etag")),
    )
    .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json(), json!({"id": 42, "title": "Edited", "version": 2}));
    // The same body again, now stale: 412 with the current tag, not 422.
    let r = send(
        server
            .put(doc, body.clone())
            .header("If-Match", fetched.expect_header("etag")),
    )
    .await;
    assert_precondition_failed(&r, "\"2\"");
    // Another document's id: 422, and nothing written.
    body["id"] = json!(7);
    let r = send(server.put(doc, body).header("If-Match", "\"2\"")).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        r#"{"error":"unprocessable_entity","message":"The body's `id` is 7, but this is document 42: send it back unchanged, or leave it out."}"#,
    );
    assert_eq!(current(server, doc).await.expect_header("etag"), "\"2\"");
}

/// The request `head` (its header section, CRLF included) and the first bytes of its body,
/// sent on a new connection that then stays open and sends nothing more; the responses that
/// arrive until a final (non-1xx) one's header section is complete, as text: the 1xx ones
/// first, if any.
async fn exchange(server: &Server, head: &str, body: &[u8]) -> Vec<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.address())
        .await
        .expect("connect");
    stream
        .write_all(head.as_bytes())
        .await
        .expect("send the head");
    stream.write_all(body).await.expect("send the body's start");
    let mut received = Vec::new();
    let read = async {
        let mut buffer = [0; 4096];
        loop {
            let heads = response_heads(&received);
            if heads
                .last()
                .is_some_and(|head| !head.starts_with("HTTP/1.1 1"))
            {
                return heads;
            }
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return heads,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    };
    // Time enough for any answer on a loaded machine; a server that waits for the body it was
    // promised (and is never sent) runs into it.
    match tokio::time::timeout(std::time::Duration::from_secs(20), read).await {
        Ok(heads) => heads,
        Err(_) => panic!(
            "no final response without the body: {:?}",
            String::from_utf8_lossy(&received)
        ),
    }
}

/// The complete header sections in `bytes`, each response's 1xx and final heads in order (the
/// bytes after a final head, its body, are skipped by `Content-Length`).
fn response_heads(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut heads = Vec::new();
    let mut rest: &str = &text;
    while let Some(end) = rest.find("\r\n\r\n") {
        let head = &rest[..end];
        heads.push(head.to_owned());
        rest = &rest[end + 4..];
        if !head.starts_with("HTTP/1.1 1") {
            break;
        }
    }
    heads
}

/// A stale 50 MiB upload is answered at once, with none of its body sent but its first 64 KiB
/// (so the server read at most that much); without a precondition, the same with 428.
pub async fn stale_uploads_are_refused_before_they_are_sent(server: &Server) {
    let start = vec![b' '; 64 * 1024];
    for method in ["PUT", "PATCH"] {
        for (precondition, status) in [
            ("If-Match: \"0\"\r\n", "412"),
            (
                "If-Unmodified-Since: Tue, 31 Dec 2024 23:59:59 GMT\r\n",
                "412",
            ),
            ("", "428"),
        ] {
            let head = format!(
                "{method} /documents/42 HTTP/1.1\r\nHost: {}\r\n{precondition}\
                 Content-Type: application/json\r\nContent-Length: 52428800\r\n\r\n",
                server.address()
            );
            let took = std::time::Instant::now();
            let heads = exchange(server, &head, &start).await;
            let took = took.elapsed();
            assert_eq!(heads.len(), 1, "{heads:?}");
            assert!(
                heads[0].starts_with(&format!("HTTP/1.1 {status} ")),
                "{method} {precondition:?}: {heads:?}"
            );
            // The rest of the body will not be read: the connection ends with this answer,
            // and says so, so that a client still sending reads the answer (RFC 9112 §9.6).
            assert!(
                heads[0]
                    .to_ascii_lowercase()
                    .contains("\r\nconnection: close"),
                "{heads:?}"
            );
            eprintln!("{method} {precondition:?} with 64 KiB of 50 MiB sent: {status} in {took:?}");
        }
    }
    assert_seed_unchanged(server).await;
}

/// A body that ends before its `Content-Length` (the client stops sending and half-closes) is a
/// 400 in this API's JSON, whose message says what happened in words a client can act on, not
/// in the framework's ("payload reached EOF before completing: None", "Failed to buffer the
/// request body: error reading a body from connection"). Nothing is written.
pub async fn truncated_bodies_are_400_in_plain_words(server: &Server) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    for method in ["PUT", "PATCH"] {
        let media = match method {
            "PUT" => "application/json",
            _ => "application/merge-patch+json",
        };
        let head = format!(
            "{method} /documents/42 HTTP/1.1\r\nHost: {}\r\nIf-Match: {SEED_ETAG}\r\n\
             Content-Type: {media}\r\nContent-Length: 100\r\n\r\n{{\"title\":",
            server.address()
        );
        let mut stream = tokio::net::TcpStream::connect(server.address())
            .await
            .expect("connect");
        stream.write_all(head.as_bytes()).await.expect("send");
        stream.shutdown().await.expect("half-close");
        let mut received = Vec::new();
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read_to_end(&mut received),
        )
        .await;
        assert!(read.is_ok(), "no answer to a truncated {method} body");
        let text = String::from_utf8_lossy(&received);
        assert!(text.starts_with("HTTP/1.1 400 "), "{method}: {text}");
        let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
        let body: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(body["error"], "bad_request", "{text}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains("could not be read whole"), "{message}");
        for internal in ["EOF", "None", "buffer", "hyper", "actix"] {
            assert!(!message.contains(internal), "{message}");
        }
    }
    assert_seed_unchanged(server).await;
}

/// A client that waits for `100 Continue` before its upload gets the 412 or 428 instead, and
/// never sends the body. On actix-web, the HTTP layer (actix-http) answers `100 Continue` before
/// any handler runs: there the client does send its body, which the handler then never reads,
/// and the final answer is the same.
pub async fn expect_100_continue_gets_the_final_answer(server: &Server) {
    let continues_first = server.example.contains("actix");
    for (precondition, status) in [("If-Match: \"0\"\r\n", "412"), ("", "428")] {
        let head = format!(
            "PUT /documents/42 HTTP/1.1\r\nHost: {}\r\n{precondition}\
             Content-Type: application/json\r\nContent-Length: 52428800\r\n\
             Expect: 100-continue\r\n\r\n",
            server.address()
        );
        let heads = exchange(server, &head, b"").await;
        let finals: Vec<&String> = heads
            .iter()
            .filter(|head| !head.starts_with("HTTP/1.1 100 "))
            .collect();
        assert_eq!(finals.len(), 1, "{heads:?}");
        assert!(
            finals[0].starts_with(&format!("HTTP/1.1 {status} ")),
            "{heads:?}"
        );
        let continued = heads.len() > 1;
        assert_eq!(continued, continues_first, "{heads:?}");
    }
    // A write that passes its precondition is still sent its `100 Continue`.
    let body = r#"{"title":"After 100"}"#;
    let head = format!(
        "PUT /documents/42 HTTP/1.1\r\nHost: {}\r\nIf-Match: \"1\"\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\
         Expect: 100-continue\r\n\r\n",
        server.address(),
        body.len()
    );
    let heads = exchange_after_continue(server, &head, body.as_bytes()).await;
    assert!(heads[0].starts_with("HTTP/1.1 100 "), "{heads:?}");
    assert!(heads[1].starts_with("HTTP/1.1 200 "), "{heads:?}");
    assert_eq!(
        current(server, "/documents/42").await.json()["title"],
        "After 100"
    );
}

/// `head` alone, then, once `100 Continue` has arrived, `body`; the heads received.
async fn exchange_after_continue(server: &Server, head: &str, body: &[u8]) -> Vec<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.address())
        .await
        .expect("connect");
    stream
        .write_all(head.as_bytes())
        .await
        .expect("send the head");
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    let mut sent = false;
    let run = async {
        loop {
            let heads = response_heads(&received);
            if !sent
                && heads
                    .first()
                    .is_some_and(|head| head.starts_with("HTTP/1.1 100 "))
            {
                stream.write_all(body).await.expect("send the body");
                sent = true;
            }
            if heads
                .last()
                .is_some_and(|head| !head.starts_with("HTTP/1.1 1"))
            {
                return heads;
            }
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return heads,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(20), run)
        .await
        .expect("an answer after 100 Continue")
}

/// Bodies of up to 2 MiB are read; a larger one is a 413 once the preconditions pass (a stale
/// one is a 412, unread).
pub async fn bodies_over_2_mib_are_413(server: &Server) {
    const LIMIT: usize = 2 * 1024 * 1024;
    const TOO_LARGE: &str =
        r#"{"error":"payload_too_large","message":"The body may not exceed 2097152 bytes."}"#;
    let doc = "/documents/42";
    // `{"title":"…"}` of exactly LIMIT + 1 bytes, then of LIMIT bytes.
    let body = |len: usize| format!(r#"{{"title":"{}"}}"#, "x".repeat(len - 12));
    for (if_match, passes) in [(SEED_ETAG, true), ("\"0\"", false)] {
        let put = server
            .request(Method::PUT, doc)
            .header("If-Match", if_match)
            .header("content-type", "application/json")
            .body(body(LIMIT + 1));
        let patch = server
            .patch(doc, &body(LIMIT + 1))
            .header("If-Match", if_match);
        for request in [put, patch] {
            let r = send(request).await;
            if passes {
                assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, TOO_LARGE);
                assert_headers(&r, &["content-type"]);
            } else {
                assert_precondition_failed(&r, SEED_ETAG);
            }
        }
    }
    assert_seed_unchanged(server).await;
    let r = send(
        server
            .request(Method::PUT, doc)
            .header("If-Match", SEED_ETAG)
            .header("content-type", "application/json")
            .body(body(LIMIT)),
    )
    .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["title"].as_str().map(str::len), Some(LIMIT - 12));
}

pub async fn patch_merges(server: &Server) {
    let doc = "/documents/42";
    let steps = [
        (
            r#"{"text":"hello"}"#,
            json!({"id": 42, "title": "My Document", "text": "hello", "version": 2}),
        ),
        (
            // Members not named stay; `null` removes one.
            r#"{"title":"Renamed","text":null}"#,
            json!({"id": 42, "title": "Renamed", "version": 3}),
        ),
        (
            // Removing what is not there is no error; unchanged content is still a write.
            r#"{"text":null}"#,
            json!({"id": 42, "title": "Renamed", "version": 4}),
        ),
    ];
    let mut etag = SEED_ETAG.to_owned();
    for (patch, expected) in steps {
        let r = send(server.patch(doc, patch).header("If-Match", &etag)).await;
        r.assert_status(StatusCode::OK);
        assert_headers(&r, &["content-type", "etag", "last-modified"]);
        assert_eq!(r.json(), expected, "{patch}");
        etag = r.expect_header("etag").to_owned();
        assert_eq!(etag, format!("\"{}\"", expected["version"]));
        assert_eq!(current(server, doc).await.json(), expected);
    }
    // Media type parameters are fine.
    let r = send(
        server
            .request(Method::PATCH, doc)
            .header("If-Match", &etag)
            .header(
                "content-type",
                "application/merge-patch+json; charset=utf-8",
            )
            .body(r#"{"text":"again"}"#),
    )
    .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["text"], "again");
}

pub async fn patch_needs_merge_patch_json(server: &Server) {
    let doc = "/documents/42";
    for content_type in [
        Some("application/json"),
        Some("text/plain"),
        Some("application/merge-patch"),
        None,
    ] {
        let mut request = server
            .request(Method::PATCH, doc)
            .header("If-Match", SEED_ETAG)
            .body(r#"{"title":"x"}"#);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let r = send(request).await;
        assert_error(
            &r,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            PATCH_NEEDS_MERGE_PATCH,
        );
        // RFC 5789 §2.2: say which patch format is accepted.
        assert_headers(&r, &["accept-patch", "content-type"]);
        assert_eq!(r.expect_header("accept-patch"), MERGE_PATCH);
    }
    assert_seed_unchanged(server).await;
}

pub async fn patch_with_invalid_json_is_400(server: &Server) {
    for (body, message) in [
        (
            "{\"title\":",
            "EOF while parsing a value at line 1 column 9",
        ),
        ("", "EOF while parsing a value at line 1 column 0"),
        ("{'title': 'x'}", "key must be a string at line 1 column 2"),
    ] {
        let r = send(
            server
                .patch("/documents/42", body)
                .header("If-Match", SEED_ETAG),
        )
        .await;
        let expected = json!({"error": "bad_request", "message": message}).to_string();
        assert_error(&r, StatusCode::BAD_REQUEST, &expected);
        assert_headers(&r, &["content-type"]);
    }
    assert_seed_unchanged(server).await;
}

pub async fn patch_that_breaks_the_document_is_422(server: &Server) {
    const SERVER_OWNED: &str =
        "`id` and `version` belong to the server: leave them out of the patch.";
    const NOT_AN_OBJECT: &str = "The patch must be a JSON object.";
    for (patch, message) in [
        (r#"{"title":null}"#, "missing field `title`"),
        (
            r#"{"title":5}"#,
            "invalid type: integer `5`, expected a string",
        ),
        (
            r#"{"title":{"nested":"x"}}"#,
            "invalid type: map, expected a string",
        ),
        (
            r#"{"text":["a"]}"#,
            "invalid type: sequence, expected a string",
        ),
        (
            r#"{"colour":"red"}"#,
            "unknown field `colour`, expected one of `id`, `title`, `text`, `version`",
        ),
        // The server owns `id` and `version`: a patch may not name them.
        (r#"{"id":7}"#, SERVER_OWNED),
        (r#"{"version":9}"#, SERVER_OWNED),
        (r#"{"version":null}"#, SERVER_OWNED),
        // A patch that is not an object replaces the whole document (RFC 7396).
        (r#"["title"]"#, NOT_AN_OBJECT),
        (r#""a string""#, NOT_AN_OBJECT),
        ("null", NOT_AN_OBJECT),
    ] {
        let r = send(
            server
                .patch("/documents/42", patch)
                .header("If-Match", SEED_ETAG),
        )
        .await;
        let expected = json!({"error": "unprocessable_entity", "message": message}).to_string();
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, &expected);
        assert_headers(&r, &["content-type"]);
    }
    assert_seed_unchanged(server).await;
}

pub async fn patch_with_a_stale_or_no_precondition(server: &Server) {
    let doc = "/documents/42";
    let r = send(
        server
            .patch(doc, r#"{"text":"x"}"#)
            .header("If-Match", "\"0\""),
    )
    .await;
    assert_precondition_failed(&r, SEED_ETAG);
    let r = send(
        server
            .patch(doc, r#"{"text":"x"}"#)
            .header("If-Unmodified-Since", "Tue, 31 Dec 2024 23:59:59 GMT"),
    )
    .await;
    assert_precondition_failed_for(&r, SEED_ETAG, "modified_since");
    assert_precondition_required(
        &send(server.patch(doc, r#"{"text":"x"}"#)).await,
        REQUIRED_TO_WRITE,
    );
    assert_seed_unchanged(server).await;

    let r = send(
        server
            .patch(doc, r#"{"text":"x"}"#)
            .header("If-Unmodified-Since", SEED_LAST_MODIFIED),
    )
    .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["version"], 2);
}

pub async fn patch_with_if_none_match_star_creates(server: &Server) {
    // The patch applies to an empty document, so it must bring a title.
    let r = send(
        server
            .patch("/documents/8", r#"{"text":"x"}"#)
            .header("If-None-Match", "*"),
    )
    .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        r#"{"error":"unprocessable_entity","message":"missing field `title`"}"#,
    );
    let r = send(
        server
            .patch("/documents/8", r#"{"title":"Patched"}"#)
            .header("If-None-Match", "*"),
    )
    .await;
    r.assert_status(StatusCode::CREATED);
    assert_eq!(r.expect_header("etag"), "\"1\"");
    assert_eq!(r.json(), json!({"id": 8, "title": "Patched", "version": 1}));
    let r = send(
        server
            .patch("/documents/8", r#"{"title":"Again"}"#)
            .header("If-None-Match", "*"),
    )
    .await;
    assert_already_exists(&r, "\"1\"");
}

pub async fn delete_is_204_then_404(server: &Server) {
    let doc = "/documents/42";
    let r = send(server.delete(doc).header("If-Match", "\"0\"")).await;
    assert_precondition_failed(&r, SEED_ETAG);
    let r = send(
        server
            .delete(doc)
            .header("If-Unmodified-Since", "Tue, 31 Dec 2024 23:59:59 GMT"),
    )
    .await;
    assert_precondition_failed_for(&r, SEED_ETAG, "modified_since");
    assert_seed_unchanged(server).await;

    let r = send(server.delete(doc).header("If-Match", SEED_ETAG)).await;
    r.assert_status(StatusCode::NO_CONTENT);
    assert_headers(&r, &[]);
    assert!(r.body.is_empty());
    send(server.get(doc))
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Deleting again: there is nothing to match any more.
    let r = send(server.delete(doc).header("If-Match", SEED_ETAG)).await;
    assert_precondition_failed_absent(&r);

    // Created again, it continues the deleted one's version and date: a client still holding
    // the deleted document's ETag or date cannot overwrite the new one.
    let r = send(
        server
            .put(doc, json!({"title": "Reborn"}))
            .header("If-None-Match", "*"),
    )
    .await;
    r.assert_status(StatusCode::CREATED);
    assert_eq!(r.expect_header("etag"), "\"2\"");
    assert_eq!(r.json(), json!({"id": 42, "title": "Reborn", "version": 2}));
    let r = send(
        server
            .put(doc, json!({"title": "Stale"}))
            .header("If-Match", SEED_ETAG),
    )
    .await;
    assert_precondition_failed(&r, "\"2\"");
    let r = send(
        server
            .put(doc, json!({"title": "Stale"}))
            .header("If-Unmodified-Since", SEED_LAST_MODIFIED),
    )
    .await;
    assert_precondition_failed_for(&r, "\"2\"", "modified_since");

    // Delete by date, on a document created for it.
    let r = send(
        server
            .put("/documents/9", json!({"title": "Short-lived"}))
            .header("If-None-Match", "*"),
    )
    .await;
    r.assert_status(StatusCode::CREATED);
    // The create is stamped a second ahead, so its own Last-Modified passes once the clock
    // has caught up (a 412 until then: a retry, see put_with_if_unmodified_since).
    let mut attempts = 0;
    loop {
        let since = current(server, "/documents/9")
            .await
            .expect_header("last-modified")
            .to_owned();
        let r = send(
            server
                .delete("/documents/9")
                .header("If-Unmodified-Since", since),
        )
        .await;
        if r.status == StatusCode::NO_CONTENT {
            break;
        }
        assert_precondition_failed_for(&r, "\"1\"", "modified_since");
        attempts += 1;
        assert!(attempts < 50, "a fresh If-Unmodified-Since never passed");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    send(server.get("/documents/9"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

pub async fn range_is_206(server: &Server) {
    let doc = "/documents/42";
    let full = current(server, doc).await.body;
    let len = full.len();
    for (range, start, end) in [
        ("bytes=0-9", 0, 9),
        ("bytes=10-", 10, len - 1),
        ("bytes=-5", len - 5, len - 1),
        ("bytes=3-3", 3, 3),
        ("bytes=20-100000", 20, len - 1), // clamped to the end
    ] {
        let r = send(server.get(doc).header("Range", range)).await;
        assert_eq!(r.status, StatusCode::PARTIAL_CONTENT, "{range}: {r:?}");
        assert_eq!(
            r.expect_header("content-range"),
            format!("bytes {start}-{end}/{len}"),
            "{range}"
        );
        assert_eq!(r.body, full[start..=end], "{range}");
        assert_headers(
            &r,
            &[
                "accept-ranges",
                "cache-control",
                "content-range",
                "content-type",
                "etag",
                "last-modified",
            ],
        );
        assert_eq!(r.expect_header("content-type"), "application/json");
        assert_eq!(r.expect_header("etag"), SEED_ETAG);
        assert_eq!(r.expect_header("last-modified"), SEED_LAST_MODIFIED);
        assert_eq!(r.expect_header("accept-ranges"), "bytes");
    }
}

pub async fn unsatisfiable_range_is_416(server: &Server) {
    let doc = "/documents/42";
    let len = current(server, doc).await.body.len();
    for range in [format!("bytes={len}-"), "bytes=100000-200000".to_owned()] {
        let r = send(server.get(doc).header("Range", &range)).await;
        assert_eq!(
            r.status,
            StatusCode::RANGE_NOT_SATISFIABLE,
            "{range}: {r:?}"
        );
        assert_eq!(r.expect_header("content-range"), format!("bytes */{len}"));
        // The validators and Cache-Control of the 200 it stands for, and a JSON body that says
        // what to ask for instead.
        assert_headers(
            &r,
            &[
                "accept-ranges",
                "cache-control",
                "content-range",
                "etag",
                "last-modified",
                "content-type",
            ],
        );
        assert_eq!(r.expect_header("etag"), SEED_ETAG);
        assert_eq!(r.expect_header("content-type"), "application/json");
        let body = r.json();
        assert_eq!(body["error"], "range_not_satisfiable", "{body}");
        assert_eq!(body["length"], len, "{body}");
    }
}

pub async fn multiple_or_malformed_ranges_are_ignored(server: &Server) {
    let doc = "/documents/42";
    let full = current(server, doc).await.body;
    for range in [
        "bytes=0-1,3-4",
        "bytes=0-1, 5-",
        "bytes=x-y",
        "lines=1-2",
        "bytes=5-2",
    ] {
        let r = send(server.get(doc).header("Range", range)).await;
        assert_eq!(r.status, StatusCode::OK, "{range}: {r:?}");
        assert_eq!(r.body, full, "{range}");
        assert!(!r.has("content-range"), "{range}");
    }
    // Range applies to GET only.
    let r = send(
        server
            .put(doc, json!({"title": "Ranged"}))
            .header("If-Match", SEED_ETAG)
            .header("Range", "bytes=0-1"),
    )
    .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["title"], "Ranged");
}

pub async fn if_range_decides_between_206_and_200(server: &Server) {
    let doc = "/documents/42";
    let full = current(server, doc).await.body;
    let ranged = |if_range: &str| {
        server
            .get(doc)
            .header("Range", "bytes=0-4")
            .header("If-Range", if_range.to_owned())
    };
    // The representation the client holds is still current: the part it asks for.
    for matching in [SEED_ETAG, SEED_LAST_MODIFIED] {
        let r = send(ranged(matching)).await;
        assert_eq!(r.status, StatusCode::PARTIAL_CONTENT, "{matching}: {r:?}");
        assert_eq!(r.body, full[..5]);
    }
    // It changed (or the validator is weak, or the date is not exactly Last-Modified): the
    // whole representation, so the client does not splice parts of two versions.
    for mismatch in [
        "\"2\"",
        "W/\"1\"",
        "Thu, 02 Jan 2025 00:00:00 GMT",
        "garbage",
    ] {
        let r = send(ranged(mismatch)).await;
        assert_eq!(r.status, StatusCode::OK, "{mismatch}: {r:?}");
        assert_eq!(r.body, full, "{mismatch}");
    }
}

pub async fn concurrent_writers_lose_no_update(server: &Server) {
    // Every request here is a database round trip on one contended row: the full 64 x 100 runs
    // once, across two server processes, in tests/two_processes.rs.
    let outcome = writers_lose_no_update(&[server], "/documents/42", 16, 25, By::IfMatch).await;
    assert!(
        outcome.conflicts > 0,
        "the test did not exercise any conflict"
    );
}

/// Which precondition the writers of [`writers_lose_no_update`] protect their writes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// `If-Match` with the ETag read.
    IfMatch,
    /// `If-Unmodified-Since` with the `Last-Modified` read (even writers) or the `Date` of the
    /// read (odd writers): both kinds of client.
    IfUnmodifiedSince,
}

/// What [`writers_lose_no_update`] saw.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Writes refused with 412 (then re-fetched and retried).
    pub conflicts: u64,
    /// Answers 5xx (retried).
    pub unavailable: u64,
}

/// `writers` tasks, spread over `servers` (writer i talks to server i % n), each doing `cycles`
/// read-modify-write cycles on `doc`: read, increment its own counter in the text (a JSON
/// object), write with the precondition `by`, and on 412 re-fetch and retry. Asserts that no
/// update was lost: each writer always finds its own counter where it left it, the final
/// document has every counter at `cycles`, and its version is 1 + every successful write.
/// `doc` must be at version 1, its text absent or `{}`.
pub async fn writers_lose_no_update(
    servers: &[&Server],
    doc: &str,
    writers: u64,
    cycles: u64,
    by: By,
) -> Outcome {
    let mut tasks = Vec::new();
    for writer in 0..writers {
        let server = servers[writer as usize % servers.len()];
        let client = server.client.clone();
        let doc = server.url(doc);
        tasks.push(tokio::spawn(async move {
            let mut outcome = Outcome::default();
            for cycle in 0..cycles {
                loop {
                    let r = send(client.get(&doc)).await;
                    if r.status.is_server_error() {
                        outcome.unavailable += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        continue;
                    }
                    r.assert_status(StatusCode::OK);
                    let current = r.json();
                    // The "modification": increment this writer's own counter, kept in the
                    // text as a JSON object. A lost update would lose an increment.
                    let mut counts: serde_json::Map<String, Value> =
                        serde_json::from_str(current["text"].as_str().unwrap_or("{}"))
                            .expect("the counters");
                    let mine = counts.get(&writer.to_string()).and_then(Value::as_u64);
                    assert_eq!(mine.unwrap_or(0), cycle, "writer {writer} lost an update");
                    counts.insert(writer.to_string(), json!(cycle + 1));
                    let text = Value::Object(counts).to_string();
                    let (name, value) = match by {
                        By::IfMatch => ("If-Match", r.expect_header("etag")),
                        By::IfUnmodifiedSince if writer % 2 == 0 => {
                            ("If-Unmodified-Since", r.expect_header("last-modified"))
                        }
                        By::IfUnmodifiedSince => ("If-Unmodified-Since", r.expect_header("date")),
                    };
                    let r = send(
                        client
                            .put(&doc)
                            .header(name, value.to_owned())
                            .json(&json!({"title": "contended", "text": text})),
                    )
                    .await;
                    match r.status {
                        StatusCode::OK => break,
                        StatusCode::PRECONDITION_FAILED => outcome.conflicts += 1,
                        status if status.is_server_error() => outcome.unavailable += 1,
                        _ => panic!("unexpected {r:?}"),
                    }
                    if by == By::IfUnmodifiedSince {
                        // Dates have whole seconds: no use asking again within this one.
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                }
            }
            outcome
        }));
    }
    let mut outcome = Outcome::default();
    for task in tasks {
        let writer = task.await.expect("a writer panicked");
        outcome.conflicts += writer.conflicts;
        outcome.unavailable += writer.unavailable;
    }

    let final_doc = current(servers[0], doc).await.json();
    assert_eq!(final_doc["version"], 1 + writers * cycles, "{final_doc}");
    let counts: serde_json::Map<String, Value> =
        serde_json::from_str(final_doc["text"].as_str().expect("text")).expect("the counters");
    assert_eq!(counts.len() as u64, writers);
    for writer in 0..writers {
        assert_eq!(
            counts[&writer.to_string()],
            cycles,
            "writer {writer} lost updates"
        );
    }
    eprintln!(
        "{writers} writers x {cycles} cycles ({by:?}) over {} servers: {} stale writes got 412 \
         and retried, {} answers were 5xx",
        servers.len(),
        outcome.conflicts,
        outcome.unavailable
    );
    outcome
}
