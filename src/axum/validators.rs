//! [`ValidatorHeaders`]: a resource's validators on a response the handler builds itself.

use ::axum::response::{IntoResponseParts, ResponseParts};
use precond_core::Validators;

/// `ETag` and `Last-Modified` (those `Validators` has) as response parts, for a response the
/// handler builds itself rather than with [`Tagged`](super::Tagged): a file, a stream, another
/// format. Replaces any `ETag` or `Last-Modified` already set.
///
/// ```
/// use axum::response::IntoResponse;
/// use precond::axum::ValidatorHeaders;
/// use precond::{ETag, Validators};
///
/// async fn report() -> impl IntoResponse {
///     let validators = Validators::new(ETag::for_bytes(b"a,b\n1,2\n"));
///     (ValidatorHeaders(validators), [("content-type", "text/csv")], "a,b\n1,2\n")
/// }
///
/// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let response = rt.block_on(report()).into_response();
/// assert_eq!(response.headers()["etag"], ETag::for_bytes(b"a,b\n1,2\n").to_string());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatorHeaders(pub Validators);

impl IntoResponseParts for ValidatorHeaders {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Self::Error> {
        super::runtime::stamp(parts.headers_mut(), &self.0);
        Ok(parts)
    }
}
