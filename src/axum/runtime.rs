//! What `#[conditional]` handlers call around the user's body, re-exported through
//! `precond::__private::axum`. Not public API.
//!
//! The generated handler runs, in order: [`Load::load`] (for `#[current(expr)]`), [`check`] (304, 412
//! or 428 without running the body), the body, [`into_response`], [`finish`] (validators,
//! declared headers, byte ranges).
//!
//! The `Result<_, Response>` signatures are the contract with the generated code, which returns
//! the `Err` response as is; boxing it would only add an allocation to every rejection.
#![allow(clippy::result_large_err)]

use ::axum::body::{Body, HttpBody};
use ::axum::http::header::{
    ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, LAST_MODIFIED,
};
use ::axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use ::axum::response::{IntoResponse, Response};
use precond_core::date::fmt_last_modified;
use precond_core::{Policy, RejectionKind, Validators};

use super::ConditionalRequest;
use super::tagged::TaggedBody;
use crate::private::ExtraHeaders;
use crate::range::{ByteRange, byte_range};

/// What a `#[current(expr)]` expression may yield for a parameter of type `P`: `P` itself, or
/// `Result<P, E>` whose error is answered as `E`'s response.
#[diagnostic::on_unimplemented(
    message = "`#[current(...)]` yields `{Self}`, but the parameter is `{P}`",
    label = "this expression must yield `{P}` or `Result<{P}, E>` where `E: IntoResponse`",
    note = "write the parameter's type as what the expression yields (add `.await` if it is a future)"
)]
pub trait Load<P> {
    /// The value, or the response that ends the request.
    fn load(self) -> Result<P, Response>;
}

impl<P> Load<P> for P {
    #[inline]
    fn load(self) -> Result<P, Response> {
        Ok(self)
    }
}

impl<P, E: IntoResponse> Load<P> for Result<P, E> {
    #[inline]
    fn load(self) -> Result<P, Response> {
        self.map_err(IntoResponse::into_response)
    }
}

/// The request may proceed; remembers whether its `Range` must be ignored (an `If-Range` that
/// does not match).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Proceed {
    ignore_range: bool,
}

/// Evaluates the request's preconditions: `Ok` to run the handler's body, or the response that
/// answers the request instead: 304 with `ETag`, `Last-Modified` and the declared `headers`
/// and no body; 412 or 428 as [`Rejection::to_response`](precond_core::Rejection::to_response).
///
/// ```
/// use axum::http::{HeaderMap, HeaderValue, Method};
/// use precond::__private::{axum::check, ExtraHeaders};
/// use precond::axum::ConditionalRequest;
/// use precond::{ETag, Policy, Validators};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("if-none-match", HeaderValue::from_static("\"1\""));
/// let request = ConditionalRequest::new(&Method::GET, &headers);
/// let current = Validators::new(ETag::from_version(1));
/// let mut extra = ExtraHeaders::new();
/// extra.push_static(axum::http::header::CACHE_CONTROL, "no-cache");
/// let response = check(&request, Some(&current), &Policy::none(), &extra).unwrap_err();
/// assert_eq!(response.status(), 304);
/// assert_eq!(response.headers()["etag"], "\"1\"");
/// assert_eq!(response.headers()["cache-control"], "no-cache");
/// ```
pub fn check(
    request: &ConditionalRequest,
    current: Option<&Validators>,
    policy: &Policy,
    headers: &ExtraHeaders,
) -> Result<Proceed, Response> {
    match request.evaluate(current, policy).into_result() {
        Ok(ignore_range) => Ok(Proceed { ignore_range }),
        Err(rejection) => {
            let mut response = rejection.to_response::<Body>();
            if rejection.kind() == RejectionKind::NotModified {
                headers.append_all(response.headers_mut());
            }
            Err(response)
        }
    }
}

/// The handler's return value as a response. (The request is for frameworks whose responses
/// need it, such as actix-web's `Responder`; the generated code is the same for all.)
#[inline]
pub fn into_response<R: IntoResponse>(value: R, _request: &ConditionalRequest) -> Response {
    value.into_response()
}

/// Completes the handler's response:
///
/// - a 2xx answer to GET or HEAD that carries neither `ETag` nor `Last-Modified` gets the
///   current validators (those the preconditions were checked against);
/// - a 2xx answer gets each declared header it does not carry;
/// - an answer from [`Tagged`](super::Tagged) to GET or HEAD gets `Accept-Ranges: bytes`, and
///   a 200 to a GET with a single `Range` line (not ignored because of `If-Range`) becomes 206
///   with the byte range, or 416 when the range is not satisfiable (see the module on ranges
///   for what is ignored).
///
/// Other answers (3xx, 4xx, 5xx) pass through untouched.
pub fn finish(
    mut response: Response,
    request: &ConditionalRequest,
    proceed: Proceed,
    current: Option<Validators>,
    headers: ExtraHeaders,
) -> Response {
    let status = response.status();
    if !status.is_success() {
        return response;
    }
    let method = request.method();
    let get = *method == Method::GET;
    let get_or_head = get || *method == Method::HEAD;
    if get_or_head
        && let Some(current) = current
        && !response.headers().contains_key(ETAG)
        && !response.headers().contains_key(LAST_MODIFIED)
    {
        stamp(response.headers_mut(), &current);
    }
    headers.append_missing(response.headers_mut());
    if !get_or_head {
        return response;
    }
    let Some(TaggedBody(body)) = response.extensions_mut().remove::<TaggedBody>() else {
        return response;
    };
    response
        .headers_mut()
        .insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if get
        && status == StatusCode::OK
        && !proceed.ignore_range
        && let Some(range) = request.single_range()
    {
        apply_range(&mut response, range, body);
    }
    response
}

fn stamp(headers: &mut HeaderMap, current: &Validators) {
    if let Some(etag) = current.etag() {
        headers.insert(ETAG, etag.to_header_value());
    }
    if let Some(time) = current.last_modified()
        && let Ok(value) = HeaderValue::try_from(fmt_last_modified(time))
    {
        headers.insert(LAST_MODIFIED, value);
    }
}

/// Serves a `Range` of a [`Tagged`](super::Tagged) body, if the response still has that body.
fn apply_range(response: &mut Response, range: &[u8], body: ::axum::body::Bytes) {
    let len = body.len() as u64;
    // The body may have been replaced after `Tagged` built it; then its bytes are not the
    // representation's, and the full response goes out.
    if response.body().size_hint().exact() != Some(len) {
        return;
    }
    match byte_range(range, len) {
        ByteRange::Ignore => {}
        ByteRange::Partial { start, end } => {
            let (Ok(first), Ok(last)) = (usize::try_from(start), usize::try_from(end)) else {
                return;
            };
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            *response.body_mut() = Body::from(body.slice(first..=last));
            let headers = response.headers_mut();
            headers.remove(CONTENT_LENGTH);
            if let Ok(value) = HeaderValue::try_from(format!("bytes {start}-{end}/{len}")) {
                headers.insert(CONTENT_RANGE, value);
            }
        }
        ByteRange::Unsatisfiable => {
            *response.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            *response.body_mut() = Body::empty();
            let headers = response.headers_mut();
            headers.remove(CONTENT_LENGTH);
            headers.remove(CONTENT_TYPE);
            if let Ok(value) = HeaderValue::try_from(format!("bytes */{len}")) {
                headers.insert(CONTENT_RANGE, value);
            }
        }
    }
}
