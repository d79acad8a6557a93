//! [`Deferred`]: the extractors that a `#[conditional]` handler declares after `#[current]`,
//! extracted only once the preconditions have passed. Re-exported through
//! `precond::__private::axum`. Not public API.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use ::axum::body::HttpBody;
use ::axum::extract::{FromRequest, Request};
use ::axum::http::HeaderValue;
use ::axum::http::header::CONNECTION;
use ::axum::response::{IntoResponse, Response};

/// The extraction of `T` (a tuple of the handler's later parameters), not started yet.
///
/// As the handler's last parameter it takes the request, body unread, with the router's state;
/// [`extract`](Self::extract) runs `T`'s extractors on them. So a request whose preconditions
/// fail is answered without reading its body: a stale upload is refused before it is sent, and
/// a client that asked `Expect: 100-continue` gets the 412 or 428 instead of `100 Continue`
/// (hyper sends that only when the body is first read).
///
/// The state is cloned into the extraction, and the extraction is boxed: the handler's type
/// cannot name the router's state type, which the extraction needs (one allocation per request
/// whose handler has parameters after `#[current]`).
#[must_use]
pub struct Deferred<T> {
    extract: Pin<Box<dyn Future<Output = Result<T, Response>> + Send>>,
    /// The request has content that nothing has read yet.
    content: bool,
}

/// The marker of [`Deferred`]'s `FromRequest` implementation, over the marker `M` of `T`'s.
pub struct ViaDeferred<M>(PhantomData<fn() -> M>);

impl<S, M, T> FromRequest<S, ViaDeferred<M>> for Deferred<T>
where
    S: Clone + Send + Sync + 'static,
    T: FromRequest<S, M> + Send + 'static,
    M: 'static,
{
    type Rejection = std::convert::Infallible;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let state = state.clone();
        let content = !request.body().is_end_stream();
        Ok(Self {
            content,
            extract: Box::pin(async move {
                T::from_request(request, &state)
                    .await
                    .map_err(IntoResponse::into_response)
            }),
        })
    }
}

impl<T> Deferred<T> {
    /// `response`, the answer to a request whose deferred extractors will not run (a failed
    /// precondition, an error of `#[current(...)]`), so whose content stays unread: with
    /// `Connection: close` when there is such content. The server will not read the rest of
    /// it, and a client still sending it (hyper's, for one) needs to know that the connection
    /// ends with this answer to read it rather than fail (RFC 9112 §9.6).
    #[inline]
    pub fn unread(&self, mut response: Response) -> Response {
        if self.content {
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }

    /// Runs the extractors: the values, or the rejection of the first one that failed, as its
    /// response (exactly what axum would have answered had they run before the handler).
    #[inline]
    pub async fn extract(self) -> Result<T, Response> {
        self.extract.await
    }
}
