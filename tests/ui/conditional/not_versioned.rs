// The `#[current]` type must implement `Versioned`; the error is at the type.
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use precond::conditional;

#[derive(Clone)]
struct Document {
    title: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Document {
    type Rejection = StatusCode;

    async fn from_request_parts(_: &mut Parts, _: &S) -> Result<Self, StatusCode> {
        Ok(Document { title: String::new() })
    }
}

#[conditional]
async fn extractor(#[current] current: Document) -> String {
    current.title
}

#[conditional]
async fn loaded(#[current(None)] current: Option<Document>) -> StatusCode {
    let _ = current;
    StatusCode::NOT_FOUND
}

fn main() {}

// Under `require = "If-Match"` too, the error is reported once, at the type.
#[conditional(require = "If-Match")]
async fn required(#[current] current: Document) -> String {
    current.title
}

// A path type is underlined whole.
#[conditional]
async fn bytes(#[current(None)] current: Option<std::vec::Vec<u8>>) -> StatusCode {
    let _ = current;
    StatusCode::NOT_FOUND
}
