//! The runtime of `#[conditional]`, framework-free: what a generated handler answers, decided
//! once here and applied by each framework's thin adapter (`crate::axum::runtime`,
//! `crate::actix::runtime`) in its own types.
//!
//! A generated handler runs, in order:
//!
//! 1. the extractors declared up to `#[current]`, then `#[current(expr)]` ([`Load`]);
//! 2. `check`: the engine's decision, turned by [`checked`] into [`Proceed`] or the rejection
//!    to answer (304 with the declared headers, 412, 428), without running anything more;
//! 3. the extractors declared after `#[current]` (`Deferred`: the request body is read only
//!    now), then the body;
//! 4. `answer`: the body's value as a response. An answer from `Tagged` (or `Result` of one)
//!    is built for what the request [`Needs`], and says so in an [`Answered`]; any other value
//!    goes through the framework's own trait;
//! 5. `finish`: [`plan`] says, from [`ResponseFacts`] read off that response, which validators
//!    and declared headers to add and which byte range to serve; the adapter applies the
//!    [`Plan`].
//!
//! [`Load`]: crate::axum::runtime::Load

pub(crate) mod kinds;
pub(crate) mod range;
pub(crate) mod tagged;

use precond_core::{Decision, Preconditions, Rejection, RejectionKind, Validators};

use self::range::{ByteRange, byte_range};

/// The request may proceed; remembers whether its `Range` must be ignored (an `If-Range` that
/// does not match). What `check` gives the generated handler for `finish`, in both frameworks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Proceed {
    ignore_range: bool,
}

/// The engine's decision as the generated handler needs it: go on, or answer the rejection.
/// A 304 also carries the declared headers (see [`declared_on`]).
///
/// A rejection is logged (feature `tracing`, see [`crate::trace`]) with the request's `method`
/// and, for a 412, what its field said: `preconditions` are read again only then.
#[inline]
pub(crate) fn checked<'a>(
    decision: Decision,
    method: &str,
    preconditions: impl FnOnce() -> Preconditions<'a>,
) -> Result<Proceed, Rejection> {
    match decision.into_result() {
        Ok(ignore_range) => Ok(Proceed { ignore_range }),
        Err(rejection) => {
            crate::trace::rejected(method, preconditions, &rejection);
            Err(rejection)
        }
    }
}

/// Whether a rejection carries the handler's declared headers: a 304 stands for the 200 and
/// repeats its `Cache-Control`, `Vary`, `Expires` and `Content-Location` (RFC 9110 §15.4.5); a
/// 412 or 428 is about the request, not the representation.
#[inline]
pub(crate) fn declared_on(rejection: &Rejection) -> bool {
    rejection.kind() == RejectionKind::NotModified
}

/// What the runtime knows of the request when it builds the response.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exchange<'a> {
    pub(crate) method: Method,
    /// The `Range` value, when the request has exactly one such line.
    pub(crate) range: Option<&'a [u8]>,
}

/// The request methods that the response's plan distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Head,
    Other,
}

/// What the runtime needs from a `Tagged` answer to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Not GET or HEAD: nothing (no byte range, no `Accept-Ranges`).
    Nothing,
    /// A GET or HEAD without a single `Range` line: only to know that `Tagged` answered, for
    /// `Accept-Ranges`.
    Answered,
    /// A GET with a single `Range` line: also its body, to serve the range from.
    AnsweredWithBody,
}

impl Exchange<'_> {
    /// What this request needs from a `Tagged` answer.
    #[inline]
    pub(crate) fn needs(&self) -> Needs {
        match self.method {
            Method::Get if self.range.is_some() => Needs::AnsweredWithBody,
            Method::Get | Method::Head => Needs::Answered,
            Method::Other => Needs::Nothing,
        }
    }
}

/// Whether (and with what) `Tagged` answered, as the adapter's `answer` reports it.
#[derive(Debug, Clone, Default)]
pub(crate) enum Answered<B> {
    /// Another type answered, or `Tagged` inside another type (a tuple, an `impl IntoResponse`,
    /// a response built by hand): such a `Tagged` left its body in the response's extensions,
    /// where `finish` looks for it.
    #[default]
    Other,
    /// `Tagged` answered, with its body when the request [`Needs`] it.
    Tagged(Option<B>),
}

/// What `finish` reads off the handler's response.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResponseFacts {
    /// A 2xx status.
    pub(crate) success: bool,
    /// Exactly 200.
    pub(crate) ok: bool,
    /// It carries `ETag` or `Last-Modified` of its own.
    pub(crate) has_validators: bool,
    /// `Tagged` built it: from [`Answered::Tagged`] or its body in the extensions.
    pub(crate) tagged: bool,
    /// The length of `Tagged`'s body, if kept, when the response still carries exactly that
    /// many bytes (a body replaced after `Tagged` built it is not the representation's).
    pub(crate) representation: Option<u64>,
}

/// What `finish` does to the handler's response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan<'a> {
    /// Insert these validators (`ETag`, `Last-Modified`).
    pub(crate) stamp: Option<&'a Validators>,
    /// Append the declared headers that the response does not carry.
    pub(crate) declared: bool,
    /// Insert `Accept-Ranges: bytes`.
    pub(crate) accept_ranges: bool,
    /// Serve a byte range of the representation.
    pub(crate) range: RangePlan,
}

/// Which part of a `Tagged` representation of `len` bytes goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RangePlan {
    /// All of it, as built.
    Whole,
    /// `206 Partial Content`: bytes `start..=end`, `Content-Range: bytes start-end/len`.
    Partial { start: u64, end: u64, len: u64 },
    /// `416 Range Not Satisfiable`, no body, `Content-Range: bytes */len`.
    Unsatisfiable { len: u64 },
}

impl Plan<'_> {
    /// Leave the response as it is.
    const UNTOUCHED: Self = Plan {
        stamp: None,
        declared: false,
        accept_ranges: false,
        range: RangePlan::Whole,
    };
}

/// What `finish` does to the handler's response to `request`:
///
/// - a 2xx answer to GET or HEAD that carries neither `ETag` nor `Last-Modified` gets the
///   current validators (those the preconditions were checked against);
/// - a 2xx answer gets each declared header it does not carry;
/// - an answer from `Tagged` to GET or HEAD gets `Accept-Ranges: bytes`, and a 200 to a GET
///   with a single `Range` line (not ignored because of `If-Range`) becomes 206 with the byte
///   range, or 416 when the range is not satisfiable (see [`range`] for what is ignored).
///
/// Other answers (1xx, 3xx, 4xx, 5xx) pass through untouched.
#[inline]
pub(crate) fn plan<'a>(
    request: Exchange<'_>,
    proceed: Proceed,
    current: Option<&'a Validators>,
    response: ResponseFacts,
) -> Plan<'a> {
    if !response.success {
        return Plan::UNTOUCHED;
    }
    let get_or_head = matches!(request.method, Method::Get | Method::Head);
    let stamp = current.filter(|_| get_or_head && !response.has_validators);
    let accept_ranges = get_or_head && response.tagged;
    let range = match (request.method, request.range, response.representation) {
        (Method::Get, Some(range), Some(len)) if response.ok && !proceed.ignore_range => {
            match byte_range(range, len) {
                ByteRange::Ignore => RangePlan::Whole,
                ByteRange::Partial { start, end } => RangePlan::Partial { start, end, len },
                ByteRange::Unsatisfiable => RangePlan::Unsatisfiable { len },
            }
        }
        _ => RangePlan::Whole,
    };
    Plan {
        stamp,
        declared: true,
        accept_ranges,
        range,
    }
}

/// `Content-Range` of a plan that serves a range, as the header value's text.
pub(crate) fn content_range(range: RangePlan) -> Option<String> {
    match range {
        RangePlan::Whole => None,
        RangePlan::Partial { start, end, len } => Some(format!("bytes {start}-{end}/{len}")),
        RangePlan::Unsatisfiable { len } => Some(format!("bytes */{len}")),
    }
}

/// The JSON body of a 416 to a representation of `len` bytes: what the client can ask for.
pub(crate) fn unsatisfiable_body(len: u64) -> String {
    let message = match len {
        0 => "The representation is empty, so no range of it can be sent: request it without \
              Range."
            .to_owned(),
        1 => "The Range asks for no byte of the representation, which is 1 byte long: request \
              bytes=0-0, or the whole representation without Range."
            .to_owned(),
        len => format!(
            "The Range asks for no byte of the representation, which is {len} bytes long: \
             request a range within bytes=0-{}, or the whole representation without Range.",
            len - 1
        ),
    };
    format!(r#"{{"error":"range_not_satisfiable","message":"{message}","length":{len}}}"#)
}

#[cfg(test)]
mod tests {
    use precond_core::ETag;

    #[test]
    fn unsatisfiable_bodies_are_json_that_say_what_to_ask() {
        for len in [0, 1, 2, 43, u64::MAX] {
            let body: serde_json::Value =
                serde_json::from_str(&super::unsatisfiable_body(len)).expect("JSON");
            assert_eq!(body["error"], "range_not_satisfiable");
            assert_eq!(body["length"], len);
            let message = body["message"].as_str().unwrap_or_default();
            assert!(message.contains("without Range"), "{message}");
            if len > 1 {
                assert!(
                    message.contains(&format!("bytes=0-{}", len - 1)),
                    "{message}"
                );
            }
        }
    }

    use super::*;

    fn facts(status: u16, tagged: bool, representation: Option<u64>) -> ResponseFacts {
        ResponseFacts {
            success: (200..300).contains(&status),
            ok: status == 200,
            has_validators: false,
            tagged,
            representation,
        }
    }

    const GO: Proceed = Proceed {
        ignore_range: false,
    };

    fn get(range: Option<&[u8]>) -> Exchange<'_> {
        Exchange {
            method: Method::Get,
            range,
        }
    }

    #[test]
    fn needs_follow_the_method_and_range() {
        assert_eq!(get(Some(b"bytes=0-1")).needs(), Needs::AnsweredWithBody);
        assert_eq!(get(None).needs(), Needs::Answered);
        let head = Exchange {
            method: Method::Head,
            range: Some(b"bytes=0-1"),
        };
        assert_eq!(head.needs(), Needs::Answered);
        let put = Exchange {
            method: Method::Other,
            range: Some(b"bytes=0-1"),
        };
        assert_eq!(put.needs(), Needs::Nothing);
    }

    #[test]
    fn validators_go_on_2xx_get_and_head_without_their_own() {
        let current = Validators::new(ETag::from_version(1));
        let plan = plan(get(None), GO, Some(&current), facts(200, false, None));
        assert_eq!(plan.stamp, Some(&current));
        assert!(plan.declared && !plan.accept_ranges);
        let own = ResponseFacts {
            has_validators: true,
            ..facts(200, false, None)
        };
        assert_eq!(plan_of(get(None), own, &current).stamp, None);
        let put = Exchange {
            method: Method::Other,
            range: None,
        };
        let plan = plan_of(put, facts(201, true, Some(3)), &current);
        assert_eq!(plan.stamp, None);
        assert!(plan.declared && !plan.accept_ranges);
        assert_eq!(plan.range, RangePlan::Whole);
        for status in [304, 404, 500] {
            assert_eq!(
                plan_of(
                    get(Some(b"bytes=0-1")),
                    facts(status, true, Some(3)),
                    &current
                ),
                Plan::UNTOUCHED
            );
        }
    }

    fn plan_of<'a>(
        request: Exchange<'_>,
        response: ResponseFacts,
        current: &'a Validators,
    ) -> Plan<'a> {
        plan(request, GO, Some(current), response)
    }

    #[test]
    fn ranges_only_of_a_200_from_tagged_with_its_body() {
        let current = Validators::new(ETag::from_version(1));
        let range = get(Some(b"bytes=1-2"));
        let plan = plan_of(range, facts(200, true, Some(13)), &current);
        assert!(plan.accept_ranges);
        assert_eq!(
            plan.range,
            RangePlan::Partial {
                start: 1,
                end: 2,
                len: 13
            }
        );
        assert_eq!(content_range(plan.range).as_deref(), Some("bytes 1-2/13"));
        let past = plan_of(
            get(Some(b"bytes=20-")),
            facts(200, true, Some(13)),
            &current,
        );
        assert_eq!(past.range, RangePlan::Unsatisfiable { len: 13 });
        assert_eq!(content_range(past.range).as_deref(), Some("bytes */13"));
        // Not a 200, a replaced body, or an If-Range that did not match: the whole.
        assert_eq!(
            plan_of(range, facts(201, true, Some(13)), &current).range,
            RangePlan::Whole
        );
        assert_eq!(
            plan_of(range, facts(200, true, None), &current).range,
            RangePlan::Whole
        );
        let ignored = Proceed { ignore_range: true };
        assert_eq!(
            super::plan(range, ignored, Some(&current), facts(200, true, Some(13))).range,
            RangePlan::Whole
        );
    }
}
