// One crate with both features: an axum handler and an actix-web handler side by side, each
// with its own `#[conditional]`, answering the same requests the same way.
#![deny(warnings)]

use actix_web::test::{TestRequest, call_service, init_service};
use axum::body::Body;
use axum::http::Request;
use precond::Versioned;
use tower::ServiceExt;

#[derive(Clone, serde::Serialize, Versioned)]
struct Document {
    title: String,
    #[versioned(version)]
    version: u64,
}

fn load() -> Option<Document> {
    Some(Document { title: "both".into(), version: 2 })
}

mod with_axum {
    use super::{Document, load};
    use axum::http::StatusCode;
    use precond::axum::Tagged;
    use precond::conditional;

    #[conditional(require = "If-Match")]
    pub async fn put(
        #[current(load())] current: Option<Document>,
    ) -> Result<Tagged<Document>, StatusCode> {
        let mut document = current.ok_or(StatusCode::NOT_FOUND)?;
        document.version += 1;
        Ok(Tagged::new(document))
    }
}

mod with_actix {
    use super::{Document, load};
    use actix_web::error::ErrorNotFound;
    use precond::actix::{Tagged, conditional};

    #[conditional(require = "If-Match")]
    pub async fn put(
        #[current(load())] current: Option<Document>,
    ) -> Result<Tagged<Document>, actix_web::Error> {
        let mut document = current.ok_or_else(|| ErrorNotFound("absent"))?;
        document.version += 1;
        Ok(Tagged::new(document))
    }
}

async fn axum_status(if_match: Option<&str>) -> (u16, Option<String>) {
    let app = axum::Router::new().route("/d", axum::routing::put(with_axum::put));
    let mut request = Request::builder().method("PUT").uri("/d");
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    let response = app.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let etag = response.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), etag)
}

async fn actix_status(if_match: Option<&str>) -> (u16, Option<String>) {
    let app = init_service(
        actix_web::App::new().route("/d", actix_web::web::put().to(with_actix::put)),
    )
    .await;
    let mut request = TestRequest::put().uri("/d");
    if let Some(tag) = if_match {
        request = request.insert_header(("if-match", tag));
    }
    let response = call_service(&app, request.to_request()).await;
    let etag = response.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), etag)
}

fn main() {
    actix_web::rt::System::new().block_on(async {
        for if_match in [None, Some("\"1\""), Some("\"2\""), Some("*")] {
            let axum = axum_status(if_match).await;
            let actix = actix_status(if_match).await;
            assert_eq!(axum, actix, "If-Match: {if_match:?}");
        }
        assert_eq!(actix_status(None).await.0, 428);
        assert_eq!(actix_status(Some("\"1\"")).await, (412, Some("\"2\"".to_owned())));
        assert_eq!(actix_status(Some("\"2\"")).await, (200, Some("\"3\"".to_owned())));
    });
}
