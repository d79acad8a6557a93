// A handler under `#[conditional]` is an `async fn`.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional]
fn get_document(#[current(Document { version: 1 })] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

fn main() {}
