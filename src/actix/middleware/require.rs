//! `RequirePreconditions`: 428 for unsafe requests without a precondition.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use ::actix_web::HttpResponse;
use ::actix_web::body::{BoxBody, EitherBody, MessageBody};
use ::actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use ::actix_web::http::StatusCode;
use ::actix_web::http::header::{HeaderMap, IF_MATCH};
use ::actix_web::web::Bytes;
use pin_project_lite::pin_project;
use precond_core::Rejection;

use super::preconditions;
use crate::actix::convert::rejection_response;
use crate::adopt::RequireRules;

/// Middleware that answers `428 Precondition Required` to the requests that [`RequireRules`]
/// say must carry a precondition and do not; every other request goes on to the wrapped
/// service untouched, its preconditions left for the handler to evaluate. See
/// [the `actix` module docs](crate::actix#adopting-precond-in-an-existing-app) for a whole app.
///
/// The 428 is the engine's ([`Rejection::precondition_required`](crate::Rejection)): its JSON
/// body names the acceptable fields, with `Content-Type: application/json` and
/// `Cache-Control: no-store`, exactly as a `#[conditional]` handler or the axum layer answers.
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use precond::actix::RequirePreconditions;
/// use precond::adopt::RequireRules;
///
/// let app = App::new()
///     .route("/documents/{id}", web::put().to(HttpResponse::NoContent))
///     .route("/login", web::post().to(HttpResponse::Ok))
///     .wrap(RequirePreconditions::new(
///         RequireRules::new().method("POST").exempt("POST", "/login"),
///     ));
/// # actix_web::rt::System::new().block_on(async {
/// # let app = actix_web::test::init_service(app).await;
/// # let put = actix_web::test::TestRequest::put().uri("/documents/7").to_request();
/// # assert_eq!(actix_web::test::call_service(&app, put).await.status(), 428);
/// # let login = actix_web::test::TestRequest::post().uri("/login").to_request();
/// # assert_eq!(actix_web::test::call_service(&app, login).await.status(), 200);
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct RequirePreconditions {
    shared: Arc<Shared>,
}

/// The rules, and their 428 built once: the requirement is the same for every request.
#[derive(Debug)]
struct Shared {
    rules: RequireRules,
    headers: HeaderMap,
    body: Bytes,
}

impl Shared {
    fn new(rules: RequireRules) -> Self {
        let response = rejection_response(&Rejection::precondition_required(rules.required()));
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .try_into_bytes()
            .unwrap_or_else(|_| Bytes::new());
        Self {
            rules,
            headers,
            body,
        }
    }

    /// The 428, as [`rejection_response`] makes it.
    fn rejection(&self) -> HttpResponse {
        let mut response = HttpResponse::with_body(
            StatusCode::PRECONDITION_REQUIRED,
            BoxBody::new(self.body.clone()),
        );
        *response.headers_mut() = self.headers.clone();
        response
    }
}

impl RequirePreconditions {
    /// The middleware for `rules`.
    ///
    /// ```
    /// use precond::actix::RequirePreconditions;
    /// use precond::adopt::RequireRules;
    ///
    /// let middleware = RequirePreconditions::new(RequireRules::new().exempt_path("/cache/*"));
    /// assert!(middleware.rules().applies_to_method("PUT"));
    /// ```
    #[must_use]
    pub fn new(rules: RequireRules) -> Self {
        Self {
            shared: Arc::new(Shared::new(rules)),
        }
    }

    /// The rules in force.
    ///
    /// ```
    /// use precond::actix::RequirePreconditions;
    /// assert!(!RequirePreconditions::default().rules().applies_to_method("POST"));
    /// ```
    #[must_use]
    pub fn rules(&self) -> &RequireRules {
        &self.shared.rules
    }
}

impl Default for RequirePreconditions {
    /// [`RequireRules::new`]: PUT, PATCH and DELETE on every path.
    fn default() -> Self {
        Self::new(RequireRules::new())
    }
}

impl<S, B> Transform<S, ServiceRequest> for RequirePreconditions
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = S::Error;
    type Transform = RequirePreconditionsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequirePreconditionsMiddleware {
            service,
            shared: Arc::clone(&self.shared),
        }))
    }
}

/// The service of [`RequirePreconditions`], around the service `S` it wraps. The body of its
/// responses is `S`'s (left) or the 428's (right).
#[derive(Debug)]
pub struct RequirePreconditionsMiddleware<S> {
    service: S,
    shared: Arc<Shared>,
}

impl<S, B> Service<ServiceRequest> for RequirePreconditionsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = S::Error;
    type Future = RequireFuture<S::Future>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let headers = request.headers();
        if self.shared.rules.rejects(
            request.method().as_str(),
            || request.path(),
            || headers.contains_key(IF_MATCH),
            || preconditions(headers),
        ) {
            let response = request.into_response(self.shared.rejection());
            return RequireFuture {
                state: State::Rejected {
                    response: Some(response),
                },
            };
        }
        RequireFuture {
            state: State::Inner {
                future: self.service.call(request),
            },
        }
    }
}

pin_project! {
    /// The response future of [`RequirePreconditionsMiddleware`]: the 428, or the wrapped
    /// service's response.
    pub struct RequireFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProjection]
    enum State<F> {
        Rejected { response: Option<ServiceResponse<BoxBody>> },
        Inner { #[pin] future: F },
    }
}

impl<F, B, E> Future for RequireFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, E>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProjection::Rejected { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response.map_into_right_body())),
                None => panic!("RequireFuture polled after completion"),
            },
            StateProjection::Inner { future } => future
                .poll(cx)
                .map(|result| result.map(ServiceResponse::map_into_left_body)),
        }
    }
}

impl<F> std::fmt::Debug for RequireFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequireFuture")
    }
}
