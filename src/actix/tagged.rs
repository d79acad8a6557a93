//! [`Tagged`]: a JSON response that carries its validators.

use ::actix_web::body::BoxBody;
use ::actix_web::http::StatusCode;
use ::actix_web::http::header::{CONTENT_TYPE, ETAG, HeaderValue, LAST_MODIFIED};
use ::actix_web::web::Bytes;
use ::actix_web::{HttpRequest, HttpResponse, Responder};
use precond_core::date::fmt_last_modified;
use precond_core::serde::Serialize;
use precond_core::{Validators, Versioned};

use crate::conditional::Needs;
use crate::conditional::tagged::{SERIALIZATION_FAILED, json, keeps_body, tagged_type};

tagged_type! {
    /// A value sent as JSON with its validators: `Content-Type: application/json`, `ETag` and,
    /// when the value has one, `Last-Modified`.
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

/// The serialized body of a [`Tagged`] response built by [`Responder`] (anywhere but the
/// `#[conditional]` runtime's own call), kept in the response's extensions so that the runtime's
/// `finish` recognizes it wherever it was built and can serve a byte range of it.
#[derive(Debug, Clone)]
pub(crate) struct TaggedBody(pub(crate) Bytes);

impl<T: Versioned + Serialize> Responder for Tagged<T> {
    type Body = BoxBody;

    fn respond_to(self, _request: &HttpRequest) -> HttpResponse {
        let Some(body) = json(&self.value) else {
            return serialization_failed();
        };
        let body = Bytes::from(body);
        let keep = body.clone();
        let mut response = response(
            self.status,
            body,
            Some(self.value.etag().as_bytes()),
            self.value.last_modified(),
        );
        response.extensions_mut().insert(TaggedBody(keep));
        response
    }
}

impl<T: Versioned + Serialize> Tagged<T> {
    /// The response built by the `#[conditional]` runtime for what the request `needs`, and a
    /// copy of its body when it needs one; the 500 of a value that cannot be serialized (no
    /// body kept). With `validators`, those label the value (the `#[conditional]` runtime
    /// passes the ones it checked, already computed) rather than the value's own.
    #[inline]
    pub(crate) fn respond(
        self,
        needs: Needs,
        validators: Option<&Validators>,
    ) -> (HttpResponse, Option<Bytes>) {
        let Some(body) = json(&self.value) else {
            return (serialization_failed(), None);
        };
        let body = Bytes::from(body);
        let keep = keeps_body(needs).then(|| body.clone());
        let response = match validators {
            Some(validators) => response(
                self.status,
                body,
                validators.etag().map(|etag| etag.as_bytes()),
                validators.last_modified(),
            ),
            None => response(
                self.status,
                body,
                Some(self.value.etag().as_bytes()),
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
    etag: Option<&[u8]>,
    last_modified: Option<std::time::SystemTime>,
) -> HttpResponse {
    let mut response = HttpResponse::with_body(status, BoxBody::new(body));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    // Every byte of a validated entity tag is a valid header value byte.
    if let Some(Ok(etag)) = etag.map(HeaderValue::from_bytes) {
        headers.insert(ETAG, etag);
    }
    if let Some(time) = last_modified
        && let Ok(value) = HeaderValue::try_from(fmt_last_modified(time))
    {
        headers.insert(LAST_MODIFIED, value);
    }
    response
}

#[cold]
fn serialization_failed() -> HttpResponse {
    HttpResponse::InternalServerError()
        .content_type("text/plain; charset=utf-8")
        .body(SERIALIZATION_FAILED)
}
