//! `precond::actix::{RequirePreconditions, ShallowEtag}` through a real actix-web `HttpServer`
//! on a loopback port, driven by reqwest: what a client sees on the wire.
//!
//! - `RequirePreconditions`: 428 (the engine's JSON body and headers) per method, path pattern
//!   and exemption; each acceptable precondition passes to the handler; a `#[conditional]`
//!   handler behind it evaluates what passes.
//! - `ShallowEtag`: the tag of the bytes on 2xx GET, 304 with the kept headers and no body,
//!   HEAD, a handler's own `ETag` and `Last-Modified`, `no-store`, the size limit, streams (one
//!   that never ends still delivers its first chunk: nothing is held back), non-2xx statuses.
//! - Garbage in request and response headers: never a panic, never a 500.
//! - Both orders with `actix_web::middleware::Compress`.
#![cfg(feature = "actix")]

use std::collections::VecDeque;
use std::error::Error as StdError;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::ServerHandle;
use actix_web::middleware::Compress;
use actix_web::web::{self, Bytes};
use actix_web::{App, HttpResponse, HttpServer, guard};
use precond::actix::{RequirePreconditions, ShallowEtag};
use precond::adopt::RequireRules;
use precond::{ETag, Rejection, Requirement};
use reqwest::{Client, Method, StatusCode};

// ---------------------------------------------------------------------------------------------
// The server and the client

/// A running server and a client for it. The server stops when this is dropped... explicitly,
/// with [`Server::stop`], since stopping is asynchronous.
struct Server {
    base: String,
    handle: ServerHandle,
    client: Client,
}

/// Starts an `HttpServer` (one worker) on 127.0.0.1 with an ephemeral port, for the `App` that
/// the expression builds (evaluated in the worker, like any actix-web app factory).
macro_rules! serve {
    ($app:expr) => {{
        let server = HttpServer::new(move || $app)
            .workers(1)
            .disable_signals()
            .bind(("127.0.0.1", 0))
            .expect("bind a loopback port");
        let address = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Server {
            base: format!("http://{address}"),
            handle,
            client: Client::builder()
                .timeout(Duration::from_secs(20))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a reqwest client"),
        }
    }};
}

impl Server {
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("the whole body");
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.request(Method::GET, path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request).await
    }

    async fn stop(self) {
        self.handle.stop(false).await;
    }
}

/// What the client got.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Bytes,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("a visible ASCII header value"))
    }

    fn etag(&self) -> Option<&str> {
        self.header("etag")
    }

    /// The header names, sorted.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.headers.keys().map(|n| n.to_string()).collect();
        names.sort();
        names.dedup();
        names
    }
}

/// The tag of `bytes` as it appears on the wire.
fn tag_of(bytes: &[u8]) -> String {
    ETag::for_bytes(bytes).to_string()
}

/// A body of unknown length: each chunk as soon as asked for, then the end.
struct ReadyStream(VecDeque<Bytes>);

impl MessageBody for ReadyStream {
    type Error = Box<dyn StdError>;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Poll::Ready(self.get_mut().0.pop_front().map(Ok))
    }
}

/// A body of unknown length that gives one chunk and then never another, nor its end (a
/// server-sent event stream, a slow producer).
struct Endless(Option<Bytes>);

impl MessageBody for Endless {
    type Error = Box<dyn StdError>;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        match self.get_mut().0.take() {
            Some(chunk) => Poll::Ready(Some(Ok(chunk))),
            None => Poll::Pending,
        }
    }
}

/// A body that gives its chunks one at a time, each after a `Pending` (a producer that is
/// never ready at once but always soon), announcing `size`; then, if `fail`, an error.
struct Trickle {
    size: BodySize,
    chunks: VecDeque<Bytes>,
    ready: bool,
    fail: bool,
}

impl Trickle {
    fn new(size: BodySize, chunks: &[&'static str], fail: bool) -> Self {
        Self {
            size,
            chunks: chunks
                .iter()
                .map(|c| Bytes::from_static(c.as_bytes()))
                .collect(),
            ready: false,
            fail,
        }
    }
}

impl MessageBody for Trickle {
    type Error = Box<dyn StdError>;

    fn size(&self) -> BodySize {
        self.size
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let this = self.get_mut();
        if !this.ready {
            this.ready = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        this.ready = false;
        match this.chunks.pop_front() {
            Some(chunk) => Poll::Ready(Some(Ok(chunk))),
            None if this.fail => {
                this.fail = false;
                Poll::Ready(Some(Err("the producer failed".into())))
            }
            None => Poll::Ready(None),
        }
    }
}

const JSON: &str = r#"{"id":7,"title":"Draft","tags":["a","b"]}"#;

/// A route for both GET and HEAD (actix-web routes HEAD only where asked).
fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

// ---------------------------------------------------------------------------------------------
// RequirePreconditions

/// Counts the requests that reached the handlers.
#[derive(Clone, Default)]
struct Hits(Arc<AtomicUsize>);

impl Hits {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

fn counting(hits: &Hits, status: u16) -> actix_web::Route {
    let hits = hits.clone();
    web::route().to(move || {
        hits.0.fetch_add(1, Ordering::SeqCst);
        let status = actix_web::http::StatusCode::from_u16(status).unwrap_or_default();
        async move { HttpResponse::build(status).body("handled") }
    })
}

/// The 428 as the engine makes it for `requirement`: status, body, and the headers that
/// `Rejection::headers` lists.
fn assert_428(answer: &Answer, requirement: Requirement, context: &str) {
    let expected = Rejection::precondition_required(requirement);
    assert_eq!(
        answer.status,
        StatusCode::PRECONDITION_REQUIRED,
        "{context}"
    );
    assert_eq!(
        std::str::from_utf8(&answer.body).ok(),
        expected.body().as_deref(),
        "{context}"
    );
    for (name, value) in expected.headers() {
        assert_eq!(
            answer.headers.get(name.as_str()).map(|v| v.as_bytes()),
            Some(value.as_bytes()),
            "{context}: {name}"
        );
    }
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.header("cache-control"), Some("no-store"));
}

#[actix_web::test]
async fn require_answers_428_to_each_default_method_and_passes_the_others() {
    let hits = Hits::default();
    let server = {
        let hits = hits.clone();
        serve!(
            App::new()
                .default_service(counting(&hits, 200))
                .wrap(RequirePreconditions::default())
        )
    };
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let answer = server
            .send(server.request(method.clone(), "/documents/7").body("{}"))
            .await;
        assert_428(&answer, Requirement::LOST_UPDATE, method.as_str());
    }
    assert_eq!(hits.count(), 0, "no handler ran for a 428");
    for method in [Method::GET, Method::HEAD, Method::POST, Method::OPTIONS] {
        let answer = server
            .send(server.request(method.clone(), "/documents/7"))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{method}");
    }
    assert_eq!(hits.count(), 4);
    server.stop().await;
}

#[actix_web::test]
async fn require_passes_each_acceptable_precondition_and_no_other() {
    let hits = Hits::default();
    let server = {
        let hits = hits.clone();
        serve!(
            App::new()
                .default_service(counting(&hits, 204))
                .wrap(RequirePreconditions::default())
        )
    };
    let acceptable: &[(&str, &str)] = &[
        ("if-match", "\"3\""),
        ("if-match", "W/\"3\""), // fails later, in the handler's evaluation: not the layer's job
        ("if-match", "*"),
        ("if-match", "\"a\", \"b\""),
        ("if-unmodified-since", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("if-unmodified-since", "Sunday, 06-Nov-94 08:49:37 GMT"),
        ("if-none-match", "*"),
    ];
    for (i, (name, value)) in acceptable.iter().enumerate() {
        let answer = server
            .send(
                server
                    .request(Method::PUT, "/documents/7")
                    .header(*name, *value),
            )
            .await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{name}: {value}");
        assert_eq!(hits.count(), i + 1, "the handler ran for {name}: {value}");
    }
    let not_acceptable: &[(&str, &str)] = &[
        ("if-unmodified-since", "yesterday"),
        ("if-none-match", "\"3\""),
        ("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("if-range", "\"3\""),
        ("range", "bytes=0-1"),
        ("x-if-match", "\"3\""),
    ];
    for (name, value) in not_acceptable {
        let answer = server
            .send(
                server
                    .request(Method::DELETE, "/documents/7")
                    .header(*name, *value),
            )
            .await;
        assert_428(&answer, Requirement::LOST_UPDATE, name);
    }
    assert_eq!(hits.count(), acceptable.len());
    server.stop().await;
}

#[actix_web::test]
async fn require_follows_methods_path_patterns_and_exemptions() {
    let hits = Hits::default();
    let server = {
        let hits = hits.clone();
        serve!(
            App::new()
                .default_service(counting(&hits, 200))
                .wrap(RequirePreconditions::new(
                    RequireRules::new()
                        .method("POST")
                        .without_method("PATCH")
                        .requirement(Requirement::IF_MATCH)
                        .only("/documents/*")
                        .only("/settings")
                        .exempt("POST", "/documents/import")
                        .exempt("DELETE", "/documents/{id}/draft")
                        .exempt_path("/documents/cache/*"),
                ))
        )
    };
    let table: &[(Method, &str, bool)] = &[
        (Method::POST, "/documents/7/publish", true),
        (Method::POST, "/documents/", true),
        (Method::PUT, "/settings", true),
        (Method::PUT, "/settings/", false), // `/settings` is exact
        (Method::PUT, "/documents", false), // `/documents/*` needs the slash
        (Method::PUT, "/other", false),
        (Method::PATCH, "/documents/7", false), // no longer a required method
        (Method::POST, "/documents/import", false),
        (Method::PUT, "/documents/import", true), // exempt for POST only
        (Method::DELETE, "/documents/7/draft", false),
        (Method::DELETE, "/documents/7/final", true),
        (Method::DELETE, "/documents/cache/all", false), // every method
        (Method::PUT, "/documents/cache/x/y", false),
        (Method::PUT, "/documents/7?x=/settings", true), // the query is not the path
        (Method::GET, "/documents/7", false),
    ];
    for (method, path, rejected) in table {
        let answer = server.send(server.request(method.clone(), path)).await;
        let context = format!("{method} {path}");
        if *rejected {
            assert_428(&answer, Requirement::IF_MATCH, &context);
        } else {
            assert_eq!(answer.status, StatusCode::OK, "{context}");
        }
    }
    // `If-None-Match: *` was acceptable under LOST_UPDATE, not under IF_MATCH alone.
    let answer = server
        .send(
            server
                .request(Method::PUT, "/settings")
                .header("if-none-match", "*"),
        )
        .await;
    assert_428(&answer, Requirement::IF_MATCH, "If-None-Match: *");
    let answer = server
        .send(
            server
                .request(Method::PUT, "/settings")
                .header("if-match", "*"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    server.stop().await;
}

#[actix_web::test]
async fn require_around_a_scope_matches_the_whole_path() {
    let hits = Hits::default();
    let server = {
        let hits = hits.clone();
        serve!(
            App::new()
                .service(
                    web::scope("/api")
                        .wrap(RequirePreconditions::new(
                            RequireRules::new().exempt_path("/api/sessions/*"),
                        ))
                        .default_service(counting(&hits, 200)),
                )
                .default_service(counting(&hits, 200))
        )
    };
    let answer = server.send(server.request(Method::PUT, "/api/x")).await;
    assert_428(&answer, Requirement::LOST_UPDATE, "inside the scope");
    let answer = server
        .send(server.request(Method::DELETE, "/api/sessions/1"))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "exempt by its whole path");
    let answer = server.send(server.request(Method::PUT, "/elsewhere")).await;
    assert_eq!(answer.status, StatusCode::OK, "outside the scope");
    server.stop().await;
}

mod conditional_handler {
    use std::sync::Mutex;

    use actix_web::web;
    use precond::Versioned;
    use precond::actix::{Tagged, conditional};

    #[derive(Clone, serde::Serialize, Versioned)]
    pub struct Counter {
        #[versioned(version)]
        pub value: u64,
    }

    pub struct Store(pub Mutex<Counter>);

    impl Store {
        pub fn current(&self) -> Counter {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
        }
    }

    /// Evaluates `If-Match` (and the rest) against the counter's version, then increments it.
    #[conditional]
    pub async fn increment(
        store: web::Data<Store>,
        #[current(store.current())] current: Counter,
    ) -> Tagged<Counter> {
        let mut counter = store.0.lock().unwrap_or_else(|e| e.into_inner());
        counter.value = current.value + 1;
        Tagged::new(counter.clone())
    }
}

#[actix_web::test]
async fn a_conditional_handler_behind_require_evaluates_what_passes() {
    use conditional_handler::{Counter, Store, increment};
    let store = web::Data::new(Store(std::sync::Mutex::new(Counter { value: 0 })));
    let server = {
        let store = store.clone();
        serve!(
            App::new()
                .app_data(store.clone())
                .route("/counter", web::put().to(increment))
                .wrap(RequirePreconditions::default())
        )
    };
    // No precondition: the middleware's 428; the handler does not run.
    let answer = server.send(server.request(Method::PUT, "/counter")).await;
    assert_428(&answer, Requirement::LOST_UPDATE, "no If-Match");
    assert_eq!(store.current().value, 0);
    // The current tag: the handler evaluates it, and increments.
    let answer = server
        .send(
            server
                .request(Method::PUT, "/counter")
                .header("if-match", "\"0\""),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.etag(), Some("\"1\""));
    assert_eq!(store.current().value, 1);
    // A stale tag passes the middleware (it has no validators) and fails in the handler: 412
    // with the current tag.
    let answer = server
        .send(
            server
                .request(Method::PUT, "/counter")
                .header("if-match", "\"0\""),
        )
        .await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.etag(), Some("\"1\""));
    assert_eq!(store.current().value, 1);
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// ShallowEtag

#[actix_web::test]
async fn shallow_tags_2xx_get_with_the_hash_of_the_bytes_sent() {
    let server = serve!(
        App::new()
            .route(
                "/json",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(JSON)
                }),
            )
            .route(
                "/created",
                web::get().to(|| async { HttpResponse::Created().body("made") }),
            )
            .route(
                "/empty",
                web::get().to(|| async { HttpResponse::Ok().finish() }),
            )
            .route(
                "/json-extractor",
                web::get().to(|| async { web::Json(serde_json::json!({ "a": [1, 2, 3] })) }),
            )
            .wrap(ShallowEtag::new())
    );
    let answer = server.get("/json", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, JSON);
    assert_eq!(answer.etag(), Some(tag_of(JSON.as_bytes()).as_str()));
    assert!(
        !answer.etag().unwrap_or_default().starts_with("W/"),
        "strong"
    );
    assert_eq!(
        answer.header("content-length"),
        Some(JSON.len().to_string().as_str())
    );
    assert_eq!(answer.header("content-type"), Some("application/json"));

    let answer = server.get("/created", &[]).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.etag(), Some(tag_of(b"made").as_str()));

    let answer = server.get("/empty", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.etag(), Some(tag_of(b"").as_str()));

    let answer = server.get("/json-extractor", &[]).await;
    assert_eq!(answer.etag(), Some(tag_of(&answer.body).as_str()));
    assert_eq!(answer.body, r#"{"a":[1,2,3]}"#);
    server.stop().await;
}

#[actix_web::test]
async fn shallow_answers_304_with_the_kept_headers_and_no_body() {
    let server = serve!(
        App::new()
            .route(
                "/doc",
                get_or_head().to(|| async {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .insert_header(("cache-control", "max-age=60"))
                        .insert_header(("vary", "accept-language"))
                        .insert_header(("expires", "Thu, 01 Dec 2044 16:00:00 GMT"))
                        .insert_header(("content-location", "/doc.json"))
                        .insert_header(("content-language", "en"))
                        .insert_header(("x-request-id", "42"))
                        .append_header(("set-cookie", "a=1"))
                        .append_header(("set-cookie", "b=2"))
                        .body(JSON)
                }),
            )
            .wrap(ShallowEtag::new())
    );
    let full = server.get("/doc", &[]).await;
    let etag = full.etag().expect("a tag").to_owned();
    let weak = format!("W/{etag}");
    let list = format!("\"x\", {etag}");
    for value in [etag.as_str(), weak.as_str(), list.as_str(), "*"] {
        let answer = server.get("/doc", &[("if-none-match", value)]).await;
        assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{value}");
        assert!(answer.body.is_empty());
        assert_eq!(answer.etag(), Some(etag.as_str()));
        assert_eq!(answer.header("cache-control"), Some("max-age=60"));
        assert_eq!(answer.header("vary"), Some("accept-language"));
        assert_eq!(
            answer.header("expires"),
            Some("Thu, 01 Dec 2044 16:00:00 GMT")
        );
        assert_eq!(answer.header("content-location"), Some("/doc.json"));
        assert_eq!(answer.header("x-request-id"), Some("42"));
        let cookies: Vec<_> = answer.headers.get_all("set-cookie").iter().collect();
        assert_eq!(cookies, ["a=1", "b=2"]);
        for dropped in ["content-type", "content-language", "content-length"] {
            assert!(answer.headers.get(dropped).is_none(), "{dropped} on a 304");
        }
        assert_eq!(
            answer.names(),
            [
                "cache-control",
                "content-location",
                "date",
                "etag",
                "expires",
                "set-cookie",
                "vary",
                "x-request-id"
            ],
            "{value}"
        );
    }
    // Another tag, or a value that does not parse: the full answer.
    for value in ["\"other\"", "garbage", "\"unterminated", ""] {
        let answer = server.get("/doc", &[("if-none-match", value)]).await;
        assert_eq!(answer.status, StatusCode::OK, "{value:?}");
        assert_eq!(answer.body, JSON);
        assert_eq!(answer.etag(), Some(etag.as_str()));
    }
    // If-Modified-Since alone: the answer has no Last-Modified, so nothing to compare.
    let answer = server
        .get(
            "/doc",
            &[("if-modified-since", "Thu, 01 Dec 2044 16:00:00 GMT")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    // If-Match and If-Unmodified-Since are the handler's business: never a 412 from here.
    let answer = server
        .get(
            "/doc",
            &[("if-match", "\"nope\""), ("if-none-match", etag.as_str())],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    server.stop().await;
}

#[actix_web::test]
async fn shallow_keeps_the_handlers_own_validators_and_never_reads_their_body() {
    let server = serve!(
        App::new()
            .route(
                "/tagged",
                get_or_head().to(|| async {
                    HttpResponse::Ok()
                        .insert_header(("etag", "\"v1\""))
                        .body(JSON)
                }),
            )
            .route(
                "/tagged-stream",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header(("etag", "W/\"v2\""))
                        .body(Endless(Some(Bytes::from_static(b"first"))))
                }),
            )
            .route(
                "/dated",
                get_or_head().to(|| async {
                    HttpResponse::Ok()
                        .insert_header(("last-modified", "Sun, 06 Nov 1994 08:49:37 GMT"))
                        .body("dated")
                }),
            )
            .wrap(ShallowEtag::new())
    );
    let answer = server.get("/tagged", &[]).await;
    assert_eq!(
        answer.etag(),
        Some("\"v1\""),
        "the handler's tag, not replaced"
    );
    let answer = server.get("/tagged", &[("if-none-match", "\"v1\"")]).await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.etag(), Some("\"v1\""));
    let answer = server.get("/tagged", &[("if-none-match", "\"v0\"")]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, JSON);

    // A body that never ends, with its own tag: 304 without reading it.
    let answer = server
        .get("/tagged-stream", &[("if-none-match", "\"v2\"")])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.etag(), Some("W/\"v2\""));

    // Last-Modified without a tag: tagged, and If-Modified-Since is still honoured when
    // If-None-Match is absent (RFC 9110 §13.1.3).
    let answer = server.get("/dated", &[]).await;
    assert_eq!(answer.etag(), Some(tag_of(b"dated").as_str()));
    assert_eq!(
        answer.header("last-modified"),
        Some("Sun, 06 Nov 1994 08:49:37 GMT")
    );
    let answer = server
        .get(
            "/dated",
            &[("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        answer.header("last-modified"),
        Some("Sun, 06 Nov 1994 08:49:37 GMT")
    );
    let answer = server
        .get(
            "/dated",
            &[
                ("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT"),
                ("if-none-match", "\"other\""),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "If-None-Match decides");
    server.stop().await;
}

#[actix_web::test]
async fn shallow_head_is_evaluated_only_against_the_handlers_own_validators() {
    let server = serve!(
        App::new()
            .route(
                "/plain",
                get_or_head().to(|| async { HttpResponse::Ok().body(JSON) }),
            )
            .route(
                "/tagged",
                get_or_head().to(|| async {
                    HttpResponse::Ok()
                        .insert_header(("etag", "\"v1\""))
                        .body(JSON)
                }),
            )
            .route(
                "/dated",
                get_or_head().to(|| async {
                    HttpResponse::Ok()
                        .insert_header(("last-modified", "Sun, 06 Nov 1994 08:49:37 GMT"))
                        .body("dated")
                }),
            )
            .wrap(ShallowEtag::new())
    );
    let head = |path: &str, headers: &[(&str, &str)]| {
        let mut request = server.request(Method::HEAD, path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        server.send(request)
    };
    // Nothing to tag in a HEAD: the answer as the handler gave it, its Content-Length kept.
    let get_tag = tag_of(JSON.as_bytes());
    let answer = head("/plain", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.etag(), None);
    assert!(answer.body.is_empty());
    assert_eq!(
        answer.header("content-length"),
        Some(JSON.len().to_string().as_str())
    );
    let answer = head("/plain", &[("if-none-match", get_tag.as_str())]).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "no validators to compare with"
    );
    // The handler's ETag or Last-Modified: evaluated.
    let answer = head("/tagged", &[("if-none-match", "\"v1\"")]).await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.etag(), Some("\"v1\""));
    let answer = head("/tagged", &[("if-none-match", "\"v0\"")]).await;
    assert_eq!(answer.status, StatusCode::OK);
    let answer = head(
        "/dated",
        &[("if-modified-since", "Sun, 06 Nov 1994 08:49:38 GMT")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.etag(), None);
    server.stop().await;
}

#[actix_web::test]
async fn shallow_leaves_no_store_non_2xx_partial_and_other_methods_alone() {
    let server = serve!(
        App::new()
            .route(
                "/no-store",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header(("cache-control", "private, No-Store"))
                        .body(JSON)
                }),
            )
            .route(
                "/missing",
                web::get().to(|| async { HttpResponse::NotFound().body("no such thing") }),
            )
            .route(
                "/broken",
                web::get().to(|| async { HttpResponse::InternalServerError().body("oops") }),
            )
            .route(
                "/moved",
                web::get().to(|| async {
                    HttpResponse::MovedPermanently()
                        .insert_header(("location", "/json"))
                        .body("moved")
                }),
            )
            .route(
                "/partial",
                web::get().to(|| async {
                    HttpResponse::PartialContent()
                        .insert_header(("content-range", "bytes 0-3/10"))
                        .body("part")
                }),
            )
            .route(
                "/post",
                web::post().to(|| async { HttpResponse::Ok().body(JSON) }),
            )
            .wrap(ShallowEtag::new())
    );
    for (path, status) in [
        ("/no-store", StatusCode::OK),
        ("/missing", StatusCode::NOT_FOUND),
        ("/broken", StatusCode::INTERNAL_SERVER_ERROR),
        ("/moved", StatusCode::MOVED_PERMANENTLY),
        ("/partial", StatusCode::PARTIAL_CONTENT),
        ("/nowhere", StatusCode::NOT_FOUND),
    ] {
        let answer = server.get(path, &[]).await;
        assert_eq!(answer.status, status, "{path}");
        assert_eq!(answer.etag(), None, "{path}");
        let answer = server.get(path, &[("if-none-match", "*")]).await;
        assert_eq!(answer.status, status, "{path} with If-None-Match: *");
    }
    let answer = server
        .send(
            server
                .request(Method::POST, "/post")
                .header("if-none-match", "*"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.etag(), None);
    server.stop().await;
}

#[actix_web::test]
async fn shallow_never_buffers_above_the_limit_nor_a_stream_that_waits() {
    const LIMIT: usize = 16;
    let server = serve!(
        App::new()
            .route(
                "/at-limit",
                web::get().to(|| async { HttpResponse::Ok().body("x".repeat(LIMIT)) }),
            )
            .route(
                "/above-limit",
                web::get().to(|| async { HttpResponse::Ok().body("x".repeat(LIMIT + 1)) }),
            )
            .route(
                "/ready-stream",
                web::get().to(|| async {
                    let chunks =
                        ["{\"a\":", "1,", "\"b\":2}"].map(|s| Bytes::from_static(s.as_bytes()));
                    HttpResponse::Ok().body(ReadyStream(chunks.into()))
                }),
            )
            .route(
                "/long-ready-stream",
                web::get().to(|| async {
                    let chunks = (0..10).map(|i| Bytes::from(format!("chunk {i};")));
                    HttpResponse::Ok().body(ReadyStream(chunks.collect()))
                }),
            )
            .route(
                "/endless",
                web::get().to(|| async {
                    HttpResponse::Ok().body(Endless(Some(Bytes::from_static(b"data: first\n\n"))))
                }),
            )
            .route(
                "/endless-claiming-a-length",
                web::get().to(|| async {
                    // A Content-Length the handler set on a stream: actix-web sends the stream
                    // chunked and drops the field, so it must not make the middleware wait.
                    HttpResponse::Ok()
                        .insert_header(("content-length", "13"))
                        .body(Endless(Some(Bytes::from_static(b"data: first\n\n"))))
                }),
            )
            .wrap(ShallowEtag::new().max_size(LIMIT))
    );
    let answer = server.get("/at-limit", &[]).await;
    assert_eq!(answer.etag(), Some(tag_of(&answer.body).as_str()));
    let answer = server.get("/above-limit", &[]).await;
    assert_eq!(answer.etag(), None);
    assert_eq!(answer.body.len(), LIMIT + 1);
    let answer = server.get("/above-limit", &[("if-none-match", "*")]).await;
    assert_eq!(answer.status, StatusCode::OK);

    // A stream of unknown length that is complete at once and within the limit: tagged.
    let answer = server.get("/ready-stream", &[]).await;
    assert_eq!(answer.body, r#"{"a":1,"b":2}"#);
    assert_eq!(answer.etag(), Some(tag_of(&answer.body).as_str()));
    // One that goes past the limit: untagged, and every byte still arrives, in order.
    let answer = server.get("/long-ready-stream", &[]).await;
    assert_eq!(answer.etag(), None);
    let expected: String = (0..10).map(|i| format!("chunk {i};")).collect();
    assert_eq!(answer.body, expected);

    // One that never ends: the headers and the first chunk arrive, untagged. Were the
    // middleware waiting for the end, neither would.
    for path in ["/endless", "/endless-claiming-a-length"] {
        let mut response = tokio::time::timeout(
            Duration::from_secs(10),
            server.request(Method::GET, path).send(),
        )
        .await
        .expect("the headers come at once")
        .expect("an answer");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers().get("etag").is_none(), "{path}");
        let first = tokio::time::timeout(Duration::from_secs(10), response.chunk())
            .await
            .expect("the first chunk comes at once")
            .expect("a chunk");
        assert_eq!(first.as_deref(), Some(&b"data: first\n\n"[..]), "{path}");
    }
    server.stop().await;
}

#[actix_web::test]
async fn shallow_waits_only_for_a_body_of_known_length_and_replays_the_rest() {
    const CHUNKS: [&str; 3] = ["{\"a\":", "1,", "\"b\":2}"];
    let server = serve!(
        App::new()
            .route(
                "/known-length",
                web::get().to(|| async {
                    let size = BodySize::Sized(CHUNKS.concat().len() as u64);
                    HttpResponse::Ok().body(Trickle::new(size, &CHUNKS, false))
                }),
            )
            .route(
                "/unknown-length",
                web::get().to(|| async {
                    HttpResponse::Ok().body(Trickle::new(BodySize::Stream, &CHUNKS, false))
                }),
            )
            .route(
                "/failing",
                web::get().to(|| async {
                    HttpResponse::Ok().body(Trickle::new(BodySize::Stream, &CHUNKS[..1], true))
                }),
            )
            .wrap(ShallowEtag::new())
    );
    // Its length is known and within the limit: waited for across its pauses, and tagged.
    let answer = server.get("/known-length", &[]).await;
    assert_eq!(answer.body, CHUNKS.concat());
    assert_eq!(
        answer.etag(),
        Some(tag_of(CHUNKS.concat().as_bytes()).as_str())
    );
    let etag = answer.etag().unwrap_or_default().to_owned();
    let answer = server
        .get("/known-length", &[("if-none-match", &etag)])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    // Unknown length, not ready at once: not waited for; every byte arrives, untagged.
    let answer = server.get("/unknown-length", &[]).await;
    assert_eq!(answer.body, CHUNKS.concat());
    assert_eq!(answer.etag(), None);
    // A body that fails: the client sees what it would see without the middleware, the
    // first chunk and then a broken transfer.
    let mut response = server
        .request(Method::GET, "/failing")
        .send()
        .await
        .expect("the headers");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("etag").is_none());
    let first = response.chunk().await.expect("the first chunk");
    assert_eq!(first.as_deref(), Some(CHUNKS[0].as_bytes()));
    assert!(response.chunk().await.is_err(), "the transfer breaks off");
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Garbage

/// Request header values a client may send, valid or not, including bytes that are not UTF-8.
fn garbage_values() -> Vec<Vec<u8>> {
    let mut values: Vec<Vec<u8>> = [
        &b""[..],
        b" ",
        b",",
        b",,,,",
        b"*",
        b"**",
        b"\"",
        b"\"\"",
        b"W/",
        b"W/\"",
        b"w/\"a\"",
        b"\"a\"\"b\"",
        b"\"a\" \"b\"",
        b"\"\xff\xfe\"",
        b"\xff\xfe\xfd",
        b"\x80",
        b"Sun, 06 Nov 1994 08:49:37",
        b"Sun, 99 Nov 1994 08:49:37 GMT",
        b"Sat, 31 Dec 9999 23:59:59 GMT",
        b"Thu, 01 Jan 1970 00:00:00 GMT",
        b"-1",
        b"99999999999999999999999999",
        b"bytes=",
        b"bytes=-",
        b"bytes=5-1",
        b"bytes=0-18446744073709551616",
    ]
    .iter()
    .map(|value| value.to_vec())
    .collect();
    values.push(b"\"a\",".repeat(10_000));
    values.push(vec![b'x'; 30_000]);
    values
}

#[actix_web::test]
async fn garbage_never_panics_nor_answers_500() {
    let server = serve!(
        App::new()
            .route(
                "/json",
                get_or_head().to(|| async { HttpResponse::Ok().body(JSON) }),
            )
            .route(
                "/odd-response",
                get_or_head().to(|| async {
                    HttpResponse::Ok()
                        .append_header(("etag", "not-quoted"))
                        .append_header(("cache-control", "\"unterminated, no-store"))
                        .append_header(("last-modified", "yesterday, 99:99"))
                        .body(JSON)
                }),
            )
            .route(
                "/two-etags",
                get_or_head().to(|| async {
                    HttpResponse::Ok()
                        .append_header(("etag", "\"a\""))
                        .append_header(("etag", "\"b\""))
                        .body(JSON)
                }),
            )
            .default_service(web::to(|| async { HttpResponse::Ok().body("written") }))
            .wrap(ShallowEtag::new())
            .wrap(RequirePreconditions::new(
                RequireRules::new().method("POST")
            ))
    );
    let fields = [
        "if-match",
        "if-none-match",
        "if-modified-since",
        "if-unmodified-since",
        "if-range",
        "range",
    ];
    let methods = [Method::GET, Method::HEAD, Method::PUT, Method::POST];
    for value in garbage_values() {
        let header_value =
            reqwest::header::HeaderValue::from_bytes(&value).expect("a value reqwest can send");
        for field in fields {
            for method in &methods {
                for path in ["/json", "/odd-response", "/two-etags", "/write"] {
                    let request = server
                        .request(method.clone(), path)
                        .header(field, header_value.clone())
                        .header(field, header_value.clone());
                    let answer = server.send(request).await;
                    assert!(
                        !answer.status.is_server_error(),
                        "{method} {path} {field}: {:?} gave {}",
                        String::from_utf8_lossy(&value),
                        answer.status,
                    );
                }
            }
        }
    }
    // The odd response headers: left as they are, never a tag over a bad one.
    for path in ["/odd-response", "/two-etags"] {
        let answer = server.get(path, &[("if-none-match", "*")]).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.body, JSON);
        assert_ne!(answer.etag(), Some(tag_of(JSON.as_bytes()).as_str()));
    }
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Compression

/// Whether `body` is gzip (its magic number).
fn is_gzip(body: &[u8]) -> bool {
    body.starts_with(&[0x1f, 0x8b])
}

/// A compressible body of `len` bytes (JSON-ish text).
fn text(len: usize) -> String {
    let mut text = String::with_capacity(len);
    while text.len() < len {
        text.push_str(r#"{"id":7,"title":"Draft"},"#);
    }
    text.truncate(len);
    text
}

/// Under 1 KiB: `Compress` encodes it in place, at once.
const SMALL: usize = 600;
/// Over 1 KiB: `Compress` encodes it on a blocking thread.
const LARGE: usize = 8 * 1024;

fn compressible_routes(config: &mut web::ServiceConfig) {
    config
        .route(
            "/small",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(text(SMALL))
            }),
        )
        .route(
            "/large",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(text(LARGE))
            }),
        );
}

#[actix_web::test]
async fn outside_compress_the_tag_is_of_the_bytes_on_the_wire() {
    let server = serve!(
        App::new()
            .configure(compressible_routes)
            .wrap(Compress::default())
            .wrap(ShallowEtag::new())
    );
    let gzip = [("accept-encoding", "gzip")];
    // Compressed: the tag is that of the gzip bytes.
    let zipped = server.get("/small", &gzip).await;
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    assert!(is_gzip(&zipped.body));
    let zipped_tag = zipped.etag().expect("a tag").to_owned();
    assert_eq!(zipped_tag, tag_of(&zipped.body));
    // Identity: the tag of the plain bytes, another tag.
    let plain = server.get("/small", &[]).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, text(SMALL));
    let plain_tag = plain.etag().expect("a tag").to_owned();
    assert_eq!(plain_tag, tag_of(text(SMALL).as_bytes()));
    assert_ne!(zipped_tag, plain_tag);
    // Each client revalidates the variant it has.
    let answer = server
        .get(
            "/small",
            &[("accept-encoding", "gzip"), ("if-none-match", &zipped_tag)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.etag(), Some(zipped_tag.as_str()));
    assert!(answer.body.is_empty());
    let answer = server
        .get("/small", &[("if-none-match", plain_tag.as_str())])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    let answer = server
        .get(
            "/small",
            &[("accept-encoding", "gzip"), ("if-none-match", &plain_tag)],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "the identity tag is not the gzip one"
    );
    // Compressed on a blocking thread, so (but for a thread switch at the wrong moment, when
    // the blocking task wins the race with the poll that follows its spawn) not ready at once:
    // sent untagged, and in any case never with a tag of other bytes than those sent.
    let large = server.get("/large", &gzip).await;
    assert_eq!(large.header("content-encoding"), Some("gzip"));
    assert!(is_gzip(&large.body));
    if let Some(etag) = large.etag() {
        assert_eq!(etag, tag_of(&large.body));
    }
    let large = server.get("/large", &[]).await;
    assert_eq!(large.etag(), Some(tag_of(text(LARGE).as_bytes()).as_str()));
    server.stop().await;
}

#[actix_web::test]
async fn inside_compress_a_strong_tag_breaks_its_promise_and_a_weak_one_does_not() {
    // The wrong order: a strong tag of the plain bytes, sent with the gzip bytes.
    let server = serve!(
        App::new()
            .configure(compressible_routes)
            .wrap(ShallowEtag::new())
            .wrap(Compress::default())
    );
    let zipped = server.get("/small", &[("accept-encoding", "gzip")]).await;
    assert!(is_gzip(&zipped.body));
    let plain = server.get("/small", &[]).await;
    assert_eq!(
        zipped.etag(),
        plain.etag(),
        "one strong tag for two byte sequences"
    );
    assert_ne!(zipped.etag(), Some(tag_of(&zipped.body).as_str()));
    server.stop().await;

    // The same place with weak tags: a promise of the same content, which holds.
    let server = serve!(
        App::new()
            .configure(compressible_routes)
            .wrap(ShallowEtag::new().weak())
            .wrap(Compress::default())
    );
    for (path, len) in [("/small", SMALL), ("/large", LARGE)] {
        let weak_tag = format!("W/{}", tag_of(text(len).as_bytes()));
        let zipped = server.get(path, &[("accept-encoding", "gzip")]).await;
        assert!(is_gzip(&zipped.body), "{path}");
        assert_eq!(zipped.etag(), Some(weak_tag.as_str()), "{path}");
        let plain = server.get(path, &[]).await;
        assert_eq!(plain.body, text(len));
        assert_eq!(plain.etag(), Some(weak_tag.as_str()), "{path}");
        // If-None-Match compares weakly: 304 for either encoding.
        for encoding in ["gzip", "identity"] {
            let answer = server
                .get(
                    path,
                    &[("accept-encoding", encoding), ("if-none-match", &weak_tag)],
                )
                .await;
            assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{path} {encoding}");
            assert_eq!(answer.header("content-encoding"), None);
            assert!(answer.body.is_empty());
        }
    }
    server.stop().await;
}
