//! `ShallowEtag`: entity tags from body bytes, and 304 for GET and HEAD.

use std::collections::VecDeque;
use std::error::Error as StdError;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::task::{Context, Poll};

use ::actix_web::HttpResponse;
use ::actix_web::body::{BodySize, BoxBody, EitherBody, MessageBody};
use ::actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use ::actix_web::http::header::{
    CONTENT_LENGTH, ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH,
};
use ::actix_web::http::{Method, StatusCode};
use ::actix_web::web::Bytes;
use pin_project_lite::pin_project;
use precond_core::{ETag, Field, Preconditions};

use crate::adopt::{ResponseFacts, ShallowEtagRules, ShallowPlan, keeps_in_not_modified};

/// Middleware that gives 2xx responses to GET a strong `ETag` computed from their body bytes,
/// and answers `304 Not Modified` when the request's `If-None-Match` (or `If-Modified-Since`)
/// says the client's copy is current. The rules, step by step, are those of
/// [`ShallowEtagRules`]; see [the `actix` module docs](crate::actix#adopting-precond-in-an-existing-app) for a whole app and for where to put the
/// middleware relative to [`Compress`](https://docs.rs/actix-web/4/actix_web/middleware/struct.Compress.html).
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use precond::actix::ShallowEtag;
///
/// let app = App::new()
///     .route("/reports/{id}", web::get().to(|| async { HttpResponse::Ok().body(r#"{"total":42}"#) }))
///     .wrap(ShallowEtag::new().max_size(256 * 1024));
/// # actix_web::rt::System::new().block_on(async {
/// # let app = actix_web::test::init_service(app).await;
/// # let get = actix_web::test::TestRequest::get().uri("/reports/1").to_request();
/// # let response = actix_web::test::call_service(&app, get).await;
/// # let etag = response.headers().get("etag").unwrap().clone();
/// # let expected = precond::adopt::ShallowEtagRules::new().etag_for(br#"{"total":42}"#);
/// # assert_eq!(etag.as_bytes(), expected.as_bytes());
/// # let again = actix_web::test::TestRequest::get()
/// #     .uri("/reports/1")
/// #     .insert_header(("if-none-match", etag))
/// #     .to_request();
/// # assert_eq!(actix_web::test::call_service(&app, again).await.status(), 304);
/// # });
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ShallowEtag {
    rules: ShallowEtagRules,
}

impl ShallowEtag {
    /// Strong tags for bodies of up to [`DEFAULT_MAX_SIZE`](crate::adopt::DEFAULT_MAX_SIZE)
    /// (1 MiB).
    ///
    /// ```
    /// use precond::actix::ShallowEtag;
    /// assert_eq!(ShallowEtag::new().rules().max_size(), precond::adopt::DEFAULT_MAX_SIZE);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            rules: ShallowEtagRules::new(),
        }
    }

    /// The middleware for `rules`.
    ///
    /// ```
    /// use precond::actix::ShallowEtag;
    /// use precond::adopt::ShallowEtagRules;
    /// let middleware = ShallowEtag::with_rules(ShallowEtagRules::new().with_max_size(4096));
    /// assert_eq!(middleware.rules().max_size(), 4096);
    /// ```
    #[must_use]
    pub const fn with_rules(rules: ShallowEtagRules) -> Self {
        Self { rules }
    }

    /// Tags bodies of up to `bytes` bytes ([`ShallowEtagRules::with_max_size`]).
    ///
    /// ```
    /// use precond::actix::ShallowEtag;
    /// assert_eq!(ShallowEtag::new().max_size(64 * 1024).rules().max_size(), 65_536);
    /// ```
    #[must_use]
    pub const fn max_size(self, bytes: usize) -> Self {
        Self::with_rules(self.rules.with_max_size(bytes))
    }

    /// Weak tags, for middleware that must sit inside
    /// [`Compress`](https://docs.rs/actix-web/4/actix_web/middleware/struct.Compress.html) ([`ShallowEtagRules::weak`]; see
    /// [the `actix` module docs](crate::actix#compression)).
    ///
    /// ```
    /// use precond::actix::ShallowEtag;
    /// assert!(ShallowEtag::new().weak().rules().is_weak());
    /// ```
    #[must_use]
    pub const fn weak(self) -> Self {
        Self::with_rules(self.rules.weak())
    }

    /// The rules in force.
    ///
    /// ```
    /// use precond::actix::ShallowEtag;
    /// assert!(!ShallowEtag::new().rules().is_weak());
    /// ```
    #[must_use]
    pub const fn rules(&self) -> &ShallowEtagRules {
        &self.rules
    }
}

impl<S, B> Transform<S, ServiceRequest> for ShallowEtag
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = S::Error;
    type Transform = ShallowEtagMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ShallowEtagMiddleware {
            service,
            rules: self.rules,
        }))
    }
}

/// The service of [`ShallowEtag`], around the service `S` it wraps. The body of its responses
/// is `S`'s as it was (left), or one it read (right): the bytes it tagged, a 304's empty body,
/// or the bytes read before it stopped followed by the rest of `S`'s body.
#[derive(Debug)]
pub struct ShallowEtagMiddleware<S> {
    service: S,
    rules: ShallowEtagRules,
}

impl<S, B> Service<ServiceRequest> for ShallowEtagMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = S::Error;
    type Future = ShallowEtagFuture<S::Future>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let method = match *request.method() {
            Method::GET => Some("GET"),
            Method::HEAD => Some("HEAD"),
            _ => None,
        };
        let planning = method.map(|method| Planning {
            rules: self.rules,
            method,
        });
        ShallowEtagFuture {
            future: self.service.call(request),
            step: Step::Waiting(planning),
        }
    }
}

pin_project! {
    /// The response future of [`ShallowEtagMiddleware`].
    pub struct ShallowEtagFuture<F> {
        #[pin]
        future: F,
        step: Step,
    }
}

/// Where a [`ShallowEtagFuture`] is.
enum Step {
    /// Waiting for the wrapped service's response, to plan what to do with it (a GET or
    /// HEAD), or to pass it on as it is (`None`: any other method).
    Waiting(Option<Planning>),
    /// Reading the body, to tag it.
    Reading(Box<Reading>),
    /// The response went out.
    Done,
}

/// What planning needs besides the response.
#[derive(Clone, Copy)]
struct Planning {
    rules: ShallowEtagRules,
    method: &'static str,
}

impl<F, B, E> Future for ShallowEtagFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, E>>,
    B: MessageBody + 'static,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match std::mem::replace(this.step, Step::Done) {
                Step::Waiting(planning) => {
                    let Poll::Ready(result) = this.future.as_mut().poll(cx) else {
                        *this.step = Step::Waiting(planning);
                        return Poll::Pending;
                    };
                    let response = result?;
                    let Some(Planning { rules, method }) = planning else {
                        return Poll::Ready(Ok(response.map_into_left_body()));
                    };
                    match respond(rules, method, response) {
                        Respond::Ready(response) => return Poll::Ready(Ok(response)),
                        // Read what is ready now; the body's waker brings us back for the rest.
                        Respond::Read(reading) => *this.step = Step::Reading(reading),
                    }
                }
                Step::Reading(mut reading) => {
                    let Poll::Ready(end) = reading.poll_read(cx) else {
                        *this.step = Step::Reading(reading);
                        return Poll::Pending;
                    };
                    return Poll::Ready(Ok(reading.finish(end)));
                }
                Step::Done => panic!("ShallowEtagFuture polled after completion"),
            }
        }
    }
}

impl<F> std::fmt::Debug for ShallowEtagFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShallowEtagFuture")
    }
}

/// What [`respond`] does with the wrapped service's response.
enum Respond<B> {
    /// The answer, now.
    Ready(ServiceResponse<EitherBody<B>>),
    /// Read the body first.
    Read(Box<Reading>),
}

/// The facts of a response for [`ShallowEtagRules::plan`]. A body without content
/// ([`BodySize::None`]) has length 0; a stream has no known length.
///
/// The body's own size is the only length that counts: actix-web frames a response by it and
/// drops a `Content-Length` field the handler set (a stream goes out chunked), so such a field
/// says nothing of when a stream will end, and must not make the middleware wait for it.
fn facts<'a>(status: StatusCode, headers: &'a HeaderMap, size: BodySize) -> ResponseFacts<'a> {
    let length = match size {
        BodySize::None => Some(0),
        BodySize::Sized(length) => Some(length),
        BodySize::Stream => None,
    };
    ResponseFacts::from_pairs(
        status.as_u16(),
        headers
            .iter()
            .filter(|(name, _)| **name != CONTENT_LENGTH)
            .map(|(name, value)| (name.as_str().as_bytes(), value.as_bytes())),
        length,
    )
}

/// The request's `If-None-Match` and `If-Modified-Since` lines: all that
/// [`ShallowEtagRules::is_not_modified`] looks at.
fn cache_conditions(headers: &HeaderMap) -> Preconditions<'_> {
    let mut pre = Preconditions::new();
    for line in headers.get_all(IF_NONE_MATCH) {
        pre.add(Field::IfNoneMatch, line.as_bytes());
    }
    for line in headers.get_all(IF_MODIFIED_SINCE) {
        pre.add(Field::IfModifiedSince, line.as_bytes());
    }
    pre
}

/// Plans what to do with the wrapped service's `response` to a GET or HEAD (`method`), and does
/// it unless the body must be read.
fn respond<B>(
    rules: ShallowEtagRules,
    method: &'static str,
    response: ServiceResponse<B>,
) -> Respond<B>
where
    B: MessageBody + 'static,
{
    let conditional = {
        let headers = response.request().headers();
        headers.contains_key(IF_NONE_MATCH) || headers.contains_key(IF_MODIFIED_SINCE)
    };
    let plan = rules.plan(
        method,
        &facts(
            response.status(),
            response.headers(),
            response.response().body().size(),
        ),
    );
    match plan {
        ShallowPlan::Buffer | ShallowPlan::BufferIfReady => {}
        // Nothing to compare the response's own validators with.
        ShallowPlan::Evaluate if !conditional => {
            return Respond::Ready(response.map_into_left_body());
        }
        ShallowPlan::Evaluate => {
            let (request, mut response) = response.into_parts();
            let not_modified = decide(rules, method, &request, response.headers_mut(), None);
            let response = if not_modified {
                not_modified_response(response.drop_body()).map_into_right_body()
            } else {
                response.map_into_left_body()
            };
            return Respond::Ready(ServiceResponse::new(request, response));
        }
        // Untouched, and any plan a later version adds.
        _ => return Respond::Ready(response.map_into_left_body()),
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let size = body.size();
    match body.try_into_bytes() {
        // A body already in memory, as most are: nothing to wait for, nothing to copy.
        Ok(bytes) if bytes.len() <= rules.max_size() => {
            Respond::Ready(tagged(rules, method, request, head, bytes))
        }
        // Only a body that lies about its length gets here (a stream would not have given its
        // bytes at once): as it came.
        Ok(bytes) => Respond::Ready(ServiceResponse::new(
            request,
            head.set_body(BoxBody::new(bytes)).map_into_right_body(),
        )),
        Err(body) => Respond::Read(Box::new(Reading {
            rules,
            method,
            request,
            head,
            size,
            wait: plan == ShallowPlan::Buffer,
            body: body.boxed(),
            chunks: VecDeque::new(),
            total: 0,
        })),
    }
}

/// Sets the `ETag` of `bytes`, the whole body, and answers 304 or the response with that body.
fn tagged<B>(
    rules: ShallowEtagRules,
    method: &'static str,
    request: actix_web::HttpRequest,
    mut head: HttpResponse<()>,
    bytes: Bytes,
) -> ServiceResponse<EitherBody<B>> {
    let etag = rules.etag_for(&bytes);
    let not_modified = decide(rules, method, &request, head.headers_mut(), Some(etag));
    let response = if not_modified {
        not_modified_response(head)
    } else {
        head.set_body(BoxBody::new(bytes))
    };
    ServiceResponse::new(request, response.map_into_right_body())
}

/// Sets the `computed` tag (if any) on the response `headers`, and tells whether the request
/// gets a 304 from the response's validators: its own `ETag` or the computed one, and its
/// `Last-Modified`.
fn decide(
    rules: ShallowEtagRules,
    method: &'static str,
    request: &actix_web::HttpRequest,
    headers: &mut HeaderMap,
    computed: Option<ETag>,
) -> bool {
    let pre = cache_conditions(request.headers());
    let not_modified = !pre.is_unconditional() && {
        // The status and the length no longer matter: the plan was made.
        let facts = facts(StatusCode::OK, headers, BodySize::None);
        rules
            .validators(&facts, computed.clone())
            .is_some_and(|current| rules.answers_not_modified(method, &pre, &current))
    };
    if let Some(etag) = computed
        && let Ok(value) = HeaderValue::from_bytes(etag.as_bytes())
    {
        headers.insert(ETAG, value);
    }
    not_modified
}

/// The 304 made from a response's head: the header fields for which [`keeps_in_not_modified`]
/// is true, in their order, and no body.
fn not_modified_response(mut head: HttpResponse<()>) -> HttpResponse<BoxBody> {
    *head.status_mut() = StatusCode::NOT_MODIFIED;
    head.headers_mut()
        .retain(|name, _| keeps_in_not_modified(name.as_str()));
    head.set_body(BoxBody::new(()))
}

/// A response whose body is being read, to be tagged.
struct Reading {
    rules: ShallowEtagRules,
    method: &'static str,
    request: actix_web::HttpRequest,
    head: HttpResponse<()>,
    /// The size the body announced.
    size: BodySize,
    /// Whether to wait for chunks that are not ready (the length is known and within the
    /// limit), or to stop at the first (a stream is never held back).
    wait: bool,
    body: BoxBody,
    chunks: VecDeque<Bytes>,
    total: usize,
}

/// Why [`Reading::poll_read`] stopped.
enum ReadEnd {
    /// The body ended within the limit.
    Complete,
    /// The body went past the limit, was not ready (without `wait`), or failed (the error).
    Stopped(Option<Box<dyn StdError>>),
}

impl Reading {
    fn poll_read(&mut self, cx: &mut Context<'_>) -> Poll<ReadEnd> {
        loop {
            match Pin::new(&mut self.body).poll_next(cx) {
                Poll::Ready(None) => return Poll::Ready(ReadEnd::Complete),
                Poll::Ready(Some(Ok(chunk))) => {
                    self.total = self.total.saturating_add(chunk.len());
                    if !chunk.is_empty() {
                        self.chunks.push_back(chunk);
                    }
                    if self.total > self.rules.max_size() {
                        return Poll::Ready(ReadEnd::Stopped(None));
                    }
                }
                Poll::Ready(Some(Err(error))) => {
                    return Poll::Ready(ReadEnd::Stopped(Some(error)));
                }
                Poll::Pending if self.wait => return Poll::Pending,
                Poll::Pending => return Poll::Ready(ReadEnd::Stopped(None)),
            }
        }
    }

    fn finish<B>(self, end: ReadEnd) -> ServiceResponse<EitherBody<B>> {
        match end {
            ReadEnd::Complete => {
                let bytes = concat(self.chunks, self.total);
                tagged(self.rules, self.method, self.request, self.head, bytes)
            }
            ReadEnd::Stopped(error) => {
                let replay = Replay {
                    size: self.size,
                    chunks: self.chunks,
                    error,
                    rest: self.body,
                };
                let response = self.head.set_body(BoxBody::new(replay));
                ServiceResponse::new(self.request, response.map_into_right_body())
            }
        }
    }
}

/// The chunks as one buffer, copied only if there are several.
fn concat(mut chunks: VecDeque<Bytes>, total: usize) -> Bytes {
    if chunks.len() <= 1 {
        return chunks.pop_front().unwrap_or_default();
    }
    let mut all = Vec::with_capacity(total);
    for chunk in chunks {
        all.extend_from_slice(&chunk);
    }
    Bytes::from(all)
}

/// A body that was partly read: the chunks read, then the error that stopped the reading if
/// any, then the rest, each as it comes. It announces the size the body announced, so the
/// response goes out exactly as it would have without the middleware.
struct Replay {
    size: BodySize,
    chunks: VecDeque<Bytes>,
    error: Option<Box<dyn StdError>>,
    rest: BoxBody,
}

impl MessageBody for Replay {
    type Error = Box<dyn StdError>;

    fn size(&self) -> BodySize {
        self.size
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let this = self.get_mut();
        if let Some(chunk) = this.chunks.pop_front() {
            return Poll::Ready(Some(Ok(chunk)));
        }
        if let Some(error) = this.error.take() {
            return Poll::Ready(Some(Err(error)));
        }
        Pin::new(&mut this.rest).poll_next(cx)
    }
}
