// The `#[current]` parameter is bound to a plain name, which the generated check reads.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional]
async fn destructured(#[current(Document { version: 1 })] Document { version }: Document) -> StatusCode {
    let _ = version;
    StatusCode::OK
}

#[conditional]
async fn by_reference(#[current(Document { version: 1 })] ref current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

#[conditional]
async fn wildcard(#[current(Document { version: 1 })] _: Document) -> StatusCode {
    StatusCode::OK
}

fn main() {}
