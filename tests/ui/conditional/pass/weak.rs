// Weak ETags are fine where `If-Match` is not required: GETs compare them weakly (304), and
// writes can be protected by `If-Unmodified-Since` or create-only `If-None-Match: *`.
#![deny(warnings)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use precond::axum::Tagged;
use precond::{Versioned, conditional};
use tower::ServiceExt;

#[derive(Clone, serde::Serialize, Versioned)]
#[versioned(weak)]
struct Page {
    html: String,
    #[versioned(last_modified, skip)]
    modified: SystemTime,
}

fn page() -> Page {
    Page {
        html: "<p>hi</p>".into(),
        modified: UNIX_EPOCH + Duration::from_secs(1_000_000_000),
    }
}

#[conditional]
async fn read(#[current(page())] current: Page) -> Tagged<Page> {
    Tagged::new(current)
}

#[conditional(require = "If-Unmodified-Since | If-None-Match")]
async fn write(#[current(Some(page()))] current: Option<Page>) -> StatusCode {
    let _ = current;
    StatusCode::NO_CONTENT
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let app = Router::new().route("/page", get(read).put(write));
    let response = app
        .clone()
        .oneshot(Request::get("/page").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let etag = response.headers()["etag"].clone();
    assert!(etag.to_str().unwrap().starts_with("W/"));

    let not_modified = app
        .clone()
        .oneshot(
            Request::get("/page")
                .header("if-none-match", etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);

    let written = app
        .oneshot(
            Request::put("/page")
                .header("if-unmodified-since", "Sun, 09 Sep 2001 01:46:40 GMT")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(written.status(), StatusCode::NO_CONTENT);
}
