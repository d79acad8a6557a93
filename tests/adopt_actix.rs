//! `precond::actix::{RequirePreconditions, ShallowEtag}` through a real actix-web `HttpServer`
//! on a loopback port, driven by reqwest: what a client sees on the wire. The cases are shared
//! with axum (`support/adopt_suite.rs`: the 428s per method, path pattern and exemption; the
//! preconditions that let a write through; shallow tags and 304s; what is left untouched;
//! streams; garbage headers; a `#[conditional]` handler behind both): this file has the
//! actix-web app of the suite's routes, and the cases of actix-web's own: `wrap` on a scope, a
//! `Content-Length` set on a streamed body, and both orders with
//! `actix_web::middleware::Compress`.
#![cfg(feature = "actix")]

#[macro_use]
#[path = "support/adopt_suite.rs"]
mod adopt_suite;

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServerHandle, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderValue;
use actix_web::middleware::{Compress, Condition};
use actix_web::web::{self, Bytes};
use actix_web::{HttpResponse, HttpServer, guard};
use precond::Requirement;
use precond::actix::{Rejected, RequirePreconditions, ShallowEtag, Tagged, conditional};
use precond::adopt::RequireRules;
use reqwest::{Method, StatusCode};

use adopt_suite::{
    App as _, AppState, Article, Chunks, Client, Fixed, ProducerFailed, RAN, RESPONSES, STREAMS,
    Setup, Streamed, assert_428, extractor_value, tag_of,
};

// ---------------------------------------------------------------------------------------------
// The server

/// A running `HttpServer`; [`adopt_suite::App::stop`] stops it (stopping is asynchronous).
struct ActixApp {
    base: String,
    handle: ServerHandle,
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
        ActixApp {
            base: format!("http://{address}"),
            handle,
        }
    }};
}

impl adopt_suite::App for ActixApp {
    async fn serve(state: Arc<AppState>, setup: Setup) -> Self {
        let state = web::Data::from(state);
        serve!(app(state.clone(), setup.clone()))
    }

    fn base(&self) -> &str {
        &self.base
    }

    async fn stop(self) {
        self.handle.stop(false).await;
    }
}

adopt_suite!(
    #[actix_web::test]
    ActixApp
);

// ---------------------------------------------------------------------------------------------
// The application of the suite

/// A route for both GET and HEAD (actix-web routes HEAD only where asked, axum with every GET).
fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// A resource that answers 405 to a method it has no route for, as axum does, instead of
/// handing the request to the app's default service.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(|| async {
        HttpResponse::MethodNotAllowed().finish()
    }))
}

/// The suite's routes around `state`, with the middleware of `setup`: `ShallowEtag` inside
/// `RequirePreconditions`, both wrapping the whole app (so the default service too).
fn app(
    state: web::Data<AppState>,
    setup: Setup,
) -> actix_web::App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let mut app = actix_web::App::new()
        .app_data(state)
        .service(
            resource("/json-extractor")
                .route(get_or_head().to(|| async { web::Json(extractor_value()) })),
        )
        .service(
            resource("/article")
                .route(get_or_head().to(get_article))
                .route(web::put().to(put_article)),
        );
    for fixed in RESPONSES {
        let route = if fixed.method == "POST" {
            web::post()
        } else {
            get_or_head()
        };
        app = app.service(
            resource(fixed.path).route(route.to(move || async move { fixed_response(fixed) })),
        );
    }
    for streamed in STREAMS {
        app = app.service(
            resource(streamed.path)
                .route(get_or_head().to(move || async move { streamed_response(streamed) })),
        );
    }
    if setup.fallback {
        app = app.default_service(web::to(counting));
    }
    app.wrap(Condition::new(
        setup.shallow.is_some(),
        ShallowEtag::with_rules(setup.shallow.unwrap_or_default()),
    ))
    .wrap(Condition::new(
        setup.require.is_some(),
        RequirePreconditions::new(setup.require.unwrap_or_default()),
    ))
}

fn fixed_response(fixed: &Fixed) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(fixed.status).expect("a status");
    let mut response = HttpResponse::build(status);
    for &(name, value) in fixed.headers {
        let value = HeaderValue::from_bytes(value).expect("a header value");
        response.append_header((name, value));
    }
    response.body(fixed.body)
}

/// A [`Chunks`] as an actix-web body: its chunks, its length as the body's size.
struct ChunkBody(Chunks);

impl MessageBody for ChunkBody {
    type Error = ProducerFailed;

    fn size(&self) -> BodySize {
        self.0.length().map_or(BodySize::Stream, BodySize::Sized)
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, ProducerFailed>>> {
        self.get_mut()
            .0
            .poll_chunk(cx)
            .map(|chunk| chunk.map(|chunk| chunk.map(Bytes::from)))
    }
}

fn streamed_response(streamed: &Streamed) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    for &(name, value) in streamed.headers {
        let value = HeaderValue::from_bytes(value).expect("a header value");
        response.append_header((name, value));
    }
    response.body(ChunkBody((streamed.chunks)()))
}

/// The default service: every other method and path.
async fn counting(state: web::Data<AppState>) -> HttpResponse {
    state.ran();
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(RAN)
}

#[conditional]
async fn get_article(
    state: web::Data<AppState>,
    #[current(state.article())] current: Article,
) -> Tagged<Article> {
    state.ran();
    Tagged::new(current)
}

#[conditional]
async fn put_article(
    state: web::Data<AppState>,
    #[current(state.article())] current: Article,
    title: String,
) -> Result<Tagged<Article>, Rejected> {
    state.ran();
    Ok(Tagged::new(state.put_if(current.version, title)?))
}

// ---------------------------------------------------------------------------------------------
// A scope, and a streamed body's Content-Length

#[actix_web::test]
async fn require_around_a_scope_matches_the_whole_path() {
    let state = web::Data::from(AppState::new());
    let server = {
        let state = state.clone();
        serve!(
            actix_web::App::new()
                .app_data(state.clone())
                .service(
                    web::scope("/api")
                        .wrap(RequirePreconditions::new(
                            RequireRules::new().exempt_path("/api/sessions/*"),
                        ))
                        .default_service(web::to(counting)),
                )
                .default_service(web::to(counting))
        )
    };
    let client = Client::new(server.base());
    let answer = client.method(Method::PUT, "/api/x", &[]).await;
    assert_428(&answer, Requirement::LOST_UPDATE, "inside the scope");
    assert_eq!(state.runs(), 0);
    let answer = client.method(Method::DELETE, "/api/sessions/1", &[]).await;
    assert_eq!(answer.status, StatusCode::OK, "exempt by its whole path");
    assert_eq!(state.runs(), 1);
    let answer = client.method(Method::PUT, "/elsewhere", &[]).await;
    assert_eq!(answer.status, StatusCode::OK, "outside the scope");
    assert_eq!(state.runs(), 2);
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
        actix_web::App::new()
            .configure(compressible_routes)
            .wrap(Compress::default())
            .wrap(ShallowEtag::new())
    );
    let client = Client::new(server.base());
    let gzip = [("accept-encoding", "gzip")];
    // Compressed: the tag is that of the gzip bytes.
    let zipped = client.get("/small", &gzip).await;
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    assert!(is_gzip(&zipped.body));
    let zipped_tag = zipped.etag().expect("a tag").to_owned();
    assert_eq!(zipped_tag, tag_of(&zipped.body));
    // Identity: the tag of the plain bytes, another tag.
    let plain = client.get("/small", &[]).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.text(), text(SMALL));
    let plain_tag = plain.etag().expect("a tag").to_owned();
    assert_eq!(plain_tag, tag_of(text(SMALL)));
    assert_ne!(zipped_tag, plain_tag);
    // Each client revalidates the variant it has.
    let answer = client
        .get(
            "/small",
            &[("accept-encoding", "gzip"), ("if-none-match", &zipped_tag)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert_eq!(answer.etag(), Some(zipped_tag.as_str()));
    assert!(answer.body.is_empty());
    let answer = client
        .get("/small", &[("if-none-match", plain_tag.as_str())])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    let answer = client
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
    let large = client.get("/large", &gzip).await;
    assert_eq!(large.header("content-encoding"), Some("gzip"));
    assert!(is_gzip(&large.body));
    if let Some(etag) = large.etag() {
        assert_eq!(etag, tag_of(&large.body));
    }
    let large = client.get("/large", &[]).await;
    assert_eq!(large.etag(), Some(tag_of(text(LARGE)).as_str()));
    server.stop().await;
}

#[actix_web::test]
async fn inside_compress_a_strong_tag_breaks_its_promise_and_a_weak_one_does_not() {
    // The wrong order: a strong tag of the plain bytes, sent with the gzip bytes.
    let server = serve!(
        actix_web::App::new()
            .configure(compressible_routes)
            .wrap(ShallowEtag::new())
            .wrap(Compress::default())
    );
    let client = Client::new(server.base());
    let zipped = client.get("/small", &[("accept-encoding", "gzip")]).await;
    assert!(is_gzip(&zipped.body));
    let plain = client.get("/small", &[]).await;
    assert_eq!(
        zipped.etag(),
        plain.etag(),
        "one strong tag for two byte sequences"
    );
    assert_ne!(zipped.etag(), Some(tag_of(&zipped.body).as_str()));
    server.stop().await;

    // The same place with weak tags: a promise of the same content, which holds.
    let server = serve!(
        actix_web::App::new()
            .configure(compressible_routes)
            .wrap(ShallowEtag::new().weak())
            .wrap(Compress::default())
    );
    let client = Client::new(server.base());
    for (path, len) in [("/small", SMALL), ("/large", LARGE)] {
        let weak_tag = format!("W/{}", tag_of(text(len)));
        let zipped = client.get(path, &[("accept-encoding", "gzip")]).await;
        assert!(is_gzip(&zipped.body), "{path}");
        assert_eq!(zipped.etag(), Some(weak_tag.as_str()), "{path}");
        let plain = client.get(path, &[]).await;
        assert_eq!(plain.text(), text(len));
        assert_eq!(plain.etag(), Some(weak_tag.as_str()), "{path}");
        // If-None-Match compares weakly: 304 for either encoding.
        for encoding in ["gzip", "identity"] {
            let answer = client
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
