//! [`Rejected`]: a [`Rejection`] as an axum response.

use ::axum::response::{IntoResponse, Response};
use precond_core::Rejection;

/// A [`Rejection`] as an axum response: 304, 412 or 428 with the headers and JSON body that
/// [`Rejection::to_response`] describes.
///
/// Handlers return it as their error type, for example when a compare-and-swap write loses the
/// race after the check passed ([`Rejection::precondition_failed`]); `?` converts a
/// [`Rejection`] into it.
///
/// ```
/// use axum::response::IntoResponse;
/// use precond::axum::Rejected;
/// use precond::{ETag, Rejection, Validators};
///
/// fn store(winner: Validators) -> Result<(), Rejection> {
///     Err(Rejection::precondition_failed(Some(&winner)))
/// }
///
/// fn handler() -> Result<(), Rejected> {
///     store(Validators::new(ETag::from_version(5)))?;
///     Ok(())
/// }
///
/// let response = handler().into_response();
/// assert_eq!(response.status(), 412);
/// assert_eq!(response.headers()["etag"], "\"5\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected(pub Rejection);

impl From<Rejection> for Rejected {
    #[inline]
    fn from(rejection: Rejection) -> Self {
        Self(rejection)
    }
}

impl IntoResponse for Rejected {
    fn into_response(self) -> Response {
        super::runtime::rejection_response(&self.0)
    }
}
