// A misspelled header in `require` gets a suggestion, at the string.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional(require = "If-Mach | If-Unmodified-Since")]
async fn put_document(#[current(Some(Document { version: 1 }))] current: Option<Document>) -> StatusCode {
    let _ = current;
    StatusCode::NO_CONTENT
}

#[conditional(require = "ETag")]
async fn delete_document(#[current(Some(Document { version: 1 }))] current: Option<Document>) -> StatusCode {
    let _ = current;
    StatusCode::NO_CONTENT
}

#[conditional(require = "If-Match | Content-Type")]
async fn patch_document(#[current(Some(Document { version: 1 }))] current: Option<Document>) -> StatusCode {
    let _ = current;
    StatusCode::NO_CONTENT
}

fn main() {
    let _: axum::Router = axum::Router::new()
        .route("/d", axum::routing::put(put_document).delete(delete_document).patch(patch_document));
}
