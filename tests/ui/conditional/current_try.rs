// `#[current(...)]` takes the `Result` itself: a `?` there would return from the handler.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

fn load() -> Result<Option<Document>, StatusCode> {
    Ok(None)
}

#[conditional]
async fn get_document(#[current(load()?)] current: Option<Document>) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

fn main() {}
