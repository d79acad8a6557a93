// Without a `#[current]` parameter there is nothing to check the preconditions against.
use axum::http::StatusCode;
use precond::conditional;

#[conditional(require = "If-Match")]
async fn put_document(body: String) -> StatusCode {
    let _ = body;
    StatusCode::NO_CONTENT
}

#[conditional]
async fn get_document() -> StatusCode {
    StatusCode::OK
}

fn main() {
    // The handlers stay usable, so the router reports nothing more.
    let _: axum::Router = axum::Router::new()
        .route("/d", axum::routing::get(get_document).put(put_document));
}
