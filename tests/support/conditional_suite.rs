//! `#[conditional]` handlers driven in process: every status a conditional request can get, and
//! proof that the handler body does not run when the request is rejected. One suite for every
//! framework: a test file serves the routes below with its framework's handlers, implements
//! [`App`] (send a [`Request`], read the [`Answer`]) and calls [`conditional_suite!`] with its
//! test attribute (its runtime) and the app's constructor, e.g.
//!
//! ```ignore
//! #[macro_use]
//! #[path = "support/conditional_suite.rs"]
//! mod conditional_suite;
//! conditional_suite!(#[tokio::test] AxumApp::new);
//! ```
//!
//! What the suite expects of an app: a fresh [`Store::with_document`] (document 1, [`JSON_V3`],
//! ETag `"3"`, last modified [`MODIFIED`]) behind these routes, each handler calling
//! [`Store::ran`] first thing in its body:
//! - `GET` and `HEAD /documents/{id}`: `#[conditional(cache_control = "no-cache", vary =
//!   "Accept-Encoding", content_location = format!("/documents/{id}"))]`, the document loaded
//!   by `#[current(store.fetch(id).await)]` into an `Option<Document>` ([`StoreDown`] is
//!   answered 503 with the body `store unavailable`); 404 with the body `no such document` when
//!   absent, else `Tagged::new(doc)`.
//! - `PUT /documents/{id}`: `#[conditional(require = "If-Match | If-Unmodified-Since |
//!   If-None-Match")]`, `#[current(store.get(id))]` into an `Option<Document>`, a JSON
//!   [`Update`] body; [`Store::put_if`] with the current version, answered `Tagged::created` or
//!   `Tagged::new`, its rejection through `Rejected`.
//! - `DELETE /documents/{id}`: `#[conditional(require = "If-Match")]`, `#[current(store.get(id))]`
//!   into an `Option<Document>`; 404 when absent, else [`Store::delete_if`] and 204.
//! - `GET /by-extractor/{id}`: `#[conditional]` with `#[current] doc: Document`, the document
//!   extracted by the framework (400 when the id is not a number, 404 when absent);
//!   `Tagged::new(doc)`.
//! - `GET /titles/{id}`: `#[conditional]`, `#[current(store.get(id).ok_or(..))]` into a plain
//!   `Document` (the error: 404 with the body `no such title`), returning the title as an
//!   opaque `impl IntoResponse` / `impl Responder`.
//!
//! Every test builds its own app, so that each one begins from the seed.

#![allow(dead_code)] // each test binary uses the whole suite, but rustc checks per module

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LOCATION, CONTENT_RANGE, CONTENT_TYPE, ETAG,
    LAST_MODIFIED, VARY,
};
pub use http::{Method, StatusCode};
use precond::{Rejection, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// One test per case of this module, each with the attribute `#[$test]` (the framework's
/// runtime: `#[tokio::test]`, `#[actix_web::test]`) against a fresh app from `$new()`.
#[macro_export]
macro_rules! conditional_suite {
    (#[$test:meta] $new:path) => {
        $crate::conditional_suite!(@cases #[$test] $new;
            get_200_with_validators_and_declared_headers,
            get_304_via_if_none_match_keeps_declared_headers,
            get_304_via_if_modified_since,
            head_200_and_304,
            get_404_from_the_handler,
            load_error_is_answered_by_its_response,
            extractor_form_and_opaque_return_type,
            put_200_with_if_match,
            put_412_with_current_etag_and_json_body,
            put_428_without_precondition,
            put_with_if_unmodified_since,
            put_if_none_match_star_creates_once,
            put_that_loses_the_race_after_the_check_is_412,
            put_with_a_body_that_does_not_parse,
            delete_with_if_match,
            range_206,
            range_416,
            range_ignored,
            if_range,
        );
    };
    (@cases #[$test:meta] $new:path; $($case:ident),* $(,)?) => {
        $(
            #[$test]
            async fn $case() {
                $crate::conditional_suite::$case(&$new()).await;
            }
        )*
    };
}

// ---------------------------------------------------------------------------------------------
// The application's data, the same for every framework

#[derive(Clone, Debug, Serialize, Versioned)]
pub struct Document {
    pub id: u64,
    pub title: String,
    #[versioned(version)]
    pub version: u64,
    #[serde(skip)]
    #[versioned(last_modified, skip)]
    pub modified: SystemTime,
}

/// The body of a PUT.
#[derive(Deserialize)]
pub struct Update {
    pub title: String,
}

/// Wed, 01 Jan 2025 00:00:00 GMT: when document 1 was last written.
pub const MODIFIED_SECS: u64 = 1_735_689_600;
pub const MODIFIED: &str = "Wed, 01 Jan 2025 00:00:00 GMT";
pub const BEFORE: &str = "Tue, 31 Dec 2024 23:59:59 GMT";
pub const AFTER: &str = "Wed, 01 Jan 2025 00:00:01 GMT";

/// The `modified` of every write in `Store::put_if`: a minute after `MODIFIED`.
pub const AFTER_WRITE: &str = "Wed, 01 Jan 2025 00:01:00 GMT";

/// Document 1 as the seed has it, serialized.
pub const JSON_V3: &str = r#"{"id":1,"title":"First","version":3}"#;

/// The id whose loading fails (a store that is down).
pub const BROKEN: u64 = 500;

/// An in-memory store with compare-and-swap writes, counting how often a handler body ran.
#[derive(Default)]
pub struct Store {
    documents: Mutex<BTreeMap<u64, Document>>,
    body_runs: AtomicUsize,
    /// When set, another writer gets in between the check and the next write.
    pub race_next_write: AtomicBool,
}

/// The store is unavailable: each app answers it 503 by the error's own response, whose body
/// is this `Display`.
#[derive(Debug)]
pub struct StoreDown;

impl fmt::Display for StoreDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("store unavailable")
    }
}

impl Store {
    pub fn with_document() -> Arc<Store> {
        let store = Store::default();
        store.lock().insert(
            1,
            Document {
                id: 1,
                title: "First".into(),
                version: 3,
                modified: UNIX_EPOCH + Duration::from_millis(MODIFIED_SECS * 1000 + 400),
            },
        );
        Arc::new(store)
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, Document>> {
        self.documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, id: u64) -> Option<Document> {
        self.lock().get(&id).cloned()
    }

    pub async fn fetch(&self, id: u64) -> Result<Option<Document>, StoreDown> {
        if id == BROKEN {
            return Err(StoreDown);
        }
        Ok(self.get(id))
    }

    pub fn ran(&self) {
        self.body_runs.fetch_add(1, Ordering::SeqCst);
    }

    pub fn runs(&self) -> usize {
        self.body_runs.load(Ordering::SeqCst)
    }

    /// Writes if the stored version is still `expected` (`None`: absent); otherwise the
    /// rejection carries the state that won. Returns the new document and whether it was
    /// created.
    pub fn put_if(
        &self,
        id: u64,
        expected: Option<u64>,
        title: String,
    ) -> Result<(Document, bool), Rejection> {
        let mut documents = self.lock();
        if self.race_next_write.swap(false, Ordering::SeqCst)
            && let Some(doc) = documents.get_mut(&id)
        {
            doc.version += 1;
            doc.title = "Someone else's".into();
        }
        let stored = documents.get(&id);
        if stored.map(|d| d.version) != expected {
            return Err(Rejection::precondition_failed(
                stored.map(Versioned::validators).as_ref(),
            ));
        }
        let doc = Document {
            id,
            title,
            version: expected.map_or(1, |v| v + 1),
            modified: UNIX_EPOCH + Duration::from_secs(MODIFIED_SECS + 60),
        };
        documents.insert(id, doc.clone());
        Ok((doc, expected.is_none()))
    }

    pub fn delete_if(&self, id: u64, expected: u64) -> Result<(), Rejection> {
        let mut documents = self.lock();
        let stored = documents.get(&id);
        if stored.map(|d| d.version) != Some(expected) {
            return Err(Rejection::precondition_failed(
                stored.map(Versioned::validators).as_ref(),
            ));
        }
        documents.remove(&id);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The framework-neutral client

#[path = "exchange.rs"]
mod exchange;
pub use exchange::{Answer, Request};

/// An app serving the routes of this suite (see the module's documentation).
pub trait App {
    /// Whether a response to HEAD comes back from [`App::send`] without its body. axum's
    /// `Router` drops it itself; actix-web leaves that to its HTTP server (the body is the
    /// GET's, left out on the wire), so `actix_web::test` sees the GET's body.
    const STRIPS_HEAD_BODIES: bool;

    /// The store behind the app's handlers.
    fn store(&self) -> &Store;

    /// Sends `request` through the app, in process, and reads the whole response.
    fn send(&self, request: Request<'_>) -> impl Future<Output = Answer>;
}

pub async fn send(
    app: &impl App,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    json: Option<Value>,
) -> Answer {
    let mut request_headers: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|&(name, value)| (name, value.as_bytes()))
        .collect();
    let body = match json {
        Some(json) => {
            request_headers.push(("content-type", b"application/json"));
            json.to_string().into_bytes()
        }
        None => Vec::new(),
    };
    app.send(Request {
        method,
        path: uri,
        headers: request_headers,
        body,
    })
    .await
}

pub async fn get_doc(app: &impl App, headers: &[(&str, &str)]) -> Answer {
    send(app, Method::GET, "/documents/1", headers, None).await
}

pub async fn put_doc(app: &impl App, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let body = json!({"title": "Changed"});
    send(app, Method::PUT, uri, headers, Some(body)).await
}

// ---------------------------------------------------------------------------------------------
// GET and HEAD

pub async fn get_200_with_validators_and_declared_headers(app: &impl App) {
    let store = app.store();
    let answer = get_doc(app, &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
    assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
    assert_eq!(answer.header(VARY), Some("Accept-Encoding"));
    assert_eq!(answer.header(CONTENT_LOCATION), Some("/documents/1"));
    assert_eq!(answer.header(ACCEPT_RANGES), Some("bytes"));
    assert_eq!(answer.text(), JSON_V3);
    assert_eq!(store.runs(), 1);
}

pub async fn get_304_via_if_none_match_keeps_declared_headers(app: &impl App) {
    let store = app.store();
    for if_none_match in ["\"3\"", "W/\"3\"", "\"1\", \"3\"", "*"] {
        let answer = get_doc(app, &[("if-none-match", if_none_match)]).await;
        assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{if_none_match}");
        assert_eq!(answer.header(ETAG), Some("\"3\""));
        assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
        assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
        assert_eq!(answer.header(VARY), Some("Accept-Encoding"));
        assert_eq!(answer.header(CONTENT_LOCATION), Some("/documents/1"));
        assert_eq!(answer.header(CONTENT_TYPE), None);
        assert!(answer.body.is_empty());
    }
    assert_eq!(store.runs(), 0, "the body must not run on 304");

    // A stale tag: the full 200.
    let answer = get_doc(app, &[("if-none-match", "\"2\"")]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(store.runs(), 1);
}

pub async fn get_304_via_if_modified_since(app: &impl App) {
    let store = app.store();
    for date in [MODIFIED, AFTER] {
        let answer = get_doc(app, &[("if-modified-since", date)]).await;
        assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{date}");
        assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
        assert_eq!(answer.header(VARY), Some("Accept-Encoding"));
        assert!(answer.body.is_empty());
    }
    assert_eq!(store.runs(), 0);
    // Modified since: 200.
    let answer = get_doc(app, &[("if-modified-since", BEFORE)]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), JSON_V3);
    // If-None-Match takes precedence over If-Modified-Since (RFC 9110 §13.2.2).
    let answer = get_doc(
        app,
        &[("if-none-match", "\"2\""), ("if-modified-since", AFTER)],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
}

pub async fn head_200_and_304<A: App>(app: &A) {
    let store = app.store();
    let answer = send(app, Method::HEAD, "/documents/1", &[], None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(answer.header(ACCEPT_RANGES), Some("bytes"));
    // A framework difference (see `App::STRIPS_HEAD_BODIES`): axum's Router drops the body
    // itself; under actix-web it is the GET's, which its HTTP server leaves out on the wire.
    if A::STRIPS_HEAD_BODIES {
        assert!(answer.body.is_empty());
    } else {
        assert_eq!(answer.text(), JSON_V3);
    }

    let answer = send(
        app,
        Method::HEAD,
        "/documents/1",
        &[("if-none-match", "\"3\"")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
    assert!(answer.body.is_empty());
    assert_eq!(store.runs(), 1);
}

pub async fn get_404_from_the_handler(app: &impl App) {
    let store = app.store();
    // Preconditions on a missing resource are ignored for GET: the handler answers 404.
    for headers in [&[][..], &[("if-none-match", "*")], &[("if-match", "\"3\"")]] {
        let answer = send(app, Method::GET, "/documents/2", headers, None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{headers:?}");
        assert_eq!(answer.header(ETAG), None);
        assert_eq!(answer.header(CACHE_CONTROL), None);
        assert_eq!(answer.text(), "no such document");
    }
    assert_eq!(store.runs(), 3);
}

pub async fn load_error_is_answered_by_its_response(app: &impl App) {
    let store = app.store();
    // `Result<Option<Document>, StoreDown>`, `StoreDown` a response of its own (axum's
    // `IntoResponse`, actix-web's `ResponseError`).
    let answer = send(app, Method::GET, "/documents/500", &[], None).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.text(), "store unavailable");
    assert_eq!(answer.header(CACHE_CONTROL), None);
    // Even with a precondition that would have been decided: the load comes first.
    let answer = send(
        app,
        Method::GET,
        "/documents/500",
        &[("if-none-match", "*")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(store.runs(), 0, "the body must not run when loading fails");

    // `Result<R, E>` loaded into a plain `R` parameter: the error is the 404.
    let answer = send(app, Method::GET, "/titles/9", &[], None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.text(), "no such title");
    assert_eq!(store.runs(), 0);
}

/// The extractor form, and an opaque return type (`impl IntoResponse`, `impl Responder`).
pub async fn extractor_form_and_opaque_return_type(app: &impl App) {
    let store = app.store();
    let answer = send(app, Method::GET, "/by-extractor/1", &[], None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(answer.text(), JSON_V3);
    let answer = send(
        app,
        Method::GET,
        "/by-extractor/1",
        &[("if-none-match", "\"3\"")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    // The extractor's own error: the handler is not called.
    let answer = send(app, Method::GET, "/by-extractor/2", &[], None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = send(app, Method::GET, "/by-extractor/x", &[], None).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(store.runs(), 1);

    // A plain body gets the current validators stamped, but no Accept-Ranges.
    let answer = send(app, Method::GET, "/titles/1", &[], None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(answer.header(ACCEPT_RANGES), None);
    assert_eq!(answer.text(), "First");
    let answer = send(
        app,
        Method::GET,
        "/titles/1",
        &[("if-modified-since", MODIFIED)],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(store.runs(), 2);
}

// ---------------------------------------------------------------------------------------------
// PUT and DELETE

pub async fn put_200_with_if_match(app: &impl App) {
    let store = app.store();
    let answer = put_doc(app, "/documents/1", &[("if-match", "\"3\"")]).await;
    assert_eq!(answer.status, StatusCode::OK);
    // The new validators, from the returned Tagged value.
    assert_eq!(answer.header(ETAG), Some("\"4\""));
    assert_eq!(answer.header(LAST_MODIFIED), Some(AFTER_WRITE));
    assert_eq!(answer.header(ACCEPT_RANGES), None);
    assert_eq!(
        answer.json(),
        json!({"id": 1, "title": "Changed", "version": 4})
    );
    assert_eq!(store.get(1).map(|d| d.version), Some(4));
}

pub async fn put_412_with_current_etag_and_json_body(app: &impl App) {
    let store = app.store();
    let answer = put_doc(app, "/documents/1", &[("if-match", "\"2\"")]).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
    let body = answer.json();
    let keys: Vec<&str> = body
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["current_etag", "error", "message", "reason"]);
    assert_eq!(body["error"], "precondition_failed");
    assert_eq!(body["current_etag"], "\"3\"");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(store.runs(), 0, "the body must not run on 412");
    assert_eq!(store.get(1).map(|d| d.title), Some("First".into()));
}

pub async fn put_428_without_precondition(app: &impl App) {
    let store = app.store();
    for uri in ["/documents/1", "/documents/2"] {
        let answer = put_doc(app, uri, &[]).await;
        assert_eq!(answer.status, StatusCode::PRECONDITION_REQUIRED, "{uri}");
        assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
        assert_eq!(answer.header(CACHE_CONTROL), Some("no-store"));
        assert_eq!(answer.header(ETAG), None);
        let body = answer.json();
        assert_eq!(body["error"], "precondition_required");
        let message = body["message"].as_str().unwrap_or_default();
        for field in ["If-Match", "If-Unmodified-Since", "If-None-Match: *"] {
            assert!(message.contains(field), "{message}");
        }
    }
    assert_eq!(store.runs(), 0, "the body must not run on 428");
}

pub async fn put_with_if_unmodified_since(app: &impl App) {
    let store = app.store();
    // Modified after the client's date: 412.
    let answer = put_doc(app, "/documents/1", &[("if-unmodified-since", BEFORE)]).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(answer.json()["current_etag"], "\"3\"");
    assert_eq!(store.runs(), 0);
    // Not modified since: the write goes through.
    let answer = put_doc(app, "/documents/1", &[("if-unmodified-since", MODIFIED)]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ETAG), Some("\"4\""));
    assert_eq!(store.runs(), 1);
    // An invalid date is no precondition at all: 428.
    let answer = put_doc(app, "/documents/1", &[("if-unmodified-since", "yesterday")]).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_REQUIRED);
}

pub async fn put_if_none_match_star_creates_once(app: &impl App) {
    let store = app.store();
    let answer = put_doc(app, "/documents/2", &[("if-none-match", "*")]).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.header(ETAG), Some("\"1\""));
    assert_eq!(
        answer.json(),
        json!({"id": 2, "title": "Changed", "version": 1})
    );
    assert_eq!(store.runs(), 1);

    let answer = put_doc(app, "/documents/2", &[("if-none-match", "*")]).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), Some("\"1\""));
    assert_eq!(answer.json()["current_etag"], "\"1\"");
    assert_eq!(
        store.runs(),
        1,
        "the body must not run when the resource exists"
    );

    // If-Match on a missing resource: 412 with no current tag.
    let answer = put_doc(app, "/documents/3", &[("if-match", "\"1\"")]).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), None);
    assert_eq!(answer.json()["current_etag"], Value::Null);
}

pub async fn put_that_loses_the_race_after_the_check_is_412(app: &impl App) {
    let store = app.store();
    store.race_next_write.store(true, Ordering::SeqCst);
    let answer = put_doc(app, "/documents/1", &[("if-match", "\"3\"")]).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), Some("\"4\""));
    assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
    assert_eq!(answer.json()["current_etag"], "\"4\"");
    assert_eq!(store.runs(), 1);
    assert_eq!(store.get(1).map(|d| d.title), Some("Someone else's".into()));
}

pub async fn put_with_a_body_that_does_not_parse(app: &impl App) {
    let store = app.store();
    // The JSON extractor fails before the handler: 400, nothing checked, nothing run.
    let answer = send(
        app,
        Method::PUT,
        "/documents/1",
        &[("if-match", "\"3\""), ("content-type", "application/json")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(store.runs(), 0);
}

pub async fn delete_with_if_match(app: &impl App) {
    let store = app.store();
    let answer = send(app, Method::DELETE, "/documents/1", &[], None).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_REQUIRED);
    let answer = send(
        app,
        Method::DELETE,
        "/documents/1",
        &[("if-match", "\"2\"")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(store.runs(), 0);

    let answer = send(
        app,
        Method::DELETE,
        "/documents/1",
        &[("if-match", "\"3\"")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(answer.header(ETAG), None);
    assert!(answer.body.is_empty());
    assert!(store.get(1).is_none());
    assert_eq!(store.runs(), 1);

    // Gone: If-Match cannot hold.
    let answer = send(
        app,
        Method::DELETE,
        "/documents/1",
        &[("if-match", "\"3\"")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(store.runs(), 1);
}

// ---------------------------------------------------------------------------------------------
// Ranges

pub async fn range_206(app: &impl App) {
    let len = JSON_V3.len();
    for (range, start, end) in [
        ("bytes=0-4", 0, 4),
        ("bytes=10-", 10, len - 1),
        ("bytes=-3", len - 3, len - 1),
        ("bytes=0-99999", 0, len - 1),
    ] {
        let answer = get_doc(app, &[("range", range)]).await;
        assert_eq!(answer.status, StatusCode::PARTIAL_CONTENT, "{range}");
        let content_range = format!("bytes {start}-{end}/{len}");
        assert_eq!(answer.header(CONTENT_RANGE), Some(&*content_range));
        assert_eq!(answer.header(ETAG), Some("\"3\""));
        assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
        assert_eq!(answer.text(), &JSON_V3[start..=end]);
    }
}

pub async fn range_416(app: &impl App) {
    let len = JSON_V3.len();
    for range in [format!("bytes={len}-"), "bytes=-0".into()] {
        let answer = get_doc(app, &[("range", &range)]).await;
        assert_eq!(answer.status, StatusCode::RANGE_NOT_SATISFIABLE, "{range}");
        let expected = format!("bytes */{len}");
        assert_eq!(answer.header(CONTENT_RANGE), Some(&*expected));
        assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
        let body = answer.json();
        assert_eq!(body["error"], "range_not_satisfiable", "{body}");
        assert_eq!(body["length"], len, "{body}");
    }
}

pub async fn range_ignored(app: &impl App) {
    for headers in [
        &[("range", "bytes=0-1, 4-5")][..],
        &[("range", "bytes=5-1")],
        &[("range", "lines=1-2")],
        &[("range", "bytes=0-1"), ("range", "bytes=2-3")],
    ] {
        let answer = get_doc(app, headers).await;
        assert_eq!(answer.status, StatusCode::OK, "{headers:?}");
        assert_eq!(answer.header(CONTENT_RANGE), None);
        assert_eq!(answer.text(), JSON_V3);
    }
    // HEAD and PUT: never a range.
    let answer = send(
        app,
        Method::HEAD,
        "/documents/1",
        &[("range", "bytes=0-1")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(CONTENT_RANGE), None);
    let answer = put_doc(
        app,
        "/documents/1",
        &[("if-match", "\"3\""), ("range", "bytes=0-1")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(CONTENT_RANGE), None);
}

pub async fn if_range(app: &impl App) {
    for if_range in ["\"3\"", MODIFIED] {
        let answer = get_doc(app, &[("range", "bytes=1-4"), ("if-range", if_range)]).await;
        assert_eq!(answer.status, StatusCode::PARTIAL_CONTENT, "{if_range}");
        assert_eq!(answer.text(), &JSON_V3[1..=4]);
    }
    for if_range in ["\"2\"", "W/\"3\"", BEFORE, "garbage"] {
        let answer = get_doc(app, &[("range", "bytes=1-4"), ("if-range", if_range)]).await;
        assert_eq!(answer.status, StatusCode::OK, "{if_range}");
        assert_eq!(answer.header(CONTENT_RANGE), None);
        assert_eq!(answer.text(), JSON_V3);
    }
}
