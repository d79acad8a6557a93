//! The log events of the `tracing` feature: each 304, 412 and 428 of a `#[conditional]` handler
//! (axum and actix-web), of the adoption layers, and each lost update `precond::sqlx` prevents,
//! captured by a `Layer` set as the thread's default subscriber while requests are driven in
//! process on that thread. A request that proceeds logs nothing.
#![cfg(all(
    feature = "axum",
    feature = "actix",
    feature = "tracing",
    feature = "sqlx-sqlite"
))]

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};

use precond::Versioned;
use tracing::field::{Field, Visit};
use tracing::{Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

// ---------------------------------------------------------------------------------------------
// Capturing the events

/// One event, as strings.
#[derive(Debug, Clone, PartialEq)]
struct Captured {
    level: Level,
    target: String,
    message: String,
    fields: BTreeMap<String, String>,
}

impl Captured {
    /// The value of a field (not the message), if the event has it.
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// Asserts the level, the target, the message and exactly these fields.
    #[track_caller]
    fn assert(&self, level: Level, message: &str, fields: &[(&str, &str)]) {
        assert_eq!(self.level, level, "{self:?}");
        assert_eq!(self.target, "precond", "{self:?}");
        assert_eq!(self.message, message, "{self:?}");
        let expected: BTreeMap<String, String> = fields
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        assert_eq!(self.fields, expected, "{self:?}");
    }
}

/// Records every event, in order.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

/// Collects an event's fields: strings as they are, anything else as its `Debug` (which is the
/// `Display` of a `%` value).
#[derive(Default)]
struct Fields {
    message: String,
    fields: BTreeMap<String, String>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.fields
            .insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let value = format!("{value:?}");
        if field.name() == "message" {
            self.message = value;
        } else {
            self.fields.insert(field.name().to_owned(), value);
        }
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let metadata = event.metadata();
        self.0.lock().unwrap().push(Captured {
            level: *metadata.level(),
            target: metadata.target().to_owned(),
            message: fields.message,
            fields: fields.fields,
        });
    }
}

/// The events of precond (targets `precond` and below; sqlx's own are left out) that `run`
/// causes on this thread.
fn events_of<T>(run: impl FnOnce() -> T) -> (T, Vec<Captured>) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let value = tracing::subscriber::with_default(subscriber, run);
    let events = capture
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|event| event.target.split("::").next() == Some("precond"))
        .cloned()
        .collect();
    (value, events)
}

/// [`events_of`] a future, run on a current-thread runtime on this thread.
fn events_of_async<T>(future: impl Future<Output = T>) -> (T, Vec<Captured>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    events_of(|| runtime.block_on(future))
}

/// The single event of `events`.
#[track_caller]
fn single(events: &[Captured]) -> &Captured {
    assert_eq!(events.len(), 1, "{events:#?}");
    &events[0]
}

// ---------------------------------------------------------------------------------------------
// The applications: the same two handlers on both frameworks

/// The resource: always at version 3, `ETag: "3"`.
#[derive(Debug, Clone, serde::Serialize, Versioned)]
struct Doc {
    title: &'static str,
    #[versioned(version)]
    version: u64,
}

fn doc() -> Doc {
    Doc {
        title: "notes",
        version: 3,
    }
}

mod on_axum {
    use axum::Router;
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::{get, put};
    use precond::axum::{RequirePreconditionsLayer, ShallowEtagLayer, Tagged};
    use precond::conditional;
    use tower::ServiceExt;

    use super::{Doc, doc};

    #[conditional]
    async fn get_doc(#[current(doc())] current: Doc) -> Tagged<Doc> {
        Tagged::new(current)
    }

    #[conditional(require = "If-Match | If-None-Match")]
    async fn put_doc(#[current(doc())] current: Doc) -> Tagged<Doc> {
        Tagged::new(current)
    }

    fn app() -> Router {
        Router::new().route("/doc", get(get_doc).put(put_doc))
    }

    /// The adoption layers on plain handlers.
    fn adopted() -> Router {
        Router::new()
            .route(
                "/plain",
                put(|| async { "stored" }).get(|| async { "hello" }),
            )
            .layer(ShallowEtagLayer::new())
            .layer(RequirePreconditionsLayer::new(
                precond::adopt::RequireRules::new(),
            ))
    }

    async fn send_to(
        app: Router,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
    ) -> (u16, Option<String>) {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = app
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        let etag = response
            .headers()
            .get("etag")
            .map(|value| value.to_str().expect("ASCII").to_owned());
        (response.status().as_u16(), etag)
    }

    /// The status of a request to the `#[conditional]` handlers.
    pub(super) async fn send(method: &str, headers: &[(&str, &str)]) -> u16 {
        send_to(app(), method, "/doc", headers).await.0
    }

    /// The status and `ETag` of a request to the adopted plain handlers.
    pub(super) async fn send_adopted(
        method: &str,
        headers: &[(&str, &str)],
    ) -> (u16, Option<String>) {
        send_to(adopted(), method, "/plain", headers).await
    }
}

mod on_actix {
    use actix_web::test::{TestRequest, call_service, init_service};
    use actix_web::{App, web};
    use precond::actix::{Tagged, conditional};

    use super::{Doc, doc};

    #[conditional]
    async fn get_doc(#[current(doc())] current: Doc) -> Tagged<Doc> {
        Tagged::new(current)
    }

    #[conditional(require = "If-Match | If-None-Match")]
    async fn put_doc(#[current(doc())] current: Doc) -> Tagged<Doc> {
        Tagged::new(current)
    }

    /// The status of a request to the `#[conditional]` handlers.
    pub(super) fn send(method: &str, headers: &[(&str, &str)]) -> u16 {
        actix_web::rt::System::new().block_on(async {
            let app = init_service(
                App::new().service(
                    web::resource("/doc")
                        .route(web::get().to(get_doc))
                        .route(web::put().to(put_doc)),
                ),
            )
            .await;
            let method = actix_web::http::Method::from_bytes(method.as_bytes()).expect("method");
            let mut request = TestRequest::default().method(method).uri("/doc");
            for (name, value) in headers {
                request = request.append_header((*name, *value));
            }
            call_service(&app, request.to_request())
                .await
                .status()
                .as_u16()
        })
    }
}

/// A request to the `#[conditional]` handlers of both frameworks: the status each answers and
/// the precond events each logs, which must be the same.
#[track_caller]
fn both(method: &str, headers: &[(&str, &str)]) -> (u16, Vec<Captured>) {
    let (axum_status, axum_events) = events_of_async(on_axum::send(method, headers));
    let (actix_status, actix_events) = events_of(|| on_actix::send(method, headers));
    assert_eq!(axum_status, actix_status, "{method} {headers:?}");
    assert_eq!(axum_events, actix_events, "{method} {headers:?}");
    (axum_status, axum_events)
}

// ---------------------------------------------------------------------------------------------
// `#[conditional]`

#[test]
fn not_modified_is_a_debug_event_with_its_cause() {
    let (status, events) = both("GET", &[("if-none-match", "\"3\"")]);
    assert_eq!(status, 304);
    single(&events).assert(
        Level::DEBUG,
        "not modified",
        &[
            ("method", "GET"),
            ("status", "304"),
            ("cause", "If-None-Match"),
            ("current_etag", "\"3\""),
        ],
    );
    let (status, events) = both(
        "GET",
        &[("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT")],
    );
    // No Last-Modified: If-Modified-Since cannot be evaluated, and the request proceeds.
    assert_eq!(status, 200);
    assert!(events.is_empty(), "{events:#?}");
}

#[test]
fn stale_if_match_is_an_info_event_with_reason_changed() {
    let (status, events) = both("PUT", &[("if-match", "\"2\"")]);
    assert_eq!(status, 412);
    single(&events).assert(
        Level::INFO,
        "precondition failed",
        &[
            ("method", "PUT"),
            ("status", "412"),
            ("reason", "changed"),
            ("cause", "If-Match"),
            ("asserted", "\"2\""),
            ("current_etag", "\"3\""),
        ],
    );
}

#[test]
fn unquoted_if_match_is_reason_etag_not_quoted_with_every_line() {
    let (status, events) = both("PUT", &[("if-match", "3"), ("if-match", "\"1\"")]);
    assert_eq!(status, 412);
    let event = single(&events);
    assert_eq!(event.level, Level::INFO);
    assert_eq!(event.message, "precondition failed");
    assert_eq!(event.field("reason"), Some("etag_not_quoted"));
    assert_eq!(event.field("asserted"), Some("3, \"1\""));
    assert_eq!(event.field("current_etag"), Some("\"3\""));
}

#[test]
fn if_none_match_on_a_write_is_its_cause() {
    let (status, events) = both("PUT", &[("if-none-match", "*")]);
    assert_eq!(status, 412);
    let event = single(&events);
    assert_eq!(event.field("reason"), Some("exists"));
    assert_eq!(event.field("cause"), Some("If-None-Match"));
    assert_eq!(event.field("asserted"), Some("*"));
}

#[test]
fn a_huge_if_match_is_cut_to_256_bytes() {
    let huge = format!("\"{}\"", "a".repeat(64 * 1024));
    let (status, events) = both("PUT", &[("if-match", &huge)]);
    assert_eq!(status, 412);
    let event = single(&events);
    assert_eq!(event.field("reason"), Some("changed"));
    let asserted = event.field("asserted").expect("asserted");
    assert!(asserted.len() <= 256, "{} bytes", asserted.len());
    assert!(
        asserted.starts_with("\"aaaa") && asserted.ends_with('…'),
        "{asserted}"
    );
}

#[test]
fn missing_precondition_is_an_info_event_naming_what_is_required() {
    let (status, events) = both("PUT", &[]);
    assert_eq!(status, 428);
    single(&events).assert(
        Level::INFO,
        "precondition required",
        &[
            ("method", "PUT"),
            ("status", "428"),
            ("required", "If-Match or If-None-Match: *"),
        ],
    );
}

#[test]
fn requests_that_proceed_log_nothing() {
    for (method, headers) in [
        ("GET", &[][..]),
        ("GET", &[("if-none-match", "\"2\"")][..]),
        ("GET", &[("if-match", "\"3\""), ("range", "bytes=0-1")][..]),
        ("PUT", &[("if-match", "\"3\"")][..]),
        ("PUT", &[("if-match", "*")][..]),
    ] {
        let (status, events) = both(method, headers);
        assert!(
            matches!(status, 200 | 206),
            "{method} {headers:?}: {status}"
        );
        assert!(events.is_empty(), "{method} {headers:?}: {events:#?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The adoption layers (axum's; actix-web's middleware decide in the same framework-free rules)

#[test]
fn the_require_layer_logs_its_428_with_the_path() {
    let ((status, _), events) = events_of_async(on_axum::send_adopted("PUT", &[]));
    assert_eq!(status, 428);
    single(&events).assert(
        Level::INFO,
        "precondition required",
        &[
            ("method", "PUT"),
            ("path", "/plain"),
            ("status", "428"),
            ("required", &precond::Requirement::LOST_UPDATE.to_string()),
            ("layer", "true"),
        ],
    );
    let ((status, _), events) =
        events_of_async(on_axum::send_adopted("PUT", &[("if-match", "\"x\"")]));
    assert_eq!(status, 200);
    assert!(events.is_empty(), "{events:#?}");
}

#[test]
fn the_shallow_layer_logs_its_304() {
    let ((status, etag), events) = events_of_async(on_axum::send_adopted("GET", &[]));
    assert_eq!(status, 200);
    assert!(events.is_empty(), "{events:#?}");
    let etag = etag.expect("a shallow ETag");
    let ((status, _), events) =
        events_of_async(on_axum::send_adopted("GET", &[("if-none-match", &etag)]));
    assert_eq!(status, 304);
    single(&events).assert(
        Level::DEBUG,
        "not modified",
        &[
            ("method", "GET"),
            ("status", "304"),
            ("cause", "If-None-Match"),
            ("current_etag", &etag),
            ("layer", "true"),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// precond::sqlx

#[derive(Debug, Clone, sqlx::FromRow, Versioned)]
struct Note {
    id: i64,
    body: String,
    #[versioned(version)]
    version: i64,
}

impl precond::sqlx::Record for Note {
    const TABLE: precond::sqlx::Table = precond::sqlx::Table::new("notes");
    fn version(&self) -> i64 {
        self.version
    }
}

#[test]
fn a_lost_race_is_an_info_event_with_the_winner() {
    use precond::sqlx::{Changes, WriteError};

    let ((), events) = events_of_async(async {
        // One connection: each connection to `sqlite::memory:` is a database of its own.
        let db = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("SQLite in memory");
        sqlx::query(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, \
             version INTEGER NOT NULL)",
        )
        .execute(&db)
        .await
        .expect("schema");
        let created: Note = precond::sqlx::create(&db, 1i64, Changes::new().set("body", "a"))
            .await
            .expect("create");
        // Two writers checked the same version; the first one wins.
        let first = precond::sqlx::update(&db, 1i64, &created, Changes::new().set("body", "b"))
            .await
            .expect("the first write");
        assert_eq!((created.id, created.body.as_str()), (1, "a"));
        assert_eq!(
            (first.version, first.body.as_str()),
            (created.version + 1, "b")
        );
        let second =
            precond::sqlx::update(&db, 1i64, &created, Changes::new().set("body", "c")).await;
        assert!(
            matches!(&second, Err(WriteError::Rejected(rejection)) if rejection.status() == 412),
            "{second:?}"
        );
        // A create over an existing key lost its race too: no version was checked.
        let again =
            precond::sqlx::create::<_, Note, _>(&db, 1i64, Changes::new().set("body", "d")).await;
        assert!(matches!(again, Err(WriteError::Rejected(_))), "{again:?}");
    });
    assert_eq!(events.len(), 2, "{events:#?}");
    events[0].assert(
        Level::INFO,
        "lost update prevented: another write came first",
        &[
            ("table", "notes"),
            ("status", "412"),
            ("checked_version", "1"),
            ("current_etag", "\"2\""),
        ],
    );
    events[1].assert(
        Level::INFO,
        "lost update prevented: another write came first",
        &[
            ("table", "notes"),
            ("status", "412"),
            ("current_etag", "\"2\""),
        ],
    );
}
