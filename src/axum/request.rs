//! [`ConditionalRequest`]: the extractor that keeps what the evaluation needs.

use std::convert::Infallible;
use std::future::Future;

use ::axum::extract::FromRequestParts;
use ::axum::http::header::{
    IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE, RANGE,
};
use ::axum::http::request::Parts;
use ::axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use precond_core::{Decision, Field, Policy, Preconditions, Validators};

/// Up to how many distinct header names the extractor walks the whole map rather than looking
/// each of the six fields up (a visit costs a fraction of a lookup, which hashes the name).
const SCAN_UP_TO: usize = 24;

/// The request method and the conditional header fields of a request, owned, so that they
/// outlive the request's parts and can be evaluated at any point of a handler.
///
/// It keeps every line of the six [`Field`]s (`If-Match`, `If-None-Match`,
/// `If-Modified-Since`, `If-Unmodified-Since`, `If-Range`, `Range`) and nothing else. Header
/// values are reference-counted, so keeping them copies no bytes, and a request that carries
/// at most two such lines (none, or `If-None-Match` and `If-Modified-Since`, or `Range` and
/// `If-Range`) costs no allocation.
///
/// As an extractor it never fails (its rejection is [`Infallible`]) and works with any router
/// state. `#[conditional]` adds it to the handlers it expands; use it directly to evaluate by
/// hand:
///
/// ```
/// use axum::http::StatusCode;
/// use axum::response::{IntoResponse, Response};
/// use precond::axum::{ConditionalRequest, Rejected};
/// use precond::{ETag, Policy, Validators};
///
/// async fn delete_document(request: ConditionalRequest) -> Response {
///     let current = Validators::new(ETag::from_version(3)); // loaded from the store
///     match request.evaluate(Some(&current), &Policy::lost_update()).into_result() {
///         Ok(_) => StatusCode::NO_CONTENT.into_response(),
///         Err(rejection) => Rejected(rejection).into_response(),
///     }
/// }
/// let app: axum::Router = axum::Router::new().route("/doc", axum::routing::delete(delete_document));
/// ```
#[derive(Debug, Clone)]
pub struct ConditionalRequest {
    method: Method,
    /// The first two lines of the fields (each field's lines in the order received): room for
    /// what most requests carry, and no more, since the value is moved with the handler's
    /// future several times per request.
    lines: [Option<(Field, HeaderValue)>; INLINE],
    /// The third and later lines, in order (empty, and unallocated, for most requests).
    more: Vec<(Field, HeaderValue)>,
}

/// How many lines are kept without allocating.
const INLINE: usize = 2;

/// The field a header name is, if any: standard names compare as small integers.
#[inline]
fn field_of(name: &HeaderName) -> Option<Field> {
    if *name == IF_MATCH {
        Some(Field::IfMatch)
    } else if *name == IF_NONE_MATCH {
        Some(Field::IfNoneMatch)
    } else if *name == IF_MODIFIED_SINCE {
        Some(Field::IfModifiedSince)
    } else if *name == IF_UNMODIFIED_SINCE {
        Some(Field::IfUnmodifiedSince)
    } else if *name == IF_RANGE {
        Some(Field::IfRange)
    } else if *name == RANGE {
        Some(Field::Range)
    } else {
        None
    }
}

impl ConditionalRequest {
    /// The method and conditional fields of a request's method and headers.
    ///
    /// ```
    /// use axum::http::{HeaderMap, HeaderValue, Method};
    /// use precond::axum::ConditionalRequest;
    /// use precond::Field;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("if-none-match", HeaderValue::from_static("\"1\""));
    /// headers.insert("accept", HeaderValue::from_static("*/*"));
    /// let request = ConditionalRequest::new(&Method::GET, &headers);
    /// assert_eq!(request.preconditions().lines(Field::IfNoneMatch), [b"\"1\""]);
    /// ```
    #[must_use]
    pub fn new(method: &Method, headers: &HeaderMap) -> Self {
        let mut request = Self {
            method: method.clone(),
            lines: Default::default(),
            more: Vec::new(),
        };
        if headers.keys_len() <= SCAN_UP_TO {
            for (name, value) in headers {
                if let Some(field) = field_of(name) {
                    request.add(field, value);
                }
            }
        } else {
            for field in Field::ALL {
                for value in headers.get_all(field.header_name()) {
                    request.add(field, value);
                }
            }
        }
        request
    }

    fn add(&mut self, field: Field, value: &HeaderValue) {
        let line = (field, value.clone());
        match self.lines.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(line),
            None => self.more.push(line),
        }
    }

    /// Every line; each field's lines in the order received.
    fn lines(&self) -> impl Iterator<Item = &(Field, HeaderValue)> {
        self.lines.iter().flatten().chain(&self.more)
    }

    /// The request method.
    ///
    /// ```
    /// use axum::http::{HeaderMap, Method};
    /// use precond::axum::ConditionalRequest;
    /// let request = ConditionalRequest::new(&Method::PUT, &HeaderMap::new());
    /// assert_eq!(request.method(), Method::PUT);
    /// ```
    #[inline]
    #[must_use]
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The conditional fields, borrowed, ready for [`precond::evaluate`](crate::evaluate).
    /// Several lines of a field come in the order received.
    ///
    /// ```
    /// use axum::http::{HeaderMap, HeaderValue, Method};
    /// use precond::axum::ConditionalRequest;
    /// use precond::Field;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.append("if-match", HeaderValue::from_static("\"a\""));
    /// headers.append("if-match", HeaderValue::from_static("\"b\""));
    /// let request = ConditionalRequest::new(&Method::PUT, &headers);
    /// let pre = request.preconditions();
    /// assert_eq!(pre.lines(Field::IfMatch), [b"\"a\"", b"\"b\""]);
    /// assert!(!pre.has(Field::Range));
    /// ```
    #[must_use]
    pub fn preconditions(&self) -> Preconditions<'_> {
        let mut pre = Preconditions::new();
        // In the order received, so each field's lines keep theirs.
        for (field, value) in self.lines() {
            pre.add(*field, value.as_bytes());
        }
        pre
    }

    /// Evaluates the request's preconditions against the current validators (`None` when the
    /// resource does not exist) under `policy`: [`precond::evaluate`](crate::evaluate) with this
    /// request's method and fields.
    ///
    /// ```
    /// use axum::http::{HeaderMap, HeaderValue, Method};
    /// use precond::axum::ConditionalRequest;
    /// use precond::{Decision, ETag, Policy, Validators};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("if-none-match", HeaderValue::from_static("\"7\""));
    /// let request = ConditionalRequest::new(&Method::GET, &headers);
    /// let current = Validators::new(ETag::from_version(7));
    /// let decision = request.evaluate(Some(&current), &Policy::none());
    /// assert!(matches!(decision, Decision::NotModified(_)));
    /// ```
    pub fn evaluate(&self, current: Option<&Validators>, policy: &Policy) -> Decision {
        precond_core::evaluate(&self.method, &self.preconditions(), current, policy)
    }

    /// The value of the `Range` field when it came in exactly one line.
    pub(crate) fn single_range(&self) -> Option<&[u8]> {
        let mut ranges = self.lines().filter(|(field, _)| *field == Field::Range);
        match (ranges.next(), ranges.next()) {
            (Some((_, value)), None) => Some(value.as_bytes()),
            _ => None,
        }
    }
}

impl<S> FromRequestParts<S> for ConditionalRequest {
    type Rejection = Infallible;

    fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        std::future::ready(Ok(Self::new(&parts.method, &parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both ways of reading a map give every line of every field, in order, as `get_all` does.
    #[test]
    fn small_and_large_maps() {
        for fillers in [0, 3, SCAN_UP_TO, SCAN_UP_TO + 1, 40] {
            let mut map = HeaderMap::new();
            for n in 0..fillers {
                if let Ok(name) = HeaderName::from_bytes(format!("x-filler-{n}").as_bytes()) {
                    map.append(name, HeaderValue::from_static("x"));
                }
            }
            map.append(IF_MATCH, HeaderValue::from_static("\"a\""));
            map.append(RANGE, HeaderValue::from_static("bytes=0-1"));
            map.append(IF_MATCH, HeaderValue::from_static("\"b\", \"c\""));
            map.append(IF_MODIFIED_SINCE, HeaderValue::from_static("x"));
            map.append(IF_MATCH, HeaderValue::from_static(""));
            map.append(IF_RANGE, HeaderValue::from_static("\"r\""));
            map.append(IF_UNMODIFIED_SINCE, HeaderValue::from_static("u"));
            map.append(IF_NONE_MATCH, HeaderValue::from_static("*"));
            map.append(IF_MODIFIED_SINCE, HeaderValue::from_static("y"));
            let request = ConditionalRequest::new(&Method::GET, &map);
            let pre = request.preconditions();
            for field in Field::ALL {
                let expected: Vec<&[u8]> = map
                    .get_all(field.header_name())
                    .iter()
                    .map(HeaderValue::as_bytes)
                    .collect();
                assert_eq!(pre.lines(field), expected, "{field} with {fillers} fillers");
            }
            assert_eq!(request.single_range(), Some(&b"bytes=0-1"[..]));
        }
    }

    #[test]
    fn unconditional_requests_allocate_nothing() {
        let mut map = HeaderMap::new();
        map.insert("accept", HeaderValue::from_static("*/*"));
        let request = ConditionalRequest::new(&Method::GET, &map);
        assert_eq!(request.more.capacity(), 0);
        assert!(request.lines.iter().all(Option::is_none));
        assert!(request.single_range().is_none());
    }

    /// Two lines are kept inline; a third one allocates, and every line keeps its order.
    #[test]
    fn two_lines_inline_then_more() {
        let mut map = HeaderMap::new();
        map.append(IF_NONE_MATCH, HeaderValue::from_static("\"a\""));
        map.append(IF_MODIFIED_SINCE, HeaderValue::from_static("x"));
        let request = ConditionalRequest::new(&Method::GET, &map);
        assert_eq!(request.more.capacity(), 0);
        assert!(request.lines.iter().all(Option::is_some));
        map.append(IF_NONE_MATCH, HeaderValue::from_static("\"b\""));
        map.append(RANGE, HeaderValue::from_static("bytes=1-2"));
        let request = ConditionalRequest::new(&Method::GET, &map);
        assert_eq!(request.more.len(), 2);
        let pre = request.preconditions();
        assert_eq!(pre.lines(Field::IfNoneMatch), [b"\"a\"", b"\"b\""]);
        assert_eq!(pre.lines(Field::IfModifiedSince), [b"x"]);
        assert_eq!(request.single_range(), Some(&b"bytes=1-2"[..]));
    }

    /// Kept small: it is moved with the handler's future several times per request.
    #[test]
    fn small() {
        assert!(std::mem::size_of::<ConditionalRequest>() <= 144);
    }

    #[test]
    fn several_range_lines_are_not_a_single_range() {
        let mut map = HeaderMap::new();
        map.append(RANGE, HeaderValue::from_static("bytes=0-1"));
        map.append(RANGE, HeaderValue::from_static("bytes=2-3"));
        let request = ConditionalRequest::new(&Method::GET, &map);
        assert!(request.single_range().is_none());
        assert_eq!(request.preconditions().lines(Field::Range).len(), 2);
    }
}
