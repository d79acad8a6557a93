//! The actix-web adapter of the `#[conditional]` runtime (see [`crate::conditional`] for the
//! steps and the decisions, made there once for both frameworks), re-exported through
//! `precond::__private::actix`. Not public API.
//!
//! The `Result<_, Response>` signatures are the contract with the generated code, which returns
//! the `Err` response as is; boxing it would only add an allocation to every rejection.
#![allow(clippy::result_large_err)]

use crate::conditional::tagged::Encode;
use ::actix_web::body::{BodySize, BoxBody, MessageBody};
use ::actix_web::http::header::{
    ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue,
    LAST_MODIFIED,
};
use ::actix_web::http::{Method, StatusCode};
use ::actix_web::web::Bytes;
use ::actix_web::{HttpResponse, Responder};
use precond_core::date::fmt_last_modified;
use precond_core::{Policy, Validators, Versioned};

use super::ConditionalRequest;
use super::convert::rejection_response;
use super::tagged::{Tagged, TaggedBody, TaggedMark};
pub use crate::conditional::Proceed;
use crate::conditional::{
    self, Answered, Exchange, Needs, Plan, RangePlan, ResponseFacts, checked, declared_on,
};
use crate::private::ExtraHeaders;

/// The response of a generated actix-web handler.
pub type Response = HttpResponse;

/// What a `#[current(expr)]` expression may yield for a parameter of type `P`: `P` itself, or
/// `Result<P, E>` whose error is answered as `E`'s response.
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

crate::conditional::kinds::answer_kinds!("Responder");

impl<T: Versioned + Encode, E: Into<::actix_web::Error>> AnswerTagged for Result<Tagged<T>, E> {}

impl<T: Versioned + Encode, E: Into<::actix_web::Error>> IntoTagged for Result<Tagged<T>, E> {
    #[inline]
    fn into_tagged(self, needs: Needs, current: Option<&Validators>) -> Answer {
        match self {
            Ok(tagged) => tagged.into_tagged(needs, current),
            Err(error) => other(HttpResponse::from_error(error.into())),
        }
    }
}

impl OtherKind {
    /// `value`'s answer, through `Responder` (which needs the request).
    #[inline]
    pub fn answer<R: Responder>(
        self,
        value: R,
        request: &ConditionalRequest,
        _current: Option<&Validators>,
    ) -> Answer {
        other(
            value
                .respond_to(request.http_request())
                .map_into_boxed_body(),
        )
    }
}

/// What the framework-free plan knows of the request.
#[inline(always)]
fn exchange(request: &ConditionalRequest) -> Exchange<'_> {
    exchange_of(request.method(), request.single_range())
}

/// [`exchange`] from the method and the single `Range` line, for a `Tagged` answered through
/// `Responder`, which has only the `HttpRequest`.
#[inline]
pub(crate) fn exchange_of<'r>(method: &Method, range: Option<&'r HeaderValue>) -> Exchange<'r> {
    let method = match *method {
        Method::GET => conditional::Method::Get,
        Method::HEAD => conditional::Method::Head,
        _ => conditional::Method::Other,
    };
    Exchange {
        method,
        range: range.map(HeaderValue::as_bytes),
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
        Answered::Other => {
            let mut extensions = response.extensions_mut();
            match extensions.remove::<TaggedBody>() {
                Some(TaggedBody(body)) => Some(Some(body)),
                None => extensions.remove::<TaggedMark>().map(|TaggedMark| None),
            }
        }
    };
    let representation = body
        .as_ref()
        .and_then(Option::as_ref)
        .map(|body| body.len() as u64)
        .filter(|len| response.body().size() == BodySize::Sized(*len));
    let facts = ResponseFacts {
        success: true,
        ok: status == StatusCode::OK,
        has_validators: response.headers().contains_key(ETAG)
            || response.headers().contains_key(LAST_MODIFIED),
        tagged: body.is_some(),
        representation,
    };
    let plan = conditional::plan(exchange, proceed, current.as_ref(), facts);
    apply(response, plan, headers, body.flatten())
}

/// Applies a plan to a 2xx response.
fn apply(
    mut response: Response,
    plan: Plan<'_>,
    declared: ExtraHeaders,
    body: Option<Bytes>,
) -> Response {
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
    let mut response = match (plan.range, body) {
        (RangePlan::Partial { start, end, .. }, Some(body)) => {
            let (Ok(first), Ok(last)) = (usize::try_from(start), usize::try_from(end)) else {
                return response;
            };
            let mut response = response.set_body(BoxBody::new(body.slice(first..=last)));
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            response.headers_mut().remove(CONTENT_LENGTH);
            response
        }
        (RangePlan::Unsatisfiable { len }, _) => {
            let body = conditional::unsatisfiable_body(len);
            let mut response = response.set_body(BoxBody::new(body));
            *response.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            let headers = response.headers_mut();
            headers.remove(CONTENT_LENGTH);
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        _ => return response,
    };
    if let Some(value) = content_range.and_then(|text| HeaderValue::try_from(text).ok()) {
        response.headers_mut().insert(CONTENT_RANGE, value);
    }
    response
}

/// `ETag` and `Last-Modified` of `current` (every byte of a validated entity tag, and of an
/// HTTP date, is a valid header value byte).
pub(crate) fn stamp(headers: &mut HeaderMap, current: &Validators) {
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
