// A declared header's expression converts into a header value.
use std::time::SystemTime;

use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional(expires = SystemTime::now())]
async fn get_document(#[current(Document { version: 1 })] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

fn main() {}
