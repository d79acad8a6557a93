//! `RequirePreconditionsLayer`: 428 for unsafe requests without a precondition.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::http::header::IF_MATCH;
use axum::http::{HeaderMap, Request, Response, StatusCode};
use pin_project_lite::pin_project;
use precond_core::{Preconditions, Rejection};
use tower::{Layer, Service};

use crate::adopt::RequireRules;

/// A tower layer that answers `428 Precondition Required` to the requests that [`RequireRules`]
/// say must carry a precondition and do not; every other request goes on to the inner service
/// untouched. See [the `axum` module docs](crate::axum#adopting-precond-in-an-existing-app) for where to put it.
///
/// ```
/// use axum::routing::put;
/// use precond::adopt::RequireRules;
/// use precond::axum::RequirePreconditionsLayer;
///
/// let app: axum::Router = axum::Router::new()
///     .route("/documents/{id}", put(|| async { "saved" }))
///     .route("/login", axum::routing::post(|| async { "welcome" }))
///     .route_layer(RequirePreconditionsLayer::new(
///         RequireRules::new().method("POST").exempt("POST", "/login"),
///     ));
/// ```
#[derive(Clone, Debug)]
pub struct RequirePreconditionsLayer {
    shared: Arc<Shared>,
}

/// The rules, and their 428 built once: the requirement is the same for every request.
#[derive(Debug)]
struct Shared {
    rules: RequireRules,
    headers: HeaderMap,
    body: String,
}

impl Shared {
    fn new(rules: RequireRules) -> Self {
        let response: Response<String> =
            Rejection::precondition_required(rules.required()).to_response();
        let (parts, body) = response.into_parts();
        Self {
            rules,
            headers: parts.headers,
            body,
        }
    }

    /// The 428, as [`Rejection::to_response`] makes it.
    fn rejection<B: From<String>>(&self) -> Response<B> {
        let mut response = Response::new(B::from(self.body.clone()));
        *response.status_mut() = StatusCode::PRECONDITION_REQUIRED;
        *response.headers_mut() = self.headers.clone();
        response
    }
}

impl RequirePreconditionsLayer {
    /// The layer for `rules`.
    #[must_use]
    pub fn new(rules: RequireRules) -> Self {
        Self {
            shared: Arc::new(Shared::new(rules)),
        }
    }

    /// The rules in force.
    #[must_use]
    pub fn rules(&self) -> &RequireRules {
        &self.shared.rules
    }
}

impl Default for RequirePreconditionsLayer {
    /// [`RequireRules::new`]: PUT, PATCH and DELETE on every path.
    fn default() -> Self {
        Self::new(RequireRules::new())
    }
}

impl<S> Layer<S> for RequirePreconditionsLayer {
    type Service = RequirePreconditions<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequirePreconditions {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The service of [`RequirePreconditionsLayer`].
///
/// Its response body is the inner service's: the 428 is built with `From<String>` (and a 304
/// never comes from here), so nothing is boxed and a request that passes costs a comparison of
/// its method, and for a configured method a walk of its header map and of the path patterns.
#[derive(Clone, Debug)]
pub struct RequirePreconditions<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> RequirePreconditions<S> {
    /// `inner`, guarded by `rules`.
    #[must_use]
    pub fn new(inner: S, rules: RequireRules) -> Self {
        Self {
            inner,
            shared: Arc::new(Shared::new(rules)),
        }
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for RequirePreconditions<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: From<String> + Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = RequireFuture<S::Future, ResBody>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let headers = request.headers();
        if self.shared.rules.rejects(
            request.method().as_str(),
            || request.uri().path(),
            || headers.contains_key(IF_MATCH),
            || Preconditions::from_headers(headers),
        ) {
            return RequireFuture {
                state: State::Rejected {
                    response: Some(self.shared.rejection()),
                },
            };
        }
        RequireFuture {
            state: State::Inner {
                future: self.inner.call(request),
            },
        }
    }
}

pin_project! {
    /// The response future of [`RequirePreconditions`]: the 428, or the inner service's.
    pub struct RequireFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProjection]
    enum State<F, B> {
        Rejected { response: Option<Response<B>> },
        Inner { #[pin] future: F },
    }
}

impl<F, B, E> Future for RequireFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProjection::Rejected { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                None => panic!("RequireFuture polled after completion"),
            },
            StateProjection::Inner { future } => future.poll(cx),
        }
    }
}

impl<F, B> std::fmt::Debug for RequireFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequireFuture")
    }
}
