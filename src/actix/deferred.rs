//! [`Deferred`]: the extractors that a `#[conditional]` handler declares after `#[current]`,
//! extracted only once the preconditions have passed. Re-exported through
//! `precond::__private::actix`. Not public API.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::marker::PhantomData;

use ::actix_web::dev::Payload;
use ::actix_web::{FromRequest, HttpRequest, HttpResponse};

/// The extraction of `T` (a tuple of the handler's later parameters), not started yet.
///
/// As the handler's last parameter it keeps a handle on the request and takes its payload,
/// unread; [`extract`](Self::extract) runs `T`'s extractors on them. So a request whose
/// preconditions fail is answered without reading its body. (actix-http answers
/// `Expect: 100-continue` with `100 Continue` before any handler runs, so on actix-web such a
/// client still sends its body, which is then not read.) Costs no allocation.
#[must_use]
pub struct Deferred<T> {
    request: HttpRequest,
    payload: Payload,
    extract: PhantomData<fn() -> T>,
}

impl<T: FromRequest> FromRequest for Deferred<T> {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    #[inline]
    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        ready(Ok(Self {
            request: request.clone(),
            payload: payload.take(),
            extract: PhantomData,
        }))
    }
}

impl<T> Deferred<T> {
    /// `response`, the answer to a request whose deferred extractors will not run: as it is,
    /// since actix-http itself closes a connection whose payload was not read, and says so
    /// (`Connection: close`).
    #[inline]
    pub fn unread(&self, response: HttpResponse) -> HttpResponse {
        response
    }
}

impl<T: FromRequest> Deferred<T> {
    /// Runs the extractors: the values, or the error of the first one that failed, as its
    /// response (exactly what actix-web would have answered had they run before the handler).
    #[inline]
    pub async fn extract(mut self) -> Result<T, HttpResponse> {
        T::from_request(&self.request, &mut self.payload)
            .await
            .map_err(|error| HttpResponse::from_error(error.into()))
    }
}
