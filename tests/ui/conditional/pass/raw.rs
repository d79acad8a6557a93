// A `#[conditional]` handler that answers bytes of its own media type (`Tagged<Raw>`) and one
// that creates with a `Location`: the checked validators label the bytes, a `Range` is served
// from them, a fresh copy gets 304.
#![deny(warnings)]

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use axum::routing::get;
use precond::axum::Tagged;
use precond::{Raw, Versioned, conditional};
use tower::ServiceExt;

#[derive(Clone, Versioned)]
struct Image {
    #[versioned(version)]
    version: u64,
}

#[derive(Clone, serde::Serialize, Versioned)]
struct Note {
    #[versioned(version)]
    version: u64,
}

#[conditional]
async fn image(#[current(Image { version: 7 })] current: Image) -> Tagged<Raw> {
    let _ = current;
    Tagged::new(Raw::new(&b"\x89PNG..."[..], "image/png"))
}

#[conditional(require = "If-None-Match")]
async fn create(#[current(None::<Note>)] current: Option<Note>) -> Tagged<Note> {
    let _ = current;
    Tagged::created(Note { version: 1 }).with_location("/notes/1")
}

async fn send(
    app: &Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap().to_vec();
    (parts.status, parts.headers, body)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let app = Router::new()
        .route("/image", get(image))
        .route("/notes/1", axum::routing::put(create));

    let (status, headers, body) =
        send(&app, Request::get("/image").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["etag"], "\"7\"");
    assert_eq!(body, b"\x89PNG...");

    let range = Request::get("/image")
        .header("range", "bytes=1-3")
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = send(&app, range).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(headers["content-range"], "bytes 1-3/7");
    assert_eq!(body, b"PNG");

    let fresh = Request::get("/image")
        .header("if-none-match", "\"7\"")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, fresh).await.0, StatusCode::NOT_MODIFIED);

    let put = Request::put("/notes/1")
        .header("if-none-match", "*")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = send(&app, put).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(headers["location"], "/notes/1");
    assert_eq!(headers["etag"], "\"1\"");
}
