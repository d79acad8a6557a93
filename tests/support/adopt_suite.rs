//! The adoption middleware (`RequirePreconditions`, `ShallowEtag`) on a real server on a
//! loopback port, driven by reqwest: what a client sees on the wire. One suite for every
//! framework: a test file serves the routes below with its framework's handlers and middleware,
//! implements [`App`] (start a server for a [`Setup`], say where it listens, stop it) and calls
//! [`adopt_suite!`] with its test attribute (its runtime) and the type, e.g.
//!
//! ```ignore
//! #[macro_use]
//! #[path = "support/adopt_suite.rs"]
//! mod adopt_suite;
//! adopt_suite!(#[tokio::test] AxumApp);
//! ```
//!
//! What the suite expects of an app started by [`App::serve`] with an [`AppState`] and a
//! [`Setup`]:
//! - each [`RESPONSES`] entry: a route for its method (`GET` serves `HEAD` too) answering its
//!   status, its header fields (appended, in order) and its body, with a body of known length;
//! - each [`STREAMS`] entry: a `GET` route answering 200 with its header fields and the body of
//!   [`Streamed::chunks`], of the length [`Chunks::length`] announces (unknown when `None`),
//!   each chunk as [`Chunks::poll_chunk`] gives it;
//! - `GET /json-extractor`: [`extractor_value`] through the framework's JSON responder;
//! - `GET` and `PUT /article`, two `#[conditional]` handlers (no `require`: a missing
//!   precondition is the middleware's business) with `#[current(state.article())] current:
//!   Article`, each calling [`AppState::ran`] first thing in its body: `GET` returns
//!   `Tagged::new(current)`; `PUT` takes the new title as a plain-text body and returns
//!   `Tagged::new` of [`AppState::put_if`] with `current.version`, its rejection through
//!   `Rejected`;
//! - on each of those paths, 405 to a method it has no route for (axum's routes do so; an
//!   actix-web resource needs a default service for it, or hands the request to the app's);
//! - with [`Setup::fallback`], every other path, whatever the method, answered by one handler
//!   that calls [`AppState::ran`] and answers 200 with the body [`RAN`]; without it, the
//!   framework's own 404;
//! - the middleware of the setup around all of that: `ShallowEtag` with [`Setup::shallow`]'s
//!   rules inside `RequirePreconditions` with [`Setup::require`]'s.
//!
//! Every test starts its own server, so that each one begins from a fresh state.

#![allow(dead_code)] // each test binary uses the whole suite, but rustc checks per module

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use precond::adopt::{RequireRules, ShallowEtagRules};
use precond::{ETag, Rejection, Requirement, Versioned};
pub use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::{Value, json};

/// One test per case of this module, each with the attribute `#[$test]` (the framework's
/// runtime: `#[tokio::test]`, `#[actix_web::test]`) against servers of the [`App`] `$app`.
#[macro_export]
macro_rules! adopt_suite {
    (#[$test:meta] $app:ty) => {
        $crate::adopt_suite!(@cases #[$test] $app;
            require_answers_428_to_each_default_method_and_passes_the_others,
            require_passes_each_acceptable_precondition_and_no_other,
            require_follows_methods_path_patterns_and_exemptions,
            a_narrower_requirement_names_its_fields,
            a_conditional_handler_behind_both_evaluates_what_passes,
            a_shallow_tag_sent_to_a_conditional_write_is_named,
            shallow_tags_2xx_get_with_the_strong_tag_of_its_bytes,
            shallow_answers_304_with_the_kept_headers_and_no_body,
            shallow_evaluates_if_modified_since_against_the_last_modified,
            shallow_keeps_the_handlers_own_tag_and_never_reads_its_body,
            shallow_head_is_evaluated_only_against_the_handlers_own_validators,
            shallow_leaves_no_store_non_2xx_partial_and_other_methods_alone,
            shallow_leaves_bodies_above_the_maximum_alone,
            shallow_never_holds_a_stream_back,
            shallow_waits_only_for_a_body_of_known_length_and_replays_the_rest,
            garbage_never_panics_nor_answers_500,
        );
    };
    (@cases #[$test:meta] $app:ty; $($case:ident),* $(,)?) => {
        $(
            #[$test]
            async fn $case() {
                $crate::adopt_suite::$case::<$app>().await;
            }
        )*
    };
}

// ---------------------------------------------------------------------------------------------
// The routes, the same for every framework

/// A JSON body.
pub const JSON: &str = r#"{"id":7,"title":"Quarterly report","tags":["a","b"]}"#;
/// The body of `/partial`: the first 4 bytes of a 50-byte representation.
pub const PARTIAL: &str = "{\"id";
/// The body of the fallback.
pub const RAN: &str = "ran";

/// The `Last-Modified` of `/dated` and `/above-limit-dated`.
pub const MODIFIED: &str = "Wed, 01 Jan 2025 00:00:00 GMT";
pub const BEFORE: &str = "Tue, 31 Dec 2024 23:59:59 GMT";
pub const AFTER: &str = "Wed, 01 Jan 2025 00:00:01 GMT";

/// The [`ShallowEtagRules::max_size`] of [`limited`].
pub const LIMIT: usize = 16;
/// A body of [`LIMIT`] bytes, and one a byte longer.
pub const AT_LIMIT: &str = "0123456789abcdef";
pub const ABOVE_LIMIT: &str = "0123456789abcdefg";

/// The header fields of `/report`: some that a 304 keeps, some that it drops.
pub const REPORT_HEADERS: &[(&str, &[u8])] = &[
    ("content-type", b"application/json"),
    ("cache-control", b"max-age=60"),
    ("vary", b"Accept-Language"),
    ("expires", b"Thu, 01 Jan 2099 00:00:00 GMT"),
    ("content-location", b"/report"),
    ("content-language", b"en"),
    ("set-cookie", b"a=1"),
    ("set-cookie", b"b=2"),
    ("x-request-id", b"42"),
];

/// A response a route answers whatever the request.
pub struct Fixed {
    /// `GET` (which serves `HEAD` too) or `POST`.
    pub method: &'static str,
    pub path: &'static str,
    pub status: u16,
    /// Appended in order: a name may come more than once.
    pub headers: &'static [(&'static str, &'static [u8])],
    pub body: &'static str,
}

/// The routes with a fixed response.
pub const RESPONSES: &[Fixed] = &[
    fixed("/report", 200, REPORT_HEADERS, JSON),
    fixed("/created", 201, &[], JSON),
    fixed("/empty", 200, &[], ""),
    fixed(
        "/dated",
        200,
        &[("last-modified", MODIFIED.as_bytes())],
        JSON,
    ),
    fixed("/tagged", 200, &[("etag", b"\"v7\"")], JSON),
    fixed("/weakly-tagged", 200, &[("etag", b"W/\"v7\"")], JSON),
    fixed(
        "/no-store",
        200,
        &[("cache-control", b"private, No-Store")],
        JSON,
    ),
    fixed("/missing", 404, &[], JSON),
    fixed("/broken", 500, &[], JSON),
    fixed("/moved", 301, &[("location", b"/report")], JSON),
    fixed(
        "/partial",
        206,
        &[("content-range", b"bytes 0-3/50")],
        PARTIAL,
    ),
    fixed("/at-limit", 200, &[], AT_LIMIT),
    fixed("/above-limit", 200, &[], ABOVE_LIMIT),
    fixed(
        "/above-limit-dated",
        200,
        &[("last-modified", MODIFIED.as_bytes())],
        ABOVE_LIMIT,
    ),
    fixed(
        "/garbage-etag",
        200,
        &[("etag", b"not-quoted"), ("last-modified", b"yesterday")],
        JSON,
    ),
    fixed(
        "/garbage-cache-control",
        200,
        &[("cache-control", b"\"no-store, ,=\xff\\")],
        JSON,
    ),
    fixed(
        "/odd-response",
        200,
        &[
            ("etag", b"not-quoted"),
            ("cache-control", b"\"unterminated, no-store"),
            ("last-modified", b"yesterday, 99:99"),
        ],
        JSON,
    ),
    fixed(
        "/two-etags",
        200,
        &[("etag", b"\"a\""), ("etag", b"\"b\"")],
        JSON,
    ),
    Fixed {
        method: "POST",
        path: "/post",
        status: 200,
        headers: &[],
        body: JSON,
    },
];

const fn fixed(
    path: &'static str,
    status: u16,
    headers: &'static [(&'static str, &'static [u8])],
    body: &'static str,
) -> Fixed {
    Fixed {
        method: "GET",
        path,
        status,
        headers,
        body,
    }
}

/// What `/json-extractor` serializes: `{"a":[1,2,3]}`.
pub fn extractor_value() -> Value {
    json!({ "a": [1, 2, 3] })
}

/// A route whose body is a stream.
pub struct Streamed {
    pub path: &'static str,
    pub headers: &'static [(&'static str, &'static [u8])],
    /// A fresh body for each request.
    pub chunks: fn() -> Chunks,
}

/// The first chunk of the bodies that never end.
pub const FIRST: &str = "data: first\n\n";
/// The chunks of `/slow-stream`, `/trickle-stream` and `/known-length-stream`.
pub const CHUNKS: [&str; 3] = ["{\"a\":", "1,", "\"b\":2}"];
/// The tag of `/tagged-endless`.
pub const STREAM_TAG: &str = "W/\"s1\"";

/// The routes with a streamed body.
pub const STREAMS: &[Streamed] = &[
    // One chunk, then neither another nor the end (server-sent events).
    Streamed {
        path: "/endless",
        headers: &[],
        chunks: || Chunks::new([FIRST], Pace::Ready, End::Never),
    },
    // The same, with a `Content-Length` the handler set by hand (of the first chunk, 13 bytes):
    // not a reason to wait for an end that never comes.
    Streamed {
        path: "/endless-claiming-a-length",
        headers: &[("content-length", b"13")],
        chunks: || Chunks::new([FIRST], Pace::Ready, End::Never),
    },
    Streamed {
        path: "/tagged-endless",
        headers: &[("etag", STREAM_TAG.as_bytes())],
        chunks: || Chunks::new([FIRST], Pace::Ready, End::Never),
    },
    // Each chunk after a 20 ms sleep.
    Streamed {
        path: "/slow-stream",
        headers: &[],
        chunks: || Chunks::new(CHUNKS, Pace::Sleep(Duration::from_millis(20)), End::Finish),
    },
    // Each chunk, and the end, after a `Pending` that wakes at once: never ready at once, but
    // always soon.
    Streamed {
        path: "/trickle-stream",
        headers: &[],
        chunks: || Chunks::new(CHUNKS, Pace::Trickle, End::Finish),
    },
    // The same, of known length.
    Streamed {
        path: "/known-length-stream",
        headers: &[],
        chunks: || Chunks::new(CHUNKS, Pace::Trickle, End::Finish).announcing_its_length(),
    },
    // Complete at once, within the limit.
    Streamed {
        path: "/ready-stream",
        headers: &[],
        chunks: || Chunks::new(CHUNKS, Pace::Ready, End::Finish),
    },
    // Complete at once, past the limit: "chunk 0;" to "chunk 9;".
    Streamed {
        path: "/long-ready-stream",
        headers: &[],
        chunks: || Chunks::new(long_chunks(), Pace::Ready, End::Finish),
    },
    // Its first chunk, then an error.
    Streamed {
        path: "/failing-stream",
        headers: &[],
        chunks: || Chunks::new([CHUNKS[0]], Pace::Trickle, End::Fail),
    },
];

fn long_chunks() -> Vec<String> {
    (0..10).map(|i| format!("chunk {i};")).collect()
}

/// How a [`Chunks`] gives each of its chunks.
#[derive(Clone, Copy)]
pub enum Pace {
    /// At once.
    Ready,
    /// After a `Pending` that wakes the task at once.
    Trickle,
    /// After a sleep.
    Sleep(Duration),
}

/// What a [`Chunks`] does after its last chunk.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum End {
    Finish,
    /// `Pending`, never woken.
    Never,
    /// An error ([`ProducerFailed`]), then the end.
    Fail,
}

/// A streamed body, framework-neutral: each framework's body type polls it.
pub struct Chunks {
    chunks: VecDeque<Vec<u8>>,
    pace: Pace,
    end: End,
    length: Option<u64>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    primed: bool,
}

/// The error of a body that fails.
#[derive(Debug)]
pub struct ProducerFailed;

impl fmt::Display for ProducerFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the producer failed")
    }
}

impl std::error::Error for ProducerFailed {}

impl Chunks {
    pub fn new<S: AsRef<str>>(chunks: impl IntoIterator<Item = S>, pace: Pace, end: End) -> Self {
        Self {
            chunks: chunks
                .into_iter()
                .map(|c| c.as_ref().as_bytes().to_vec())
                .collect(),
            pace,
            end,
            length: None,
            sleep: None,
            primed: false,
        }
    }

    fn announcing_its_length(mut self) -> Self {
        self.length = Some(self.chunks.iter().map(|c| c.len() as u64).sum());
        self
    }

    /// The length the body announces (its size hint, `BodySize::Sized`); `None`: unknown.
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// The next chunk, `None` at the end.
    pub fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Vec<u8>, ProducerFailed>>> {
        if self.chunks.is_empty() && self.end == End::Never {
            return Poll::Pending; // never woken: the stream never ends
        }
        match self.pace {
            Pace::Ready => {}
            Pace::Trickle => {
                if !self.primed {
                    self.primed = true;
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                self.primed = false;
            }
            Pace::Sleep(duration) => {
                if !self.chunks.is_empty() {
                    let sleep = self
                        .sleep
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep(duration)));
                    if sleep.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    self.sleep = None;
                }
            }
        }
        match self.chunks.pop_front() {
            Some(chunk) => Poll::Ready(Some(Ok(chunk))),
            None if self.end == End::Fail => {
                self.end = End::Finish;
                Poll::Ready(Some(Err(ProducerFailed)))
            }
            None => Poll::Ready(None),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The application's state, the same for every framework

/// The resource of `/article`.
#[derive(Clone, Debug, Serialize, Versioned)]
pub struct Article {
    pub title: String,
    #[versioned(version)]
    pub version: u64,
}

/// What the handlers share: the article (`"Draft"`, version 1 at first) and how many times a
/// handler body ran.
pub struct AppState {
    runs: AtomicUsize,
    article: Mutex<Article>,
}

impl AppState {
    pub fn new() -> Arc<AppState> {
        Arc::new(AppState {
            runs: AtomicUsize::new(0),
            article: Mutex::new(Article {
                title: "Draft".into(),
                version: 1,
            }),
        })
    }

    pub fn ran(&self) {
        self.runs.fetch_add(1, Ordering::SeqCst);
    }

    pub fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }

    fn lock(&self) -> MutexGuard<'_, Article> {
        self.article.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn article(&self) -> Article {
        self.lock().clone()
    }

    /// Writes `title` if the stored version is still `expected`; otherwise the rejection
    /// carries the version that won.
    pub fn put_if(&self, expected: u64, title: String) -> Result<Article, Rejection> {
        let mut article = self.lock();
        if article.version != expected {
            return Err(Rejection::precondition_failed(Some(&article.validators())));
        }
        article.title = title;
        article.version += 1;
        Ok(article.clone())
    }
}

/// The middleware an app is served with, and whether it has the counting fallback.
#[derive(Clone, Debug)]
pub struct Setup {
    /// `RequirePreconditions` with these rules, outside `ShallowEtag`.
    pub require: Option<RequireRules>,
    /// `ShallowEtag` with these rules.
    pub shallow: Option<ShallowEtagRules>,
    /// Every path without a route, whatever the method, answered 200 [`RAN`], counted by
    /// [`AppState::ran`].
    pub fallback: bool,
}

impl Setup {
    pub fn require(rules: RequireRules) -> Setup {
        Setup {
            require: Some(rules),
            shallow: None,
            fallback: true,
        }
    }

    pub fn shallow(rules: ShallowEtagRules) -> Setup {
        Setup {
            require: None,
            shallow: Some(rules),
            fallback: false,
        }
    }

    pub fn both(require: RequireRules, shallow: ShallowEtagRules) -> Setup {
        Setup {
            require: Some(require),
            shallow: Some(shallow),
            fallback: true,
        }
    }
}

/// [`ShallowEtagRules`] with a [`LIMIT`] of 16 bytes.
pub fn limited() -> ShallowEtagRules {
    ShallowEtagRules::new().with_max_size(LIMIT)
}

/// A server of one framework.
pub trait App: Sized {
    /// Serves the suite's routes (see the module's documentation) around `state` with `setup`
    /// on 127.0.0.1, on a port of its own.
    fn serve(state: Arc<AppState>, setup: Setup) -> impl Future<Output = Self>;

    /// `http://127.0.0.1:<port>`.
    fn base(&self) -> &str;

    /// Stops the server.
    fn stop(self) -> impl Future<Output = ()>;
}

/// A server of `A` for one test, its state, and a client for it.
pub struct Server<A: App> {
    app: A,
    pub state: Arc<AppState>,
    client: Client,
}

impl<A: App> Server<A> {
    pub async fn start(setup: Setup) -> Self {
        let state = AppState::new();
        let app = A::serve(Arc::clone(&state), setup).await;
        let client = Client::new(app.base());
        Server { app, state, client }
    }

    pub async fn stop(self) {
        self.app.stop().await;
    }
}

impl<A: App> Deref for Server<A> {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

// ---------------------------------------------------------------------------------------------
// The framework-neutral client

#[path = "exchange.rs"]
mod exchange;
pub use exchange::{Answer, Request};

/// How long a test waits for anything from the server.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A reqwest client for a server: no redirects followed, no decompression.
pub struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a reqwest client"),
        }
    }

    fn request(&self, request: Request<'_>) -> reqwest::RequestBuilder {
        let mut builder = self
            .http
            .request(request.method, format!("{}{}", self.base, request.path));
        for (name, value) in request.headers {
            let value = reqwest::header::HeaderValue::from_bytes(value).expect("a header value");
            builder = builder.header(name, value);
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body);
        }
        builder
    }

    /// Sends `request` and reads the whole response.
    pub async fn send(&self, request: Request<'_>) -> Answer {
        let response = self
            .request(request)
            .send()
            .await
            .expect("the server answers");
        Answer::read(response).await
    }

    /// Sends `request` and gives the response as soon as its header fields are there, within
    /// [`PATIENCE`], the body unread.
    pub async fn open(&self, request: Request<'_>) -> reqwest::Response {
        tokio::time::timeout(PATIENCE, self.request(request).send())
            .await
            .expect("the header fields come at once")
            .expect("the server answers")
    }

    /// `method path` with header fields of any bytes, no body.
    pub async fn call(&self, method: Method, path: &str, headers: &[(&str, &[u8])]) -> Answer {
        self.send(Request {
            method,
            path,
            headers: headers.to_vec(),
            body: Vec::new(),
        })
        .await
    }

    /// `method path` with text header fields, no body.
    pub async fn method(&self, method: Method, path: &str, headers: &[(&str, &str)]) -> Answer {
        let headers: Vec<(&str, &[u8])> = headers
            .iter()
            .map(|&(name, value)| (name, value.as_bytes()))
            .collect();
        self.call(method, path, &headers).await
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        self.method(Method::GET, path, headers).await
    }

    pub async fn head(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        self.method(Method::HEAD, path, headers).await
    }
}

/// The tag the shallow layer gives `bytes`, as it appears on the wire: `s-` and the 32
/// hexadecimal digits of their xxh3-128.
pub fn tag_of(bytes: impl AsRef<[u8]>) -> String {
    let hex = ETag::for_bytes(bytes.as_ref());
    let tag = format!("\"s-{}\"", String::from_utf8_lossy(hex.opaque()));
    assert_eq!(
        tag,
        ShallowEtagRules::new().etag_for(bytes.as_ref()).to_string()
    );
    tag
}

/// The 428 as the engine makes it for `requirement`: the status, the body, the header fields
/// that `Rejection::headers` lists, JSON and `no-store`.
pub fn assert_428(answer: &Answer, requirement: Requirement, context: &str) {
    let expected = Rejection::precondition_required(requirement);
    assert_eq!(
        answer.status,
        StatusCode::PRECONDITION_REQUIRED,
        "{context}"
    );
    assert_eq!(Some(answer.text()), expected.body().as_deref(), "{context}");
    for (name, value) in expected.headers() {
        assert_eq!(
            answer.header(name.as_str()).map(str::as_bytes),
            Some(value.as_bytes()),
            "{context}: {name}"
        );
    }
    assert_eq!(
        answer.header("content-type"),
        Some("application/json"),
        "{context}"
    );
    assert_eq!(
        answer.header("cache-control"),
        Some("no-store"),
        "{context}"
    );
}

// ---------------------------------------------------------------------------------------------
// RequirePreconditions

pub async fn require_answers_428_to_each_default_method_and_passes_the_others<A: App>() {
    let server = Server::<A>::start(Setup::require(RequireRules::new())).await;
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        for path in ["/", "/documents/7", "/a/b/c?x=1"] {
            // With a body or without: the 428 does not wait for it.
            for body in [&b""[..], b"{}"] {
                let answer = server
                    .send(Request {
                        method: method.clone(),
                        path,
                        headers: Vec::new(),
                        body: body.to_vec(),
                    })
                    .await;
                assert_428(
                    &answer,
                    Requirement::LOST_UPDATE,
                    &format!("{method} {path}"),
                );
            }
        }
    }
    assert_eq!(server.state.runs(), 0, "no handler ran for a 428");
    let propfind = Method::from_bytes(b"PROPFIND").expect("a method");
    for method in [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::OPTIONS,
        propfind,
    ] {
        let answer = server.method(method.clone(), "/documents/7", &[]).await;
        assert_eq!(answer.status, StatusCode::OK, "{method}");
    }
    assert_eq!(server.state.runs(), 5);
    server.stop().await;
}

pub async fn require_passes_each_acceptable_precondition_and_no_other<A: App>() {
    let server = Server::<A>::start(Setup::require(RequireRules::new())).await;
    let acceptable: &[(&str, &str)] = &[
        ("if-match", "\"3\""),
        // The next three fail later, in the handler's evaluation: not the middleware's job.
        ("if-match", "W/\"3\""),
        ("if-match", "W/\"weak\", \"strong\""),
        ("if-match", "garbage"),
        ("if-match", "*"),
        ("if-match", "\"a\", \"b\""),
        ("if-unmodified-since", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("if-unmodified-since", "Sunday, 06-Nov-94 08:49:37 GMT"),
        ("if-none-match", "*"),
    ];
    let not_acceptable: &[(&str, &str)] = &[
        ("if-unmodified-since", "yesterday"),
        ("if-none-match", "\"3\""),
        ("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("if-range", "\"3\""),
        ("range", "bytes=0-1"),
        ("x-if-match", "\"3\""),
    ];
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        for &(name, value) in acceptable {
            let before = server.state.runs();
            let answer = server
                .method(method.clone(), "/documents/7", &[(name, value)])
                .await;
            assert_eq!(answer.status, StatusCode::OK, "{method} {name}: {value}");
            assert_eq!(answer.text(), RAN, "{method} {name}: {value}");
            assert_eq!(
                server.state.runs(),
                before + 1,
                "the handler ran for {method} {name}: {value}"
            );
        }
        for &(name, value) in not_acceptable {
            let answer = server
                .method(method.clone(), "/documents/7", &[(name, value)])
                .await;
            let context = format!("{method} {name}: {value}");
            assert_428(&answer, Requirement::LOST_UPDATE, &context);
        }
    }
    assert_eq!(server.state.runs(), 3 * acceptable.len());
    server.stop().await;
}

pub async fn require_follows_methods_path_patterns_and_exemptions<A: App>() {
    let rules = RequireRules::new()
        .method("POST")
        .without_method("PATCH")
        .requirement(Requirement::IF_MATCH)
        .only("/documents/*")
        .only("/settings")
        .only("/users/{id}")
        .exempt("POST", "/documents/search")
        .exempt("POST", "/documents/import")
        .exempt("DELETE", "/documents/drafts/{id}")
        .exempt("DELETE", "/documents/{id}/draft")
        .exempt_path("/documents/public/*")
        .exempt_path("/documents/cache/*");
    let server = Server::<A>::start(Setup::require(rules)).await;
    let table: &[(Method, &str, bool)] = &[
        // (method, path, 428?)
        (Method::POST, "/documents/7", true),
        (Method::POST, "/documents/7/publish", true),
        (Method::POST, "/documents/", true),
        (Method::PUT, "/documents/7/comments/1", true),
        (Method::DELETE, "/documents/7", true),
        (Method::PATCH, "/documents/7", false), // no longer a required method
        (Method::POST, "/documents/search", false), // exempt for POST...
        (Method::PUT, "/documents/search", true), // ...only
        (Method::POST, "/documents/import", false),
        (Method::PUT, "/documents/import", true),
        (Method::DELETE, "/documents/drafts/3", false),
        (Method::DELETE, "/documents/drafts/3/x", true), // `{id}` is one segment
        (Method::DELETE, "/documents/7/draft", false),
        (Method::DELETE, "/documents/7/final", true),
        (Method::PUT, "/documents/public/a/b", false), // every method
        (Method::DELETE, "/documents/public/", false),
        (Method::DELETE, "/documents/cache/all", false),
        (Method::PUT, "/documents/cache/x/y", false),
        (Method::PUT, "/documents", false), // `/documents/*` needs the slash
        (Method::PUT, "/settings", true),
        (Method::PUT, "/settings/", false), // `/settings` is exact
        (Method::PUT, "/settings/x", false),
        (Method::PUT, "/users/1", true),
        (Method::PUT, "/users/1/avatar", false),
        (Method::PUT, "/users/", false),
        (Method::PUT, "/elsewhere", false),
        (Method::PUT, "/other", false),
        (Method::GET, "/documents/7", false),
        (Method::PUT, "/Documents/7", false), // case-sensitive paths
        (Method::PUT, "/documents/7?only=query", true),
        (Method::PUT, "/documents/7?x=/settings", true), // the query is not the path
    ];
    for (method, path, rejected) in table {
        let before = server.state.runs();
        let answer = server.method(method.clone(), path, &[]).await;
        let context = format!("{method} {path}");
        if *rejected {
            assert_428(&answer, Requirement::IF_MATCH, &context);
            assert_eq!(server.state.runs(), before, "{context} ran");
        } else {
            assert_eq!(answer.status, StatusCode::OK, "{context}");
            assert_eq!(server.state.runs(), before + 1, "{context} did not run");
        }
    }
    // `If-None-Match: *` was acceptable under LOST_UPDATE, not under IF_MATCH alone.
    let answer = server
        .method(Method::PUT, "/settings", &[("if-none-match", "*")])
        .await;
    assert_428(&answer, Requirement::IF_MATCH, "If-None-Match: *");
    let answer = server
        .method(Method::PUT, "/settings", &[("if-match", "*")])
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    server.stop().await;
}

pub async fn a_narrower_requirement_names_its_fields<A: App>() {
    let rules = RequireRules::new().requirement(Requirement::IF_MATCH);
    let server = Server::<A>::start(Setup::require(rules)).await;
    let answer = server
        .method(Method::DELETE, "/x", &[("if-none-match", "*")])
        .await;
    assert_428(&answer, Requirement::IF_MATCH, "If-None-Match: *");
    let body = answer.text();
    assert!(
        body.contains("If-Match") && !body.contains("If-None-Match"),
        "{body}"
    );
    let answer = server
        .method(Method::DELETE, "/x", &[("if-match", "\"1\"")])
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    server.stop().await;
}

/// `#[conditional]` handlers behind both: the middleware's 428 for a missing precondition, the
/// handler's 412 for a stale one, the handler's tag kept by `ShallowEtag` and its 304 a deep
/// one (the body does not run).
/// A GET left to the shallow layer (`/json-extractor`, a plain handler) and a write under
/// `#[conditional]` (`PUT /article`): the GET's tag is a hash of its body, which the write does
/// not check, so a client that re-fetches after each 412 would loop. The 412 says so
/// (`shallow_etag`), and the tag it gives (`current_etag`) is accepted.
pub async fn a_shallow_tag_sent_to_a_conditional_write_is_named<A: App>() {
    let server =
        Server::<A>::start(Setup::both(RequireRules::new(), ShallowEtagRules::new())).await;
    let read = server.get("/json-extractor", &[]).await;
    assert_eq!(read.status, StatusCode::OK);
    let shallow = read.etag().expect("a shallow ETag").to_owned();
    assert!(shallow.starts_with("\"s-"), "{shallow}");
    let put = async |tag: &str| {
        server
            .send(Request {
                method: Method::PUT,
                path: "/article",
                headers: vec![("if-match", tag.as_bytes())],
                body: b"Final".to_vec(),
            })
            .await
    };
    let answer = put(&shallow).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    let body: Value = serde_json::from_slice(&answer.body).expect("a JSON body");
    assert_eq!(body["reason"], "shallow_etag", "{body}");
    assert_eq!(body["current_etag"], "\"1\"", "{body}");
    assert_eq!(server.state.runs(), 0);
    let answer = put(body["current_etag"].as_str().unwrap_or_default()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(server.state.article().title, "Final");
}

pub async fn a_conditional_handler_behind_both_evaluates_what_passes<A: App>() {
    let server =
        Server::<A>::start(Setup::both(RequireRules::new(), ShallowEtagRules::new())).await;
    let state = &server.state;
    let put = |if_match: Option<&'static str>| {
        server.send(Request {
            method: Method::PUT,
            path: "/article",
            headers: if_match
                .map(|tag| vec![("if-match", tag.as_bytes())])
                .unwrap_or_default(),
            body: b"Final".to_vec(),
        })
    };

    // No precondition: the middleware's 428 (the handler requires none), the handler never
    // runs.
    let answer = put(None).await;
    assert_428(&answer, Requirement::LOST_UPDATE, "no If-Match");
    assert_eq!(state.runs(), 0);

    // A stale If-Match passes the middleware (it has no validators) and is evaluated by the
    // handler: 412 with the current tag, body not run.
    let answer = put(Some("\"0\"")).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.etag(), Some("\"1\""));
    assert_eq!(state.runs(), 0);
    assert_eq!(state.article().title, "Draft");

    // The current one: the write happens.
    let answer = put(Some("\"1\"")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.etag(), Some("\"2\""));
    assert_eq!(state.runs(), 1);
    assert_eq!(state.article().version, 2);
    assert_eq!(state.article().title, "Final");

    // The same tag again is now stale: 412 with the new tag.
    let answer = put(Some("\"1\"")).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.etag(), Some("\"2\""));
    assert_eq!(state.runs(), 1);
    assert_eq!(state.article().version, 2);

    // GET: the handler's own tag is kept by the shallow middleware, and its 304 is the
    // handler's (the body does not run: a deep 304).
    let answer = server.get("/article", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.etag(), Some("\"2\""));
    assert_eq!(state.runs(), 2);
    let answer = server.get("/article", &[("if-none-match", "\"2\"")]).await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(state.runs(), 2);
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// ShallowEtag

pub async fn shallow_tags_2xx_get_with_the_strong_tag_of_its_bytes<A: App>() {
    let server = Server::<A>::start(Setup::shallow(ShallowEtagRules::new())).await;
    let answer = server.get("/report", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), JSON);
    assert_eq!(answer.etag(), Some(tag_of(JSON).as_str()));
    assert!(
        !answer.etag().unwrap_or_default().starts_with("W/"),
        "strong"
    );
    assert_eq!(
        answer.header("content-length"),
        Some(JSON.len().to_string().as_str())
    );
    assert_eq!(answer.header("content-type"), Some("application/json"));

    // Other 2xx are tagged too; an empty body has a tag like any other.
    let answer = server.get("/created", &[]).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.etag(), Some(tag_of(JSON).as_str()));
    let answer = server.get("/empty", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.etag(), Some(tag_of(b"").as_str()));

    // The framework's JSON responder.
    let answer = server.get("/json-extractor", &[]).await;
    assert_eq!(answer.text(), r#"{"a":[1,2,3]}"#);
    assert_eq!(answer.etag(), Some(tag_of(&answer.body).as_str()));
    server.stop().await;
}

pub async fn shallow_answers_304_with_the_kept_headers_and_no_body<A: App>() {
    let server = Server::<A>::start(Setup::shallow(ShallowEtagRules::new())).await;
    let etag = tag_of(JSON);
    // The same tag, alone, weak (If-None-Match compares weakly), in a list, or `*`: 304.
    let weak = format!("W/{etag}");
    let list = format!("\"x\", {etag}");
    for value in [etag.as_str(), weak.as_str(), list.as_str(), "*"] {
        let answer = server.get("/report", &[("if-none-match", value)]).await;
        assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{value}");
        assert!(answer.body.is_empty());
        assert_eq!(answer.etag(), Some(etag.as_str()));
        assert_eq!(answer.header("cache-control"), Some("max-age=60"));
        assert_eq!(answer.header("vary"), Some("Accept-Language"));
        assert_eq!(
            answer.header("expires"),
            Some("Thu, 01 Jan 2099 00:00:00 GMT")
        );
        assert_eq!(answer.header("content-location"), Some("/report"));
        assert_eq!(answer.header("x-request-id"), Some("42"));
        assert_eq!(answer.all("set-cookie"), ["a=1", "b=2"]);
        for dropped in [
            "content-type",
            "content-language",
            "content-length",
            "transfer-encoding",
        ] {
            assert_eq!(answer.header(dropped), None, "{dropped} on a 304");
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
    for value in ["\"stale\"", "garbage", "\"unterminated", ""] {
        let answer = server.get("/report", &[("if-none-match", value)]).await;
        assert_eq!(answer.status, StatusCode::OK, "{value:?}");
        assert_eq!(answer.text(), JSON);
        assert_eq!(answer.etag(), Some(etag.as_str()));
    }
    // If-Modified-Since alone: the answer has no Last-Modified, so nothing to compare.
    let answer = server
        .get(
            "/report",
            &[("if-modified-since", "Thu, 01 Dec 2044 16:00:00 GMT")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    // If-Match and If-Unmodified-Since are the handler's business: never a 412 from here.
    let answer = server
        .get(
            "/report",
            &[
                ("if-match", "\"nope\""),
                ("if-unmodified-since", BEFORE),
                ("if-none-match", etag.as_str()),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    server.stop().await;
}

pub async fn shallow_evaluates_if_modified_since_against_the_last_modified<A: App>() {
    let server = Server::<A>::start(Setup::shallow(ShallowEtagRules::new())).await;
    // Last-Modified without a tag: tagged, the date kept.
    let answer = server.get("/dated", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.etag(), Some(tag_of(JSON).as_str()));
    assert_eq!(answer.header("last-modified"), Some(MODIFIED));
    // If-Modified-Since is honoured when If-None-Match is absent.
    for date in [MODIFIED, AFTER] {
        let answer = server.get("/dated", &[("if-modified-since", date)]).await;
        assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{date}");
        assert_eq!(answer.header("last-modified"), Some(MODIFIED));
        assert_eq!(answer.etag(), Some(tag_of(JSON).as_str()));
        assert!(answer.body.is_empty());
    }
    let answer = server.get("/dated", &[("if-modified-since", BEFORE)]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), JSON);
    // With If-None-Match, If-Modified-Since is ignored (RFC 9110 §13.1.3).
    let answer = server
        .get(
            "/dated",
            &[
                ("if-modified-since", MODIFIED),
                ("if-none-match", "\"stale\""),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "If-None-Match decides");
    server.stop().await;
}

pub async fn shallow_keeps_the_handlers_own_tag_and_never_reads_its_body<A: App>() {
    let server = Server::<A>::start(Setup::shallow(ShallowEtagRules::new())).await;
    let answer = server.get("/tagged", &[]).await;
    assert_eq!(
        answer.etag(),
        Some("\"v7\""),
        "the handler's tag, not replaced"
    );
    assert_eq!(answer.text(), JSON);
    let answer = server.get("/tagged", &[("if-none-match", "\"v7\"")]).await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.etag(), Some("\"v7\""));
    assert!(answer.body.is_empty());
    let answer = server.get("/tagged", &[("if-none-match", "\"v8\"")]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), JSON);
    assert_eq!(answer.etag(), Some("\"v7\""));
    // A weak tag of its own: If-None-Match compares weakly.
    let answer = server
        .get("/weakly-tagged", &[("if-none-match", "\"v7\"")])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.etag(), Some("W/\"v7\""));
    // A body that never ends, with its own tag: 304 at once, without reading it.
    let answer = server
        .get("/tagged-endless", &[("if-none-match", "\"s1\"")])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.etag(), Some(STREAM_TAG));
    server.stop().await;
}

pub async fn shallow_head_is_evaluated_only_against_the_handlers_own_validators<A: App>() {
    let server = Server::<A>::start(Setup::shallow(ShallowEtagRules::new())).await;
    // Nothing to tag in a HEAD: the answer as the handler gave it, its Content-Length kept.
    let answer = server.head("/report", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.etag(), None);
    assert!(answer.body.is_empty());
    assert_eq!(
        answer.header("content-length"),
        Some(JSON.len().to_string().as_str())
    );
    let get_tag = tag_of(JSON);
    let answer = server
        .head("/report", &[("if-none-match", get_tag.as_str())])
        .await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "no validators to compare with"
    );
    // The handler's ETag or Last-Modified: evaluated.
    let answer = server.head("/tagged", &[("if-none-match", "\"v7\"")]).await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.etag(), Some("\"v7\""));
    // RFC 9110 §8.6: a 304 carries no Content-Length, or the 200's.
    let full = server.get("/tagged", &[]).await;
    assert_eq!(full.status, StatusCode::OK);
    assert!(
        answer
            .header("content-length")
            .is_none_or(|length| Some(length) == full.header("content-length")),
        "{answer:?}"
    );
    let answer = server.head("/tagged", &[("if-none-match", "\"v8\"")]).await;
    assert_eq!(answer.status, StatusCode::OK);
    for date in [MODIFIED, AFTER] {
        let answer = server.head("/dated", &[("if-modified-since", date)]).await;
        assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{date}");
        assert_eq!(answer.etag(), None);
    }
    server.stop().await;
}

pub async fn shallow_leaves_no_store_non_2xx_partial_and_other_methods_alone<A: App>() {
    let server = Server::<A>::start(Setup::shallow(ShallowEtagRules::new())).await;
    let tag = tag_of(JSON);
    for (path, status, body) in [
        ("/no-store", StatusCode::OK, Some(JSON)),
        ("/missing", StatusCode::NOT_FOUND, Some(JSON)),
        ("/broken", StatusCode::INTERNAL_SERVER_ERROR, Some(JSON)),
        ("/moved", StatusCode::MOVED_PERMANENTLY, Some(JSON)),
        ("/partial", StatusCode::PARTIAL_CONTENT, Some(PARTIAL)),
        // No route: the framework's own 404.
        ("/nowhere", StatusCode::NOT_FOUND, None),
    ] {
        for headers in [
            &[][..],
            &[("if-none-match", tag.as_str())],
            &[("if-none-match", "*")],
        ] {
            let answer = server.get(path, headers).await;
            assert_eq!(answer.status, status, "{path} {headers:?}");
            assert_eq!(answer.etag(), None, "{path} {headers:?}");
            if let Some(body) = body {
                assert_eq!(answer.text(), body, "{path} {headers:?}");
            }
        }
    }
    let answer = server
        .method(Method::POST, "/post", &[("if-none-match", "*")])
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.etag(), None);
    assert_eq!(answer.text(), JSON);
    server.stop().await;
}

pub async fn shallow_leaves_bodies_above_the_maximum_alone<A: App>() {
    let server = Server::<A>::start(Setup::shallow(limited())).await;
    let answer = server.get("/at-limit", &[]).await;
    assert_eq!(answer.text(), AT_LIMIT);
    assert_eq!(answer.etag(), Some(tag_of(AT_LIMIT).as_str()));
    let answer = server.get("/above-limit", &[]).await;
    assert_eq!(answer.etag(), None);
    assert_eq!(answer.text(), ABOVE_LIMIT);
    let answer = server.get("/above-limit", &[("if-none-match", "*")]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.etag(), None);
    assert_eq!(answer.text(), ABOVE_LIMIT);
    // Too large to tag, but its own Last-Modified still gets a 304.
    let answer = server
        .get("/above-limit-dated", &[("if-modified-since", MODIFIED)])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.etag(), None);
    server.stop().await;
}

pub async fn shallow_never_holds_a_stream_back<A: App>() {
    let server = Server::<A>::start(Setup::shallow(limited())).await;
    // A stream that never ends: the header fields and the first chunk arrive (its own tag
    // kept). Were the middleware waiting for the end, neither would.
    for (path, etag) in [
        ("/endless", None),
        ("/endless-claiming-a-length", None),
        ("/tagged-endless", Some(STREAM_TAG)),
    ] {
        let mut response = server
            .open(Request {
                method: Method::GET,
                path,
                headers: Vec::new(),
                body: Vec::new(),
            })
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response.headers().get("etag").map(|v| v.as_bytes()),
            etag.map(str::as_bytes),
            "{path}"
        );
        let first = tokio::time::timeout(PATIENCE, response.chunk())
            .await
            .expect("the first chunk comes at once though the body never ends")
            .expect("a chunk");
        assert_eq!(first.as_deref(), Some(FIRST.as_bytes()), "{path}");
    }
    // A stream that waits between chunks: untouched, complete.
    for headers in [&[][..], &[("if-none-match", "*")]] {
        let answer = server.get("/slow-stream", headers).await;
        assert_eq!(answer.status, StatusCode::OK, "{headers:?}");
        assert_eq!(answer.etag(), None);
        assert_eq!(answer.text(), CHUNKS.concat());
    }
    // A body of unknown length that is all there and within the limit: tagged like any other.
    let answer = server.get("/ready-stream", &[]).await;
    assert_eq!(answer.text(), CHUNKS.concat());
    assert_eq!(answer.etag(), Some(tag_of(&answer.body).as_str()));
    let etag = answer.etag().unwrap_or_default().to_owned();
    let answer = server
        .get("/ready-stream", &[("if-none-match", &etag)])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    // ...unless it passes the maximum: then sent as it is, every byte, in order.
    let answer = server.get("/long-ready-stream", &[]).await;
    assert_eq!(answer.etag(), None);
    assert_eq!(answer.text(), long_chunks().concat());
    server.stop().await;
}

pub async fn shallow_waits_only_for_a_body_of_known_length_and_replays_the_rest<A: App>() {
    let server = Server::<A>::start(Setup::shallow(limited())).await;
    // Its length is known and within the limit: waited for across its pauses, and tagged.
    let answer = server.get("/known-length-stream", &[]).await;
    assert_eq!(answer.text(), CHUNKS.concat());
    assert_eq!(answer.etag(), Some(tag_of(CHUNKS.concat()).as_str()));
    let etag = answer.etag().unwrap_or_default().to_owned();
    let answer = server
        .get("/known-length-stream", &[("if-none-match", &etag)])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    // Unknown length, not ready at once: not waited for; every byte arrives, untagged.
    for headers in [&[][..], &[("if-none-match", etag.as_str())]] {
        let answer = server.get("/trickle-stream", headers).await;
        assert_eq!(answer.status, StatusCode::OK, "{headers:?}");
        assert_eq!(answer.text(), CHUNKS.concat());
        assert_eq!(answer.etag(), None);
    }
    // A body that fails: the client sees what it would see without the middleware, the first
    // chunk and then a broken transfer.
    let mut response = server
        .open(Request {
            method: Method::GET,
            path: "/failing-stream",
            headers: Vec::new(),
            body: Vec::new(),
        })
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("etag").is_none());
    let first = tokio::time::timeout(PATIENCE, response.chunk())
        .await
        .expect("the first chunk")
        .expect("a chunk");
    assert_eq!(first.as_deref(), Some(CHUNKS[0].as_bytes()));
    let rest = tokio::time::timeout(PATIENCE, response.chunk())
        .await
        .expect("the end of the transfer");
    assert!(rest.is_err(), "the transfer breaks off: {rest:?}");
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Garbage

/// Request header values a client may send, valid or not, including bytes that are not UTF-8.
pub fn garbage_values() -> Vec<Vec<u8>> {
    let mut values: Vec<Vec<u8>> = [
        &b""[..],
        b" ",
        b",",
        b",,,,",
        b"*",
        b"**",
        b"*, \"a\"",
        b"\"",
        b"\"\"",
        b"W/",
        b"W/\"",
        b"w/\"a\"",
        b"\"a\"\"b\"",
        b"\"a\" \"b\"",
        b"\"\xff\"",
        b"\"\xff\xfe\"",
        b"\xff\xfe\xfd",
        b"\xff\xfe\x80",
        b"\x80",
        b"Sun, 06 Nov 1994 08:49:37 GMT",
        b"Sun, 06 Nov 1994 08:49:37",
        b"Sun, 99 Nov 1994 08:49:37 GMT",
        b"Sun, 99 Nov 99999 99:99:99 GMT",
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
    // Long lists and long values, each under 64 KiB so that twice over they stay within every
    // server's limit for a request's header fields (actix-web's is 128 KiB).
    values.push(b"\"a\",".repeat(10_000));
    values.push(b"\"x\", ".repeat(12_000));
    values.push(vec![b'x'; 30_000]);
    values
}

pub async fn garbage_never_panics_nor_answers_500<A: App>() {
    let server = Server::<A>::start(Setup::both(
        RequireRules::new().method("POST"),
        ShallowEtagRules::new(),
    ))
    .await;
    let fields = [
        "if-match",
        "if-none-match",
        "if-modified-since",
        "if-unmodified-since",
        "if-range",
        "range",
        "cache-control",
    ];
    let methods = [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::POST,
    ];
    let paths = [
        "/report",
        "/tagged",
        "/dated",
        "/garbage-etag",
        "/garbage-cache-control",
        "/odd-response",
        "/two-etags",
        "/write", // the fallback
    ];
    for value in garbage_values() {
        for field in fields {
            for method in &methods {
                for path in paths {
                    // Once, and twice (two field lines).
                    for copies in [1, 2] {
                        let headers = vec![(field, &value[..]); copies];
                        let answer = server.call(method.clone(), path, &headers).await;
                        assert!(
                            [200, 304, 405, 428].contains(&answer.status.as_u16()),
                            "{method} {path} {field} ×{copies}: {:?} gave {}",
                            String::from_utf8_lossy(&value),
                            answer.status,
                        );
                    }
                }
            }
        }
    }
    // A response's own odd validators: left as they are, never a tag over a bad one.
    for (path, etags) in [
        ("/garbage-etag", &["not-quoted"][..]),
        ("/odd-response", &["not-quoted"]),
        ("/two-etags", &["\"a\"", "\"b\""]),
    ] {
        let answer = server.get(path, &[("if-none-match", "*")]).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.text(), JSON, "{path}");
        assert_eq!(answer.all("etag"), etags, "{path}");
    }
    server.stop().await;
}
