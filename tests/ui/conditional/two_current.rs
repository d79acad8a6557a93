// Preconditions are checked against one value.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional(require = "If-Match")]
async fn put_document(
    #[current(Some(Document { version: 1 }))] current: Option<Document>,
    #[current(Some(Document { version: 2 }))] other: Option<Document>,
) -> StatusCode {
    let _ = (current, other);
    StatusCode::NO_CONTENT
}

#[conditional]
async fn get_document(
    #[current]
    #[current(Document { version: 1 })]
    current: Document,
) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

fn main() {}
