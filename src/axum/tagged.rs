//! [`Tagged`]: a JSON response that carries its validators.

use ::axum::body::{Body, Bytes};
use ::axum::http::header::{CONTENT_TYPE, ETAG, LAST_MODIFIED};
use ::axum::http::{HeaderValue, StatusCode};
use ::axum::response::{IntoResponse, Response};
use precond_core::Versioned;

use crate::scope::{self, Needs};
use precond_core::date::last_modified_header_value;
use precond_core::serde::Serialize;

/// A value sent as JSON with its validators: `Content-Type: application/json`, `ETag` and,
/// when the value has one, `Last-Modified`.
///
/// Return it from a handler (with or without `#[conditional]`) instead of `Json`, so that
/// clients can make their next request conditional. Under `#[conditional]`, a GET whose `Range`
/// asks for a single byte range of the JSON gets it with `206 Partial Content`.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[must_use]
pub struct Tagged<T> {
    value: T,
    status: StatusCode,
}

/// The serialized body of a [`Tagged`] response, kept in the response's extensions so that the
/// `#[conditional]` runtime can serve a byte range of it (see [`Needs`] for when).
#[derive(Debug, Clone)]
pub(crate) struct TaggedBody(pub(crate) Bytes);

impl<T> Tagged<T> {
    /// `200 OK` with `value`.
    ///
    /// ```
    /// use precond::axum::Tagged;
    /// assert_eq!(Tagged::new(1).status(), 200);
    /// ```
    #[inline]
    pub fn new(value: T) -> Self {
        Self {
            value,
            status: StatusCode::OK,
        }
    }

    /// `201 Created` with `value`, for a write that created the resource.
    ///
    /// ```
    /// use precond::axum::Tagged;
    /// assert_eq!(Tagged::created(1).status(), 201);
    /// ```
    #[inline]
    pub fn created(value: T) -> Self {
        Self {
            value,
            status: StatusCode::CREATED,
        }
    }

    /// The same value with another status.
    ///
    /// ```
    /// use axum::http::StatusCode;
    /// use precond::axum::Tagged;
    /// assert_eq!(Tagged::new(1).with_status(StatusCode::ACCEPTED).status(), 202);
    /// ```
    #[inline]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The status the response will have.
    #[inline]
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The value.
    ///
    /// ```
    /// use precond::axum::Tagged;
    /// assert_eq!(Tagged::new("doc").value(), &"doc");
    /// ```
    #[inline]
    #[must_use]
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The value, taken out.
    ///
    /// ```
    /// use precond::axum::Tagged;
    /// assert_eq!(Tagged::created(String::from("doc")).into_inner(), "doc");
    /// ```
    #[inline]
    #[must_use]
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Versioned + Serialize> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        // Small initial capacity, as serde_json::to_vec and axum's Json.
        let mut body = Vec::with_capacity(128);
        match serde_json::to_writer(&mut body, &self.value) {
            Ok(()) => response(
                self.status,
                Bytes::from(body),
                self.value.etag().to_header_value(),
                self.value.last_modified(),
            ),
            Err(_) => serialization_failed(),
        }
    }
}

/// The non-generic part of [`Tagged::into_response`], compiled once.
fn response(
    status: StatusCode,
    body: Bytes,
    etag: HeaderValue,
    last_modified: Option<std::time::SystemTime>,
) -> Response {
    let needs = scope::answering();
    // Cloning `Bytes` made from a `Vec` allocates (it becomes shared): only when needed.
    let keep = match needs {
        Needs::Marker | Needs::AnsweredWithBody => Some(body.clone()),
        Needs::Nothing | Needs::Answered => None,
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ETAG, etag);
    if let Some(time) = last_modified {
        headers.insert(LAST_MODIFIED, last_modified_header_value(time));
    }
    if let Some(body) = keep {
        response.extensions_mut().insert(TaggedBody(body));
    }
    response
}

#[cold]
fn serialization_failed() -> Response {
    let mut response = Response::new(Body::from("failed to serialize the response body"));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
