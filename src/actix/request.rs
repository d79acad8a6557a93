//! [`ConditionalRequest`]: the extractor that keeps what the evaluation needs.

use std::convert::Infallible;
use std::fmt;
use std::future::{Ready, ready};

use ::actix_web::dev::Payload;
use ::actix_web::http::Method;
use ::actix_web::http::header::{
    HeaderName, HeaderValue, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE,
    IF_UNMODIFIED_SINCE, RANGE,
};
use ::actix_web::{FromRequest, HttpRequest};
use precond_core::{Decision, Field, Policy, Preconditions, Validators};

/// The six fields, in the order of [`Field::ALL`], with their names in actix-web's `http` types.
const FIELDS: [(Field, HeaderName); 6] = [
    (Field::IfMatch, IF_MATCH),
    (Field::IfNoneMatch, IF_NONE_MATCH),
    (Field::IfModifiedSince, IF_MODIFIED_SINCE),
    (Field::IfUnmodifiedSince, IF_UNMODIFIED_SINCE),
    (Field::IfRange, IF_RANGE),
    (Field::Range, RANGE),
];

/// The request method and the conditional header fields of a request, to evaluate against the
/// current validators at any point of a handler.
///
/// It reads the six [`Field`]s (`If-Match`, `If-None-Match`, `If-Modified-Since`,
/// `If-Unmodified-Since`, `If-Range`, `Range`), every line of each, from a handle on the
/// request: actix-web's [`HttpRequest`] is reference-counted, so keeping it copies no header and
/// extracting costs no allocation. The request is also what actix-web's
/// [`Responder`](actix_web::Responder) needs to turn the handler's answer into a response. Like
/// `HttpRequest`, it is neither `Send` nor `Sync`: it lives on the worker thread of its request.
///
/// As an extractor it never fails (its error is [`Infallible`]). `#[conditional]` adds it to the
/// handlers it expands; use it directly to evaluate by hand:
///
/// ```
/// use actix_web::{HttpResponse, web};
/// use precond::actix::{ConditionalRequest, Rejected};
/// use precond::{ETag, Policy, Validators};
///
/// async fn delete_document(request: ConditionalRequest) -> Result<HttpResponse, Rejected> {
///     let current = Validators::new(ETag::from_version(3)); // loaded from the store
///     request.evaluate(Some(&current), &Policy::lost_update()).into_result()?;
///     Ok(HttpResponse::NoContent().finish())
/// }
/// let app = actix_web::App::new().route("/doc", web::delete().to(delete_document));
/// ```
#[derive(Clone)]
pub struct ConditionalRequest {
    request: HttpRequest,
    /// The method in the `http` 1 types of the engine.
    method: precond_core::http::Method,
}

impl ConditionalRequest {
    /// The method and conditional fields of a request.
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use precond::actix::ConditionalRequest;
    /// use precond::Field;
    ///
    /// let request = TestRequest::get()
    ///     .insert_header(("if-none-match", "\"1\""))
    ///     .insert_header(("accept", "*/*"))
    ///     .to_http_request();
    /// let request = ConditionalRequest::new(&request);
    /// assert_eq!(request.preconditions().lines(Field::IfNoneMatch), [b"\"1\""]);
    /// ```
    #[must_use]
    pub fn new(request: &HttpRequest) -> Self {
        Self {
            method: engine_method(request.method()),
            request: request.clone(),
        }
    }

    /// The request method.
    ///
    /// ```
    /// use actix_web::http::Method;
    /// use actix_web::test::TestRequest;
    /// use precond::actix::ConditionalRequest;
    ///
    /// let request = ConditionalRequest::new(&TestRequest::put().to_http_request());
    /// assert_eq!(request.method(), Method::PUT);
    /// ```
    #[inline]
    #[must_use]
    pub fn method(&self) -> &Method {
        self.request.method()
    }

    /// The conditional fields, borrowed, ready for [`precond::evaluate`](crate::evaluate).
    /// Several lines of a field come in the order received.
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use precond::actix::ConditionalRequest;
    /// use precond::Field;
    ///
    /// let request = TestRequest::put()
    ///     .append_header(("if-match", "\"a\""))
    ///     .append_header(("if-match", "\"b\""))
    ///     .to_http_request();
    /// let request = ConditionalRequest::new(&request);
    /// let pre = request.preconditions();
    /// assert_eq!(pre.lines(Field::IfMatch), [b"\"a\"", b"\"b\""]);
    /// assert!(!pre.has(Field::Range));
    /// ```
    #[must_use]
    pub fn preconditions(&self) -> Preconditions<'_> {
        let headers = self.request.headers();
        let mut pre = Preconditions::new();
        for (field, name) in &FIELDS {
            for value in headers.get_all(name) {
                pre.add(*field, value.as_bytes());
            }
        }
        pre
    }

    /// Evaluates the request's preconditions against the current validators (`None` when the
    /// resource does not exist) under `policy`: [`precond::evaluate`](crate::evaluate) with this
    /// request's method and fields.
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use precond::actix::ConditionalRequest;
    /// use precond::{Decision, ETag, Policy, Validators};
    ///
    /// let request = TestRequest::get()
    ///     .insert_header(("if-none-match", "\"7\""))
    ///     .to_http_request();
    /// let request = ConditionalRequest::new(&request);
    /// let current = Validators::new(ETag::from_version(7));
    /// let decision = request.evaluate(Some(&current), &Policy::none());
    /// assert!(matches!(decision, Decision::NotModified(_)));
    /// ```
    pub fn evaluate(&self, current: Option<&Validators>, policy: &Policy) -> Decision {
        precond_core::evaluate(&self.method, &self.preconditions(), current, policy)
    }

    /// The value of the `Range` field when it came in exactly one line.
    pub(crate) fn single_range(&self) -> Option<&HeaderValue> {
        let mut lines = self.request.headers().get_all(RANGE);
        match (lines.next(), lines.next()) {
            (Some(value), None) => Some(value),
            _ => None,
        }
    }

    /// The request, for [`Responder::respond_to`](actix_web::Responder::respond_to).
    #[inline]
    pub(crate) fn http_request(&self) -> &HttpRequest {
        &self.request
    }
}

/// The method in the engine's `http` 1 types. Both `http` versions accept the same method
/// tokens, so the conversion does not fail; if it ever did, the method is evaluated as a POST
/// would be (neither GET nor HEAD, nor exempt from `require`), as any extension method is.
fn engine_method(method: &Method) -> precond_core::http::Method {
    use precond_core::http::Method as M;
    match method.as_str() {
        "GET" => M::GET,
        "HEAD" => M::HEAD,
        "PUT" => M::PUT,
        "POST" => M::POST,
        "PATCH" => M::PATCH,
        "DELETE" => M::DELETE,
        "OPTIONS" => M::OPTIONS,
        "CONNECT" => M::CONNECT,
        "TRACE" => M::TRACE,
        other => M::from_bytes(other.as_bytes()).unwrap_or(M::POST),
    }
}

/// The method and the conditional fields only (not the other headers, which may hold
/// credentials).
impl fmt::Debug for ConditionalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = self.request.headers();
        let fields = FIELDS
            .iter()
            .flat_map(|(_, name)| headers.get_all(name).map(move |value| (name, value)));
        f.debug_struct("ConditionalRequest")
            .field("method", self.method())
            .field("fields", &DebugList(fields))
            .finish()
    }
}

/// Lists `(name, value)` pairs from a cloneable iterator.
struct DebugList<I>(I);

impl<'a, I> fmt::Debug for DebugList<I>
where
    I: Iterator<Item = (&'a HeaderName, &'a HeaderValue)> + Clone,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.clone()).finish()
    }
}

impl FromRequest for ConditionalRequest {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    #[inline]
    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Ok(Self::new(request)))
    }
}

#[cfg(test)]
mod tests {
    use ::actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn every_line_of_every_field_in_order() {
        let request = TestRequest::get()
            .append_header(("x-filler", "x"))
            .append_header((IF_MATCH, "\"a\""))
            .append_header((RANGE, "bytes=0-1"))
            .append_header((IF_MATCH, "\"b\", \"c\""))
            .append_header((IF_MODIFIED_SINCE, "x"))
            .append_header((IF_MATCH, ""))
            .append_header((IF_RANGE, "\"r\""))
            .append_header((IF_UNMODIFIED_SINCE, "u"))
            .append_header((IF_NONE_MATCH, "*"))
            .append_header((IF_MODIFIED_SINCE, "y"))
            .append_header(("authorization", "secret"))
            .to_http_request();
        let request = ConditionalRequest::new(&request);
        let pre = request.preconditions();
        assert_eq!(
            pre.lines(Field::IfMatch),
            [&b"\"a\""[..], b"\"b\", \"c\"", b""]
        );
        assert_eq!(pre.lines(Field::IfModifiedSince), [b"x", b"y"]);
        assert_eq!(pre.lines(Field::IfNoneMatch), [b"*"]);
        assert_eq!(pre.lines(Field::IfUnmodifiedSince), [b"u"]);
        assert_eq!(pre.lines(Field::IfRange), [b"\"r\""]);
        assert_eq!(
            request.single_range().map(HeaderValue::as_bytes),
            Some(&b"bytes=0-1"[..])
        );
        let debug = format!("{request:?}");
        assert!(debug.contains("if-unmodified-since"), "{debug}");
        assert!(
            !debug.contains("secret") && !debug.contains("filler"),
            "{debug}"
        );
    }

    #[test]
    fn several_range_lines_are_not_a_single_range() {
        let request = TestRequest::get()
            .append_header((RANGE, "bytes=0-1"))
            .append_header((RANGE, "bytes=2-3"))
            .to_http_request();
        let request = ConditionalRequest::new(&request);
        assert!(request.single_range().is_none());
        assert_eq!(request.preconditions().lines(Field::Range).len(), 2);
        let bare = ConditionalRequest::new(&TestRequest::get().to_http_request());
        assert!(bare.single_range().is_none());
    }

    #[test]
    fn methods_convert() {
        for name in [
            "GET",
            "HEAD",
            "PUT",
            "POST",
            "PATCH",
            "DELETE",
            "OPTIONS",
            "CONNECT",
            "TRACE",
            "PROPFIND",
            "A-VERY-LONG-EXTENSION-METHOD",
        ] {
            let method = Method::from_bytes(name.as_bytes()).expect("method");
            assert_eq!(engine_method(&method).as_str(), name);
        }
    }
}
