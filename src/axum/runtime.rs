//! What `#[conditional]` handlers call around the user's body, re-exported through
//! `precond::__private::axum`. Not public API.
//!
//! The generated handler runs, in order: [`Load::load`] (for `#[current(expr)]`), [`check`] (304, 412
//! or 428 without running the body), the body, [`into_response`] (which tells [`Tagged`]
//! what the request needs from it), [`finish`] (validators, declared headers, byte ranges).
//!
//! [`Tagged`]: super::Tagged
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
use precond_core::date::last_modified_header_value;
use precond_core::{Policy, RejectionKind, Validators};

use super::ConditionalRequest;
use super::tagged::TaggedBody;
use crate::private::ExtraHeaders;
use crate::range::{ByteRange, byte_range};
pub use crate::scope::Proceed;
use crate::scope::{Needs, Scope};

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

/// The handler's return value as a response; an answer from [`Tagged`](super::Tagged) to GET or
/// HEAD with a 2xx status gets `Accept-Ranges: bytes`, and keeps its body for [`finish`] when
/// the request is a GET with a single `Range` line.
pub fn into_response<R: IntoResponse>(value: R, request: &ConditionalRequest) -> Response {
    let method = request.method();
    let scope = Scope::enter(Needs::of(
        *method == Method::GET,
        *method == Method::HEAD,
        request.single_range().is_some(),
    ));
    let mut response = value.into_response();
    if scope.answered() && response.status().is_success() {
        response
            .headers_mut()
            .insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    }
    response
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
///
/// [`into_response`] has done the `Tagged` part already when it built the response; `finish`
/// does it for a `Tagged` response built anywhere else (by the handler's body, or by hand),
/// which carries its body in the extensions for that.
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
    if !headers.is_empty() {
        headers.append_missing(response.headers_mut());
    }
    if !get_or_head {
        return response;
    }
    // Only a `Tagged` body built outside `into_response`, or built by it for a GET with a
    // single `Range` line, is here; most responses have no extensions at all, and looking into
    // none costs nothing.
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
    if let Some(time) = current.last_modified() {
        headers.insert(LAST_MODIFIED, last_modified_header_value(time));
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

#[cfg(test)]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use ::axum::body::to_bytes;
    use ::axum::http::HeaderName;
    use precond_core::ETag;

    use super::*;
    use crate::axum::Tagged;

    #[derive(serde::Serialize)]
    struct Doc {
        version: u64,
    }

    impl precond_core::Versioned for Doc {
        fn etag(&self) -> ETag {
            ETag::from_version(self.version)
        }
    }

    fn request(method: Method, range: Option<&'static str>) -> ConditionalRequest {
        let mut headers = HeaderMap::new();
        if let Some(range) = range {
            headers.insert(::axum::http::header::RANGE, HeaderValue::from_static(range));
        }
        ConditionalRequest::new(&method, &headers)
    }

    /// `into_response` then `finish`, as the generated handler calls them.
    fn respond<R: IntoResponse>(request: &ConditionalRequest, value: R) -> Response {
        let current = Validators::new(ETag::from_version(3));
        let proceed = check(
            request,
            Some(&current),
            &Policy::none(),
            &ExtraHeaders::new(),
        );
        let Ok(proceed) = proceed else {
            panic!("no precondition to fail");
        };
        let response = into_response(value, request);
        finish(
            response,
            request,
            proceed,
            Some(current),
            ExtraHeaders::new(),
        )
    }

    fn header(response: &Response, name: HeaderName) -> Option<&[u8]> {
        response.headers().get(name).map(HeaderValue::as_bytes)
    }

    fn has_body(response: &Response) -> bool {
        response.extensions().get::<TaggedBody>().is_some()
    }

    #[test]
    fn tagged_answers_to_get_and_head_accept_ranges_without_extensions() {
        for method in [Method::GET, Method::HEAD] {
            let request = request(method, None);
            let response = into_response(Tagged::new(Doc { version: 3 }), &request);
            assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
            assert!(response.extensions().is_empty());
            let response = respond(&request, Tagged::new(Doc { version: 3 }));
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
            assert_eq!(header(&response, ETAG), Some(&b"\"3\""[..]));
        }
    }

    #[tokio::test]
    async fn a_single_range_keeps_the_body_for_finish() {
        let get = request(Method::GET, Some("bytes=1-3"));
        let response = into_response(Tagged::new(Doc { version: 3 }), &get);
        assert!(has_body(&response));
        let response = respond(&get, Tagged::new(Doc { version: 3 }));
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
        assert_eq!(header(&response, CONTENT_RANGE), Some(&b"bytes 1-3/13"[..]));
        let body = to_bytes(response.into_body(), usize::MAX).await;
        assert_eq!(body.ok().as_deref(), Some(&b"\"ve"[..]));
        // HEAD: no range served, so no body kept.
        let head = request(Method::HEAD, Some("bytes=1-3"));
        let response = respond(&head, Tagged::new(Doc { version: 3 }));
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
        assert!(!has_body(&response));
    }

    #[test]
    fn no_accept_ranges_for_other_methods_statuses_and_bodies() {
        let put = request(Method::PUT, Some("bytes=1-3"));
        let response = respond(&put, Tagged::new(Doc { version: 3 }));
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        assert!(response.extensions().is_empty());
        let get = request(Method::GET, Some("bytes=1-3"));
        // A status set around the Tagged answer.
        let response = respond(
            &get,
            (StatusCode::NOT_FOUND, Tagged::new(Doc { version: 3 })),
        );
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        assert_eq!(header(&response, CONTENT_RANGE), None);
        let response = respond(
            &get,
            Tagged::new(Doc { version: 3 }).with_status(StatusCode::GONE),
        );
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        // Not from Tagged.
        let response = respond(&get, "plain text");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        let response = respond(&get, Err::<Tagged<Doc>, _>(StatusCode::NOT_FOUND));
        assert_eq!(header(&response, ACCEPT_RANGES), None);
    }

    /// Outside `into_response` (even after one panicked), `Tagged` keeps its body in the
    /// extensions, so that `finish` recognizes it wherever it was built.
    #[test]
    fn outside_into_response_tagged_keeps_its_body() {
        assert!(has_body(&Tagged::new(Doc { version: 1 }).into_response()));
        let get = request(Method::GET, None);
        let _ = into_response(Tagged::new(Doc { version: 1 }), &get);
        assert!(has_body(&Tagged::new(Doc { version: 1 }).into_response()));

        struct Panics;
        impl IntoResponse for Panics {
            fn into_response(self) -> Response {
                let _ = Tagged::new(Doc { version: 1 }).into_response();
                panic!("a handler's answer that panics");
            }
        }
        let panicked = catch_unwind(AssertUnwindSafe(|| into_response(Panics, &get)));
        assert!(panicked.is_err());
        let response = Tagged::new(Doc { version: 1 }).into_response();
        assert!(has_body(&response));
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        // And `finish` serves it as it would have.
        let response = respond(&get, response);
        assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
        assert!(!has_body(&response));
    }
}
