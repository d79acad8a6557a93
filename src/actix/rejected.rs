//! [`Rejected`]: a [`Rejection`] as an actix-web response and error.

use std::fmt;

use ::actix_web::body::BoxBody;
use ::actix_web::http::StatusCode;
use ::actix_web::{HttpRequest, HttpResponse, Responder, ResponseError};
use precond_core::Rejection;

use super::convert::{rejection_response, rejection_status};

/// A [`Rejection`] as an actix-web response: 304, 412 or 428 with the headers and JSON body that
/// [`Rejection::to_response`] describes.
///
/// It is a [`ResponseError`], so handlers return it as their error type, for example when a
/// compare-and-swap write loses the race after the check passed
/// ([`Rejection::precondition_failed`]); `?` converts a [`Rejection`] into it. It is also a
/// [`Responder`] of its own.
///
/// ```
/// use actix_web::{HttpResponse, Responder};
/// use actix_web::test::TestRequest;
/// use precond::actix::Rejected;
/// use precond::{ETag, Rejection, Validators};
///
/// fn store(winner: Validators) -> Result<(), Rejection> {
///     Err(Rejection::precondition_failed(Some(&winner)))
/// }
///
/// fn handler() -> Result<HttpResponse, Rejected> {
///     store(Validators::new(ETag::from_version(5)))?;
///     Ok(HttpResponse::NoContent().finish())
/// }
///
/// let response = handler().respond_to(&TestRequest::default().to_http_request());
/// assert_eq!(response.status(), 412);
/// assert_eq!(response.headers().get("etag").unwrap(), "\"5\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected(pub Rejection);

impl From<Rejection> for Rejected {
    #[inline]
    fn from(rejection: Rejection) -> Self {
        Self(rejection)
    }
}

/// The status and the message of the JSON body, as in
/// `412 Precondition Failed: The resource has changed since you last fetched it. ...`.
impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", rejection_status(&self.0), self.0.message())
    }
}

impl std::error::Error for Rejected {}

impl ResponseError for Rejected {
    fn status_code(&self) -> StatusCode {
        rejection_status(&self.0)
    }

    fn error_response(&self) -> HttpResponse {
        rejection_response(&self.0)
    }
}

impl Responder for Rejected {
    type Body = BoxBody;

    fn respond_to(self, _request: &HttpRequest) -> HttpResponse {
        rejection_response(&self.0)
    }
}
