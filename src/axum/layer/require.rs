//! `RequirePreconditionsLayer`: 428 for unsafe requests without a precondition.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::http::{Request, Response};
use pin_project_lite::pin_project;
use precond_core::Preconditions;
use tower::{Layer, Service};

use crate::adopt::RequireRules;

/// A tower layer that answers `428 Precondition Required` to the requests that [`RequireRules`]
/// say must carry a precondition and do not; every other request goes on to the inner service
/// untouched. See [the module](super) for where to put it.
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
    rules: Arc<RequireRules>,
}

impl RequirePreconditionsLayer {
    /// The layer for `rules`.
    #[must_use]
    pub fn new(rules: RequireRules) -> Self {
        Self {
            rules: Arc::new(rules),
        }
    }

    /// The rules in force.
    #[must_use]
    pub fn rules(&self) -> &RequireRules {
        &self.rules
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
            rules: Arc::clone(&self.rules),
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
    rules: Arc<RequireRules>,
}

impl<S> RequirePreconditions<S> {
    /// `inner`, guarded by `rules`.
    #[must_use]
    pub fn new(inner: S, rules: RequireRules) -> Self {
        Self {
            inner,
            rules: Arc::new(rules),
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
        let method = request.method().as_str();
        if self.rules.applies_to_method(method) {
            let pre = Preconditions::from_headers(request.headers());
            if let Some(rejection) = self.rules.rejection(method, request.uri().path(), &pre) {
                return RequireFuture {
                    state: State::Rejected {
                        response: Some(rejection.to_response()),
                    },
                };
            }
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
