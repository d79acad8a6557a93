// A literal header value is checked at compile time.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional(cache_control = "no-cache\r\nSet-Cookie: a=b", vary = "Accept-Language, Àccept", content_location = "", expires = " 0")]
async fn get_document(#[current(Document { version: 1 })] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

fn main() {}
