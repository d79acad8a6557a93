//! `precond::axum::{RequirePreconditionsLayer, ShallowEtagLayer}` on real axum servers on
//! loopback, driven with reqwest: the 428s per method, path pattern and exemption; the
//! preconditions that let a write through; shallow tags and 304s; what is left untouched
//! (existing tags, `no-store`, large and streaming bodies, non-2xx); garbage headers; the order
//! with tower-http's compression layer; and a `#[conditional]` handler behind both layers.
#![cfg(feature = "axum")]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use http_body::{Frame, SizeHint};
use precond::adopt::RequireRules;
use precond::axum::{Rejected, RequirePreconditionsLayer, ShallowEtagLayer, Tagged};
use precond::{ETag, Rejection, Requirement, Versioned, conditional};
use reqwest::Method;
use tower_http::compression::CompressionLayer;

// ---------------------------------------------------------------------------------------------
// Harness

/// Serves `app` on 127.0.0.1 at an ephemeral port; returns the base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    format!("http://{address}")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// One exchange: the status, the headers, and the whole body.
struct Exchange {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

async fn send(base: &str, method: &str, path: &str, headers: &[(&str, &[u8])]) -> Exchange {
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = client().request(method, format!("{base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, HeaderValue::from_bytes(value).expect("header value"));
    }
    let response = request.send().await.expect("send");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body");
    Exchange {
        status,
        headers,
        body,
    }
}

async fn fetch(base: &str, path: &str, headers: &[(&str, &[u8])]) -> Exchange {
    send(base, "GET", path, headers).await
}

/// How many times a handler ran.
#[derive(Clone, Default)]
struct Runs(Arc<AtomicUsize>);

impl Runs {
    fn ran(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// The engine's 428 body for `requirement`: what every 428 of the layer must carry.
fn engine_428(requirement: Requirement) -> String {
    Rejection::precondition_required(requirement)
        .body()
        .unwrap_or_default()
}

fn assert_428(exchange: &Exchange, requirement: Requirement) {
    assert_eq!(exchange.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(exchange.headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(exchange.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(exchange.body, engine_428(requirement).as_bytes());
}

// ---------------------------------------------------------------------------------------------
// RequirePreconditionsLayer

/// Every method on every path answers "ran" and counts.
fn counting_app(runs: Runs) -> Router {
    Router::new()
        .route("/{*path}", any(handler_that_counts))
        .route("/", any(handler_that_counts))
        .with_state(runs)
}

async fn handler_that_counts(State(runs): State<Runs>) -> &'static str {
    runs.ran();
    "ran"
}

#[tokio::test]
async fn default_rules_require_a_precondition_of_put_patch_delete() {
    let runs = Runs::default();
    let base = serve(counting_app(runs.clone()).layer(RequirePreconditionsLayer::default())).await;
    for method in ["PUT", "PATCH", "DELETE"] {
        for path in ["/", "/documents/7", "/a/b/c?x=1"] {
            let exchange = send(&base, method, path, &[]).await;
            assert_428(&exchange, Requirement::LOST_UPDATE);
        }
    }
    assert_eq!(runs.count(), 0, "no handler ran for a 428");
    for method in ["GET", "HEAD", "POST", "OPTIONS", "PROPFIND"] {
        let exchange = send(&base, method, "/documents/7", &[]).await;
        assert_eq!(exchange.status, StatusCode::OK, "{method}");
    }
    assert_eq!(runs.count(), 5);
}

#[tokio::test]
async fn methods_patterns_and_exemptions() {
    let runs = Runs::default();
    let rules = RequireRules::new()
        .method("POST")
        .without_method("PATCH")
        .only("/documents/*")
        .only("/settings")
        .only("/users/{id}")
        .exempt("POST", "/documents/search")
        .exempt("DELETE", "/documents/drafts/{id}")
        .exempt_path("/documents/public/*");
    let base = serve(counting_app(runs.clone()).layer(RequirePreconditionsLayer::new(rules))).await;
    let table: &[(&str, &str, bool)] = &[
        // (method, path, 428?)
        ("POST", "/documents/7", true),
        ("POST", "/documents/", true),
        ("PUT", "/documents/7/comments/1", true),
        ("DELETE", "/documents/7", true),
        ("PATCH", "/documents/7", false), // removed from the methods
        ("POST", "/documents/search", false), // exempt for POST...
        ("PUT", "/documents/search", true), // ...only
        ("DELETE", "/documents/drafts/3", false),
        ("DELETE", "/documents/drafts/3/x", true), // `{id}` is one segment
        ("PUT", "/documents/public/a/b", false),   // every method
        ("DELETE", "/documents/public/", false),
        ("PUT", "/documents", false), // `/documents/*` needs the slash
        ("PUT", "/settings", true),
        ("PUT", "/settings/x", false),
        ("PUT", "/users/1", true),
        ("PUT", "/users/1/avatar", false),
        ("PUT", "/users/", false),
        ("PUT", "/elsewhere", false),
        ("GET", "/documents/7", false),
        ("PUT", "/Documents/7", false), // case-sensitive paths
        ("PUT", "/documents/7?only=query", true),
    ];
    for &(method, path, rejected) in table {
        let before = runs.count();
        let exchange = send(&base, method, path, &[]).await;
        if rejected {
            assert_428(&exchange, Requirement::LOST_UPDATE);
            assert_eq!(runs.count(), before, "{method} {path} ran");
        } else {
            assert_eq!(exchange.status, StatusCode::OK, "{method} {path}");
            assert_eq!(runs.count(), before + 1, "{method} {path} did not run");
        }
    }
}

#[tokio::test]
async fn each_acceptable_precondition_passes_untouched() {
    let runs = Runs::default();
    let base = serve(counting_app(runs.clone()).layer(RequirePreconditionsLayer::default())).await;
    let passes: &[(&str, &[u8])] = &[
        ("if-match", b"\"v1\""),
        ("if-match", b"*"),
        ("if-match", b"W/\"weak\", \"strong\""),
        ("if-match", b"garbage"), // the handler evaluates it (fail closed: 412)
        ("if-unmodified-since", b"Sun, 06 Nov 1994 08:49:37 GMT"),
        ("if-unmodified-since", b"Sunday, 06-Nov-94 08:49:37 GMT"),
        ("if-none-match", b"*"),
    ];
    for &(name, value) in passes {
        let before = runs.count();
        let exchange = send(&base, "PUT", "/documents/1", &[(name, value)]).await;
        assert_eq!(exchange.status, StatusCode::OK, "{name}: {value:?}");
        assert_eq!(exchange.body, "ran");
        assert_eq!(runs.count(), before + 1);
    }
    let refused: &[(&str, &[u8])] = &[
        ("if-unmodified-since", b"yesterday"),
        ("if-none-match", b"\"v1\""),
        ("if-modified-since", b"Sun, 06 Nov 1994 08:49:37 GMT"),
        ("if-range", b"\"v1\""),
        ("range", b"bytes=0-1"),
        ("x-if-match", b"\"v1\""),
    ];
    for &(name, value) in refused {
        let exchange = send(&base, "PATCH", "/documents/1", &[(name, value)]).await;
        assert_428(&exchange, Requirement::LOST_UPDATE);
    }
}

#[tokio::test]
async fn a_narrower_requirement_names_its_fields() {
    let base = serve(
        counting_app(Runs::default()).layer(RequirePreconditionsLayer::new(
            RequireRules::new().requirement(Requirement::IF_MATCH),
        )),
    )
    .await;
    let exchange = send(&base, "DELETE", "/x", &[("if-none-match", b"*")]).await;
    assert_428(&exchange, Requirement::IF_MATCH);
    let body = String::from_utf8_lossy(&exchange.body).into_owned();
    assert!(
        body.contains("If-Match") && !body.contains("If-None-Match"),
        "{body}"
    );
    let exchange = send(&base, "DELETE", "/x", &[("if-match", b"\"1\"")]).await;
    assert_eq!(exchange.status, StatusCode::OK);
}

/// `route_layer`: a path without a route gets its 404, not a 428; `layer`: the 428 comes first.
/// Either way a method without a route on a routed path meets the layer before axum's 405
/// (`Router::route_layer` wraps each path's whole method router).
#[tokio::test]
async fn route_layer_answers_404_before_428() {
    let routes = || {
        Router::new().route(
            "/documents/{id}",
            get(|| async { "doc" }).put(|| async { "put" }),
        )
    };
    let base = serve(routes().route_layer(RequirePreconditionsLayer::default())).await;
    let nowhere = send(&base, "PUT", "/nowhere", &[]).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_428(
        &send(&base, "PUT", "/documents/1", &[]).await,
        Requirement::LOST_UPDATE,
    );
    assert_428(
        &send(&base, "DELETE", "/documents/1", &[]).await,
        Requirement::LOST_UPDATE,
    );
    let with_precondition = send(&base, "DELETE", "/documents/1", &[("if-match", b"*")]).await;
    assert_eq!(with_precondition.status, StatusCode::METHOD_NOT_ALLOWED);

    let base = serve(routes().layer(RequirePreconditionsLayer::default())).await;
    assert_428(
        &send(&base, "PUT", "/nowhere", &[]).await,
        Requirement::LOST_UPDATE,
    );
}

// ---------------------------------------------------------------------------------------------
// ShallowEtagLayer

const JSON: &str = r#"{"id":7,"title":"Quarterly report","tags":["a","b"]}"#;
const MODIFIED: &str = "Wed, 01 Jan 2025 00:00:00 GMT";

/// The routes the shallow-tag tests use; each says what it returns.
fn shallow_app() -> Router {
    Router::new()
        // 200, JSON, with headers a 304 must keep and some it must drop.
        .route(
            "/report",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "application/json"),
                        (header::CACHE_CONTROL, "max-age=60"),
                        (header::VARY, "Accept-Language"),
                        (header::EXPIRES, "Thu, 01 Jan 2099 00:00:00 GMT"),
                        (header::CONTENT_LOCATION, "/report"),
                        (header::CONTENT_LANGUAGE, "en"),
                        (header::SET_COOKIE, "session=abc"),
                        (header::HeaderName::from_static("x-app"), "kept"),
                    ],
                    JSON,
                )
            }),
        )
        .route(
            "/dated",
            get(|| async { ([(header::LAST_MODIFIED, MODIFIED)], JSON) }),
        )
        .route(
            "/tagged",
            get(|| async { ([(header::ETAG, "\"v7\"")], JSON) }),
        )
        .route(
            "/weakly-tagged",
            get(|| async { ([(header::ETAG, "W/\"v7\"")], JSON) }),
        )
        .route(
            "/no-store",
            get(|| async { ([(header::CACHE_CONTROL, "private, no-store")], JSON) }),
        )
        .route("/created", get(|| async { (StatusCode::CREATED, JSON) }))
        .route("/missing", get(|| async { (StatusCode::NOT_FOUND, JSON) }))
        .route(
            "/broken",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, JSON) }),
        )
        .route(
            "/partial",
            get(|| async {
                (
                    StatusCode::PARTIAL_CONTENT,
                    [(header::CONTENT_RANGE, "bytes 0-3/50")],
                    "{\"id",
                )
            }),
        )
        .route("/empty", get(|| async { "" }))
        .route("/post", post(|| async { JSON }))
}

#[tokio::test]
async fn a_2xx_get_gets_the_strong_tag_of_its_bytes_and_a_304_keeps_the_right_headers() {
    let base = serve(shallow_app().layer(ShallowEtagLayer::new())).await;
    let first = fetch(&base, "/report", &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body, JSON);
    let etag = ETag::for_bytes(JSON.as_bytes());
    assert!(!etag.is_weak());
    assert_eq!(first.headers[header::ETAG], etag.to_header_value());
    assert_eq!(
        first.headers[header::CONTENT_LENGTH],
        JSON.len().to_string().as_str()
    );

    // The same tag, alone, in a list, weak (If-None-Match compares weakly), or `*`: 304.
    let weak = etag.clone().into_weak();
    let list = format!("\"other\", {etag}");
    for value in [etag.to_string(), list, weak.to_string(), "*".to_owned()] {
        let again = fetch(&base, "/report", &[("if-none-match", value.as_bytes())]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{value}");
        assert!(again.body.is_empty());
        let h = &again.headers;
        assert_eq!(h[header::ETAG], etag.to_header_value());
        assert_eq!(h[header::CACHE_CONTROL], "max-age=60");
        assert_eq!(h[header::VARY], "Accept-Language");
        assert_eq!(h[header::EXPIRES], "Thu, 01 Jan 2099 00:00:00 GMT");
        assert_eq!(h[header::CONTENT_LOCATION], "/report");
        assert_eq!(h[header::SET_COOKIE], "session=abc");
        assert_eq!(h["x-app"], "kept");
        assert!(h.contains_key(header::DATE));
        for dropped in [
            header::CONTENT_TYPE,
            header::CONTENT_LANGUAGE,
            header::CONTENT_LENGTH,
            header::TRANSFER_ENCODING,
        ] {
            assert!(!h.contains_key(&dropped), "{dropped} on a 304");
        }
    }

    // Another tag: the full 200.
    let stale = fetch(&base, "/report", &[("if-none-match", b"\"stale\"")]).await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.body, JSON);
    assert_eq!(stale.headers[header::ETAG], etag.to_header_value());

    // Other 2xx are tagged too; an empty body has a tag like any other.
    let created = fetch(&base, "/created", &[]).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.headers[header::ETAG], etag.to_header_value());
    let empty = fetch(&base, "/empty", &[]).await;
    assert_eq!(
        empty.headers[header::ETAG],
        ETag::for_bytes(b"").to_header_value()
    );
}

#[tokio::test]
async fn if_modified_since_against_the_responses_last_modified() {
    let base = serve(shallow_app().layer(ShallowEtagLayer::new())).await;
    let exchange = fetch(
        &base,
        "/dated",
        &[("if-modified-since", MODIFIED.as_bytes())],
    )
    .await;
    assert_eq!(exchange.status, StatusCode::NOT_MODIFIED);
    assert_eq!(exchange.headers[header::LAST_MODIFIED], MODIFIED);
    assert!(exchange.headers.contains_key(header::ETAG));
    let earlier = b"Tue, 31 Dec 2024 23:59:59 GMT";
    let exchange = fetch(&base, "/dated", &[("if-modified-since", earlier)]).await;
    assert_eq!(exchange.status, StatusCode::OK);
    // With If-None-Match, If-Modified-Since is ignored (RFC 9110 §13.1.3).
    let exchange = fetch(
        &base,
        "/dated",
        &[
            ("if-modified-since", MODIFIED.as_bytes()),
            ("if-none-match", b"\"stale\""),
        ],
    )
    .await;
    assert_eq!(exchange.status, StatusCode::OK);
}

#[tokio::test]
async fn an_existing_etag_is_kept_and_evaluated() {
    let base = serve(shallow_app().layer(ShallowEtagLayer::new())).await;
    let exchange = fetch(&base, "/tagged", &[]).await;
    assert_eq!(exchange.headers[header::ETAG], "\"v7\"");
    assert_eq!(exchange.body, JSON);
    let exchange = fetch(&base, "/tagged", &[("if-none-match", b"\"v7\"")]).await;
    assert_eq!(exchange.status, StatusCode::NOT_MODIFIED);
    assert_eq!(exchange.headers[header::ETAG], "\"v7\"");
    let exchange = fetch(&base, "/weakly-tagged", &[("if-none-match", b"\"v7\"")]).await;
    assert_eq!(exchange.status, StatusCode::NOT_MODIFIED);
    assert_eq!(exchange.headers[header::ETAG], "W/\"v7\"");
    let exchange = fetch(&base, "/tagged", &[("if-none-match", b"\"v8\"")]).await;
    assert_eq!(exchange.status, StatusCode::OK);
}

#[tokio::test]
async fn head_is_evaluated_only_against_a_tag_of_its_own() {
    let base = serve(shallow_app().layer(ShallowEtagLayer::new())).await;
    // No tag of its own: untouched (the body is gone, nothing to hash).
    let exchange = send(&base, "HEAD", "/report", &[]).await;
    assert_eq!(exchange.status, StatusCode::OK);
    assert!(!exchange.headers.contains_key(header::ETAG));
    assert!(exchange.body.is_empty());
    let tag = ETag::for_bytes(JSON.as_bytes()).to_string();
    let exchange = send(
        &base,
        "HEAD",
        "/report",
        &[("if-none-match", tag.as_bytes())],
    )
    .await;
    assert_eq!(exchange.status, StatusCode::OK);
    // Its own tag or date: evaluated.
    let exchange = send(&base, "HEAD", "/tagged", &[("if-none-match", b"\"v7\"")]).await;
    assert_eq!(exchange.status, StatusCode::NOT_MODIFIED);
    // RFC 9110 §8.6: a 304 carries no Content-Length, or the 200's (never axum's `0`).
    let full = send(&base, "GET", "/tagged", &[]).await;
    assert_eq!(full.status, StatusCode::OK);
    assert!(
        exchange
            .headers
            .get(header::CONTENT_LENGTH)
            .is_none_or(|length| Some(length) == full.headers.get(header::CONTENT_LENGTH)),
        "{:?}",
        exchange.headers
    );
    let exchange = send(
        &base,
        "HEAD",
        "/dated",
        &[("if-modified-since", MODIFIED.as_bytes())],
    )
    .await;
    assert_eq!(exchange.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn no_store_non_2xx_partial_and_other_methods_are_untouched() {
    let base = serve(shallow_app().layer(ShallowEtagLayer::new())).await;
    let tag = ETag::for_bytes(JSON.as_bytes()).to_string();
    for (path, status) in [
        ("/no-store", StatusCode::OK),
        ("/missing", StatusCode::NOT_FOUND),
        ("/broken", StatusCode::INTERNAL_SERVER_ERROR),
        ("/partial", StatusCode::PARTIAL_CONTENT),
    ] {
        for headers in [
            &[][..],
            &[("if-none-match", tag.as_bytes())],
            &[("if-none-match", b"*")],
        ] {
            let exchange = fetch(&base, path, headers).await;
            assert_eq!(exchange.status, status, "{path}");
            assert!(!exchange.headers.contains_key(header::ETAG), "{path}");
            assert!(!exchange.body.is_empty(), "{path}");
        }
    }
    let exchange = send(&base, "POST", "/post", &[("if-none-match", b"*")]).await;
    assert_eq!(exchange.status, StatusCode::OK);
    assert!(!exchange.headers.contains_key(header::ETAG));
}

#[tokio::test]
async fn bodies_above_the_maximum_are_untouched() {
    let app = Router::new()
        .route("/16", get(|| async { "0123456789abcdef" }))
        .route("/17", get(|| async { "0123456789abcdefg" }))
        .route(
            "/17-dated",
            get(|| async { ([(header::LAST_MODIFIED, MODIFIED)], "0123456789abcdefg") }),
        );
    let base = serve(app.layer(ShallowEtagLayer::new().max_size(16))).await;
    let exchange = fetch(&base, "/16", &[]).await;
    assert_eq!(
        exchange.headers[header::ETAG],
        ETag::for_bytes(b"0123456789abcdef").to_header_value()
    );
    let exchange = fetch(&base, "/17", &[("if-none-match", b"*")]).await;
    assert_eq!(exchange.status, StatusCode::OK);
    assert!(!exchange.headers.contains_key(header::ETAG));
    assert_eq!(exchange.body, "0123456789abcdefg");
    // Too large to tag, but its own Last-Modified still gets a 304.
    let exchange = fetch(
        &base,
        "/17-dated",
        &[("if-modified-since", MODIFIED.as_bytes())],
    )
    .await;
    assert_eq!(exchange.status, StatusCode::NOT_MODIFIED);
    assert!(!exchange.headers.contains_key(header::ETAG));
}

/// A body of unknown length: `chunks`, each ready at once or after a short sleep, then either
/// the end or, with `forever`, a wait that never ends.
struct Chunks {
    chunks: VecDeque<&'static str>,
    sleep_before_each: Option<Duration>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    forever: bool,
}

impl Chunks {
    fn ready(chunks: &[&'static str]) -> Self {
        Self {
            chunks: chunks.iter().copied().collect(),
            sleep_before_each: None,
            sleep: None,
            forever: false,
        }
    }

    fn slow(chunks: &[&'static str]) -> Self {
        Self {
            sleep_before_each: Some(Duration::from_millis(20)),
            ..Self::ready(chunks)
        }
    }

    fn then_forever(chunks: &[&'static str]) -> Self {
        Self {
            forever: true,
            ..Self::ready(chunks)
        }
    }
}

impl HttpBody for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if this.chunks.is_empty() {
            return if this.forever {
                Poll::Pending // never woken: the stream never ends
            } else {
                Poll::Ready(None)
            };
        }
        if let Some(duration) = this.sleep_before_each {
            let sleep = this
                .sleep
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(duration)));
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.sleep = None;
        }
        let chunk = this.chunks.pop_front().unwrap_or_default();
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(chunk.as_bytes())))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default() // unknown
    }
}

#[tokio::test]
async fn streams_are_never_held_back() {
    let app = Router::new()
        .route(
            "/forever",
            get(|| async { Body::new(Chunks::then_forever(&["first chunk"])) }),
        )
        .route(
            "/slow",
            get(|| async { Body::new(Chunks::slow(&["a", "b", "c"])) }),
        )
        .route(
            "/ready",
            get(|| async { Body::new(Chunks::ready(&["a", "b", "c"])) }),
        )
        .route(
            "/ready-but-long",
            get(|| async { Body::new(Chunks::ready(&["0123456789", "0123456789"])) }),
        )
        .route(
            "/tagged-forever",
            get(|| async {
                (
                    [(header::ETAG, "\"s1\"")],
                    Body::new(Chunks::then_forever(&["first"])),
                )
            }),
        );
    let base = serve(app.layer(ShallowEtagLayer::new().max_size(15))).await;

    // A stream that never ends: the headers and the first chunk arrive, untagged.
    for path in ["/forever", "/tagged-forever"] {
        let mut response = client()
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("headers arrive");
        assert_eq!(response.status(), StatusCode::OK);
        let first = tokio::time::timeout(Duration::from_secs(5), response.chunk())
            .await
            .expect("the first chunk arrives though the body never ends")
            .expect("chunk");
        assert!(first.is_some_and(|c| c.starts_with(b"first")), "{path}");
        if path == "/forever" {
            assert!(!response.headers().contains_key(header::ETAG));
        } else {
            assert_eq!(response.headers()[header::ETAG], "\"s1\"");
        }
    }
    // Its own tag is evaluated without reading the body: 304 at once.
    let exchange = fetch(&base, "/tagged-forever", &[("if-none-match", b"\"s1\"")]).await;
    assert_eq!(exchange.status, StatusCode::NOT_MODIFIED);

    // A stream that waits between chunks: untouched, complete.
    let exchange = fetch(&base, "/slow", &[("if-none-match", b"*")]).await;
    assert_eq!(exchange.status, StatusCode::OK);
    assert!(!exchange.headers.contains_key(header::ETAG));
    assert_eq!(exchange.body, "abc");

    // A body of unknown length that is all there: tagged like any other.
    let exchange = fetch(&base, "/ready", &[]).await;
    assert_eq!(
        exchange.headers[header::ETAG],
        ETag::for_bytes(b"abc").to_header_value()
    );
    let tag = exchange.headers[header::ETAG].as_bytes().to_vec();
    let exchange = fetch(&base, "/ready", &[("if-none-match", &tag)]).await;
    assert_eq!(exchange.status, StatusCode::NOT_MODIFIED);

    // ... unless it passes the maximum: then sent as it is, every byte.
    let exchange = fetch(&base, "/ready-but-long", &[]).await;
    assert!(!exchange.headers.contains_key(header::ETAG));
    assert_eq!(exchange.body, "01234567890123456789");
}

#[tokio::test]
async fn garbage_never_panics_nor_500s() {
    let app = shallow_app()
        .route("/doc", any(|| async { JSON }))
        .route(
            "/garbage-etag",
            get(|| async {
                (
                    [
                        (header::ETAG, HeaderValue::from_static("not-quoted")),
                        (header::LAST_MODIFIED, HeaderValue::from_static("yesterday")),
                    ],
                    JSON,
                )
            }),
        )
        .route(
            "/garbage-cache-control",
            get(|| async {
                (
                    [(
                        header::CACHE_CONTROL,
                        HeaderValue::from_bytes(b"\"no-store, ,=\xff\\")
                            .unwrap_or(HeaderValue::from_static("x")),
                    )],
                    JSON,
                )
            }),
        )
        .layer(ShallowEtagLayer::new())
        .layer(RequirePreconditionsLayer::default());
    let base = serve(app).await;
    let long_list = "\"x\", ".repeat(20_000);
    let values: Vec<&[u8]> = vec![
        b"",
        b"*",
        b"\"",
        b"W/",
        b"W/\"",
        b",,,,",
        b"\xff\xfe\x80",
        b"\"\xff\"",
        b"*, \"a\"",
        b"Sun, 06 Nov 1994 08:49:37 GMT",
        b"Sun, 99 Nov 99999 99:99:99 GMT",
        b"-1",
        long_list.as_bytes(),
    ];
    let names = [
        "if-match",
        "if-none-match",
        "if-modified-since",
        "if-unmodified-since",
        "if-range",
        "range",
        "cache-control",
    ];
    for path in [
        "/report",
        "/tagged",
        "/dated",
        "/garbage-etag",
        "/garbage-cache-control",
        "/doc",
    ] {
        for method in ["GET", "HEAD", "PUT", "DELETE"] {
            for name in names {
                for value in &values {
                    let exchange = send(&base, method, path, &[(name, value)]).await;
                    assert!(
                        [200, 304, 405, 428].contains(&exchange.status.as_u16()),
                        "{method} {path} {name}: {:?} → {}",
                        String::from_utf8_lossy(value),
                        exchange.status
                    );
                }
            }
        }
    }
    // A response's own garbage validators are left alone.
    let exchange = fetch(&base, "/garbage-etag", &[("if-none-match", b"*")]).await;
    assert_eq!(exchange.status, StatusCode::OK);
    assert_eq!(exchange.headers[header::ETAG], "not-quoted");
}

// ---------------------------------------------------------------------------------------------
// Compression

/// A body long and compressible enough for tower-http's default predicate.
fn long_text() -> String {
    "All work and no play makes Jack a dull boy. ".repeat(50)
}

fn compressible_app() -> Router {
    Router::new().route("/text", get(|| async { long_text() }))
}

async fn gzip_get(base: &str, extra: &[(&str, &[u8])]) -> Exchange {
    let mut headers = vec![("accept-encoding", &b"gzip"[..])];
    headers.extend_from_slice(extra);
    fetch(base, "/text", &headers).await
}

#[tokio::test]
async fn outside_compression_the_strong_tag_is_of_the_compressed_bytes() {
    let app = compressible_app()
        .layer(CompressionLayer::new())
        .layer(ShallowEtagLayer::new());
    let base = serve(app).await;

    let gzip = gzip_get(&base, &[]).await;
    assert_eq!(gzip.status, StatusCode::OK);
    assert_eq!(gzip.headers[header::CONTENT_ENCODING], "gzip");
    assert_ne!(gzip.body, long_text().as_bytes(), "compressed on the wire");
    let gzip_tag = gzip.headers[header::ETAG].clone();
    assert_eq!(gzip_tag, ETag::for_bytes(&gzip.body).to_header_value());
    assert!(!gzip_tag.as_bytes().starts_with(b"W/"));

    let identity = fetch(&base, "/text", &[]).await;
    assert!(!identity.headers.contains_key(header::CONTENT_ENCODING));
    let identity_tag = identity.headers[header::ETAG].clone();
    assert_eq!(
        identity_tag,
        ETag::for_bytes(long_text().as_bytes()).to_header_value()
    );
    assert_ne!(gzip_tag, identity_tag, "two encodings, two strong tags");

    // Revalidation of the gzip copy: 304, with the Vary the cache needs.
    let again = gzip_get(&base, &[("if-none-match", gzip_tag.as_bytes())]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers[header::ETAG], gzip_tag);
    assert!(again.body.is_empty());
    let vary = again.headers[header::VARY]
        .to_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(vary.contains("accept-encoding"), "{vary}");
    assert!(!again.headers.contains_key(header::CONTENT_ENCODING));
    // The identity tag does not revalidate the gzip bytes.
    let other = gzip_get(&base, &[("if-none-match", identity_tag.as_bytes())]).await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn inside_compression_a_strong_tag_would_be_wrong_and_weak_makes_it_safe() {
    // The wrong order: the layer hashes the bytes before compression...
    let app = compressible_app()
        .layer(ShallowEtagLayer::new())
        .layer(CompressionLayer::new());
    let base = serve(app).await;
    let gzip = gzip_get(&base, &[]).await;
    assert_eq!(gzip.headers[header::CONTENT_ENCODING], "gzip");
    let tag = gzip.headers[header::ETAG].clone();
    // ...so the gzip bytes carry the strong tag of the identity bytes: a false promise.
    assert_eq!(
        tag,
        ETag::for_bytes(long_text().as_bytes()).to_header_value()
    );
    assert_ne!(tag, ETag::for_bytes(&gzip.body).to_header_value());

    // With `.weak()`, the tag only claims the same content, which is true of both encodings,
    // and revalidation still works for both.
    let app = compressible_app()
        .layer(ShallowEtagLayer::new().weak())
        .layer(CompressionLayer::new());
    let base = serve(app).await;
    let gzip = gzip_get(&base, &[]).await;
    assert_eq!(gzip.headers[header::CONTENT_ENCODING], "gzip");
    let tag = gzip.headers[header::ETAG].clone();
    assert_eq!(
        tag,
        ETag::for_bytes(long_text().as_bytes())
            .into_weak()
            .to_header_value()
    );
    let identity = fetch(&base, "/text", &[]).await;
    assert_eq!(identity.headers[header::ETAG], tag);
    for accept in [&b"gzip"[..], b"identity"] {
        let again = fetch(
            &base,
            "/text",
            &[
                ("accept-encoding", accept),
                ("if-none-match", tag.as_bytes()),
            ],
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.body.is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// With #[conditional]

#[derive(Clone, serde::Serialize, Versioned)]
struct Document {
    title: String,
    #[versioned(version)]
    version: u64,
}

#[derive(Clone, Default)]
struct Store {
    document: Arc<Mutex<Option<Document>>>,
    runs: Runs,
}

impl Store {
    fn get(&self) -> Option<Document> {
        self.document
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[conditional]
async fn get_document(
    State(store): State<Store>,
    Path(_id): Path<u64>,
    #[current(store.get())] current: Option<Document>,
) -> Result<Tagged<Document>, StatusCode> {
    store.runs.ran();
    current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND)
}

#[conditional(require = "If-Match")]
async fn put_document(
    State(store): State<Store>,
    Path(_id): Path<u64>,
    #[current(store.get())] current: Option<Document>,
    title: String,
) -> Result<Tagged<Document>, Rejected> {
    store.runs.ran();
    let mut stored = store
        .document
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    match (stored.as_mut(), current) {
        (Some(document), Some(current)) if document.version == current.version => {
            document.title = title;
            document.version += 1;
            Ok(Tagged::new(document.clone()))
        }
        (document, _) => {
            let winner = document.map(|d| d.validators());
            Err(Rejection::precondition_failed(winner.as_ref()).into())
        }
    }
}

#[tokio::test]
async fn conditional_handlers_behind_both_layers() {
    let store = Store::default();
    *store
        .document
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = Some(Document {
        title: "Draft".into(),
        version: 1,
    });
    let app = Router::new()
        .route("/documents/{id}", get(get_document).put(put_document))
        .with_state(store.clone())
        .route_layer(RequirePreconditionsLayer::default())
        .layer(ShallowEtagLayer::new());
    let base = serve(app).await;

    // No precondition: the layer's 428, the handler never runs.
    let exchange = send(&base, "PUT", "/documents/1", &[]).await;
    assert_428(&exchange, Requirement::LOST_UPDATE);
    assert_eq!(store.runs.count(), 0);

    // A stale If-Match passes the layer and is evaluated by the handler: 412, body not run.
    let exchange = send(&base, "PUT", "/documents/1", &[("if-match", b"\"0\"")]).await;
    assert_eq!(exchange.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(exchange.headers[header::ETAG], "\"1\"");
    assert_eq!(store.runs.count(), 0);

    // The current one: the write happens.
    let exchange = send(&base, "PUT", "/documents/1", &[("if-match", b"\"1\"")]).await;
    assert_eq!(exchange.status, StatusCode::OK);
    assert_eq!(exchange.headers[header::ETAG], "\"2\"");
    assert_eq!(store.runs.count(), 1);

    // GET: the handler's own tag is kept by the shallow layer, and its 304 is the handler's
    // (the body does not run: a deep 304).
    let exchange = fetch(&base, "/documents/1", &[]).await;
    assert_eq!(exchange.headers[header::ETAG], "\"2\"");
    assert_eq!(store.runs.count(), 2);
    let exchange = fetch(&base, "/documents/1", &[("if-none-match", b"\"2\"")]).await;
    assert_eq!(exchange.status, StatusCode::NOT_MODIFIED);
    assert_eq!(store.runs.count(), 2);
}

/// An axum response type test: the layers keep working with handlers returning `Response`.
#[tokio::test]
async fn plain_responses_pass_through_both_layers() {
    let app = Router::new()
        .route(
            "/r",
            get(|| async { Response::new(Body::from("plain")) })
                .put(|| async { "put".into_response() }),
        )
        .route_layer(RequirePreconditionsLayer::default())
        .layer(ShallowEtagLayer::new());
    let base = serve(app).await;
    let exchange = fetch(&base, "/r", &[]).await;
    assert_eq!(exchange.body, "plain");
    assert_eq!(
        exchange.headers[header::ETAG],
        ETag::for_bytes(b"plain").to_header_value()
    );
    let exchange = send(&base, "PUT", "/r", &[("if-match", b"*")]).await;
    assert_eq!(exchange.body, "put");
    assert!(!exchange.headers.contains_key(header::ETAG));
}
