// The body keeps its own return type: `?` converts errors with `From` as it did, `return`
// leaves the body (not the generated handler), and `-> impl IntoResponse`, `-> Response` and no
// return type at all work.
#![deny(warnings)]

use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use precond::axum::{Rejected, Tagged};
use precond::{Rejection, Versioned, conditional};
use tower::ServiceExt;

#[derive(Clone, serde::Serialize, Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

fn lookup(id: u64) -> Option<Document> {
    (id < 10).then_some(Document { version: id })
}

struct AppError(StatusCode);

impl From<std::num::TryFromIntError> for AppError {
    fn from(_: std::num::TryFromIntError) -> Self {
        Self(StatusCode::BAD_REQUEST)
    }
}

impl From<Rejection> for AppError {
    fn from(rejection: Rejection) -> Self {
        Self(rejection.status())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

/// `?` on two error types, both converted into `AppError` by `From`.
#[conditional]
async fn question_mark(
    Path(id): Path<u64>,
    #[current(lookup(id))] current: Option<Document>,
) -> Result<Tagged<Document>, AppError> {
    let small: u8 = u8::try_from(id)?;
    if small == 7 {
        Err(Rejection::precondition_failed(
            current.as_ref().map(Versioned::validators).as_ref(),
        ))?;
    }
    current.map(Tagged::new).ok_or(AppError(StatusCode::NOT_FOUND))
}

/// An early `return` of the body's type.
#[conditional]
async fn early_return(
    Path(id): Path<u64>,
    #[current(lookup(id))] current: Option<Document>,
) -> Result<Tagged<Document>, Rejected> {
    let Some(document) = current else {
        return Err(Rejected(Rejection::precondition_failed(None)));
    };
    if document.version == 0 {
        return Ok(Tagged::created(document));
    }
    Ok(Tagged::new(document))
}

/// `impl IntoResponse`: the body's type is opaque and inferred.
#[conditional]
async fn opaque(
    Path(id): Path<u64>,
    #[current(lookup(id))] current: Option<Document>,
) -> impl IntoResponse {
    match current {
        Some(document) => Tagged::new(document).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A tuple of response parts wrapping `impl IntoResponse`.
#[conditional]
async fn opaque_tuple(
    Path(id): Path<u64>,
    #[current(lookup(id))] current: Option<Document>,
) -> (StatusCode, impl IntoResponse) {
    (
        StatusCode::ACCEPTED,
        current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND),
    )
}

/// `-> Response`.
#[conditional]
async fn response(
    Path(id): Path<u64>,
    #[current(lookup(id))] current: Option<Document>,
) -> Response {
    if current.is_none() {
        return StatusCode::GONE.into_response();
    }
    StatusCode::NO_CONTENT.into_response()
}

/// No return type: `()` is an empty 200.
#[conditional(require = "If-Match")]
async fn unit(Path(id): Path<u64>, #[current(lookup(id))] current: Option<Document>) {
    if current.is_none() {
        return;
    }
}

async fn status(uri: &str, headers: &[(&str, &str)]) -> StatusCode {
    let app = Router::new()
        .route("/question_mark/{id}", get(question_mark))
        .route("/early_return/{id}", get(early_return))
        .route("/opaque/{id}", get(opaque))
        .route("/opaque_tuple/{id}", get(opaque_tuple))
        .route("/response/{id}", get(response))
        .route("/unit/{id}", get(unit));
    let mut request = Request::builder().uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap()
        .status()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert_eq!(status("/question_mark/3", &[]).await, StatusCode::OK);
    assert_eq!(status("/question_mark/300", &[]).await, StatusCode::BAD_REQUEST);
    assert_eq!(status("/question_mark/7", &[]).await, StatusCode::PRECONDITION_FAILED);
    assert_eq!(status("/question_mark/11", &[]).await, StatusCode::NOT_FOUND);
    assert_eq!(status("/early_return/0", &[]).await, StatusCode::CREATED);
    assert_eq!(status("/early_return/11", &[]).await, StatusCode::PRECONDITION_FAILED);
    assert_eq!(status("/opaque/1", &[]).await, StatusCode::OK);
    assert_eq!(
        status("/opaque/1", &[("if-none-match", "\"1\"")]).await,
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(status("/opaque_tuple/1", &[]).await, StatusCode::ACCEPTED);
    assert_eq!(status("/response/11", &[]).await, StatusCode::GONE);
    assert_eq!(status("/unit/1", &[]).await, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(status("/unit/1", &[("if-match", "\"1\"")]).await, StatusCode::OK);
}
