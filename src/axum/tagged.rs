//! [`Tagged`]: a response that carries its validators.

use std::borrow::Cow;

use ::axum::body::{Body, Bytes};
use ::axum::http::header::{CONTENT_TYPE, ETAG, LAST_MODIFIED, LOCATION};
use ::axum::http::{HeaderValue, StatusCode};
use ::axum::response::{IntoResponse, Response};
use precond_core::date::last_modified_header_value;
use precond_core::{Validators, Versioned};

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
    /// Return it from a handler (with or without `#[conditional]`) instead of `Json`, so that
    /// clients can make their next request conditional. Under `#[conditional]`, a GET whose
    /// `Range` asks for a single byte range of the JSON gets it with `206 Partial Content`.
    ///
    /// If the value cannot be serialized (a map with non-string keys, a failing `Serialize`
    /// impl), the response is `500 Internal Server Error` with a short plain-text body.
    ///
    /// ```
    /// use axum::response::IntoResponse;
    /// use precond::axum::Tagged;
    /// use precond::Versioned;
    ///
    /// #[derive(serde::Serialize, Versioned)]
    /// struct Document {
    ///     title: String,
    ///     #[versioned(version)]
    ///     version: u64,
    /// }
    ///
    /// let response = Tagged::new(Document { title: "Hi".into(), version: 3 }).into_response();
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.headers()["etag"], "\"3\"");
    /// assert_eq!(response.headers()["content-type"], "application/json");
    /// ```
    framework = "axum",
    status = StatusCode,
    status_path = "axum::http::StatusCode",
}

/// The body of a [`Tagged`] response built by [`IntoResponse`] (anywhere but the
/// `#[conditional]` runtime's own call), kept in the response's extensions so that the runtime's
/// `finish` recognizes it wherever it was built and can serve a byte range of it.
#[derive(Debug, Clone)]
pub(crate) struct TaggedBody(pub(crate) Bytes);

impl<T: Versioned + Encode> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let status = self.status;
        let build = |parts| response(status, parts);
        let (mut response, kept) =
            respond_with(self.value, None, self.location, true, build, failed);
        if let Some(body) = kept {
            response.extensions_mut().insert(TaggedBody(body));
        }
        response
    }
}

impl<T: Versioned + Encode> Tagged<T> {
    /// The response, and a copy of its body when `needs` asks for one; the 500 of a value that
    /// cannot be encoded (no body kept). With `validators`, those label the value (the
    /// `#[conditional]` runtime passes the ones it checked, already computed) rather than the
    /// value's own.
    #[inline]
    pub(crate) fn respond(
        self,
        needs: Needs,
        validators: Option<&Validators>,
    ) -> (Response, Option<Bytes>) {
        let status = self.status;
        let build = |parts| response(status, parts);
        let keep = keeps_body(needs);
        respond_with(self.value, validators, self.location, keep, build, failed)
    }
}

/// The non-generic part of [`Tagged::respond`], compiled once: each header field straight into
/// the response's map (its values were checked by `parts`, so no conversion fails).
fn response(status: StatusCode, parts: Parts) -> Response {
    let Parts {
        body,
        content_type,
        etag,
        last_modified,
        location,
    } = parts;
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let content_type = match content_type {
        Cow::Borrowed(JSON) => Some(HeaderValue::from_static(JSON)),
        other => HeaderValue::from_bytes(other.as_bytes()).ok(),
    };
    if let Some(value) = content_type {
        headers.insert(CONTENT_TYPE, value);
    }
    if let Some(etag) = etag {
        headers.insert(ETAG, etag.to_header_value());
    }
    if let Some(time) = last_modified {
        headers.insert(LAST_MODIFIED, last_modified_header_value(time));
    }
    if let Some(value) = location.and_then(|l| HeaderValue::from_bytes(l.as_bytes()).ok()) {
        headers.insert(LOCATION, value);
    }
    response
}

#[cold]
fn failed(failure: Failure) -> Response {
    let mut response = Response::new(Body::from(failure.message()));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
