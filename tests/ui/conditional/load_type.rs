// A `#[current(expr)]` expression yields the parameter's type, or a `Result` of it whose error
// is a response.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

struct Store;

impl Store {
    async fn get(&self) -> Option<Document> {
        None
    }

    fn try_get(&self) -> Result<Option<Document>, std::io::Error> {
        Ok(None)
    }
}

#[conditional]
async fn forgot_await(#[current(Store.get())] current: Option<Document>) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

#[conditional]
async fn not_optional(#[current(Store.get().await)] current: Document) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

#[conditional]
async fn error_not_a_response(#[current(Store.try_get())] current: Option<Document>) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

fn main() {}
