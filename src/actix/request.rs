//! [`ConditionalRequest`]: the extractor that keeps what the evaluation needs.

use std::convert::Infallible;
use std::fmt;
use std::future::{Ready, ready};

use ::actix_web::dev::Payload;
use ::actix_web::http::Method;
use ::actix_web::http::header::{
    HeaderMap, HeaderName, HeaderValue, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE,
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

/// The index of `Range` in [`FIELDS`].
const RANGE_INDEX: usize = 5;

/// The request method and the conditional header fields of a request, to evaluate against the
/// current validators at any point of a handler.
///
/// It reads the six [`Field`]s (`If-Match`, `If-None-Match`, `If-Modified-Since`,
/// `If-Unmodified-Since`, `If-Range`, `Range`), every line of each, from a handle on the
/// request: actix-web's [`HttpRequest`] is reference-counted, so keeping it copies no header and
/// extracting costs no allocation. Extracting notes which of the fields the request carries, so
/// that a request with none of them is never searched again. The request is also what actix-web's
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
    /// Which of the six fields the request carries: bit `i` for `FIELDS[i]`. Most requests carry
    /// none, and their fields are then never looked up; the others look up only those present.
    /// (They cannot change while this value holds the request: actix-web changes a request's
    /// headers only through `Rc::get_mut`, which fails, and panics, while a clone lives.)
    present: u8,
}

/// Up to how many distinct header names [`ConditionalRequest::new`] walks the whole map, once,
/// rather than looking each of the six fields up: a visit compares a name with six standard
/// names, a fraction of a lookup, which hashes it.
const SCAN_UP_TO: usize = 24;

/// The index in [`FIELDS`] of a header name, if it is one of the six: standard names compare as
/// small integers.
#[inline]
fn field_index(name: &HeaderName) -> Option<usize> {
    if *name == IF_MATCH {
        Some(0)
    } else if *name == IF_NONE_MATCH {
        Some(1)
    } else if *name == IF_MODIFIED_SINCE {
        Some(2)
    } else if *name == IF_UNMODIFIED_SINCE {
        Some(3)
    } else if *name == IF_RANGE {
        Some(4)
    } else if *name == RANGE {
        Some(5)
    } else {
        None
    }
}

/// Which of the six fields `headers` carries, as [`ConditionalRequest::present`] keeps it.
fn present_fields(headers: &HeaderMap) -> u8 {
    let mut present = 0;
    if headers.len_keys() <= SCAN_UP_TO {
        for name in headers.keys() {
            if let Some(i) = field_index(name) {
                present |= 1 << i;
            }
        }
    } else {
        for (i, (_, name)) in FIELDS.iter().enumerate() {
            if headers.contains_key(name) {
                present |= 1 << i;
            }
        }
    }
    present
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
            present: present_fields(request.headers()),
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
        let mut pre = Preconditions::new();
        if self.present == 0 {
            return pre;
        }
        let headers = self.request.headers();
        for (i, (field, name)) in FIELDS.iter().enumerate() {
            if self.present & (1 << i) != 0 {
                for value in headers.get_all(name) {
                    pre.add(*field, value.as_bytes());
                }
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
        let method = engine_method(self.method());
        precond_core::evaluate(&method, &self.preconditions(), current, policy)
    }

    /// The value of the `Range` field when it came in exactly one line.
    pub(crate) fn single_range(&self) -> Option<&HeaderValue> {
        if self.present & (1 << RANGE_INDEX) == 0 {
            return None;
        }
        single_range(self.request.headers())
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
    // The usual methods compare as small integers.
    if *method == Method::GET {
        return M::GET;
    }
    if *method == Method::HEAD {
        return M::HEAD;
    }
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

/// The value of the `Range` field of `headers` when it came in exactly one line.
pub(crate) fn single_range(headers: &actix_web::http::header::HeaderMap) -> Option<&HeaderValue> {
    let mut lines = headers.get_all(RANGE);
    match (lines.next(), lines.next()) {
        (Some(value), None) => Some(value),
        _ => None,
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

    /// With more distinct names than `SCAN_UP_TO`, the fields present are found by lookup
    /// instead of the walk: the same lines, in the same order.
    #[test]
    fn many_headers_are_looked_up_with_the_same_result() {
        for fillers in [
            0,
            SCAN_UP_TO - 3,
            SCAN_UP_TO,
            SCAN_UP_TO + 1,
            3 * SCAN_UP_TO,
        ] {
            let mut request = TestRequest::get();
            for i in 0..fillers {
                request = request.append_header((format!("x-filler-{i}"), "x"));
            }
            let request = request
                .append_header((IF_NONE_MATCH, "\"a\""))
                .append_header((RANGE, "bytes=0-1"))
                .append_header((IF_NONE_MATCH, "\"b\""))
                .append_header((IF_RANGE, "\"r\""))
                .to_http_request();
            assert_eq!(request.headers().len_keys(), fillers + 3);
            let request = ConditionalRequest::new(&request);
            assert_eq!(request.present, 0b11_0010, "{fillers} fillers");
            let pre = request.preconditions();
            assert_eq!(pre.lines(Field::IfNoneMatch), [b"\"a\"", b"\"b\""]);
            assert_eq!(pre.lines(Field::IfRange), [b"\"r\""]);
            assert_eq!(pre.lines(Field::Range), [b"bytes=0-1"]);
            assert!(!pre.has(Field::IfMatch) && !pre.has(Field::IfModifiedSince));
            assert!(!pre.has(Field::IfUnmodifiedSince));
            assert_eq!(
                request.single_range().map(HeaderValue::as_bytes),
                Some(&b"bytes=0-1"[..])
            );
        }
    }

    /// A request without any of the fields: nothing to look up, every answer empty.
    #[test]
    fn no_fields_nothing_present() {
        let request = TestRequest::get()
            .append_header(("accept", "*/*"))
            .append_header(("if-none", "x"))
            .append_header(("ranges", "x"))
            .to_http_request();
        let request = ConditionalRequest::new(&request);
        assert_eq!(request.present, 0);
        let pre = request.preconditions();
        assert!(Field::ALL.into_iter().all(|field| !pre.has(field)));
        assert!(request.single_range().is_none());
    }

    /// Each field alone sets its own bit, whose index is the field's in `FIELDS`.
    #[test]
    fn each_field_alone() {
        for (i, (field, name)) in FIELDS.iter().enumerate() {
            let request = TestRequest::get()
                .append_header(("accept", "*/*"))
                .append_header((name.clone(), "v"))
                .to_http_request();
            assert_eq!(field_index(name), Some(i));
            let request = ConditionalRequest::new(&request);
            assert_eq!(request.present, 1 << i);
            let pre = request.preconditions();
            for other in Field::ALL {
                assert_eq!(pre.has(other), other == *field, "{field} then {other}");
            }
            assert_eq!(request.single_range().is_some(), *field == Field::Range);
        }
        assert_eq!(FIELDS[RANGE_INDEX].0, Field::Range);
    }

    /// Kept small: it is moved with the handler's future and its extractors.
    #[test]
    fn small() {
        assert!(std::mem::size_of::<ConditionalRequest>() <= 16);
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
