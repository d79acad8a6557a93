// A user with several mistakes fixes them in one compile: every error is reported.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional(require = "If-Mach", cach_control = "no-cache", vary = "a\nb")]
fn put_document(
    #[current(Some(Document { version: 1 }))] (a, b): (Option<Document>, u8),
    #[current] other: Document,
) -> StatusCode {
    let _ = (a, b, other);
    StatusCode::NO_CONTENT
}

fn main() {}
