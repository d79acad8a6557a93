//! What `#[conditional]` handlers call around the user's body, re-exported through
//! `precond::__private::actix`. Not public API.
//!
//! The generated handler runs, in order: [`Load::load`] (for `#[current(expr)]`), [`check`] (304,
//! 412 or 428 without running the body), the body, [`into_response`] (which tells [`Tagged`]
//! what the request needs from it), [`finish`] (validators, declared headers, byte ranges).
//! The semantics are those of the axum runtime, in actix-web's types.
//!
//! [`Tagged`]: super::Tagged
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
pub use crate::scope::Proceed;
use crate::scope::{Needs, Scope};

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
/// request); an answer from [`Tagged`](super::Tagged) to GET or HEAD with a 2xx status gets
/// `Accept-Ranges: bytes`, and keeps its body for [`finish`] when the request is a GET with a
/// single `Range` line.
pub fn into_response<R: Responder>(value: R, request: &ConditionalRequest) -> Response {
    let scope = Scope::enter(needs(request));
    let mut response = value
        .respond_to(request.http_request())
        .map_into_boxed_body();
    if scope.answered() && response.status().is_success() {
        response
            .headers_mut()
            .insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    }
    response
}

/// What [`into_response`] needs from a `Tagged` answer to `request` (the non-generic part).
fn needs(request: &ConditionalRequest) -> Needs {
    let method = request.method();
    Needs::of(
        *method == Method::GET,
        *method == Method::HEAD,
        request.single_range().is_some(),
    )
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
    append_missing(&headers, response.headers_mut());
    if !get_or_head {
        return response;
    }
    // Only a `Tagged` body built outside `into_response`, or built by it for a GET with a
    // single `Range` line, is here; most responses have no extensions at all.
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

#[cfg(test)]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use ::actix_web::HttpRequest;
    use ::actix_web::body::to_bytes;
    use ::actix_web::http::header::{HeaderName, RANGE};
    use ::actix_web::test::TestRequest;
    use precond_core::ETag;

    use super::*;
    use crate::actix::Tagged;

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
        let mut request = TestRequest::default().method(method);
        if let Some(range) = range {
            request = request.insert_header((RANGE, range));
        }
        ConditionalRequest::new(&request.to_http_request())
    }

    /// `into_response` then `finish`, as the generated handler calls them.
    fn respond<R: Responder>(request: &ConditionalRequest, value: R) -> Response {
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
        response.extensions().contains::<TaggedBody>()
    }

    fn by_hand<R: Responder>(value: R) -> Response {
        value
            .respond_to(&TestRequest::default().to_http_request())
            .map_into_boxed_body()
    }

    #[test]
    fn tagged_answers_to_get_and_head_accept_ranges_without_extensions() {
        for method in [Method::GET, Method::HEAD] {
            let request = request(method, None);
            let response = into_response(Tagged::new(Doc { version: 3 }), &request);
            assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
            assert!(!has_body(&response));
            let response = respond(&request, Tagged::new(Doc { version: 3 }));
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
            assert_eq!(header(&response, ETAG), Some(&b"\"3\""[..]));
            // Through `Result`, as handlers usually answer.
            let answer = Ok::<_, ::actix_web::Error>(Tagged::new(Doc { version: 3 }));
            let response = respond(&request, answer);
            assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
        }
    }

    #[actix_web::test]
    async fn a_single_range_keeps_the_body_for_finish() {
        let get = request(Method::GET, Some("bytes=1-3"));
        let response = into_response(Tagged::new(Doc { version: 3 }), &get);
        assert!(has_body(&response));
        let response = respond(&get, Tagged::new(Doc { version: 3 }));
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
        assert_eq!(header(&response, CONTENT_RANGE), Some(&b"bytes 1-3/13"[..]));
        let body = to_bytes(response.into_body()).await;
        assert_eq!(body.ok().as_deref(), Some(&b"\"ve"[..]));
        // HEAD: no range served, so no body kept.
        let head = request(Method::HEAD, Some("bytes=1-3"));
        let response = respond(&head, Tagged::new(Doc { version: 3 }));
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
        assert!(!has_body(&response));
        // An unsatisfiable range: 416, as before.
        let past = request(Method::GET, Some("bytes=20-"));
        let response = respond(&past, Tagged::new(Doc { version: 3 }));
        assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(header(&response, CONTENT_RANGE), Some(&b"bytes */13"[..]));
    }

    #[test]
    fn no_accept_ranges_for_other_methods_statuses_and_bodies() {
        let put = request(Method::PUT, Some("bytes=1-3"));
        let response = respond(&put, Tagged::new(Doc { version: 3 }));
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        assert!(!has_body(&response));
        let get = request(Method::GET, Some("bytes=1-3"));
        // A status set around the Tagged answer.
        let response = respond(
            &get,
            (Tagged::new(Doc { version: 3 }), StatusCode::NOT_FOUND),
        );
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        assert_eq!(header(&response, CONTENT_RANGE), None);
        let response = respond(
            &get,
            Tagged::new(Doc { version: 3 }).with_status(StatusCode::GONE),
        );
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        // Another 2xx around it: Accept-Ranges, but no range (not a 200).
        let response = respond(
            &get,
            (Tagged::new(Doc { version: 3 }), StatusCode::ACCEPTED),
        );
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
        assert_eq!(header(&response, CONTENT_RANGE), None);
        // Not from Tagged.
        let response = respond(&get, "plain text");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        let response = respond(
            &get,
            Err::<Tagged<Doc>, _>(::actix_web::error::ErrorNotFound("gone")),
        );
        assert_eq!(header(&response, ACCEPT_RANGES), None);
    }

    /// Outside `into_response` (even after one panicked), `Tagged` keeps its body in the
    /// extensions, so that `finish` recognizes it wherever it was built.
    #[test]
    fn outside_into_response_tagged_keeps_its_body() {
        assert!(has_body(&by_hand(Tagged::new(Doc { version: 1 }))));
        let get = request(Method::GET, None);
        let _ = into_response(Tagged::new(Doc { version: 1 }), &get);
        assert!(has_body(&by_hand(Tagged::new(Doc { version: 1 }))));

        struct Panics;
        impl Responder for Panics {
            type Body = BoxBody;
            fn respond_to(self, request: &HttpRequest) -> HttpResponse {
                let _ = Tagged::new(Doc { version: 1 }).respond_to(request);
                panic!("a handler's answer that panics");
            }
        }
        let panicked = catch_unwind(AssertUnwindSafe(|| into_response(Panics, &get)));
        assert!(panicked.is_err());
        let response = by_hand(Tagged::new(Doc { version: 1 }));
        assert!(has_body(&response));
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        // And `finish` serves it as it would have: Accept-Ranges, and a range from its body.
        let response = respond(&get, response);
        assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
        assert!(!has_body(&response));
        let ranged = request(Method::GET, Some("bytes=0-0"));
        let response = respond(&ranged, by_hand(Tagged::new(Doc { version: 1 })));
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(header(&response, CONTENT_RANGE), Some(&b"bytes 0-0/13"[..]));
    }
}
