// `require` is one string of names separated by `|`, each named once.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional(require = "")]
async fn empty(#[current(Document { version: 1 })] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

#[conditional(require = "If-Match, If-Unmodified-Since")]
async fn commas(#[current(Document { version: 1 })] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

#[conditional(require = "If-Match | if-match")]
async fn twice(#[current(Document { version: 1 })] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

#[conditional(require = precond::Requirement::IF_MATCH)]
async fn not_a_string(#[current(Document { version: 1 })] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

#[conditional(require = "If-Match", require = "If-Unmodified-Since")]
async fn duplicate_key(#[current(Document { version: 1 })] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

fn main() {}
