// One `#[conditional]` per handler, with every key in it.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional(require = "If-Match")]
#[conditional(cache_control = "no-cache")]
async fn put_document(#[current(Document { version: 1 })] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::NO_CONTENT
}

fn main() {}
