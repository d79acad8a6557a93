//! [`ValidatorHeaders`]: a resource's validators on a response the handler builds itself.

use ::actix_web::HttpResponseBuilder;
use ::actix_web::http::header::HeaderMap;
use precond_core::Validators;

/// `ETag` and `Last-Modified` (those `Validators` has) on a response the handler builds itself
/// rather than with [`Tagged`](super::Tagged): a file, a stream, another format. Replaces any
/// `ETag` or `Last-Modified` already set.
///
/// ```
/// use actix_web::HttpResponse;
/// use precond::actix::ValidatorHeaders;
/// use precond::{ETag, Validators};
///
/// fn report() -> HttpResponse {
///     let validators = Validators::new(ETag::for_bytes(b"a,b\n1,2\n"));
///     let mut response = HttpResponse::Ok();
///     ValidatorHeaders(validators).insert_into(&mut response);
///     response.content_type("text/csv").body("a,b\n1,2\n")
/// }
///
/// let response = report();
/// let etag = ETag::for_bytes(b"a,b\n1,2\n").to_string();
/// assert_eq!(response.headers().get("etag").unwrap(), etag.as_str());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatorHeaders(pub Validators);

impl ValidatorHeaders {
    /// Sets the headers on a response being built.
    pub fn insert_into<'b>(
        &self,
        response: &'b mut HttpResponseBuilder,
    ) -> &'b mut HttpResponseBuilder {
        let mut headers = HeaderMap::new();
        super::runtime::stamp(&mut headers, &self.0);
        for (name, value) in headers {
            response.insert_header((name, value));
        }
        response
    }

    /// Sets the headers on a response already built (in middleware, or after `finish()`).
    pub fn insert_into_headers(&self, headers: &mut HeaderMap) {
        super::runtime::stamp(headers, &self.0);
    }
}
