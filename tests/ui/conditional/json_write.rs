// A write (a handler with `require`) that answers plain `Json<T>`: no ETag goes out, so the
// client cannot chain its next conditional write. A warning says to return `Tagged` (denied
// here to show it).
#![deny(deprecated)]

use axum::Json;
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Clone, serde::Serialize, Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional(require = "If-Match")]
async fn put_document(
    #[current(Some(Document { version: 1 }))] current: Option<Document>,
) -> Result<Json<Document>, StatusCode> {
    let written = Document { version: current.map_or(1, |d| d.version + 1) };
    Ok(Json(written))
}

// Silenced where it is meant.
#[allow(deprecated)]
#[conditional(require = "If-Match")]
async fn put_quietly(
    #[current(Some(Document { version: 1 }))] current: Option<Document>,
) -> Json<Document> {
    Json(current.unwrap_or(Document { version: 1 }))
}

fn main() {
    let _ = axum::Router::<()>::new()
        .route("/a", axum::routing::put(put_document))
        .route("/b", axum::routing::put(put_quietly));
}
