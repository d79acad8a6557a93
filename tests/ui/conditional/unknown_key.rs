// Misspelled keys get a suggestion; keys are written with underscores.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional(requires = "If-Match", cache-control = "no-cache", etag = "\"1\"", content_type = "text/plain")]
async fn put_document(#[current(Some(Document { version: 1 }))] current: Option<Document>) -> StatusCode {
    let _ = current;
    StatusCode::NO_CONTENT
}

fn main() {}
