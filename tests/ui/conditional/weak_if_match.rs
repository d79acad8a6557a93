// Weak ETags never match `If-Match` (RFC 9110 §13.1.1 compares strongly): requiring it on a
// type with weak tags would fail every write, so it does not compile.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
#[versioned(weak)]
struct Page {
    html: String,
}

#[conditional(require = "If-Match | If-Unmodified-Since")]
async fn put_page(#[current(Some(Page { html: String::new() }))] current: Option<Page>) -> StatusCode {
    let _ = current;
    StatusCode::NO_CONTENT
}

fn main() {}
