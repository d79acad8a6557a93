// `If-Modified-Since` and `If-Range` only make GETs cheaper; they cannot be required.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional(require = "If-Modified-Since")]
async fn get_document(#[current(Document { version: 1 })] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

#[conditional(require = "If-Range")]
async fn get_range(#[current(Document { version: 1 })] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

fn main() {}
