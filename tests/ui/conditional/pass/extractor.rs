// `#[current]` on an extractor of the user's, as `T` and as `Option<T>` (through axum's
// `OptionalFromRequestParts`): the parameter stays in the signature, `mut` included.
#![deny(warnings)]

use std::convert::Infallible;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{Request, StatusCode};
use axum::routing::put;
use precond::axum::Tagged;
use precond::{Versioned, conditional};
use tower::ServiceExt;

#[derive(Clone, serde::Serialize, Versioned)]
struct Document {
    title: String,
    #[versioned(version)]
    version: u64,
}

/// The document is version 3 of `/documents/three`, absent elsewhere.
impl<S: Send + Sync> OptionalFromRequestParts<S> for Document {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Infallible> {
        Ok((parts.uri.path() == "/documents/three").then(|| Document {
            title: "three".into(),
            version: 3,
        }))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Document {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, StatusCode> {
        match <Self as OptionalFromRequestParts<S>>::from_request_parts(parts, state).await {
            Ok(Some(document)) => Ok(document),
            _ => Err(StatusCode::NOT_FOUND),
        }
    }
}

#[conditional(require = "If-Match")]
async fn required(#[current] mut doc: Document) -> Tagged<Document> {
    doc.version += 1;
    Tagged::new(doc)
}

#[conditional(require = "If-None-Match")]
async fn optional(#[current] doc: Option<Document>) -> Result<Tagged<Document>, StatusCode> {
    match doc {
        Some(_) => Err(StatusCode::CONFLICT),
        None => Ok(Tagged::created(Document {
            title: "new".into(),
            version: 1,
        })),
    }
}

async fn send(method: &str, uri: &str, headers: &[(&str, &str)]) -> (StatusCode, Option<String>) {
    let app = Router::new().route("/documents/{name}", put(required).post(optional));
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let etag = response
        .headers()
        .get("etag")
        .map(|value| value.to_str().unwrap().to_owned());
    (response.status(), etag)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let put = |headers| send("PUT", "/documents/three", headers);
    assert_eq!(put(&[]).await.0, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(put(&[("if-match", "\"2\"")]).await.0, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        put(&[("if-match", "\"3\"")]).await,
        (StatusCode::OK, Some("\"4\"".to_owned()))
    );
    // The extractor's own rejection, before any check.
    assert_eq!(
        send("PUT", "/documents/two", &[("if-match", "*")]).await.0,
        StatusCode::NOT_FOUND
    );

    let create = |uri| send("POST", uri, &[("if-none-match", "*")]);
    assert_eq!(create("/documents/two").await.0, StatusCode::CREATED);
    assert_eq!(create("/documents/three").await.0, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        send("POST", "/documents/two", &[]).await.0,
        StatusCode::PRECONDITION_REQUIRED
    );
}
