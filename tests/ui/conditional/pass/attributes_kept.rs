// The handler keeps its doc comments, visibility, other attributes (inner ones included) and
// name; `mut` on the `#[current]` binding is kept.
#![deny(warnings, missing_docs)]
//! A crate with documented handlers.

/// Handlers.
pub mod handlers {
    use axum::http::StatusCode;
    use precond::axum::Tagged;
    use precond::{Versioned, conditional};

    /// A document.
    #[derive(Clone, serde::Serialize, Versioned)]
    pub struct Document {
        /// Its version.
        #[versioned(version)]
        pub version: u64,
    }

    /// Loads the document.
    pub async fn load() -> Option<Document> {
        Some(Document { version: 1 })
    }

    /// Replaces the document (this comment satisfies `missing_docs`).
    #[conditional(require = "If-Match")]
    #[allow(clippy::needless_return)]
    #[must_use]
    #[inline]
    pub async fn put_document(
        #[current(load().await)] mut current: Option<Document>,
        body: String,
    ) -> Result<Tagged<Document>, StatusCode> {
        #![allow(unused_variables)]
        let unused = body;
        if let Some(document) = &mut current {
            document.version += 1;
        }
        return current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND);
    }

    #[conditional]
    pub(crate) async fn crate_visible(
        #[current(load().await)] current: Option<Document>,
    ) -> StatusCode {
        if current.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND }
    }
}

fn main() {
    let _: axum::Router = axum::Router::new()
        .route("/a", axum::routing::put(handlers::put_document))
        .route("/b", axum::routing::get(handlers::crate_visible));
}
