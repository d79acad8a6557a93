// `#[axum::debug_handler]` goes below `#[conditional]`: attributes expand from the top, so
// `debug_handler` checks the generated handler (whose parameters are all extractors), and its
// errors still point at the user's code.
#![deny(warnings)]

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use precond::axum::Tagged;
use precond::{Versioned, conditional};

#[derive(Clone, serde::Serialize, Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[derive(Clone)]
struct Store;

impl Store {
    async fn get(&self, id: u64) -> Option<Document> {
        (id == 1).then_some(Document { version: 1 })
    }
}

#[conditional(require = "If-Match | If-Unmodified-Since", cache_control = "no-cache")]
#[axum::debug_handler]
async fn put_document(
    State(store): State<Store>,
    Path(id): Path<u64>,
    #[current(store.get(id).await)] current: Option<Document>,
    body: String,
) -> Result<Tagged<Document>, StatusCode> {
    let _ = body;
    current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND)
}

/// With the state named explicitly.
#[conditional]
#[axum::debug_handler(state = Store)]
async fn get_document(
    Path(id): Path<u64>,
    #[current(Store.get(id).await)] current: Option<Document>,
) -> Result<Tagged<Document>, StatusCode> {
    current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND)
}

fn main() {
    let _: Router = Router::new()
        .route("/documents/{id}", get(get_document).put(put_document))
        .with_state(Store);
}
