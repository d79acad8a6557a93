//! `#[conditional]` handlers served by axum through `tower::ServiceExt::oneshot`: every status
//! a conditional request can get, and proof that the handler body does not run when the
//! request is rejected.
#![cfg(feature = "axum")]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Json, Path, State};
use axum::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LOCATION, CONTENT_RANGE, CONTENT_TYPE, ETAG,
    LAST_MODIFIED, VARY,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use precond::axum::{Rejected, Tagged};
use precond::{Rejection, Versioned, conditional};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower::ServiceExt;

// ---------------------------------------------------------------------------------------------
// The application

#[derive(Clone, Debug, Serialize, Versioned)]
struct Document {
    id: u64,
    title: String,
    #[versioned(version)]
    version: u64,
    #[serde(skip)]
    #[versioned(last_modified, skip)]
    modified: SystemTime,
}

#[derive(Deserialize)]
struct Update {
    title: String,
}

/// Wed, 01 Jan 2025 00:00:00 GMT: when document 1 was last written.
const MODIFIED_SECS: u64 = 1_735_689_600;
const MODIFIED: &str = "Wed, 01 Jan 2025 00:00:00 GMT";
const BEFORE: &str = "Tue, 31 Dec 2024 23:59:59 GMT";
const AFTER: &str = "Wed, 01 Jan 2025 00:00:01 GMT";

/// The id whose loading fails (a store that is down).
const BROKEN: u64 = 500;

/// An in-memory store with compare-and-swap writes, counting how often a handler body ran.
#[derive(Default)]
struct Store {
    documents: Mutex<BTreeMap<u64, Document>>,
    body_runs: AtomicUsize,
    /// When set, another writer gets in between the check and the next write.
    race_next_write: AtomicBool,
}

/// The store is unavailable: answered 503 by the error's own response.
#[derive(Debug)]
struct StoreDown;

impl IntoResponse for StoreDown {
    fn into_response(self) -> Response {
        (StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response()
    }
}

impl Store {
    fn with_document() -> Arc<Store> {
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

    fn get(&self, id: u64) -> Option<Document> {
        self.lock().get(&id).cloned()
    }

    async fn fetch(&self, id: u64) -> Result<Option<Document>, StoreDown> {
        if id == BROKEN {
            return Err(StoreDown);
        }
        Ok(self.get(id))
    }

    fn ran(&self) {
        self.body_runs.fetch_add(1, Ordering::SeqCst);
    }

    fn runs(&self) -> usize {
        self.body_runs.load(Ordering::SeqCst)
    }

    /// Writes if the stored version is still `expected` (`None`: absent); otherwise the
    /// rejection carries the state that won. Returns the new document and whether it was
    /// created.
    fn put_if(
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

    fn delete_if(&self, id: u64, expected: u64) -> Result<(), Rejection> {
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

type AppState = Arc<Store>;

/// GET and HEAD: 200 with validators, 304 for a fresh copy, 404 when absent; the declared
/// headers go on 200 and 304.
#[conditional(
    cache_control = "no-cache",
    vary = "Accept-Encoding",
    content_location = format!("/documents/{id}")
)]
async fn get_document(
    State(store): State<AppState>,
    Path(id): Path<u64>,
    #[current(store.fetch(id).await)] current: Option<Document>,
) -> Result<Tagged<Document>, StatusCode> {
    store.ran();
    let doc = current.ok_or(StatusCode::NOT_FOUND)?;
    Ok(Tagged::new(doc))
}

/// PUT: requires a precondition; creates with `If-None-Match: *`; compare-and-swap write.
#[conditional(require = "If-Match | If-Unmodified-Since | If-None-Match")]
async fn put_document(
    State(store): State<AppState>,
    Path(id): Path<u64>,
    #[current(store.get(id))] current: Option<Document>,
    Json(update): Json<Update>,
) -> Result<Tagged<Document>, Rejected> {
    store.ran();
    let expected = current.map(|doc| doc.version);
    let (doc, created) = store.put_if(id, expected, update.title)?;
    Ok(if created {
        Tagged::created(doc)
    } else {
        Tagged::new(doc)
    })
}

/// DELETE: requires `If-Match`.
#[conditional(require = "If-Match")]
async fn delete_document(
    State(store): State<AppState>,
    Path(id): Path<u64>,
    #[current(store.get(id))] current: Option<Document>,
) -> Result<StatusCode, Rejected> {
    store.ran();
    let Some(doc) = current else {
        return Ok(StatusCode::NOT_FOUND);
    };
    store.delete_if(id, doc.version)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The extractor form: the document is a parameter, extracted by axum (404 when absent).
#[conditional]
async fn get_by_extractor(
    State(store): State<AppState>,
    #[current] doc: Document,
) -> Tagged<Document> {
    store.ran();
    Tagged::new(doc)
}

impl FromRequestParts<AppState> for Document {
    type Rejection = StatusCode;

    async fn from_request_parts(
        parts: &mut Parts,
        store: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<u64>::from_request_parts(parts, store)
            .await
            .map_err(|_| StatusCode::BAD_REQUEST)?;
        store.get(id).ok_or(StatusCode::NOT_FOUND)
    }
}

/// An `impl IntoResponse` return type and a plain text body: the current validators are
/// stamped on the 200.
#[conditional]
async fn get_title(
    State(store): State<AppState>,
    Path(id): Path<u64>,
    #[current(store.get(id).ok_or(StatusCode::NOT_FOUND))] current: Document,
) -> impl IntoResponse {
    store.ran();
    current.title
}

fn app(store: &AppState) -> Router {
    Router::new()
        .route(
            "/documents/{id}",
            get(get_document).put(put_document).delete(delete_document),
        )
        .route("/by-extractor/{id}", get(get_by_extractor))
        .route("/titles/{id}", get(get_title))
        .with_state(store.clone())
}

// ---------------------------------------------------------------------------------------------
// The client

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: axum::http::HeaderName) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header"))
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8 body")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

async fn send(
    store: &AppState,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    json: Option<Value>,
) -> Answer {
    let mut builder = Request::builder().method(method).uri(uri);
    for &(name, value) in headers {
        builder = builder.header(name, value);
    }
    let body = match json {
        Some(json) => {
            builder = builder.header(CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = app(store)
        .oneshot(builder.body(body).expect("request"))
        .await
        .expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

async fn get_doc(store: &AppState, headers: &[(&str, &str)]) -> Answer {
    send(store, Method::GET, "/documents/1", headers, None).await
}

async fn put_doc(store: &AppState, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let body = json!({"title": "Changed"});
    send(store, Method::PUT, uri, headers, Some(body)).await
}

const JSON_V3: &str = r#"{"id":1,"title":"First","version":3}"#;

// ---------------------------------------------------------------------------------------------
// GET and HEAD

#[tokio::test]
async fn get_200_with_validators_and_declared_headers() {
    let store = Store::with_document();
    let answer = get_doc(&store, &[]).await;
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

#[tokio::test]
async fn get_304_via_if_none_match_keeps_declared_headers() {
    let store = Store::with_document();
    for if_none_match in ["\"3\"", "W/\"3\"", "\"1\", \"3\"", "*"] {
        let answer = get_doc(&store, &[("if-none-match", if_none_match)]).await;
        assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{if_none_match}");
        assert_eq!(answer.header(ETAG), Some("\"3\""));
        assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
        assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
        assert_eq!(answer.header(VARY), Some("Accept-Encoding"));
        assert_eq!(answer.header(CONTENT_LOCATION), Some("/documents/1"));
        assert!(answer.body.is_empty());
    }
    assert_eq!(store.runs(), 0, "the body must not run on 304");

    // A stale tag: the full 200.
    let answer = get_doc(&store, &[("if-none-match", "\"2\"")]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(store.runs(), 1);
}

#[tokio::test]
async fn get_304_via_if_modified_since() {
    let store = Store::with_document();
    for date in [MODIFIED, AFTER] {
        let answer = get_doc(&store, &[("if-modified-since", date)]).await;
        assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{date}");
        assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
        assert_eq!(answer.header(VARY), Some("Accept-Encoding"));
        assert!(answer.body.is_empty());
    }
    assert_eq!(store.runs(), 0);
    // Modified since: 200.
    let answer = get_doc(&store, &[("if-modified-since", BEFORE)]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), JSON_V3);
    // If-None-Match takes precedence over If-Modified-Since (RFC 9110 §13.2.2).
    let answer = get_doc(
        &store,
        &[("if-none-match", "\"2\""), ("if-modified-since", AFTER)],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn head_200_and_304() {
    let store = Store::with_document();
    let answer = send(&store, Method::HEAD, "/documents/1", &[], None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(answer.header(ACCEPT_RANGES), Some("bytes"));
    assert!(answer.body.is_empty());

    let answer = send(
        &store,
        Method::HEAD,
        "/documents/1",
        &[("if-none-match", "\"3\"")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
    assert_eq!(store.runs(), 1);
}

#[tokio::test]
async fn get_404_from_the_handler() {
    let store = Store::with_document();
    // Preconditions on a missing resource are ignored for GET: the handler answers 404.
    for headers in [&[][..], &[("if-none-match", "*")], &[("if-match", "\"3\"")]] {
        let answer = send(&store, Method::GET, "/documents/2", headers, None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{headers:?}");
        assert_eq!(answer.header(ETAG), None);
        assert_eq!(answer.header(CACHE_CONTROL), None);
    }
    assert_eq!(store.runs(), 3);
}

#[tokio::test]
async fn load_error_is_answered_by_its_response() {
    let store = Store::with_document();
    let answer = send(&store, Method::GET, "/documents/500", &[], None).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.text(), "store unavailable");
    assert_eq!(store.runs(), 0, "the body must not run when loading fails");

    // `Result<R, E>` loaded into a plain `R` parameter: the error is the 404.
    let answer = send(&store, Method::GET, "/titles/9", &[], None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(store.runs(), 0);
}

#[tokio::test]
async fn extractor_form_and_impl_into_response() {
    let store = Store::with_document();
    let answer = send(&store, Method::GET, "/by-extractor/1", &[], None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(answer.text(), JSON_V3);
    let answer = send(
        &store,
        Method::GET,
        "/by-extractor/1",
        &[("if-none-match", "\"3\"")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    let answer = send(&store, Method::GET, "/by-extractor/2", &[], None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(store.runs(), 1);

    // A plain body gets the current validators stamped, but no Accept-Ranges.
    let answer = send(&store, Method::GET, "/titles/1", &[], None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(answer.header(ACCEPT_RANGES), None);
    assert_eq!(answer.text(), "First");
    let answer = send(
        &store,
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

#[tokio::test]
async fn put_200_with_if_match() {
    let store = Store::with_document();
    let answer = put_doc(&store, "/documents/1", &[("if-match", "\"3\"")]).await;
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

/// The `modified` of every write in `Store::put_if`: a minute after `MODIFIED`.
const AFTER_WRITE: &str = "Wed, 01 Jan 2025 00:01:00 GMT";

#[tokio::test]
async fn put_412_with_current_etag_and_json_body() {
    let store = Store::with_document();
    let answer = put_doc(&store, "/documents/1", &[("if-match", "\"2\"")]).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
    let body = answer.json();
    let keys: Vec<&str> = body
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["current_etag", "error", "message"]);
    assert_eq!(body["error"], "precondition_failed");
    assert_eq!(body["current_etag"], "\"3\"");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(store.runs(), 0, "the body must not run on 412");
    assert_eq!(store.get(1).map(|d| d.title), Some("First".into()));
}

#[tokio::test]
async fn put_428_without_precondition() {
    let store = Store::with_document();
    for uri in ["/documents/1", "/documents/2"] {
        let answer = put_doc(&store, uri, &[]).await;
        assert_eq!(answer.status, StatusCode::PRECONDITION_REQUIRED, "{uri}");
        assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
        assert_eq!(answer.header(CACHE_CONTROL), Some("no-store"));
        let body = answer.json();
        assert_eq!(body["error"], "precondition_required");
        let message = body["message"].as_str().unwrap_or_default();
        for field in ["If-Match", "If-Unmodified-Since", "If-None-Match: *"] {
            assert!(message.contains(field), "{message}");
        }
    }
    assert_eq!(store.runs(), 0, "the body must not run on 428");
}

#[tokio::test]
async fn put_with_if_unmodified_since() {
    let store = Store::with_document();
    // Modified after the client's date: 412.
    let answer = put_doc(&store, "/documents/1", &[("if-unmodified-since", BEFORE)]).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(answer.json()["current_etag"], "\"3\"");
    assert_eq!(store.runs(), 0);
    // Not modified since: the write goes through.
    let answer = put_doc(&store, "/documents/1", &[("if-unmodified-since", MODIFIED)]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ETAG), Some("\"4\""));
    assert_eq!(store.runs(), 1);
    // An invalid date is no precondition at all: 428.
    let answer = put_doc(
        &store,
        "/documents/1",
        &[("if-unmodified-since", "yesterday")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_REQUIRED);
}

#[tokio::test]
async fn put_if_none_match_star_creates_once() {
    let store = Store::with_document();
    let answer = put_doc(&store, "/documents/2", &[("if-none-match", "*")]).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.header(ETAG), Some("\"1\""));
    assert_eq!(
        answer.json(),
        json!({"id": 2, "title": "Changed", "version": 1})
    );
    assert_eq!(store.runs(), 1);

    let answer = put_doc(&store, "/documents/2", &[("if-none-match", "*")]).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), Some("\"1\""));
    assert_eq!(answer.json()["current_etag"], "\"1\"");
    assert_eq!(
        store.runs(),
        1,
        "the body must not run when the resource exists"
    );

    // If-Match on a missing resource: 412 with no current tag.
    let answer = put_doc(&store, "/documents/3", &[("if-match", "\"1\"")]).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), None);
    assert_eq!(answer.json()["current_etag"], Value::Null);
}

#[tokio::test]
async fn put_that_loses_the_race_after_the_check_is_412() {
    let store = Store::with_document();
    store.race_next_write.store(true, Ordering::SeqCst);
    let answer = put_doc(&store, "/documents/1", &[("if-match", "\"3\"")]).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), Some("\"4\""));
    assert_eq!(answer.json()["current_etag"], "\"4\"");
    assert_eq!(store.runs(), 1);
    assert_eq!(store.get(1).map(|d| d.title), Some("Someone else's".into()));
}

#[tokio::test]
async fn delete_with_if_match() {
    let store = Store::with_document();
    let answer = send(&store, Method::DELETE, "/documents/1", &[], None).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_REQUIRED);
    let answer = send(
        &store,
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
        &store,
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
        &store,
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

#[tokio::test]
async fn range_206() {
    let store = Store::with_document();
    let len = JSON_V3.len();
    for (range, start, end) in [
        ("bytes=0-4", 0, 4),
        ("bytes=10-", 10, len - 1),
        ("bytes=-3", len - 3, len - 1),
        ("bytes=0-99999", 0, len - 1),
    ] {
        let answer = get_doc(&store, &[("range", range)]).await;
        assert_eq!(answer.status, StatusCode::PARTIAL_CONTENT, "{range}");
        let content_range = format!("bytes {start}-{end}/{len}");
        assert_eq!(answer.header(CONTENT_RANGE), Some(&*content_range));
        assert_eq!(answer.header(ETAG), Some("\"3\""));
        assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
        assert_eq!(answer.text(), &JSON_V3[start..=end]);
    }
}

#[tokio::test]
async fn range_416() {
    let store = Store::with_document();
    let len = JSON_V3.len();
    for range in [format!("bytes={len}-"), "bytes=-0".into()] {
        let answer = get_doc(&store, &[("range", &range)]).await;
        assert_eq!(answer.status, StatusCode::RANGE_NOT_SATISFIABLE, "{range}");
        let expected = format!("bytes */{len}");
        assert_eq!(answer.header(CONTENT_RANGE), Some(&*expected));
        assert!(answer.body.is_empty());
    }
}

#[tokio::test]
async fn range_ignored() {
    let store = Store::with_document();
    for headers in [
        &[("range", "bytes=0-1, 4-5")][..],
        &[("range", "bytes=5-1")],
        &[("range", "lines=1-2")],
        &[("range", "bytes=0-1"), ("range", "bytes=2-3")],
    ] {
        let answer = get_doc(&store, headers).await;
        assert_eq!(answer.status, StatusCode::OK, "{headers:?}");
        assert_eq!(answer.header(CONTENT_RANGE), None);
        assert_eq!(answer.text(), JSON_V3);
    }
    // HEAD and PUT: never a range.
    let answer = send(
        &store,
        Method::HEAD,
        "/documents/1",
        &[("range", "bytes=0-1")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let answer = put_doc(
        &store,
        "/documents/1",
        &[("if-match", "\"3\""), ("range", "bytes=0-1")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(CONTENT_RANGE), None);
}

#[tokio::test]
async fn if_range() {
    let store = Store::with_document();
    for if_range in ["\"3\"", MODIFIED] {
        let answer = get_doc(&store, &[("range", "bytes=1-4"), ("if-range", if_range)]).await;
        assert_eq!(answer.status, StatusCode::PARTIAL_CONTENT, "{if_range}");
        assert_eq!(answer.text(), &JSON_V3[1..=4]);
    }
    for if_range in ["\"2\"", "W/\"3\"", BEFORE, "garbage"] {
        let answer = get_doc(&store, &[("range", "bytes=1-4"), ("if-range", if_range)]).await;
        assert_eq!(answer.status, StatusCode::OK, "{if_range}");
        assert_eq!(answer.header(CONTENT_RANGE), None);
        assert_eq!(answer.text(), JSON_V3);
    }
}
