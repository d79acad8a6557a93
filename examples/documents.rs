//! A small document API whose writes cannot lose updates.
//!
//! ```sh
//! cargo run --example documents        # serves on 127.0.0.1:3000 (PORT overrides the port)
//! ```
//!
//! - `GET` / `HEAD /documents/{id}`: 200 with `ETag` and `Last-Modified`, 304 for a fresh copy
//!   (`If-None-Match` / `If-Modified-Since`), 404 when absent.
//! - `PUT /documents/{id}` with `{"title": ..., "text": ...}`: requires `If-Match` or
//!   `If-Unmodified-Since` (428 otherwise); 412 with the current ETag when the client's copy is
//!   stale; `If-None-Match: *` creates (201) only if the document does not exist.
//! - `DELETE /documents/{id}`: same policy, 204.
//!
//! The handlers call precond's engine by hand: the check and the write happen under one lock,
//! so two writers holding the same ETag can never both succeed.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use precond::{Decision, ETag, Policy, Preconditions, Rejection, Validators, date};
use serde::{Deserialize, Serialize};

/// A stored document. `version` starts at 1 and grows by one on every successful write.
#[derive(Clone, Debug, Serialize)]
struct Document {
    id: u64,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    version: u64,
    #[serde(skip)]
    updated_at: SystemTime,
}

impl Document {
    fn validators(&self) -> Validators {
        Validators::new(ETag::from_version(self.version)).with_last_modified(self.updated_at)
    }
}

#[derive(Deserialize)]
struct DocumentBody {
    title: String,
    text: Option<String>,
}

type Store = Arc<Mutex<BTreeMap<u64, Document>>>;

fn seeded_store() -> Store {
    let mut documents = BTreeMap::new();
    documents.insert(
        42,
        Document {
            id: 42,
            title: "My Document".to_owned(),
            text: None,
            version: 1,
            // A fixed instant in the past, so that runs are reproducible:
            // Wed, 01 Jan 2025 00:00:00 GMT.
            updated_at: UNIX_EPOCH + Duration::from_secs(1_735_689_600),
        },
    );
    Arc::new(Mutex::new(documents))
}

fn app(store: Store) -> Router {
    Router::new()
        .route(
            "/documents/{id}",
            get(get_document).put(put_document).delete(delete_document),
        )
        .with_state(store)
}

fn rejection_response(rejection: &Rejection) -> Response {
    rejection.to_response::<String>().map(Body::from)
}

fn with_validators(mut response: Response, validators: &Validators) -> Response {
    let headers = response.headers_mut();
    if let Some(etag) = validators.etag() {
        headers.insert(header::ETAG, etag.to_header_value());
    }
    if let Some(time) = validators.last_modified()
        && let Ok(value) = HeaderValue::try_from(date::fmt_http_date(time))
    {
        headers.insert(header::LAST_MODIFIED, value);
    }
    response
}

fn document_response(status: StatusCode, document: &Document, with_body: bool) -> Response {
    let json = serde_json::to_vec(document).unwrap_or_default();
    let length = json.len();
    let body = if with_body {
        Body::from(json)
    } else {
        Body::empty()
    };
    let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    with_validators(response, &document.validators())
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"error":"not_found"}"#,
    )
        .into_response()
}

async fn get_document(
    method: Method,
    State(store): State<Store>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Response {
    let document = store
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&id)
        .cloned();
    let preconditions = Preconditions::from_headers(&headers);
    let validators = document.as_ref().map(Document::validators);
    match precond::evaluate(
        &method,
        &preconditions,
        validators.as_ref(),
        &Policy::none(),
    ) {
        Decision::Proceed { .. } => match document {
            Some(document) => document_response(StatusCode::OK, &document, method != Method::HEAD),
            None => not_found(),
        },
        decision => match decision.rejection() {
            Some(rejection) => rejection_response(rejection),
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}

async fn put_document(
    State(store): State<Store>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(update) = serde_json::from_slice::<DocumentBody>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"error":"bad_request","message":"expected {\"title\": string, \"text\"?: string}"}"#,
        )
            .into_response();
    };
    let preconditions = Preconditions::from_headers(&headers);
    // Check and write under one lock: the precondition cannot go stale before the write.
    let mut documents = store.lock().unwrap_or_else(PoisonError::into_inner);
    let validators = documents.get(&id).map(Document::validators);
    let decision = precond::evaluate(
        &Method::PUT,
        &preconditions,
        validators.as_ref(),
        &Policy::lost_update(),
    );
    if let Some(rejection) = decision.rejection() {
        return rejection_response(rejection);
    }
    let (status, version) = match documents.get(&id) {
        Some(existing) => (StatusCode::OK, existing.version + 1),
        None => (StatusCode::CREATED, 1),
    };
    let document = Document {
        id,
        title: update.title,
        text: update.text,
        version,
        updated_at: SystemTime::now(),
    };
    documents.insert(id, document.clone());
    document_response(status, &document, true)
}

async fn delete_document(
    State(store): State<Store>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Response {
    let preconditions = Preconditions::from_headers(&headers);
    let mut documents = store.lock().unwrap_or_else(PoisonError::into_inner);
    // RFC 9110 §13.2.1: the unconditional answer would be 404, which takes precedence.
    let Some(validators) = documents.get(&id).map(Document::validators) else {
        return not_found();
    };
    let decision = precond::evaluate(
        &Method::DELETE,
        &preconditions,
        Some(&validators),
        &Policy::lost_update(),
    );
    if let Some(rejection) = decision.rejection() {
        return rejection_response(rejection);
    }
    documents.remove(&id);
    StatusCode::NO_CONTENT.into_response()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(3000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("documents: serving on http://{}", listener.local_addr()?);
    axum::serve(listener, app(seeded_store()))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
