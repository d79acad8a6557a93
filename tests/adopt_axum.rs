//! `precond::axum::{RequirePreconditionsLayer, ShallowEtagLayer}` on real axum servers on
//! loopback, driven with reqwest. The cases are shared with actix-web
//! (`support/adopt_suite.rs`: the 428s per method, path pattern and exemption; the
//! preconditions that let a write through; shallow tags and 304s; what is left untouched;
//! streams; garbage headers; a `#[conditional]` handler behind both layers): this file has the
//! axum app of the suite's routes, and the cases of axum's own: `Router::route_layer` against
//! `Router::layer`, handlers returning `Response`, and the order with tower-http's compression
//! layer.
#![cfg(feature = "axum")]

#[macro_use]
#[path = "support/adopt_suite.rs"]
mod adopt_suite;

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Json, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body::{Frame, SizeHint};
use precond::axum::{Rejected, RequirePreconditionsLayer, ShallowEtagLayer, Tagged};
use precond::{Requirement, conditional};
use reqwest::Method;
use tower_http::compression::CompressionLayer;

use adopt_suite::{
    Answer, AppState, Article, Chunks, Client, Fixed, ProducerFailed, RAN, RESPONSES, STREAMS,
    Setup, Streamed, assert_428, extractor_value, tag_of,
};

// ---------------------------------------------------------------------------------------------
// The server

/// An axum server on 127.0.0.1 at an ephemeral port.
struct AxumApp {
    base: String,
    task: tokio::task::JoinHandle<()>,
}

/// Serves `router` on 127.0.0.1 at an ephemeral port.
async fn serve(router: Router) -> AxumApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    AxumApp {
        base: format!("http://{address}"),
        task,
    }
}

impl adopt_suite::App for AxumApp {
    async fn serve(state: Arc<AppState>, setup: Setup) -> Self {
        serve(app(state, setup)).await
    }

    fn base(&self) -> &str {
        &self.base
    }

    async fn stop(self) {
        self.task.abort();
    }
}

adopt_suite!(
    #[tokio::test]
    AxumApp
);

// ---------------------------------------------------------------------------------------------
// The application of the suite

/// The suite's routes around `state`, with the layers of `setup`: `ShallowEtagLayer` inside
/// `RequirePreconditionsLayer`, both by `Router::layer` (so around the fallback too).
fn app(state: Arc<AppState>, setup: Setup) -> Router {
    let mut router = Router::new()
        .route("/json-extractor", get(|| async { Json(extractor_value()) }))
        .route("/article", get(get_article).put(put_article));
    for fixed in RESPONSES {
        let handler = move || async move { fixed_response(fixed) };
        let route = if fixed.method == "POST" {
            post(handler)
        } else {
            get(handler)
        };
        router = router.route(fixed.path, route);
    }
    for streamed in STREAMS {
        router = router.route(
            streamed.path,
            get(move || async move { streamed_response(streamed) }),
        );
    }
    if setup.fallback {
        router = router.fallback(counting);
    }
    let mut router = router.with_state(state);
    if let Some(rules) = setup.shallow {
        router = router.layer(ShallowEtagLayer::with_rules(rules));
    }
    if let Some(rules) = setup.require {
        router = router.layer(RequirePreconditionsLayer::new(rules));
    }
    router
}

fn fixed_response(fixed: &Fixed) -> Response {
    let mut response = Response::new(Body::from(fixed.body));
    *response.status_mut() = StatusCode::from_u16(fixed.status).expect("a status");
    for (name, value) in fixed.headers {
        response.headers_mut().append(
            HeaderName::from_static(name),
            HeaderValue::from_bytes(value).expect("a header value"),
        );
    }
    response
}

/// A [`Chunks`] as an axum body: its chunks as data frames, its length as the size hint.
struct ChunkBody(Chunks);

impl HttpBody for ChunkBody {
    type Data = Bytes;
    type Error = ProducerFailed;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, ProducerFailed>>> {
        self.get_mut()
            .0
            .poll_chunk(cx)
            .map(|chunk| chunk.map(|chunk| chunk.map(|bytes| Frame::data(Bytes::from(bytes)))))
    }

    fn size_hint(&self) -> SizeHint {
        self.0
            .length()
            .map_or_else(SizeHint::default, SizeHint::with_exact)
    }
}

fn streamed_response(streamed: &Streamed) -> Response {
    let mut response = Response::new(Body::new(ChunkBody((streamed.chunks)())));
    for (name, value) in streamed.headers {
        response.headers_mut().append(
            HeaderName::from_static(name),
            HeaderValue::from_bytes(value).expect("a header value"),
        );
    }
    response
}

/// The fallback: every other method and path.
async fn counting(State(state): State<Arc<AppState>>) -> &'static str {
    state.ran();
    RAN
}

#[conditional]
async fn get_article(
    State(state): State<Arc<AppState>>,
    #[current(state.article())] current: Article,
) -> Tagged<Article> {
    state.ran();
    Tagged::new(current)
}

#[conditional]
async fn put_article(
    State(state): State<Arc<AppState>>,
    #[current(state.article())] current: Article,
    title: String,
) -> Result<Tagged<Article>, Rejected> {
    state.ran();
    Ok(Tagged::new(state.put_if(current.version, title)?))
}

// ---------------------------------------------------------------------------------------------
// Router::route_layer and Response

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
    let server = serve(routes().route_layer(RequirePreconditionsLayer::default())).await;
    let client = Client::new(&server.base);
    let nowhere = client.method(Method::PUT, "/nowhere", &[]).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    for method in [Method::PUT, Method::DELETE] {
        let answer = client.method(method.clone(), "/documents/1", &[]).await;
        assert_428(&answer, Requirement::LOST_UPDATE, method.as_str());
    }
    let with_precondition = client
        .method(Method::DELETE, "/documents/1", &[("if-match", "*")])
        .await;
    assert_eq!(with_precondition.status, StatusCode::METHOD_NOT_ALLOWED);

    let server = serve(routes().layer(RequirePreconditionsLayer::default())).await;
    let client = Client::new(&server.base);
    let answer = client.method(Method::PUT, "/nowhere", &[]).await;
    assert_428(&answer, Requirement::LOST_UPDATE, "PUT /nowhere");
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
    let server = serve(app).await;
    let client = Client::new(&server.base);
    let answer = client.get("/r", &[]).await;
    assert_eq!(answer.text(), "plain");
    assert_eq!(answer.etag(), Some(tag_of(b"plain").as_str()));
    let answer = client.method(Method::PUT, "/r", &[("if-match", "*")]).await;
    assert_eq!(answer.text(), "put");
    assert_eq!(answer.etag(), None);
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

async fn gzip_get(client: &Client, extra: &[(&str, &str)]) -> Answer {
    let mut headers = vec![("accept-encoding", "gzip")];
    headers.extend_from_slice(extra);
    client.get("/text", &headers).await
}

#[tokio::test]
async fn outside_compression_the_strong_tag_is_of_the_compressed_bytes() {
    let app = compressible_app()
        .layer(CompressionLayer::new())
        .layer(ShallowEtagLayer::new());
    let server = serve(app).await;
    let client = Client::new(&server.base);

    let gzip = gzip_get(&client, &[]).await;
    assert_eq!(gzip.status, StatusCode::OK);
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_ne!(gzip.body, long_text().as_bytes(), "compressed on the wire");
    let gzip_tag = gzip.etag().expect("a tag").to_owned();
    assert_eq!(gzip_tag, tag_of(&gzip.body));
    assert!(!gzip_tag.starts_with("W/"));

    let identity = client.get("/text", &[]).await;
    assert_eq!(identity.header("content-encoding"), None);
    let identity_tag = identity.etag().expect("a tag").to_owned();
    assert_eq!(identity_tag, tag_of(long_text()));
    assert_ne!(gzip_tag, identity_tag, "two encodings, two strong tags");

    // Revalidation of the gzip copy: 304, with the Vary the cache needs.
    let again = gzip_get(&client, &[("if-none-match", &gzip_tag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.etag(), Some(gzip_tag.as_str()));
    assert!(again.body.is_empty());
    let vary = again
        .header("vary")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(vary.contains("accept-encoding"), "{vary}");
    assert_eq!(again.header("content-encoding"), None);
    // The identity tag does not revalidate the gzip bytes.
    let other = gzip_get(&client, &[("if-none-match", &identity_tag)]).await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn inside_compression_a_strong_tag_would_be_wrong_and_weak_makes_it_safe() {
    // The wrong order: the layer hashes the bytes before compression...
    let app = compressible_app()
        .layer(ShallowEtagLayer::new())
        .layer(CompressionLayer::new());
    let server = serve(app).await;
    let client = Client::new(&server.base);
    let gzip = gzip_get(&client, &[]).await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    // ...so the gzip bytes carry the strong tag of the identity bytes: a false promise.
    let tag = gzip.etag().expect("a tag");
    assert_eq!(tag, tag_of(long_text()));
    assert_ne!(tag, tag_of(&gzip.body));

    // With `.weak()`, the tag only claims the same content, which is true of both encodings,
    // and revalidation still works for both.
    let app = compressible_app()
        .layer(ShallowEtagLayer::new().weak())
        .layer(CompressionLayer::new());
    let server = serve(app).await;
    let client = Client::new(&server.base);
    let gzip = gzip_get(&client, &[]).await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    let tag = gzip.etag().expect("a tag").to_owned();
    assert_eq!(
        tag,
        format!("W/{}", adopt_suite::tag_of(long_text().as_bytes()))
    );
    let identity = client.get("/text", &[]).await;
    assert_eq!(identity.etag(), Some(tag.as_str()));
    for accept in ["gzip", "identity"] {
        let again = client
            .get(
                "/text",
                &[("accept-encoding", accept), ("if-none-match", &tag)],
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{accept}");
        assert!(again.body.is_empty());
    }
}
