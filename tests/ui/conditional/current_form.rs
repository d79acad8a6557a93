// `#[current]` takes an expression in parentheses, or nothing.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional]
async fn empty(#[current()] current: Option<Document>) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

#[conditional]
async fn name_value(#[current = None] current: Option<Document>) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

fn main() {}
