//! [`Tagged`]: a response that carries its validators.

use std::borrow::Cow;

use ::actix_web::body::BoxBody;
use ::actix_web::http::StatusCode;
use ::actix_web::http::header::{CONTENT_TYPE, ETAG, HeaderValue, LAST_MODIFIED, LOCATION};
use ::actix_web::web::Bytes;
use ::actix_web::{HttpRequest, HttpResponse, Responder};
use precond_core::date::fmt_last_modified;
use precond_core::{Validators, Versioned};

use super::request::single_range;
use super::runtime::exchange_of;
use crate::conditional::Needs;
use crate::conditional::tagged::{
    Encode, Failure, JSON, Parts, keeps_body, respond_with, tagged_type,
};

tagged_type! {
    /// A value sent with its validators: `ETag` and, when the value has one, `Last-Modified`.
    /// A `Serialize` value is sent as JSON (`Content-Type: application/json`); a
    /// [`Raw`](crate::Raw) as its bytes or text, of its media type (any [`Encode`](crate::Encode)
    /// value as it says).
    ///
    /// Return it from a handler (with or without `#[conditional]`) instead of `web::Json`, so
    /// that clients can make their next request conditional. Under `#[conditional]`, a GET
    /// whose `Range` asks for a single byte range of the JSON gets it with
    /// `206 Partial Content`.
    ///
    /// If the value cannot be serialized (a map with non-string keys, a failing `Serialize`
    /// impl), the response is `500 Internal Server Error` with a short plain-text body.
    ///
    /// ```
    /// use actix_web::Responder;
    /// use actix_web::test::TestRequest;
    /// use precond::actix::Tagged;
    /// use precond::Versioned;
    ///
    /// #[derive(serde::Serialize, Versioned)]
    /// struct Document {
    ///     title: String,
    ///     #[versioned(version)]
    ///     version: u64,
    /// }
    ///
    /// let request = TestRequest::default().to_http_request();
    /// let response = Tagged::new(Document { title: "Hi".into(), version: 3 }).respond_to(&request);
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.headers().get("etag").unwrap(), "\"3\"");
    /// assert_eq!(response.headers().get("content-type").unwrap(), "application/json");
    /// ```
    framework = "actix",
    status = StatusCode,
    status_path = "actix_web::http::StatusCode",
}

/// The body of a [`Tagged`] response built by [`Responder`] (anywhere but the
/// `#[conditional]` runtime's own call) to a GET with a single `Range` line, kept in the
/// response's extensions so that the runtime's `finish` recognizes it wherever it was built and
/// can serve the range from it.
#[derive(Debug, Clone)]
pub(crate) struct TaggedBody(pub(crate) Bytes);

/// The mark of such a response to any other GET or HEAD, for which `finish` needs to know only
/// that `Tagged` answered (for `Accept-Ranges`). Requests of other methods get neither. (Keeping
/// a shared copy of the body on every response cost a plain handler's GET 200 about 40
/// instructions more than this, and a write's answer one allocation it never needed.)
#[derive(Debug, Clone, Copy)]
pub(crate) struct TaggedMark;

impl<T: Versioned + Encode> Responder for Tagged<T> {
    type Body = BoxBody;

    fn respond_to(self, request: &HttpRequest) -> HttpResponse {
        let status = self.status;
        let build = |parts| response(status, parts);
        // What `finish` will need, read off the same request as it will read it.
        let needs = needs_of(request);
        let keep = keeps_body(needs);
        let (mut response, kept) =
            respond_with(self.value, None, self.location, keep, build, failed);
        if let Some(body) = kept {
            response.extensions_mut().insert(TaggedBody(body));
        } else if needs != Needs::Nothing && response.status().is_success() {
            response.extensions_mut().insert(TaggedMark);
        }
        response
    }
}

/// What the `#[conditional]` runtime needs from a `Tagged` answer to `request`, read as its
/// `finish` reads it.
fn needs_of(request: &HttpRequest) -> Needs {
    exchange_of(request.method(), single_range(request.headers())).needs()
}

impl<T: Versioned + Encode> Tagged<T> {
    /// The response built by the `#[conditional]` runtime for what the request `needs`, and a
    /// copy of its body when it needs one; the 500 of a value that cannot be encoded (no body
    /// kept). With `validators`, those label the value (the `#[conditional]` runtime passes the
    /// ones it checked, already computed) rather than the value's own.
    #[inline]
    pub(crate) fn respond(
        self,
        needs: Needs,
        validators: Option<&Validators>,
    ) -> (HttpResponse, Option<Bytes>) {
        let status = self.status;
        let build = |parts| response(status, parts);
        let keep = keeps_body(needs);
        respond_with(self.value, validators, self.location, keep, build, failed)
    }
}

/// The non-generic part of [`Tagged::respond`], compiled once: each header field straight into
/// the response's map (its values were checked by `parts`, so no conversion fails).
fn response(status: StatusCode, parts: Parts) -> HttpResponse {
    let Parts {
        body,
        content_type,
        etag,
        last_modified,
        location,
    } = parts;
    let mut response = HttpResponse::with_body(status, BoxBody::new(body));
    let headers = response.headers_mut();
    let content_type = match content_type {
        Cow::Borrowed(JSON) => Some(HeaderValue::from_static(JSON)),
        other => HeaderValue::from_bytes(other.as_bytes()).ok(),
    };
    if let Some(value) = content_type {
        headers.insert(CONTENT_TYPE, value);
    }
    if let Some(value) = etag.and_then(|etag| HeaderValue::from_bytes(etag.as_bytes()).ok()) {
        headers.insert(ETAG, value);
    }
    if let Some(value) =
        last_modified.and_then(|t| HeaderValue::try_from(fmt_last_modified(t)).ok())
    {
        headers.insert(LAST_MODIFIED, value);
    }
    if let Some(value) = location.and_then(|l| HeaderValue::from_bytes(l.as_bytes()).ok()) {
        headers.insert(LOCATION, value);
    }
    response
}

#[cold]
fn failed(failure: Failure) -> HttpResponse {
    HttpResponse::InternalServerError()
        .content_type("text/plain; charset=utf-8")
        .body(failure.message())
}
