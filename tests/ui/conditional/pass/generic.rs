// Generic handlers (registered with their parameters named) and associated functions, whose
// `#[current]` type may be `Self`: the weak-ETag check becomes a `const` block there.
#![deny(warnings)]

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, put};
use precond::axum::Tagged;
use precond::{Versioned, conditional};

#[derive(Clone, serde::Serialize, Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

impl<S: Send + Sync> FromRequestParts<S> for Document {
    type Rejection = StatusCode;

    async fn from_request_parts(_: &mut Parts, _: &S) -> Result<Self, StatusCode> {
        Ok(Document { version: 1 })
    }
}

trait Store: Clone + Send + Sync + 'static {
    fn get(&self) -> Option<Document>;
}

#[derive(Clone)]
struct Memory;

impl Store for Memory {
    fn get(&self) -> Option<Document> {
        Some(Document { version: 1 })
    }
}

#[conditional(require = "If-Match")]
async fn generic<S>(
    State(store): State<S>,
    #[current(store.get())] current: Option<Document>,
) -> Result<Tagged<Document>, StatusCode>
where
    S: Store,
{
    current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND)
}

impl Document {
    #[conditional(require = "If-Match | If-Unmodified-Since")]
    async fn replace(#[current] current: Self) -> Tagged<Self> {
        Tagged::new(current)
    }

    #[conditional]
    async fn read(#[current(Memory.get())] current: Option<Self>) -> StatusCode {
        if current.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND }
    }
}

fn main() {
    let _: Router = Router::new()
        .route("/generic", put(generic::<Memory>))
        .route("/document", get(Document::read).put(Document::replace))
        .with_state(Memory);
}
