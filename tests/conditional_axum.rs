//! `#[conditional]` handlers served by axum through `tower::ServiceExt::oneshot`: every status
//! a conditional request can get, and proof that the handler body does not run when the
//! request is rejected. The cases are shared with actix-web (`support/conditional_suite.rs`):
//! this file has the axum handlers of the suite's routes and the way to send them a request.
#![cfg(feature = "axum")]

#[macro_use]
#[path = "support/conditional_suite.rs"]
mod conditional_suite;

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Json, Path, State};
use axum::http::request::Parts;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use precond::axum::{Rejected, Tagged};
use precond::conditional;
use tower::ServiceExt;

use conditional_suite::{Answer, App, Document, Store, StoreDown, Update};

// ---------------------------------------------------------------------------------------------
// The application

type AppState = Arc<Store>;

/// The store is unavailable: answered 503 by the error's own response.
impl IntoResponse for StoreDown {
    fn into_response(self) -> Response {
        (StatusCode::SERVICE_UNAVAILABLE, self.to_string()).into_response()
    }
}

/// GET and HEAD: 200 with validators, 304 for a fresh copy, 404 when absent; the declared
/// headers go on 200 and 304. The `#[current]` expression yields `Result<Option<_>, StoreDown>`.
#[conditional(
    cache_control = "no-cache",
    vary = "Accept-Encoding",
    content_location = format!("/documents/{id}")
)]
async fn get_document(
    State(store): State<AppState>,
    Path(id): Path<u64>,
    #[current(store.fetch(id).await)] current: Option<Document>,
) -> Result<Tagged<Document>, (StatusCode, &'static str)> {
    store.ran();
    let doc = current.ok_or((StatusCode::NOT_FOUND, "no such document"))?;
    Ok(Tagged::new(doc))
}

/// PUT: requires a precondition; creates with `If-None-Match: *`; compare-and-swap write.
#[conditional(require = "If-Match | If-Unmodified-Since | If-None-Match")]
async fn put_document(
    State(store): State<AppState>,
    Path(id): Path<u64>,
    #[current(store.get(id))] current: Option<Document>,
    Json(update): Json<Update>,
) -> Result<Tagged<Document>, Rejected> {
    store.ran();
    let expected = current.map(|doc| doc.version);
    let (doc, created) = store.put_if(id, expected, update.title)?;
    Ok(if created {
        Tagged::created(doc)
    } else {
        Tagged::new(doc)
    })
}

/// DELETE: requires `If-Match`.
#[conditional(require = "If-Match")]
async fn delete_document(
    State(store): State<AppState>,
    Path(id): Path<u64>,
    #[current(store.get(id))] current: Option<Document>,
) -> Result<StatusCode, Rejected> {
    store.ran();
    let Some(doc) = current else {
        return Ok(StatusCode::NOT_FOUND);
    };
    store.delete_if(id, doc.version)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The extractor form: the document is a parameter, extracted by axum (404 when absent).
#[conditional]
async fn get_by_extractor(
    State(store): State<AppState>,
    #[current] doc: Document,
) -> Tagged<Document> {
    store.ran();
    Tagged::new(doc)
}

impl FromRequestParts<AppState> for Document {
    type Rejection = StatusCode;

    async fn from_request_parts(
        parts: &mut Parts,
        store: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<u64>::from_request_parts(parts, store)
            .await
            .map_err(|_| StatusCode::BAD_REQUEST)?;
        store.get(id).ok_or(StatusCode::NOT_FOUND)
    }
}

/// An `impl IntoResponse` return type and a plain text body: the current validators are
/// stamped on the 200. The expression yields `Result<Document, (StatusCode, &str)>` for a
/// `Document`.
#[conditional]
async fn get_title(
    State(store): State<AppState>,
    Path(id): Path<u64>,
    #[current(store.get(id).ok_or((StatusCode::NOT_FOUND, "no such title")))] current: Document,
) -> impl IntoResponse {
    store.ran();
    current.title
}

fn app(store: &AppState) -> Router {
    Router::new()
        .route(
            "/documents/{id}",
            get(get_document).put(put_document).delete(delete_document),
        )
        .route("/by-extractor/{id}", get(get_by_extractor))
        .route("/titles/{id}", get(get_title))
        .with_state(store.clone())
}

// ---------------------------------------------------------------------------------------------
// The client: a fresh `Router` per request, through `oneshot`

struct AxumApp {
    store: AppState,
}

impl AxumApp {
    fn new() -> AxumApp {
        AxumApp {
            store: Store::with_document(),
        }
    }
}

impl App for AxumApp {
    /// axum's `Router` answers HEAD with the GET's headers and no body.
    const STRIPS_HEAD_BODIES: bool = true;

    fn store(&self) -> &Store {
        &self.store
    }

    async fn send(&self, request: conditional_suite::Request<'_>) -> Answer {
        let mut builder = Request::builder().method(request.method).uri(request.path);
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        let response = app(&self.store)
            .oneshot(builder.body(Body::from(request.body)).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec();
        Answer::new(
            status.as_u16(),
            headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_bytes())),
            body,
        )
    }
}

conditional_suite!(
    #[tokio::test]
    AxumApp::new
);
