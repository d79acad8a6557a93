// The parameters after `#[current]` are extracted once the check has passed: neither the
// `#[current(...)]` expression nor a declared header may use them.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Clone, serde::Serialize, Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[derive(Clone)]
struct Store;

impl Store {
    async fn get(&self, _: u64) -> Option<Document> {
        None
    }
}

#[conditional(require = "If-Match", content_location = format!("/documents/{id}"))]
async fn put_document(
    #[current(store.get(id).await)] current: Option<Document>,
    State(store): State<Store>,
    Path(id): Path<u64>,
    body: String,
) -> StatusCode {
    let _ = (current, body);
    StatusCode::NO_CONTENT
}

fn main() {}
