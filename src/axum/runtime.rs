//! The axum adapter of the `#[conditional]` runtime (see [`crate::conditional`] for the steps
//! and the decisions, made there once for both frameworks), re-exported through
//! `precond::__private::axum`. Not public API.
//!
//! The `Result<_, Response>` signatures are the contract with the generated code, which returns
//! the `Err` response as is; boxing it would only add an allocation to every rejection.
#![allow(clippy::result_large_err)]

use std::pin::Pin;
use std::task::{Context, Poll};

use crate::conditional::tagged::Encode;
use ::axum::body::{Body, Bytes, HttpBody};
use ::axum::http::header::{
    ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, LAST_MODIFIED,
};
use ::axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use ::axum::response::{IntoResponse, Response};
use precond_core::date::last_modified_header_value;
use precond_core::{Policy, Rejection, Validators, Versioned};

use super::ConditionalRequest;
use super::tagged::{Tagged, TaggedBody};
pub use crate::conditional::Proceed;
use crate::conditional::{
    self, Answered, Exchange, Needs, Plan, RangePlan, ResponseFacts, checked, declared_on,
};
use crate::private::ExtraHeaders;

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
    let decision = request.evaluate(current, policy);
    let preconditions = || request.preconditions();
    checked(decision, request.method().as_str(), preconditions).map_err(|rejection| {
        let mut response = rejection_response(&rejection);
        if declared_on(&rejection) {
            headers.append_all(response.headers_mut());
        }
        response
    })
}

/// A rejection as a response; a 304's empty body has no known length, so that axum does not
/// add `Content-Length: 0` to it (RFC 9110 §8.6: a 304 may carry only the 200's length, which
/// a deep 304 does not know).
pub(crate) fn rejection_response(rejection: &Rejection) -> Response {
    let mut response = rejection.to_response::<Body>();
    if response.status() == StatusCode::NOT_MODIFIED {
        *response.body_mut() = no_length();
    }
    response
}

/// The body of a 304: empty, with no length announced, so that axum does not add
/// `Content-Length: 0` to the answer to a HEAD (hyper leaves it out of a GET's).
pub(crate) fn no_length() -> Body {
    Body::new(NoLength)
}

/// An empty body whose length is not announced.
struct NoLength;

impl HttpBody for NoLength {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<::http_body::Frame<Bytes>, Self::Error>>> {
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        true
    }
}

crate::conditional::kinds::answer_kinds!("IntoResponse");

impl<T: Versioned + Encode, E: IntoResponse> AnswerTagged for Result<Tagged<T>, E> {}

impl<T: Versioned + Encode, E: IntoResponse> IntoTagged for Result<Tagged<T>, E> {
    #[inline]
    fn into_tagged(self, needs: Needs, current: Option<&Validators>) -> Answer {
        match self {
            Ok(tagged) => tagged.into_tagged(needs, current),
            Err(error) => other(error.into_response()),
        }
    }
}

impl OtherKind {
    /// `value`'s answer, through `IntoResponse`.
    #[inline]
    pub fn answer<R: IntoResponse>(
        self,
        value: R,
        _request: &ConditionalRequest,
        _current: Option<&Validators>,
    ) -> Answer {
        other(value.into_response())
    }
}

/// What the framework-free plan knows of the request.
#[inline(always)]
fn exchange(request: &ConditionalRequest) -> Exchange<'_> {
    let method = match *request.method() {
        Method::GET => conditional::Method::Get,
        Method::HEAD => conditional::Method::Head,
        _ => conditional::Method::Other,
    };
    Exchange {
        method,
        range: request.single_range(),
    }
}

/// Completes the handler's response as `crate::conditional::plan` says.
pub fn finish(
    answer: Answer,
    request: &ConditionalRequest,
    proceed: Proceed,
    current: Option<Validators>,
    headers: ExtraHeaders,
) -> Response {
    let Answer {
        mut response,
        tagged,
    } = answer;
    let status = response.status();
    if !status.is_success() {
        return response;
    }
    let exchange = exchange(request);
    // A `Tagged` built elsewhere left its body in the extensions; most responses have none,
    // and looking into none costs nothing.
    let body = match tagged {
        Answered::Tagged(body) => Some(body),
        Answered::Other if exchange.needs() == Needs::Nothing => None,
        Answered::Other => response
            .extensions_mut()
            .remove::<TaggedBody>()
            .map(|TaggedBody(body)| Some(body)),
    };
    let representation = body
        .as_ref()
        .and_then(Option::as_ref)
        .map(|body| body.len() as u64)
        .filter(|len| response.body().size_hint().exact() == Some(*len));
    let facts = ResponseFacts {
        success: true,
        ok: status == StatusCode::OK,
        has_validators: response.headers().contains_key(ETAG)
            || response.headers().contains_key(LAST_MODIFIED),
        tagged: body.is_some(),
        representation,
    };
    let plan = conditional::plan(exchange, proceed, current.as_ref(), facts);
    apply(&mut response, plan, headers, body.flatten());
    response
}

/// Applies a plan to a 2xx response.
fn apply(response: &mut Response, plan: Plan<'_>, declared: ExtraHeaders, body: Option<Bytes>) {
    let headers = response.headers_mut();
    if let Some(current) = plan.stamp {
        stamp(headers, current);
    }
    if plan.declared {
        declared.append_missing(headers);
    }
    if plan.accept_ranges {
        headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    }
    let content_range = conditional::content_range(plan.range);
    match (plan.range, body) {
        (RangePlan::Partial { start, end, .. }, Some(body)) => {
            let (Ok(first), Ok(last)) = (usize::try_from(start), usize::try_from(end)) else {
                return;
            };
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            *response.body_mut() = Body::from(body.slice(first..=last));
            response.headers_mut().remove(CONTENT_LENGTH);
        }
        (RangePlan::Unsatisfiable { len }, _) => {
            *response.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            *response.body_mut() = Body::from(conditional::unsatisfiable_body(len));
            let headers = response.headers_mut();
            headers.remove(CONTENT_LENGTH);
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        _ => return,
    }
    if let Some(value) = content_range.and_then(|text| HeaderValue::try_from(text).ok()) {
        response.headers_mut().insert(CONTENT_RANGE, value);
    }
}

/// `ETag` and `Last-Modified` of `current`.
pub(crate) fn stamp(headers: &mut HeaderMap, current: &Validators) {
    if let Some(etag) = current.etag() {
        headers.insert(ETAG, etag.to_header_value());
    }
    if let Some(time) = current.last_modified() {
        headers.insert(LAST_MODIFIED, last_modified_header_value(time));
    }
}

#[cfg(test)]
mod tests {
    use ::axum::body::to_bytes;
    use ::axum::http::HeaderName;
    use precond_core::ETag;

    use super::*;

    #[derive(serde::Serialize)]
    struct Doc {
        version: u64,
    }

    impl Versioned for Doc {
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

    /// The generated code's steps around the body, given the body's answer.
    fn respond(request: &ConditionalRequest, answer: Answer) -> Response {
        let current = Validators::new(ETag::from_version(3));
        let proceed = check(
            request,
            Some(&current),
            &Policy::none(),
            &ExtraHeaders::new(),
        )
        .expect("no precondition to fail");
        finish(answer, request, proceed, Some(current), ExtraHeaders::new())
    }

    fn tagged(request: &ConditionalRequest, value: Tagged<Doc>) -> Answer {
        let current = Validators::new(ETag::from_version(3));
        value
            .__precond_kind()
            .answer(value, request, Some(&current))
    }

    fn header(response: &Response, name: HeaderName) -> Option<&[u8]> {
        response.headers().get(name).map(HeaderValue::as_bytes)
    }

    #[test]
    fn tagged_answers_carry_no_extensions_and_accept_ranges() {
        for method in [Method::GET, Method::HEAD] {
            let request = request(method, None);
            let answer = tagged(&request, Tagged::new(Doc { version: 3 }));
            assert!(answer.response.extensions().is_empty());
            assert!(matches!(answer.tagged, Answered::Tagged(None)));
            let response = respond(&request, answer);
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(header(&response, ACCEPT_RANGES), Some(&b"bytes"[..]));
            assert_eq!(header(&response, ETAG), Some(&b"\"3\""[..]));
        }
        let put = request(Method::PUT, Some("bytes=1-3"));
        let response = respond(&put, tagged(&put, Tagged::new(Doc { version: 4 })));
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        // Not a GET: the value's own validators.
        assert_eq!(header(&response, ETAG), Some(&b"\"4\""[..]));
    }

    #[tokio::test]
    async fn a_range_is_served_from_a_tagged_body_built_anywhere() {
        let get = request(Method::GET, Some("bytes=1-3"));
        let direct = tagged(&get, Tagged::new(Doc { version: 3 }));
        assert!(matches!(direct.tagged, Answered::Tagged(Some(_))));
        // Built by hand: the body is in the extensions, and `finish` finds it there.
        let by_hand = OtherKind.answer(Tagged::new(Doc { version: 3 }).into_response(), &get, None);
        assert!(by_hand.response.extensions().get::<TaggedBody>().is_some());
        for answer in [direct, by_hand] {
            let response = respond(&get, answer);
            assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
            assert_eq!(header(&response, CONTENT_RANGE), Some(&b"bytes 1-3/13"[..]));
            assert!(response.extensions().get::<TaggedBody>().is_none());
            let body = to_bytes(response.into_body(), usize::MAX).await;
            assert_eq!(body.ok().as_deref(), Some(&b"\"ve"[..]));
        }
    }

    #[test]
    fn a_304_announces_no_length() {
        let mut headers = HeaderMap::new();
        headers.insert("if-none-match", HeaderValue::from_static("\"3\""));
        for method in [Method::GET, Method::HEAD] {
            let request = ConditionalRequest::new(&method, &headers);
            let current = Validators::new(ETag::from_version(3));
            let response = check(
                &request,
                Some(&current),
                &Policy::none(),
                &ExtraHeaders::new(),
            )
            .expect_err("fresh: 304");
            assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
            assert_eq!(response.body().size_hint().exact(), None);
            assert!(response.body().is_end_stream());
            assert!(!response.headers().contains_key(CONTENT_LENGTH));
        }
    }
}
