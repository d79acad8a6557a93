//! The client's half of conditional requests, on reqwest (feature `client`): read-modify-write
//! that re-fetches, re-applies your change and retries on `412`, create-only and
//! delete-if-unchanged writes, and conditional GETs that reuse a cached body on `304`. It works
//! against any server that speaks RFC 9110 conditional requests, not only precond's.
//!
//! ```no_run
//! use precond::client::Client;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Document {
//!     title: String,
//!     tags: Vec<String>,
//! }
//!
//! # async fn run() -> Result<(), precond::client::Error> {
//! let client = Client::new();
//! // GET, apply the change, PUT with If-Match: the ETag read. On 412 (someone else wrote
//! // first): GET the new version, apply the change to it, PUT again, with backoff.
//! let updated = client
//!     .update("http://127.0.0.1:3000/documents/42", |document: &mut Document| {
//!         document.tags.push("reviewed".into());
//!     })
//!     .await?;
//! println!("now at {:?} after {} attempts", updated.resource.etag, updated.attempts);
//! # Ok(())
//! # }
//! ```
//!
//! # What happens on each answer
//!
//! | answer | to the GET | to the write |
//! |---|---|---|
//! | 2xx | the value and its validators | done: the response's representation (or the edited value) and its new `ETag` |
//! | 304 | the cached body (conditional GETs only) | - |
//! | 412 | - | someone else wrote first: GET again, re-apply the change, write again after a backoff; [`Error::Conflict`] once the attempts run out |
//! | 428 | - | [`Error::PreconditionRequired`], naming the fields the server asked for |
//! | 404, 410 | [`Error::Gone`] | [`Error::Gone`] |
//! | 503 | retried after a backoff (or its `Retry-After`, capped), within the attempts | the same: a 503 says the request was not handled |
//! | other 5xx, a dropped connection | retried, as 503 (a GET is safe to repeat) | [`Error::Status`] / [`Error::Transport`] at once: the write may or may not have happened, and repeating it would re-apply the change to whatever is there now |
//! | no strong `ETag` on the GET | [`Error::NoEtag`] (for `update`: a conditional write is impossible) | - |
//!
//! The write's `If-Match` is always the `ETag` the client itself read: the `current_etag` of a
//! precond `412` body is never used for a write (a server could be wrong, or another writer
//! could come first again), only reported in [`Error::Conflict`].
//!
//! # The edit runs again on every retry
//!
//! The closure is the merge: it is called on each freshly read version, so it must compute
//! the change from the state it is given (append *this* marker if it is not there, increment
//! *this* counter), not replay a stored result. [`Client::try_update`] lets it give up instead
//! (a conflict to show in a UI), ending the loop with [`Error::Aborted`].

mod cache;
mod merge;
mod retry;

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use precond_core::ETag;
use precond_core::serde::Serialize;
use precond_core::serde::de::DeserializeOwned;
use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, RETRY_AFTER,
};
use reqwest::{Response, StatusCode};
use serde_json::Value;

use self::cache::{Cache, Entry};
pub use self::retry::Retry;

/// A client for resources that change under conditional requests. Cheap to clone (it shares
/// its connection pool and cache).
///
/// ```
/// use std::time::Duration;
/// use precond::client::{Client, Retry};
///
/// let client = Client::new()
///     .retry(Retry::default().attempts(20).max_delay(Duration::from_millis(500)))
///     .merge_patch() // write with PATCH application/merge-patch+json instead of PUT
///     .cache(1_000); // conditional GETs, 1 000 bodies kept
/// # let _ = client;
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    retry: Retry,
    write: Write,
    cache: Option<std::sync::Arc<Mutex<Cache>>>,
}

/// How `update` writes the edited value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Write {
    /// `PUT` of the whole JSON value.
    Put,
    /// `PATCH` with a JSON merge patch (RFC 7396) from the value read to the value edited.
    MergePatch,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

/// A representation read or written, with its validators.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource<T> {
    /// The value.
    pub value: T,
    /// Its `ETag`, if the server sent one.
    pub etag: Option<ETag>,
    /// Its `Last-Modified`, if the server sent a valid one.
    pub last_modified: Option<SystemTime>,
    /// Whether the body came from the cache, on a `304`.
    pub from_cache: bool,
}

/// What [`Client::update`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct Updated<T> {
    /// The representation after the write: the server's response if it sent one, else the
    /// value written; with the new validators the response carried.
    pub resource: Resource<T>,
    /// How many writes it took (1: no conflict).
    pub attempts: u32,
    /// How many of them got `412` (someone else wrote first).
    pub conflicts: u32,
}

/// Why a conditional operation did not complete. Every variant says what the caller can do.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// `428 Precondition Required`: the server wants a precondition this call did not send.
    /// `asked_for` lists the fields its answer names (`If-Match`, `If-Unmodified-Since`,
    /// `If-None-Match`), possibly none.
    PreconditionRequired {
        /// The fields the server's answer names.
        asked_for: Vec<&'static str>,
        /// The server's explanation (its body, or a precond body's `message`).
        message: String,
    },
    /// Every attempt got `412`: others keep writing first. Retry later, or with more attempts.
    Conflict {
        /// The writes made.
        attempts: u32,
        /// The last `ETag` the server said was current (the 412's `ETag`, or a precond body's
        /// `current_etag`): a hint, never used for a write.
        current_etag: Option<String>,
    },
    /// `If-None-Match: *` found the resource already there (`create`).
    AlreadyExists {
        /// Its current `ETag`, if the answer said.
        current_etag: Option<String>,
    },
    /// `404` or `410`: the resource is not there (any more).
    Gone {
        /// The status.
        status: StatusCode,
    },
    /// The server's GET carried no strong `ETag`, so no `If-Match` can ever hold: a conditional
    /// write is impossible (a weak tag never matches `If-Match`, RFC 9110 §13.1.1).
    NoEtag {
        /// The `ETag` it sent, if a weak one.
        weak: Option<String>,
    },
    /// The edit gave up ([`Client::try_update`]).
    Aborted(Box<dyn std::error::Error + Send + Sync>),
    /// Another status: for a write other than a `503`, its outcome is unknown.
    Status {
        /// The status.
        status: StatusCode,
        /// The body, as text (at most 4 KiB).
        body: String,
    },
    /// A body that is not the JSON expected.
    Decode(serde_json::Error),
    /// The request could not be made or its answer read (for a write: its outcome is unknown).
    Transport(reqwest::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::PreconditionRequired { asked_for, message } if asked_for.is_empty() => {
                write!(f, "428 Precondition Required: {message}")
            }
            Error::PreconditionRequired { asked_for, .. } => write!(
                f,
                "428 Precondition Required: the server asks for {}",
                asked_for.join(" or ")
            ),
            Error::Conflict {
                attempts,
                current_etag,
            } => write!(
                f,
                "412 Precondition Failed on each of {attempts} attempts (last current ETag: {})",
                current_etag.as_deref().unwrap_or("unknown")
            ),
            Error::AlreadyExists { .. } => f.write_str("the resource already exists"),
            Error::Gone { status } => write!(f, "the resource is gone ({status})"),
            Error::NoEtag { weak: None } => {
                f.write_str("the server sent no ETag: a conditional write is impossible")
            }
            Error::NoEtag { weak: Some(tag) } => write!(
                f,
                "the server sent only a weak ETag ({tag}), which If-Match never matches"
            ),
            Error::Aborted(error) => write!(f, "the edit gave up: {error}"),
            Error::Status { status, .. } => write!(f, "unexpected answer {status}"),
            Error::Decode(error) => write!(f, "the body is not the JSON expected: {error}"),
            Error::Transport(error) => write!(f, "transport error: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Aborted(error) => Some(&**error),
            Error::Decode(error) => Some(error),
            Error::Transport(error) => Some(error),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        Error::Transport(error)
    }
}

/// An edit that never gives up.
#[derive(Debug)]
enum Never {}

impl fmt::Display for Never {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

impl std::error::Error for Never {}

impl Client {
    /// A client on a default `reqwest::Client`, with [`Retry::default`], writing with `PUT`,
    /// without a cache.
    #[must_use]
    pub fn new() -> Self {
        Self::with_http(reqwest::Client::new())
    }

    /// A client on `http` (its timeouts, TLS, proxies and default headers).
    #[must_use]
    pub fn with_http(http: reqwest::Client) -> Self {
        Self {
            http,
            retry: Retry::default(),
            write: Write::Put,
            cache: None,
        }
    }

    /// How many times to write and how long to wait between attempts.
    #[must_use]
    pub fn retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// Write with `PATCH` and a JSON merge patch (RFC 7396, `application/merge-patch+json`)
    /// from the value read to the value edited, rather than `PUT` of the whole value: fields
    /// the edit did not touch are not sent.
    #[must_use]
    pub fn merge_patch(mut self) -> Self {
        self.write = Write::MergePatch;
        self
    }

    /// Keep the bodies of up to `entries` GETs, and send `If-None-Match` / `If-Modified-Since`
    /// with the next GET of the same URL, reusing the body on `304`. 0 turns the cache off.
    #[must_use]
    pub fn cache(mut self, entries: usize) -> Self {
        self.cache = (entries > 0).then(|| std::sync::Arc::new(Mutex::new(Cache::new(entries))));
        self
    }

    /// GET `url` as `T`, conditionally when the cache has it.
    pub async fn get<T: DeserializeOwned>(&self, url: &str) -> Result<Resource<T>, Error> {
        let (resource, _) = self.read::<T>(url).await?;
        Ok(resource)
    }

    /// Read-modify-write: GET `url`, apply `edit`, write it back with `If-Match`, and on `412`
    /// start again from a fresh GET, until the write passes or the attempts run out (see the
    /// [module documentation](self) for each answer).
    pub async fn update<T, F>(&self, url: &str, mut edit: F) -> Result<Updated<T>, Error>
    where
        T: Serialize + DeserializeOwned,
        F: FnMut(&mut T),
    {
        self.try_update(url, |value: &mut T| {
            edit(value);
            Ok::<(), Never>(())
        })
        .await
    }

    /// [`update`](Self::update) with an edit that can give up: `Err` ends the loop with
    /// [`Error::Aborted`] and writes nothing.
    pub async fn try_update<T, F, E>(&self, url: &str, mut edit: F) -> Result<Updated<T>, Error>
    where
        T: Serialize + DeserializeOwned,
        F: FnMut(&mut T) -> Result<(), E>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let mut conflicts = 0;
        let mut current_etag = None;
        for attempt in 0..self.retry.attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(self.retry.delay(attempt - 1)).await;
            }
            let (read, raw) = self.read::<T>(url).await?;
            let etag = match &read.etag {
                Some(etag) if !etag.is_weak() => etag.clone(),
                Some(weak) => {
                    return Err(Error::NoEtag {
                        weak: Some(weak.to_string()),
                    });
                }
                None => return Err(Error::NoEtag { weak: None }),
            };
            let mut value = read.value;
            edit(&mut value).map_err(|error| Error::Aborted(error.into()))?;
            let edited = serde_json::to_value(&value).map_err(Error::Decode)?;
            let request = match self.write {
                Write::Put => self.http.put(url).json(&edited),
                Write::MergePatch => self
                    .http
                    .patch(url)
                    .header(CONTENT_TYPE, "application/merge-patch+json")
                    .body(merge::diff(&raw, &edited).to_string()),
            };
            let response = self
                .send_write(request.header(IF_MATCH, header_value(&etag)?))
                .await?;
            match response.status() {
                status if status.is_success() => {
                    let resource = self.written(url, response, value).await?;
                    return Ok(Updated {
                        resource,
                        attempts: attempt + 1,
                        conflicts,
                    });
                }
                StatusCode::PRECONDITION_FAILED => {
                    conflicts += 1;
                    current_etag = reported_etag(response).await.or(current_etag);
                }
                StatusCode::SERVICE_UNAVAILABLE => {
                    // Not handled: wait as asked (within the cap), then start again.
                    let wait = retry_after(response.headers(), self.retry.max);
                    tokio::time::sleep(wait).await;
                }
                _ => return Err(refused(response).await),
            }
        }
        Err(Error::Conflict {
            attempts: self.retry.attempts.max(1),
            current_etag,
        })
    }

    /// Create-only: PUT `value` to `url` with `If-None-Match: *`. [`Error::AlreadyExists`] if
    /// the resource is already there.
    pub async fn create<T>(&self, url: &str, value: T) -> Result<Resource<T>, Error>
    where
        T: Serialize + DeserializeOwned,
    {
        let request = self
            .http
            .put(url)
            .header(IF_NONE_MATCH, "*")
            .json(&serde_json::to_value(&value).map_err(Error::Decode)?);
        let response = self.send_write(request).await?;
        match response.status() {
            status if status.is_success() => self.written(url, response, value).await,
            StatusCode::PRECONDITION_FAILED => Err(Error::AlreadyExists {
                current_etag: reported_etag(response).await,
            }),
            _ => Err(refused(response).await),
        }
    }

    /// Delete-if-unchanged: DELETE `url` with `If-Match: etag`. [`Error::Conflict`] (one
    /// attempt) if the resource changed since `etag`.
    pub async fn delete(&self, url: &str, etag: &ETag) -> Result<(), Error> {
        let request = self.http.delete(url).header(IF_MATCH, header_value(etag)?);
        let response = self.send_write(request).await?;
        match response.status() {
            status if status.is_success() => {
                self.forget(url);
                Ok(())
            }
            StatusCode::PRECONDITION_FAILED => Err(Error::Conflict {
                attempts: 1,
                current_etag: reported_etag(response).await,
            }),
            _ => Err(refused(response).await),
        }
    }

    /// GET `url`: the value, and its JSON as read (for a merge patch). Transient failures
    /// (5xx, transport errors) are retried within the attempts, as a GET is safe to repeat.
    async fn read<T: DeserializeOwned>(&self, url: &str) -> Result<(Resource<T>, Value), Error> {
        let mut last = None;
        for attempt in 0..self.retry.attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(self.retry.delay(attempt - 1)).await;
            }
            let cached = self.cached(url);
            let mut request = self.http.get(url);
            if let Some(entry) = &cached {
                if let Some(etag) = &entry.etag {
                    request = request.header(IF_NONE_MATCH, header_value(etag)?);
                } else if let Some(date) = &entry.last_modified_header {
                    request = request.header(IF_MODIFIED_SINCE, date.clone());
                }
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(error) => {
                    last = Some(Error::Transport(error));
                    continue;
                }
            };
            let status = response.status();
            if status == StatusCode::NOT_MODIFIED
                && let Some(entry) = cached
            {
                let value = serde_json::from_slice(&entry.body).map_err(Error::Decode)?;
                let raw = serde_json::from_slice(&entry.body).map_err(Error::Decode)?;
                return Ok((
                    Resource {
                        value,
                        etag: entry.etag,
                        last_modified: entry.last_modified,
                        from_cache: true,
                    },
                    raw,
                ));
            }
            if status.is_success() {
                let (etag, last_modified, last_modified_header) = validators(response.headers());
                let body = match response.bytes().await {
                    Ok(body) => body,
                    Err(error) => {
                        last = Some(Error::Transport(error));
                        continue;
                    }
                };
                let value = serde_json::from_slice(&body).map_err(Error::Decode)?;
                let raw = serde_json::from_slice(&body).map_err(Error::Decode)?;
                self.remember(url, || Entry {
                    etag: etag.clone(),
                    last_modified,
                    last_modified_header,
                    body: body.clone(),
                });
                return Ok((
                    Resource {
                        value,
                        etag,
                        last_modified,
                        from_cache: false,
                    },
                    raw,
                ));
            }
            if status.is_server_error() {
                let wait = (status == StatusCode::SERVICE_UNAVAILABLE)
                    .then(|| retry_after(response.headers(), self.retry.max));
                last = Some(refused(response).await);
                if let Some(wait) = wait {
                    tokio::time::sleep(wait).await;
                }
                continue;
            }
            return Err(refused(response).await);
        }
        Err(last.unwrap_or(Error::Conflict {
            attempts: 0,
            current_etag: None,
        }))
    }

    /// Sends a write once: a transport error is returned as it is (its outcome is unknown).
    async fn send_write(&self, request: reqwest::RequestBuilder) -> Result<Response, Error> {
        Ok(request.send().await?)
    }

    /// The representation after a successful write: the response's JSON if it has a body,
    /// else `written`; the response's validators.
    async fn written<T: DeserializeOwned>(
        &self,
        url: &str,
        response: Response,
        written: T,
    ) -> Result<Resource<T>, Error> {
        self.forget(url);
        let (etag, last_modified, _) = validators(response.headers());
        let json = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|media| media.starts_with("application/json") || media.contains("+json"));
        let body = response.bytes().await?;
        let value = if json && !body.is_empty() {
            serde_json::from_slice(&body).map_err(Error::Decode)?
        } else {
            written
        };
        Ok(Resource {
            value,
            etag,
            last_modified,
            from_cache: false,
        })
    }

    fn cached(&self, url: &str) -> Option<Entry> {
        let cache = self.cache.as_ref()?;
        cache.lock().unwrap_or_else(|e| e.into_inner()).get(url)
    }

    fn remember(&self, url: &str, entry: impl FnOnce() -> Entry) {
        if let Some(cache) = &self.cache {
            let entry = entry();
            if entry.etag.is_some() || entry.last_modified_header.is_some() {
                let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
                cache.insert(url, entry);
            }
        }
    }

    fn forget(&self, url: &str) {
        if let Some(cache) = &self.cache {
            cache.lock().unwrap_or_else(|e| e.into_inner()).remove(url);
        }
    }
}

/// An entity tag as a request header value (every byte of a parsed tag is valid in one).
fn header_value(etag: &ETag) -> Result<HeaderValue, Error> {
    HeaderValue::from_bytes(etag.as_bytes()).map_err(|_| Error::NoEtag {
        weak: Some(etag.to_string()),
    })
}

/// `ETag` and `Last-Modified` of a response (the date also as sent, for `If-Modified-Since`).
fn validators(headers: &HeaderMap) -> (Option<ETag>, Option<SystemTime>, Option<HeaderValue>) {
    let etag = headers
        .get(ETAG)
        .and_then(|value| ETag::parse(value.as_bytes()).ok());
    let date = headers.get(LAST_MODIFIED);
    let last_modified =
        date.and_then(|value| precond_core::date::parse_http_date(value.as_bytes()));
    (etag, last_modified, last_modified.and(date.cloned()))
}

/// The current `ETag` a 412 reports: its `ETag` header, or a precond body's `current_etag`.
async fn reported_etag(response: Response) -> Option<String> {
    let header = response
        .headers()
        .get(ETAG)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    if header.is_some() {
        return header;
    }
    let body: Value = serde_json::from_slice(&response.bytes().await.ok()?).ok()?;
    body.get("current_etag")?.as_str().map(str::to_owned)
}

/// The error for an answer that ends the operation: 428, 404/410, or another status.
async fn refused(response: Response) -> Error {
    let status = response.status();
    match status {
        StatusCode::NOT_FOUND | StatusCode::GONE => Error::Gone { status },
        StatusCode::PRECONDITION_REQUIRED => {
            let text = body_text(response).await;
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|body| body.get("message")?.as_str().map(str::to_owned))
                .unwrap_or(text);
            let asked_for = ["If-Match", "If-Unmodified-Since", "If-None-Match"]
                .into_iter()
                .filter(|field| message.contains(field))
                .collect();
            Error::PreconditionRequired { asked_for, message }
        }
        _ => Error::Status {
            status,
            body: body_text(response).await,
        },
    }
}

/// At most 4 KiB of a body, as text.
async fn body_text(response: Response) -> String {
    let bytes = response.bytes().await.unwrap_or_default();
    let end = bytes.len().min(4096);
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// How long a 503 asks to wait (`Retry-After` in seconds or as a date), at most `cap`; a short
/// default without it.
fn retry_after(headers: &HeaderMap, cap: Duration) -> Duration {
    let asked = headers.get(RETRY_AFTER).and_then(|value| {
        let text = value.to_str().ok()?.trim();
        match text.parse::<u64>() {
            Ok(seconds) => Some(Duration::from_secs(seconds)),
            Err(_) => precond_core::date::parse_http_date(text.as_bytes())?
                .duration_since(SystemTime::now())
                .ok(),
        }
    });
    asked.unwrap_or(Duration::from_millis(100)).min(cap)
}
