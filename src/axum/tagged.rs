//! [`Tagged`]: a JSON response that carries its validators.

use ::axum::body::{Body, Bytes};
use ::axum::http::header::{CONTENT_TYPE, ETAG, LAST_MODIFIED};
use ::axum::http::{HeaderValue, StatusCode};
use ::axum::response::{IntoResponse, Response};
use precond_core::date::last_modified_header_value;
use precond_core::serde::Serialize;
use precond_core::{ETag, Validators, Versioned};

use crate::conditional::Needs;
use crate::conditional::tagged::{SERIALIZATION_FAILED, json, keeps_body, tagged_type};

tagged_type! {
    /// A value sent as JSON with its validators: `Content-Type: application/json`, `ETag` and,
    /// when the value has one, `Last-Modified`.
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

/// The serialized body of a [`Tagged`] response built by [`IntoResponse`] (anywhere but the
/// `#[conditional]` runtime's own call), kept in the response's extensions so that the runtime's
/// `finish` recognizes it wherever it was built and can serve a byte range of it.
#[derive(Debug, Clone)]
pub(crate) struct TaggedBody(pub(crate) Bytes);

impl<T: Versioned + Serialize> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let Some(body) = json(&self.value) else {
            return serialization_failed();
        };
        let body = Bytes::from(body);
        let keep = body.clone();
        let mut response = response(
            self.status,
            body,
            Some(self.value.etag().to_header_value()),
            self.value.last_modified(),
        );
        response.extensions_mut().insert(TaggedBody(keep));
        response
    }
}

impl<T: Versioned + Serialize> Tagged<T> {
    /// The response, and a copy of its body when `needs` asks for one (or, for `None`, always:
    /// what [`IntoResponse`] keeps in the extensions); `Err` with the 500 of a value that cannot
    /// be serialized (no body kept). With `validators`, those label the value (the `#[conditional]` runtime
    /// passes the ones it checked, already computed) rather than the value's own.
    #[inline]
    pub(crate) fn respond(
        self,
        needs: Needs,
        validators: Option<&Validators>,
    ) -> (Response, Option<Bytes>) {
        let Some(body) = json(&self.value) else {
            return (serialization_failed(), None);
        };
        let body = Bytes::from(body);
        let keep = keeps_body(needs).then(|| body.clone());
        let response = match validators {
            Some(validators) => response(
                self.status,
                body,
                validators.etag().map(ETag::to_header_value),
                validators.last_modified(),
            ),
            None => response(
                self.status,
                body,
                Some(self.value.etag().to_header_value()),
                self.value.last_modified(),
            ),
        };
        (response, keep)
    }
}

/// The non-generic part of [`Tagged::respond`], compiled once.
fn response(
    status: StatusCode,
    body: Bytes,
    etag: Option<HeaderValue>,
    last_modified: Option<std::time::SystemTime>,
) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(etag) = etag {
        headers.insert(ETAG, etag);
    }
    if let Some(time) = last_modified {
        headers.insert(LAST_MODIFIED, last_modified_header_value(time));
    }
    response
}

#[cold]
fn serialization_failed() -> Response {
    let mut response = Response::new(Body::from(SERIALIZATION_FAILED));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
