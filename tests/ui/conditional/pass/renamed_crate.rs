// A dependency renamed in Cargo.toml (`web = { package = "precond" }`) is found through
// `#[conditional(crate = "...")]`.
#![deny(warnings)]

extern crate precond as web;

use axum::http::StatusCode;

#[derive(serde::Serialize, web::Versioned)]
#[versioned(crate = "web")]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[web::conditional(crate = "web", require = "If-Match", vary = "Accept")]
async fn relative(#[current(Some(Document { version: 1 }))] current: Option<Document>) -> StatusCode {
    if current.is_some() { StatusCode::NO_CONTENT } else { StatusCode::NOT_FOUND }
}

#[web::conditional(crate = "::web")]
async fn absolute(#[current(Document { version: 1 })] current: Document) -> web::axum::Tagged<Document> {
    web::axum::Tagged::new(current)
}

fn main() {
    let _: axum::Router = axum::Router::new()
        .route("/relative", axum::routing::put(relative))
        .route("/absolute", axum::routing::get(absolute));
}
