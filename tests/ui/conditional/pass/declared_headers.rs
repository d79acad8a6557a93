// Headers declared on the attribute, as literals and as expressions evaluated per request, go on
// 304 answers and on 2xx answers that do not set them; a value that fails to convert is left
// out.
#![deny(warnings)]

use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use precond::axum::Tagged;
use precond::{Versioned, conditional};
use tower::ServiceExt;

#[derive(Clone, serde::Serialize, Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional(
    cache_control = "no-cache",
    vary = "Accept-Encoding, Accept-Language",
    expires = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(86_400)),
    content_location = format!("/documents/{id}"),
)]
async fn get_document(
    Path(id): Path<u64>,
    #[current(Document { version: id })] current: Document,
) -> Tagged<Document> {
    Tagged::new(current)
}

/// The body's own `Cache-Control` wins; a value that is not a header value is left out.
#[conditional(cache_control = "no-cache", vary = String::from("bad\nvalue"))]
async fn own_cache_control(#[current(Document { version: 1 })] current: Document) -> impl IntoResponse {
    ([(CACHE_CONTROL, "max-age=60")], Tagged::new(current))
}

async fn send(uri: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap) {
    let app = Router::new()
        .route("/documents/{id}", get(get_document))
        .route("/own", get(own_cache_control));
    let mut request = Request::builder().uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    (response.status(), response.headers().clone())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    for headers in [&[][..], &[("if-none-match", "\"5\"")][..]] {
        let (status, got) = send("/documents/5", headers).await;
        let expected = if headers.is_empty() { StatusCode::OK } else { StatusCode::NOT_MODIFIED };
        assert_eq!(status, expected);
        assert_eq!(got["cache-control"], "no-cache");
        assert_eq!(got["vary"], "Accept-Encoding, Accept-Language");
        assert_eq!(got["expires"], "Fri, 02 Jan 1970 00:00:00 GMT");
        assert_eq!(got["content-location"], "/documents/5");
        assert_eq!(got["etag"], "\"5\"");
    }

    let (status, got) = send("/own", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let cache: Vec<_> = got.get_all("cache-control").iter().collect();
    assert_eq!(cache, ["max-age=60"]);
    assert!(!got.contains_key("vary"));
}
