// A handler takes extractors, not `self`.
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Clone, Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

impl Document {
    #[conditional]
    async fn get(&self, #[current(self.clone())] current: Document) -> StatusCode {
        let _ = current;
        StatusCode::OK
    }
}

fn main() {}
