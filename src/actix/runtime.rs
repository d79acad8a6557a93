//! What `#[conditional]` handlers call around the user's body, re-exported through
//! `precond::__private::actix`. Not public API.
//!
//! The generated handler runs, in order: [`Load::load`] (for `#[current(expr)]`), [`check`] (304,
//! 412 or 428 without running the body), the body, [`into_response`], [`finish`] (validators,
//! declared headers, byte ranges). The semantics are those of the axum runtime, in actix-web's
//! types.
//!
//! The `Result<_, Response>` signatures are the contract with the generated code, which returns
//! the `Err` response as is; boxing it would only add an allocation to every rejection.
#![allow(clippy::result_large_err)]

use ::actix_web::body::{BodySize, BoxBody, MessageBody};
use ::actix_web::http::header::{
    ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue,
    LAST_MODIFIED,
};
use ::actix_web::http::{Method, StatusCode};
use ::actix_web::web::Bytes;
use ::actix_web::{HttpResponse, Responder};
use precond_core::date::fmt_last_modified;
use precond_core::{Policy, RejectionKind, Validators};

use super::ConditionalRequest;
use super::convert::{header, rejection_response};
use super::tagged::TaggedBody;
use crate::private::ExtraHeaders;
use crate::range::{ByteRange, byte_range};

/// The response of a generated actix-web handler.
pub type Response = HttpResponse;

/// What a `#[current(expr)]` expression may yield for a parameter of type `P`: `P` itself, or
/// `Result<P, E>` whose error is answered as `E`'s error response.
#[diagnostic::on_unimplemented(
    message = "`#[current(...)]` yields `{Self}`, but the parameter is `{P}`",
    label = "this expression must yield `{P}` or `Result<{P}, E>` where `E: Into<actix_web::Error>` (a `ResponseError`)",
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

impl<P, E: Into<::actix_web::Error>> Load<P> for Result<P, E> {
    #[inline]
    fn load(self) -> Result<P, Response> {
        self.map_err(|error| HttpResponse::from_error(error.into()))
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
/// use actix_web::test::TestRequest;
/// use precond::__private::{actix::check, http::header::CACHE_CONTROL, ExtraHeaders};
/// use precond::actix::ConditionalRequest;
/// use precond::{ETag, Policy, Validators};
///
/// let request = TestRequest::get().insert_header(("if-none-match", "\"1\"")).to_http_request();
/// let request = ConditionalRequest::new(&request);
/// let current = Validators::new(ETag::from_version(1));
/// let mut extra = ExtraHeaders::new();
/// extra.push_static(CACHE_CONTROL, "no-cache");
/// let response = check(&request, Some(&current), &Policy::none(), &extra).unwrap_err();
/// assert_eq!(response.status(), 304);
/// assert_eq!(response.headers().get("etag").unwrap(), "\"1\"");
/// assert_eq!(response.headers().get("cache-control").unwrap(), "no-cache");
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
            let mut response = rejection_response(&rejection);
            if rejection.kind() == RejectionKind::NotModified {
                append_all(headers, response.headers_mut());
            }
            Err(response)
        }
    }
}

/// The handler's return value as a response, through actix-web's [`Responder`] (which needs the
/// request).
#[inline]
pub fn into_response<R: Responder>(value: R, request: &ConditionalRequest) -> Response {
    value
        .respond_to(request.http_request())
        .map_into_boxed_body()
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
/// Other answers (1xx, 3xx, 4xx, 5xx) pass through untouched.
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
    append_missing(&headers, response.headers_mut());
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
        return apply_range(response, range.as_bytes(), body);
    }
    response
}

fn stamp(headers: &mut HeaderMap, current: &Validators) {
    if let Some(etag) = current.etag()
        && let Ok(value) = HeaderValue::from_bytes(etag.as_bytes())
    {
        headers.insert(ETAG, value);
    }
    if let Some(time) = current.last_modified()
        && let Ok(value) = HeaderValue::try_from(fmt_last_modified(time))
    {
        headers.insert(LAST_MODIFIED, value);
    }
}

/// Appends every declared header (for a 304).
fn append_all(extra: &ExtraHeaders, headers: &mut HeaderMap) {
    for (name, value) in extra.iter() {
        if let Some((name, value)) = header(name, value) {
            headers.append(name, value);
        }
    }
}

/// Appends the declared headers whose name `headers` does not carry yet (for a 2xx). Presence
/// is judged before anything is added, so a name declared twice gets both values (for the
/// first 64 headers; later ones, never declared by `#[conditional]`, are judged one by one).
fn append_missing(extra: &ExtraHeaders, headers: &mut HeaderMap) {
    if extra.is_empty() {
        return;
    }
    let mut missing: u64 = 0;
    for (i, (name, _)) in extra.iter().enumerate().take(64) {
        if !headers.contains_key(name.as_str()) {
            missing |= 1 << i;
        }
    }
    for (i, (name, value)) in extra.iter().enumerate() {
        let add = if i < 64 {
            missing & (1 << i) != 0
        } else {
            !headers.contains_key(name.as_str())
        };
        if add && let Some((name, value)) = header(name, value) {
            headers.append(name, value);
        }
    }
}

/// Serves a `Range` of a [`Tagged`](super::Tagged) body, if the response still has that body.
fn apply_range(response: Response, range: &[u8], body: Bytes) -> Response {
    let len = body.len() as u64;
    // The body may have been replaced after `Tagged` built it; then its bytes are not the
    // representation's, and the full response goes out.
    if response.body().size() != BodySize::Sized(len) {
        return response;
    }
    match byte_range(range, len) {
        ByteRange::Ignore => response,
        ByteRange::Partial { start, end } => {
            let (Ok(first), Ok(last)) = (usize::try_from(start), usize::try_from(end)) else {
                return response;
            };
            let mut response = response.set_body(BoxBody::new(body.slice(first..=last)));
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            let headers = response.headers_mut();
            headers.remove(CONTENT_LENGTH);
            if let Ok(value) = HeaderValue::try_from(format!("bytes {start}-{end}/{len}")) {
                headers.insert(CONTENT_RANGE, value);
            }
            response
        }
        ByteRange::Unsatisfiable => {
            let mut response = response.set_body(BoxBody::new(()));
            *response.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            let headers = response.headers_mut();
            headers.remove(CONTENT_LENGTH);
            headers.remove(CONTENT_TYPE);
            if let Ok(value) = HeaderValue::try_from(format!("bytes */{len}")) {
                headers.insert(CONTENT_RANGE, value);
            }
            response
        }
    }
}
