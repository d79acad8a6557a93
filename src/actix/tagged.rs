//! [`Tagged`]: a response that carries its validators.

use ::actix_web::body::BoxBody;
use ::actix_web::http::StatusCode;
use ::actix_web::http::header::{CONTENT_TYPE, ETAG, HeaderValue, LAST_MODIFIED, LOCATION};
use ::actix_web::web::Bytes;
use ::actix_web::{HttpRequest, HttpResponse, Responder};
use precond_core::date::fmt_last_modified;
use precond_core::{Validators, Versioned};

use crate::conditional::Needs;
use crate::conditional::tagged::{Encode, Failure, JSON, Parts, keeps_body, parts, tagged_type};

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
/// `#[conditional]` runtime's own call), kept in the response's extensions so that the runtime's
/// `finish` recognizes it wherever it was built and can serve a byte range of it.
#[derive(Debug, Clone)]
pub(crate) struct TaggedBody(pub(crate) Bytes);

impl<T: Versioned + Encode> Responder for Tagged<T> {
    type Body = BoxBody;

    fn respond_to(self, _request: &HttpRequest) -> HttpResponse {
        match parts(self.value, None, self.location) {
            Ok(parts) => {
                let keep = parts.body.clone();
                let mut response = response(self.status, parts);
                response.extensions_mut().insert(TaggedBody(keep));
                response
            }
            Err(failure) => failed(failure),
        }
    }
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
        match parts(self.value, validators, self.location) {
            Ok(parts) => {
                let keep = keeps_body(needs).then(|| parts.body.clone());
                (response(self.status, parts), keep)
            }
            Err(failure) => (failed(failure), None),
        }
    }
}

/// The non-generic part of [`Tagged::respond`], compiled once.
fn response(status: StatusCode, parts: Parts) -> HttpResponse {
    let content_type = if parts.content_type == JSON {
        HeaderValue::from_static(JSON)
    } else {
        match HeaderValue::try_from(&*parts.content_type) {
            Ok(value) => value,
            Err(_) => return failed(Failure::Header),
        }
    };
    let location = match parts.location.as_deref().map(HeaderValue::try_from) {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => return failed(Failure::Header),
    };
    let mut response = HttpResponse::with_body(status, BoxBody::new(parts.body));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, content_type);
    // Every byte of a validated entity tag is a valid header value byte.
    if let Some(Ok(etag)) = parts
        .etag
        .map(|etag| HeaderValue::from_bytes(etag.as_bytes()))
    {
        headers.insert(ETAG, etag);
    }
    if let Some(time) = parts.last_modified
        && let Ok(value) = HeaderValue::try_from(fmt_last_modified(time))
    {
        headers.insert(LAST_MODIFIED, value);
    }
    if let Some(location) = location {
        headers.insert(LOCATION, location);
    }
    response
}

#[cold]
fn failed(failure: Failure) -> HttpResponse {
    HttpResponse::InternalServerError()
        .content_type("text/plain; charset=utf-8")
        .body(failure.message())
}
