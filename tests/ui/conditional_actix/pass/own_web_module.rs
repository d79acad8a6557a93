// An axum app with a module of its own called `web`: `web::AppState` is not one of actix-web's
// names (`web::Data`, `web::Path`...), so the handler is not mistaken for an actix-web one.
mod web {
    #[derive(Clone)]
    pub struct AppState;
}

use axum::extract::State;
use axum::http::StatusCode;
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional]
async fn get_document(
    State(_state): State<web::AppState>,
    #[current(Document { version: 1 })] current: Document,
) -> StatusCode {
    let _ = current;
    StatusCode::OK
}

fn main() {
    let _: axum::Router = axum::Router::new()
        .route("/", axum::routing::get(get_document))
        .with_state(web::AppState);
}
