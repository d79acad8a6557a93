//! `ShallowEtagLayer`: entity tags from body bytes, and 304 for GET and HEAD.

use std::collections::VecDeque;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::BoxError;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use http_body::{Frame, SizeHint};
use pin_project_lite::pin_project;
use precond_core::{Field, Preconditions, Validators};
use tower::{Layer, Service};

use crate::adopt::{ResponseFacts, ShallowEtagRules, ShallowPlan, keeps_in_not_modified};

/// A tower layer that gives 2xx responses to GET a strong `ETag` computed from their body
/// bytes, and answers `304 Not Modified` when the request's `If-None-Match` (or
/// `If-Modified-Since`) says the client's copy is current. The rules, step by step, are those of
/// [`ShallowEtagRules`]; see [the `axum` module docs](crate::axum#adopting-precond-in-an-existing-app) for where to put the layer, in particular
/// relative to a compression layer.
///
/// ```
/// use axum::routing::get;
/// use precond::axum::ShallowEtagLayer;
///
/// let app: axum::Router = axum::Router::new()
///     .route("/reports/{id}", get(|| async { r#"{"total":42}"# }))
///     .layer(ShallowEtagLayer::new().max_size(256 * 1024));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ShallowEtagLayer {
    rules: ShallowEtagRules,
}

impl ShallowEtagLayer {
    /// Strong tags for bodies of up to [`DEFAULT_MAX_SIZE`](crate::adopt::DEFAULT_MAX_SIZE)
    /// (1 MiB).
    #[must_use]
    pub const fn new() -> Self {
        Self {
            rules: ShallowEtagRules::new(),
        }
    }

    /// The layer for `rules`.
    #[must_use]
    pub const fn with_rules(rules: ShallowEtagRules) -> Self {
        Self { rules }
    }

    /// Tags bodies of up to `bytes` bytes ([`ShallowEtagRules::with_max_size`]).
    #[must_use]
    pub const fn max_size(self, bytes: usize) -> Self {
        Self::with_rules(self.rules.with_max_size(bytes))
    }

    /// Weak tags, for a layer that must sit inside a compression layer
    /// ([`ShallowEtagRules::weak`]; see [the `axum` module docs](crate::axum#compression)).
    #[must_use]
    pub const fn weak(self) -> Self {
        Self::with_rules(self.rules.weak())
    }

    /// The rules in force.
    #[must_use]
    pub const fn rules(&self) -> &ShallowEtagRules {
        &self.rules
    }
}

impl<S> Layer<S> for ShallowEtagLayer {
    type Service = ShallowEtag<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ShallowEtag {
            inner,
            rules: self.rules,
        }
    }
}

/// The service of [`ShallowEtagLayer`]. Its response body is axum's [`Body`].
#[derive(Clone, Copy, Debug)]
pub struct ShallowEtag<S> {
    inner: S,
    rules: ShallowEtagRules,
}

impl<S> ShallowEtag<S> {
    /// `inner`, with shallow tags by `rules`.
    #[must_use]
    pub const fn new(inner: S, rules: ShallowEtagRules) -> Self {
        Self { inner, rules }
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for ShallowEtag<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: 'static,
    ResBody: HttpBody<Data = Bytes> + Send + 'static,
    ResBody::Error: Into<BoxError>,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = ShallowEtagFuture<S::Future, S::Error>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let method = match *request.method() {
            Method::GET => "GET",
            Method::HEAD => "HEAD",
            _ => {
                return ShallowEtagFuture {
                    state: ShallowState::Untouched {
                        future: self.inner.call(request),
                    },
                };
            }
        };
        let conditions = CacheConditions::of(request.headers());
        let future = self.inner.call(request);
        let rules = self.rules;
        ShallowEtagFuture {
            state: ShallowState::Tagging {
                future: Box::pin(async move {
                    let response = future.await?;
                    Ok(respond(rules, method, &conditions, response).await)
                }),
            },
        }
    }
}

pin_project! {
    /// The response future of [`ShallowEtag`].
    pub struct ShallowEtagFuture<F, E> {
        #[pin]
        state: ShallowState<F, E>,
    }
}

pin_project! {
    #[project = ShallowStateProjection]
    enum ShallowState<F, E> {
        // Not a GET nor a HEAD: the inner response, its body converted.
        Untouched { #[pin] future: F },
        Tagging { future: BoxFuture<Result<Response<Body>, E>> },
    }
}

impl<F, E, B> Future for ShallowEtagFuture<F, E>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Output = Result<Response<Body>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            ShallowStateProjection::Untouched { future } => future
                .poll(cx)
                .map(|result| result.map(|response| response.map(Body::new))),
            ShallowStateProjection::Tagging { future } => future.as_mut().poll(cx),
        }
    }
}

impl<F, E> std::fmt::Debug for ShallowEtagFuture<F, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShallowEtagFuture")
    }
}

/// The request's `If-None-Match` and `If-Modified-Since` lines, kept while the handler runs
/// (the request itself goes to the handler). Usually none or one: nothing is allocated for none.
struct CacheConditions {
    if_none_match: Vec<HeaderValue>,
    if_modified_since: Vec<HeaderValue>,
}

impl CacheConditions {
    fn of(headers: &HeaderMap) -> Self {
        let lines = |name| headers.get_all(name).iter().cloned().collect::<Vec<_>>();
        Self {
            if_none_match: lines(IF_NONE_MATCH),
            if_modified_since: lines(IF_MODIFIED_SINCE),
        }
    }

    fn is_empty(&self) -> bool {
        self.if_none_match.is_empty() && self.if_modified_since.is_empty()
    }

    fn not_modified(&self, rules: &ShallowEtagRules, method: &str, current: &Validators) -> bool {
        let mut pre = Preconditions::new();
        for line in &self.if_none_match {
            pre.add(Field::IfNoneMatch, line.as_bytes());
        }
        for line in &self.if_modified_since {
            pre.add(Field::IfModifiedSince, line.as_bytes());
        }
        rules.answers_not_modified(method, &pre, current)
    }
}

/// The response the client gets: the handler's, with an `ETag` if one was computed, or a 304.
async fn respond<B>(
    rules: ShallowEtagRules,
    method: &'static str,
    conditions: &CacheConditions,
    response: Response<B>,
) -> Response<Body>
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let (mut parts, body) = response.into_parts();
    let mut body = Body::new(body);
    let facts = ResponseFacts::from_pairs(
        parts.status.as_u16(),
        parts
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().as_bytes(), value.as_bytes())),
        body.size_hint().exact(),
    );
    let plan = rules.plan(method, &facts);
    let computed = match plan {
        ShallowPlan::Untouched => return Response::from_parts(parts, body),
        ShallowPlan::Evaluate if conditions.is_empty() => {
            return Response::from_parts(parts, body);
        }
        ShallowPlan::Evaluate => None,
        ShallowPlan::Buffer | ShallowPlan::BufferIfReady => {
            // Wait only for a body that knows its own length: a `Content-Length` field set by
            // hand on a stream (which may never end) is not a promise to wait on, and such a
            // body is read only as far as it is ready, as actix-web's middleware does.
            let wait = plan == ShallowPlan::Buffer && body.size_hint().exact().is_some();
            match read(&mut body, rules.max_size(), wait).await {
                Read::Complete(bytes) => {
                    let etag = rules.etag_for(&bytes);
                    body = Body::from(bytes);
                    Some(etag)
                }
                Read::Incomplete { chunks, next } => {
                    let rest = std::mem::take(&mut body);
                    let replay = Replay { chunks, next, rest };
                    return Response::from_parts(parts, Body::new(replay));
                }
            }
        }
    };
    let not_modified = !conditions.is_empty()
        && rules
            .validators(&facts, computed.clone())
            .is_some_and(|current| conditions.not_modified(&rules, method, &current));
    if let Some(etag) = computed {
        parts.headers.insert(ETAG, etag.to_header_value());
    }
    if not_modified {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers = not_modified_headers(std::mem::take(&mut parts.headers));
        return Response::from_parts(parts, crate::axum::runtime::no_length());
    }
    Response::from_parts(parts, body)
}

/// The header fields a 304 keeps ([`keeps_in_not_modified`]), in their order.
fn not_modified_headers(headers: HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::with_capacity(headers.len());
    let mut current = None;
    for (name, value) in headers {
        if let Some(name) = name {
            current = keeps_in_not_modified(name.as_str()).then_some(name);
        }
        if let Some(name) = &current {
            kept.append(name.clone(), value);
        }
    }
    kept
}

/// What [`read`] got of a body.
enum Read {
    /// The whole body, which ended within the limit.
    Complete(Bytes),
    /// Not all of it: the data frames read (within the limit, or the one that passed it), and
    /// the next frame (trailers) or error if that is why reading stopped. The rest of the body
    /// follows them.
    Incomplete {
        chunks: VecDeque<Bytes>,
        next: Option<Result<Frame<Bytes>, axum::Error>>,
    },
}

/// Reads `body` until it ends, as long as it has given at most `limit` bytes. With `wait`, waits
/// for frames (the length is known and within the limit); without, stops at the first frame
/// that is not ready at once, so that a stream is never held back.
async fn read(body: &mut Body, limit: usize, wait: bool) -> Read {
    let mut chunks = VecDeque::new();
    let mut total = 0usize;
    let stopped = poll_fn(|cx| {
        loop {
            match Pin::new(&mut *body).poll_frame(cx) {
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => {
                        total = total.saturating_add(data.len());
                        if !data.is_empty() {
                            chunks.push_back(data);
                        }
                        if total > limit {
                            return Poll::Ready(Some(None));
                        }
                    }
                    // Trailers: not a body that a tag of its bytes describes.
                    Err(frame) => return Poll::Ready(Some(Some(Ok(frame)))),
                },
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Some(Err(error)))),
                Poll::Pending if wait => return Poll::Pending,
                Poll::Pending => return Poll::Ready(Some(None)),
            }
        }
    })
    .await;
    match stopped {
        None => Read::Complete(concat(chunks, total)),
        Some(next) => Read::Incomplete { chunks, next },
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

/// A body that was partly read: the chunks read, then the frame or error that stopped the
/// reading, then the rest, each as it came.
struct Replay {
    chunks: VecDeque<Bytes>,
    next: Option<Result<Frame<Bytes>, axum::Error>>,
    rest: Body,
}

impl HttpBody for Replay {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if let Some(chunk) = this.chunks.pop_front() {
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        if let Some(next) = this.next.take() {
            return Poll::Ready(Some(next));
        }
        Pin::new(&mut this.rest).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty() && self.next.is_none() && self.rest.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        let rest = self.rest.size_hint();
        if self.next.is_some() {
            return SizeHint::default();
        }
        let read: u64 = self.chunks.iter().map(|c| c.len() as u64).sum();
        let mut hint = SizeHint::new();
        hint.set_lower(rest.lower().saturating_add(read));
        if let Some(upper) = rest.upper().and_then(|u| u.checked_add(read)) {
            hint.set_upper(upper);
        }
        hint
    }
}
