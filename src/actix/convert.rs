//! From the engine's `http` 1 types to actix-web 4's `http` 0.2 types, by bytes: never a panic,
//! and a name or value that would not convert (none does: both versions accept the same bytes)
//! is left out.

use ::actix_web::HttpResponse;
use ::actix_web::body::BoxBody;
use ::actix_web::http::StatusCode;
use ::actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use precond_core::http;
use precond_core::{Rejection, RejectionKind};

/// A header name. Standard names are recognized without allocating.
#[inline]
pub(crate) fn header_name(name: &http::HeaderName) -> Option<HeaderName> {
    HeaderName::from_bytes(name.as_str().as_bytes()).ok()
}

/// A header value (its bytes are copied).
#[inline]
pub(crate) fn header_value(value: &http::HeaderValue) -> Option<HeaderValue> {
    HeaderValue::from_bytes(value.as_bytes()).ok()
}

/// A header, when both its name and its value convert.
#[inline]
pub(crate) fn header(
    name: &http::HeaderName,
    value: &http::HeaderValue,
) -> Option<(HeaderName, HeaderValue)> {
    Some((header_name(name)?, header_value(value)?))
}

/// The status of a rejection: 304, 412 or 428.
pub(crate) fn rejection_status(rejection: &Rejection) -> StatusCode {
    match rejection.kind() {
        RejectionKind::NotModified => StatusCode::NOT_MODIFIED,
        RejectionKind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        RejectionKind::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
        _ => StatusCode::from_u16(rejection.status().as_u16())
            .unwrap_or(StatusCode::PRECONDITION_FAILED),
    }
}

/// The response of a rejection, as [`Rejection::to_response`] describes it: the status, the
/// headers of [`Rejection::headers`] and the body of [`Rejection::body`] (none for a 304).
pub(crate) fn rejection_response(rejection: &Rejection) -> HttpResponse {
    let status = rejection_status(rejection);
    let mut response = match rejection.body() {
        Some(body) => HttpResponse::with_body(status, BoxBody::new(body)),
        None => HttpResponse::new(status),
    };
    insert_all(response.headers_mut(), &rejection.headers());
    response
}

/// Inserts each header, replacing any value of the same name.
fn insert_all(headers: &mut HeaderMap, pairs: &[(http::HeaderName, http::HeaderValue)]) {
    for (name, value) in pairs {
        if let Some((name, value)) = header(name, value) {
            headers.insert(name, value);
        }
    }
}

/// The declared headers go into actix-web's map by bytes.
impl crate::private::Headers for HeaderMap {
    #[inline]
    fn has(&self, name: &http::HeaderName) -> bool {
        self.contains_key(name.as_str())
    }

    #[inline]
    fn add(&mut self, name: &http::HeaderName, value: &http::HeaderValue) {
        if let Some((name, value)) = header(name, value) {
            self.append(name, value);
        }
    }
}
