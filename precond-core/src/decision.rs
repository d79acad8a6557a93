//! The outcome of an evaluation, and the responses a rejection needs.

use std::time::SystemTime;

use http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, HeaderName, HeaderValue, LAST_MODIFIED};
use http::{Response, StatusCode};

use crate::date::last_modified_header_value;
use crate::etag::ETag;
use crate::policy::Requirement;
use crate::preconditions::Field;
use crate::validators::Validators;

/// What to do with a request, decided by [`evaluate`](crate::evaluate).
///
/// ```
/// use http::Method;
/// use precond_core::{evaluate, Decision, ETag, Field, Policy, Preconditions, Validators};
///
/// let current = Validators::new(ETag::from_version(2));
/// let mut pre = Preconditions::new();
/// pre.add(Field::IfMatch, b"\"1\"");
/// match evaluate(&Method::PUT, &pre, Some(&current), &Policy::lost_update()) {
///     Decision::Proceed { .. } => unreachable!("the client's copy is stale"),
///     Decision::PreconditionFailed(rejection) => {
///         assert_eq!(rejection.status(), 412);
///         assert_eq!(rejection.etag(), Some(&ETag::from_version(2)));
///     }
///     other => unreachable!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum Decision {
    /// Perform the method. When `ignore_range` is true, the request has a `Range` that must be
    /// ignored (an `If-Range` that does not match, or a method other than GET): send the full
    /// representation with 200.
    Proceed {
        /// Whether a `Range` header must be ignored.
        ignore_range: bool,
    },
    /// Answer `304 Not Modified` (GET or HEAD whose `If-None-Match` or `If-Modified-Since` is
    /// false).
    NotModified(Rejection),
    /// Answer `412 Precondition Failed`.
    PreconditionFailed(Rejection),
    /// Answer `428 Precondition Required` (RFC 6585 §3): the policy requires a precondition the
    /// request does not carry.
    PreconditionRequired(Rejection),
}

impl Decision {
    /// Whether the method should be performed.
    #[inline]
    #[must_use]
    pub fn is_proceed(&self) -> bool {
        matches!(self, Decision::Proceed { .. })
    }

    /// The rejection, if the method must not be performed.
    #[must_use]
    pub fn rejection(&self) -> Option<&Rejection> {
        match self {
            Decision::Proceed { .. } => None,
            Decision::NotModified(r)
            | Decision::PreconditionFailed(r)
            | Decision::PreconditionRequired(r) => Some(r),
        }
    }

    /// `Ok(ignore_range)` to proceed, `Err(rejection)` otherwise; handy with `?`.
    ///
    /// ```
    /// use http::Method;
    /// use precond_core::{evaluate, Policy, Preconditions};
    /// let decision = evaluate(&Method::GET, &Preconditions::new(), None, &Policy::none());
    /// assert_eq!(decision.into_result(), Ok(false));
    /// ```
    pub fn into_result(self) -> Result<bool, Rejection> {
        match self {
            Decision::Proceed { ignore_range } => Ok(ignore_range),
            Decision::NotModified(r)
            | Decision::PreconditionFailed(r)
            | Decision::PreconditionRequired(r) => Err(r),
        }
    }
}

/// Why a precondition was false, as precise as the request lets the server tell: what a 412's
/// body says, in its `reason` field and its message, so that the client knows what to fix.
///
/// | reason | when | what the client should do |
/// |---|---|---|
/// | `changed` | `If-Match` lists no current tag, or the write lost a race after its check | re-fetch, reapply the change, resubmit with `If-Match: <current_etag>` |
/// | `etag_not_quoted` | `If-Match` holds an unquoted value, such as `abc123` for `"abc123"` | send the ETag exactly as received, quotes included |
/// | `weak_etag` | `If-Match` lists a weak tag (`W/"…"`): the strong comparison never matches it | send the strong tag, or re-fetch to get one |
/// | `malformed` | `If-Match` is not a valid entity-tag list | send the ETag exactly as received |
/// | `shallow_etag` | `If-Match` holds a tag that a shallow-ETag layer made from a GET's body (`"s-"` and 32 hexadecimal digits), which this handler does not check: the server mixes two kinds of ETag on one resource | resubmit with `If-Match: <current_etag>`; the server's GET should come from the same handler type as its writes |
/// | `modified_since` | `If-Unmodified-Since` is earlier than `Last-Modified` | re-fetch, reapply, resubmit |
/// | `exists` | `If-None-Match` matched (`*` on an existing resource, or a listed tag) | fetch it, and change it with `If-Match` if that was meant |
/// | `not_found` | a precondition other than `If-None-Match` on a resource that does not exist | re-fetch (it may have been deleted); create it with `If-None-Match: *` where the handler accepts that |
///
/// A malformed `If-Match` is answered 412, not 400: RFC 9110 §13.1.1 evaluates the field as
/// false when no member matches the current tag, and a member that is not an entity tag
/// matches none; Go's net/http, nginx and Apache answer 412 too. The 412 carries what a 400
/// would not: the current ETag, exactly as the client must send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The resource changed since the client's copy.
    Changed,
    /// `If-Match` carried an entity tag without its double quotes.
    EtagNotQuoted,
    /// `If-Match` carried a weak entity tag.
    WeakEtag,
    /// `If-Match` was not a valid entity-tag list.
    Malformed,
    /// `If-Match` held a tag of the form precond's shallow-ETag layers make (`"s-"` and 32
    /// lowercase hexadecimal digits), on a resource whose tag is of another kind.
    ShallowEtag,
    /// `If-Unmodified-Since` was earlier than the resource's `Last-Modified`.
    ModifiedSince,
    /// `If-None-Match` matched.
    Exists,
    /// The resource does not exist.
    NotFound,
}

impl Reason {
    /// Every reason, in the order of their declaration: what a 412's `reason` can be (precond's
    /// OpenAPI support lists their codes in the 412 body's schema).
    ///
    /// ```
    /// use precond_core::Reason;
    /// assert!(Reason::ALL.iter().any(|reason| reason.code() == "changed"));
    /// ```
    pub const ALL: [Reason; 8] = [
        Reason::Changed,
        Reason::EtagNotQuoted,
        Reason::WeakEtag,
        Reason::Malformed,
        Reason::ShallowEtag,
        Reason::ModifiedSince,
        Reason::Exists,
        Reason::NotFound,
    ];

    /// The code in the 412 body's `reason` field.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Reason::Changed => "changed",
            Reason::EtagNotQuoted => "etag_not_quoted",
            Reason::WeakEtag => "weak_etag",
            Reason::Malformed => "malformed",
            Reason::ShallowEtag => "shallow_etag",
            Reason::ModifiedSince => "modified_since",
            Reason::Exists => "exists",
            Reason::NotFound => "not_found",
        }
    }
}

/// What the rejection knows of the request, for messages that only suggest what the handler
/// accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Context {
    /// What the method must carry (`NONE`: anything goes).
    pub(crate) accepts: Requirement,
    /// Whether the method is DELETE, which cannot create.
    pub(crate) delete: bool,
}

/// Why a request was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectionKind {
    /// 304 Not Modified.
    NotModified,
    /// 412 Precondition Failed.
    PreconditionFailed,
    /// 428 Precondition Required.
    PreconditionRequired,
}

/// A request that must not be performed, with everything its response needs: the status, the
/// current validators, and for 412 and 428 a JSON body.
///
/// The response is framework-free ([`Rejection::to_response`] builds an [`http::Response`] of
/// the `http` 1 crate, which axum uses); the integrations wrap it: `precond::axum::Rejected`
/// is an axum response, `precond::actix::Rejected` an actix-web `Responder` and
/// `ResponseError` (actix-web 4 uses `http` 0.2, whose types these are not).
///
/// | status | headers | body |
/// |---|---|---|
/// | 304 | `ETag`, `Last-Modified` (those known) | none |
/// | 412 | `ETag`, `Last-Modified` (those known), `Content-Type: application/json` | `{"error":"precondition_failed","message":"…","reason":"…","current_etag":"\"…\""}`: `reason` one of the codes of [`Reason`], `current_etag` exactly as in the `ETag` header, or `null` when the resource does not exist |
/// | 428 | `Content-Type: application/json`, `Cache-Control: no-store` | `{"error":"precondition_required","message":"…"}`, the message naming the fields to send |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    kind: RejectionKind,
    cause: Option<Field>,
    required: Requirement,
    exists: bool,
    reason: Option<Reason>,
    /// `None` when the rejection was made without the request (a lost race).
    context: Option<Context>,
    validators: Validators,
}

impl Rejection {
    #[inline]
    pub(crate) fn new(
        kind: RejectionKind,
        cause: Option<Field>,
        current: Option<&Validators>,
    ) -> Self {
        Self {
            kind,
            cause,
            required: Requirement::NONE,
            exists: current.is_some(),
            reason: None,
            context: None,
            validators: current.cloned().unwrap_or_default(),
        }
    }

    /// A 412 from the evaluation, with its diagnosis and what the request's method accepts.
    #[cold]
    pub(crate) fn failed(
        cause: Field,
        reason: Reason,
        context: Context,
        current: Option<&Validators>,
    ) -> Self {
        Self {
            reason: Some(reason),
            context: Some(context),
            ..Self::new(RejectionKind::PreconditionFailed, Some(cause), current)
        }
    }

    #[inline]
    pub(crate) fn required(required: Requirement, current: Option<&Validators>) -> Self {
        Self {
            required,
            ..Self::new(RejectionKind::PreconditionRequired, None, current)
        }
    }

    /// A `412 Precondition Failed` decided after the check: the request's preconditions held
    /// when they were evaluated, but the resource changed before the write could happen (a
    /// compare-and-swap that lost the race). `current` is the state that won, or `None` if the
    /// resource is now gone; the response carries its validators like any other 412, so the
    /// client can re-fetch, merge and retry.
    ///
    /// No single field was false, so [`cause`](Self::cause) is `None`.
    ///
    /// ```
    /// use precond_core::{ETag, Rejection, RejectionKind, Validators};
    ///
    /// // The check passed against version 1, but another writer stored version 2 first.
    /// let winner = Validators::new(ETag::from_version(2));
    /// let rejection = Rejection::precondition_failed(Some(&winner));
    /// assert_eq!(rejection.kind(), RejectionKind::PreconditionFailed);
    /// assert_eq!(rejection.cause(), None);
    ///
    /// let response: http::Response<String> = rejection.to_response();
    /// assert_eq!(response.status(), 412);
    /// assert_eq!(response.headers()["etag"], "\"2\"");
    /// assert!(response.body().ends_with(r#""current_etag":"\"2\""}"#));
    /// ```
    #[must_use]
    pub fn precondition_failed(current: Option<&Validators>) -> Self {
        Self::new(RejectionKind::PreconditionFailed, None, current)
    }

    /// A `428 Precondition Required` (RFC 6585 §3) decided without the resource at hand: the
    /// request must carry one of the preconditions of `required` and does not. For code that
    /// demands preconditions before any handler runs (a tower layer, an actix-web middleware);
    /// the response is the one [`evaluate`](crate::evaluate) gives when its
    /// [`Policy`](crate::Policy) is not met: the same JSON body, `Content-Type` and
    /// `Cache-Control: no-store`.
    ///
    /// ```
    /// use precond_core::{Rejection, RejectionKind, Requirement};
    ///
    /// let rejection = Rejection::precondition_required(Requirement::LOST_UPDATE);
    /// assert_eq!(rejection.kind(), RejectionKind::PreconditionRequired);
    /// assert_eq!(rejection.requirement(), Requirement::LOST_UPDATE);
    ///
    /// let response: http::Response<String> = rejection.to_response();
    /// assert_eq!(response.status(), 428);
    /// assert_eq!(response.headers()["cache-control"], "no-store");
    /// assert!(response.body().starts_with(r#"{"error":"precondition_required","message":""#));
    /// ```
    #[must_use]
    pub fn precondition_required(required: Requirement) -> Self {
        Self::required(required, None)
    }

    /// Which rejection this is.
    #[inline]
    #[must_use]
    pub fn kind(&self) -> RejectionKind {
        self.kind
    }

    /// The status code: 304, 412 or 428.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self.kind {
            RejectionKind::NotModified => StatusCode::NOT_MODIFIED,
            RejectionKind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            RejectionKind::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
        }
    }

    /// The field whose condition was false (for 304 and 412).
    #[inline]
    #[must_use]
    pub fn cause(&self) -> Option<Field> {
        self.cause
    }

    /// Why the precondition was false (for 412; see [`Reason`]).
    ///
    /// ```
    /// use http::Method;
    /// use precond_core::{evaluate, ETag, Field, Policy, Preconditions, Reason, Validators};
    ///
    /// let current = Validators::new(ETag::from_version(2));
    /// let mut pre = Preconditions::new();
    /// pre.add(Field::IfMatch, b"2"); // the quotes were dropped
    /// let decision = evaluate(&Method::PUT, &pre, Some(&current), &Policy::none());
    /// let rejection = decision.rejection().unwrap();
    /// assert_eq!(rejection.reason(), Some(Reason::EtagNotQuoted));
    /// assert!(rejection.body().unwrap().contains(r#""reason":"etag_not_quoted""#));
    /// ```
    #[must_use]
    pub fn reason(&self) -> Option<Reason> {
        match self.kind {
            RejectionKind::PreconditionFailed => Some(self.reason.unwrap_or(if self.exists {
                Reason::Changed
            } else {
                Reason::NotFound
            })),
            _ => None,
        }
    }

    /// The preconditions the request should have carried (for 428).
    #[inline]
    #[must_use]
    pub fn requirement(&self) -> Requirement {
        self.required
    }

    /// The current entity tag, if the resource exists and has one.
    #[inline]
    #[must_use]
    pub fn etag(&self) -> Option<&ETag> {
        self.validators.etag()
    }

    /// The current modification date, if the resource exists and has one.
    #[inline]
    #[must_use]
    pub fn last_modified(&self) -> Option<SystemTime> {
        self.validators.last_modified()
    }

    /// The response headers, in order (see the table on [`Rejection`]).
    #[must_use]
    pub fn headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        let mut headers = Vec::with_capacity(3);
        if self.kind != RejectionKind::PreconditionRequired {
            if let Some(etag) = self.etag() {
                headers.push((ETAG, etag.to_header_value()));
            }
            if let Some(time) = self.last_modified() {
                headers.push((LAST_MODIFIED, last_modified_header_value(time)));
            }
        }
        if self.kind != RejectionKind::NotModified {
            headers.push((CONTENT_TYPE, HeaderValue::from_static("application/json")));
        }
        if self.kind == RejectionKind::PreconditionRequired {
            headers.push((CACHE_CONTROL, HeaderValue::from_static("no-store")));
        }
        headers
    }

    /// The human-readable explanation that goes into the JSON body.
    #[must_use]
    pub fn message(&self) -> String {
        match self.kind {
            RejectionKind::NotModified => "Not modified.".to_owned(),
            RejectionKind::PreconditionRequired => {
                let mut message = String::from(
                    "This request must be conditional, so that it cannot overwrite a change \
                     made by someone else. Resubmit it with ",
                );
                let ways = [
                    (
                        Requirement::IF_MATCH,
                        "If-Match set to the ETag you last fetched",
                    ),
                    (
                        Requirement::IF_MATCH_ETAG,
                        "If-Match set to the ETag you last fetched (an entity tag: * does not \
                         count)",
                    ),
                    (
                        Requirement::IF_UNMODIFIED_SINCE,
                        "If-Unmodified-Since set to the Last-Modified you last fetched",
                    ),
                    (
                        Requirement::IF_NONE_MATCH_STAR,
                        "If-None-Match: * to create the resource only if it does not exist yet",
                    ),
                ];
                let mut first = true;
                for (requirement, how) in ways {
                    let subsumed = requirement == Requirement::IF_MATCH_ETAG
                        && self.required.contains(Requirement::IF_MATCH);
                    if self.required.contains(requirement) && !subsumed {
                        if !first {
                            message.push_str(", or ");
                        }
                        message.push_str(how);
                        first = false;
                    }
                }
                message.push('.');
                message
            }
            RejectionKind::PreconditionFailed => self.failed_message(),
        }
    }

    /// The 412's message: what was wrong, and how to resubmit, suggesting only the
    /// preconditions the request's method accepts (when the rejection knows them).
    fn failed_message(&self) -> String {
        let accepts = |requirement: Requirement| {
            self.context
                .is_none_or(|c| c.accepts.is_none() || c.accepts.contains(requirement))
        };
        let strong_etag = self.etag().is_some_and(|etag| !etag.is_weak());
        let by_if_match =
            strong_etag && (accepts(Requirement::IF_MATCH) || accepts(Requirement::IF_MATCH_ETAG));
        let by_date = self.last_modified().is_some() && accepts(Requirement::IF_UNMODIFIED_SINCE);
        let resubmit = if by_if_match {
            "resubmit with If-Match set to current_etag."
        } else if by_date {
            "resubmit with If-Unmodified-Since set to its Last-Modified."
        } else {
            "resubmit."
        };
        let reason = self.reason().unwrap_or(Reason::Changed);
        let mut message = String::with_capacity(200);
        match reason {
            Reason::Changed | Reason::ModifiedSince => {
                message.push_str(if reason == Reason::Changed {
                    "The resource has changed since you last fetched it. "
                } else {
                    "The resource has been modified since the date in If-Unmodified-Since. "
                });
                message.push_str("Fetch it again, reapply your change, and ");
                message.push_str(resubmit);
            }
            Reason::EtagNotQuoted => message.push_str(
                "If-Match must carry entity tags exactly as the ETag header sent them, double \
                 quotes included: If-Match: \"abc\", not If-Match: abc. The current one is \
                 current_etag.",
            ),
            Reason::Malformed => message.push_str(
                "If-Match is not a valid list of entity tags. Send the ETag exactly as the \
                 server sent it (a quoted string such as \"abc\"), or several separated by \
                 commas. The current one is current_etag.",
            ),
            Reason::ShallowEtag => message.push_str(
                "The ETag you sent was made from a GET response's body by the server's \
                 shallow-ETag layer, but this request is checked against the resource's own \
                 version, whose ETag is current_etag: resubmit with If-Match set to \
                 current_etag. (The server mixes two kinds of ETag on this resource; re-fetching \
                 gives the body's tag again.)",
            ),
            Reason::WeakEtag if strong_etag => message.push_str(
                "If-Match uses the strong comparison (RFC 9110 §13.1.1), so a weak entity tag \
                 (W/\"...\") never matches. Resubmit with If-Match set to current_etag, the \
                 strong tag.",
            ),
            Reason::WeakEtag => {
                message.push_str(
                    "This resource has only a weak entity tag, which If-Match never matches \
                     (RFC 9110 §13.1.1 uses the strong comparison). ",
                );
                message.push_str(if by_date {
                    "Resubmit with If-Unmodified-Since set to its Last-Modified instead."
                } else {
                    "It cannot be changed with If-Match."
                });
            }
            Reason::Exists => {
                message.push_str(
                    "The resource already exists (or matches an entity tag in If-None-Match).",
                );
                if by_if_match {
                    message.push_str(
                        " Fetch it and resubmit with If-Match set to current_etag to change it.",
                    );
                }
            }
            Reason::NotFound => {
                message.push_str("The resource does not exist, so the precondition cannot hold.");
                let creates = self.context.is_some_and(|c| {
                    !c.delete
                        && (c.accepts.is_none()
                            || c.accepts.contains(Requirement::IF_NONE_MATCH_STAR))
                });
                message.push_str(match self.context {
                    Some(c) if c.delete => {
                        " It may have been deleted already: there is nothing to delete."
                    }
                    _ if creates => " To create it, resubmit with If-None-Match: * instead.",
                    _ => " It may have been deleted: fetch it to check.",
                });
            }
        }
        message
    }

    /// The JSON body for 412 and 428; `None` for 304, which has no content.
    ///
    /// ```
    /// use http::Method;
    /// use precond_core::{evaluate, ETag, Field, Policy, Preconditions, Validators};
    ///
    /// let current = Validators::new(ETag::from_version(2));
    /// let mut pre = Preconditions::new();
    /// pre.add(Field::IfMatch, b"\"1\"");
    /// let decision = evaluate(&Method::PUT, &pre, Some(&current), &Policy::none());
    /// let body = decision.rejection().and_then(|r| r.body()).unwrap_or_default();
    /// assert!(body.starts_with(r#"{"error":"precondition_failed","message":""#));
    /// assert!(body.ends_with(r#","current_etag":"\"2\""}"#));
    /// ```
    #[must_use]
    pub fn body(&self) -> Option<String> {
        let mut body = String::with_capacity(320);
        match self.kind {
            RejectionKind::NotModified => return None,
            RejectionKind::PreconditionFailed => {
                body.push_str(r#"{"error":"precondition_failed","message":"#);
                push_json_string(&mut body, self.message().as_bytes());
                body.push_str(r#","reason":""#);
                body.push_str(self.reason().unwrap_or(Reason::Changed).code());
                body.push_str(r#"","current_etag":"#);
                match self.etag() {
                    Some(etag) if self.exists => push_json_string(&mut body, etag.as_bytes()),
                    _ => body.push_str("null"),
                }
            }
            RejectionKind::PreconditionRequired => {
                body.push_str(r#"{"error":"precondition_required","message":"#);
                push_json_string(&mut body, self.message().as_bytes());
            }
        }
        body.push('}');
        Some(body)
    }

    /// The whole response as an [`http::Response`]; the body type only needs `From<String>`
    /// and `Default` (the empty body of a 304).
    ///
    /// ```
    /// use http::Method;
    /// use precond_core::{evaluate, Policy, Preconditions};
    /// let decision = evaluate(&Method::DELETE, &Preconditions::new(), None, &Policy::lost_update());
    /// let response: http::Response<String> = match decision.rejection() {
    ///     Some(rejection) => rejection.to_response(),
    ///     None => unreachable!(),
    /// };
    /// assert_eq!(response.status(), 428);
    /// assert_eq!(response.headers()["cache-control"], "no-store");
    /// ```
    #[must_use]
    pub fn to_response<B: From<String> + Default>(&self) -> Response<B> {
        let mut response = Response::new(self.body().map(B::from).unwrap_or_default());
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        for (name, value) in self.headers() {
            headers.insert(name, value);
        }
        response
    }
}

/// Appends `bytes` as a JSON string. Bytes that are not UTF-8 (entity tags may carry
/// `obs-text`) are written as the Latin-1 characters they stand for.
fn push_json_string(out: &mut String, bytes: &[u8]) {
    out.push('"');
    let text: std::borrow::Cow<'_, str> = match std::str::from_utf8(bytes) {
        Ok(s) => s.into(),
        Err(_) => bytes
            .iter()
            .map(|&b| char::from(b))
            .collect::<String>()
            .into(),
    };
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precondition_failed_after_the_check() {
        let winner = Validators::new(ETag::from_version(9)).with_last_modified(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(784_111_777),
        );
        let rejection = Rejection::precondition_failed(Some(&winner));
        assert_eq!(rejection.status(), StatusCode::PRECONDITION_FAILED);
        assert_eq!(rejection.cause(), None);
        assert_eq!(rejection.requirement(), Requirement::NONE);
        assert_eq!(rejection.etag(), Some(&ETag::from_version(9)));
        let response: Response<String> = rejection.to_response();
        assert_eq!(response.headers()[ETAG], "\"9\"");
        assert_eq!(
            response.headers()[LAST_MODIFIED],
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        let body = response.body();
        assert!(
            body.contains("has changed since you last fetched it"),
            "{body}"
        );
        assert!(body.ends_with(r#","current_etag":"\"9\""}"#), "{body}");

        // The resource was deleted meanwhile: no validators, `current_etag` is null.
        let gone = Rejection::precondition_failed(None);
        assert_eq!(gone.etag(), None);
        let response: Response<String> = gone.to_response();
        assert!(!response.headers().contains_key(ETAG));
        assert!(response.body().ends_with(r#","current_etag":null}"#));
    }

    /// The public 428 is the engine's own: same status, headers and body as what `evaluate`
    /// answers when its policy is not met, whatever the resource's validators.
    #[test]
    fn precondition_required_is_the_engines_428() {
        let current = Validators::new(ETag::from_version(3));
        for required in [
            Requirement::LOST_UPDATE,
            Requirement::IF_MATCH,
            Requirement::IF_MATCH | Requirement::IF_UNMODIFIED_SINCE,
            Requirement::IF_NONE_MATCH_STAR,
        ] {
            let policy = crate::Policy::none().delete(required);
            let pre = crate::Preconditions::new();
            for exists in [None, Some(&current)] {
                let decision = crate::evaluate(&http::Method::DELETE, &pre, exists, &policy);
                let Decision::PreconditionRequired(engine) = decision else {
                    panic!("expected 428, got {decision:?}");
                };
                let ours = Rejection::precondition_required(required);
                assert_eq!(ours.status(), StatusCode::PRECONDITION_REQUIRED);
                assert_eq!(ours.requirement(), required);
                assert_eq!(ours.cause(), None);
                assert_eq!(ours.headers(), engine.headers());
                assert_eq!(ours.body(), engine.body());
                let response: Response<String> = ours.to_response();
                let expected: Response<String> = engine.to_response();
                assert_eq!(response.status(), expected.status());
                assert_eq!(response.headers(), expected.headers());
                assert_eq!(response.body(), expected.body());
            }
        }
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut s = String::new();
        push_json_string(&mut s, b"a\"b\\c\n\x01\xe9");
        assert_eq!(s, "\"a\\\"b\\\\c\\n\\u0001\u{e9}\"");
    }
}
