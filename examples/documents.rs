//! A small document API whose writes cannot lose updates.
//!
//! ```sh
//! cargo run --example documents        # serves on 127.0.0.1:3000 (PORT overrides the port)
//! ```
//!
//! - `GET` / `HEAD /documents/{id}`: 200 with `ETag` and `Last-Modified`, 304 when the client's
//!   copy is fresh (`If-None-Match` / `If-Modified-Since`), 404 when absent. A single byte
//!   `Range` gets 206 (416 when unsatisfiable), honouring `If-Range`.
//! - `PUT /documents/{id}` with `{"title": ..., "text": ...}` (`text` optional): requires
//!   `If-Match` or `If-Unmodified-Since` (428 otherwise, also for an absent id); 412 with the
//!   current ETag when the client's copy is stale; `If-None-Match: *` creates (201) only if the
//!   document does not exist.
//! - `PATCH /documents/{id}` with an `application/merge-patch+json` body (RFC 7396): same
//!   policy. 415 for another media type, 400 for invalid JSON, 422 for a patch that would leave
//!   an invalid document, or that names `id` or `version` (the server owns them).
//! - `DELETE /documents/{id}`: requires `If-Match` or `If-Unmodified-Since`; 204.
//!
//! `#[conditional]` checks the preconditions against the document loaded by `#[current(...)]`
//! before the handler's body runs. The store then writes only if the document is still the one
//! that was checked (compare-and-swap), so two writers holding the same ETag never both succeed.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use precond::axum::{Rejected, Tagged};
use precond::{Rejection, Versioned, conditional};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A document as clients see it. Its ETag is its version (`"1"`, `"2"`, ...): strong, and
/// nothing to hash.
#[derive(Clone, Serialize, Versioned)]
struct Document {
    id: u64,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[versioned(version)]
    version: u64,
    #[serde(skip)]
    #[versioned(last_modified, skip)]
    modified: SystemTime,
}

/// What clients write: the body of a PUT, and what a PATCH must leave behind. The server owns
/// `id` and `version`, and refuses members it does not know rather than drop them silently.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Content {
    title: String,
    text: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The store: in memory, with compare-and-swap writes.

#[derive(Clone, Default)]
struct Store(Arc<Mutex<Documents>>);

#[derive(Default)]
struct Documents {
    live: BTreeMap<u64, Document>,
    /// The last state of each deleted document. A document created again under its id
    /// continues its version and date, so no ETag or date ever names two different documents:
    /// a client still holding the deleted one's gets 412, it cannot overwrite the new one.
    deleted: BTreeMap<u64, Document>,
}

impl Store {
    /// Document 42, last modified at a fixed instant so that runs are reproducible.
    fn seeded() -> Store {
        let store = Store::default();
        let seed = Document {
            id: 42,
            title: "My Document".to_owned(),
            text: None,
            version: 1,
            modified: UNIX_EPOCH + Duration::from_secs(1_735_689_600), // Wed, 01 Jan 2025 00:00:00 GMT
        };
        store.lock().live.insert(seed.id, seed);
        store
    }

    fn lock(&self) -> MutexGuard<'_, Documents> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, id: u64) -> Option<Document> {
        self.lock().live.get(&id).cloned()
    }

    /// Stores `content` as the next version of `current`, or as a new document if `current` is
    /// `None`, but only if the stored document is still `current`: the preconditions were
    /// checked against `current`, and another writer may have come first since.
    fn write(
        &self,
        id: u64,
        current: Option<&Document>,
        content: Content,
    ) -> Result<Document, Rejection> {
        let mut documents = self.lock();
        documents.unchanged(id, current)?;
        let previous = current.or(documents.deleted.get(&id));
        let document = Document {
            id,
            title: content.title,
            text: content.text,
            version: previous.map_or(1, |p| p.version + 1),
            modified: next_modified(previous.map(|p| p.modified)),
        };
        documents.deleted.remove(&id);
        documents.live.insert(id, document.clone());
        Ok(document)
    }

    /// Deletes the document if it is still `current` (compare-and-swap, as [`Store::write`]).
    fn delete(&self, id: u64, current: &Document) -> Result<(), Rejection> {
        let mut documents = self.lock();
        documents.unchanged(id, Some(current))?;
        if let Some(deleted) = documents.live.remove(&id) {
            documents.deleted.insert(id, deleted);
        }
        Ok(())
    }
}

impl Documents {
    /// The compare of compare-and-swap: whether the stored document (or its absence) is still
    /// the one the preconditions were checked against. If not, the 412 the request would have
    /// got had it come second, with the winner's ETag.
    fn unchanged(&self, id: u64, current: Option<&Document>) -> Result<(), Rejection> {
        let stored = self.live.get(&id);
        if stored.map(|d| d.version) == current.map(|d| d.version) {
            Ok(())
        } else {
            Err(Rejection::precondition_failed(
                stored.map(Versioned::validators).as_ref(),
            ))
        }
    }
}

/// The `Last-Modified` of a write: now, truncated to whole seconds (all an HTTP date can say),
/// and at least one second after the previous write's.
///
/// `If-Unmodified-Since` has second precision. Were two writes in the same second to share a
/// date, a client that read the first would send that date, pass the check against the second,
/// and overwrite a change it never saw. Moving the date forward a second per write stops it.
/// In a burst of writes the stored date runs ahead of the clock; the `Last-Modified` header
/// never does (precond sends such a date as now, RFC 9110 §8.8.2.1), so during a burst a client
/// using `If-Unmodified-Since` may get 412 until the clock catches up: a retry, never a lost
/// update. `If-Match` has no such limit.
fn next_modified(previous: Option<SystemTime>) -> SystemTime {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let now = UNIX_EPOCH + Duration::from_secs(seconds);
    match previous {
        Some(previous) => now.max(previous + Duration::from_secs(1)),
        None => now,
    }
}

// ---------------------------------------------------------------------------------------------
// The handlers.

fn app(store: Store) -> Router {
    Router::new()
        .route(
            "/documents/{id}",
            get(get_document)
                .put(put_document)
                .patch(patch_document)
                .delete(delete_document),
        )
        .with_state(store)
}

/// 200 with `ETag` and `Last-Modified` (206 for a `Range`), or 304 without running the body.
/// `no-cache`: caches may keep a copy but must revalidate it, which a 304 makes cheap.
#[conditional(cache_control = "no-cache")]
async fn get_document(
    State(store): State<Store>,
    Path(id): Path<u64>,
    #[current(store.get(id))] current: Option<Document>,
) -> Result<Tagged<Document>, Error> {
    current.map(Tagged::new).ok_or(Error::NotFound)
}

/// Replaces the document (`If-Match` / `If-Unmodified-Since`: 200) or creates it
/// (`If-None-Match: *`: 201). 412 when the condition is false, 428 without one.
#[conditional(require = "If-Match | If-Unmodified-Since | If-None-Match")]
async fn put_document(
    State(store): State<Store>,
    Path(id): Path<u64>,
    #[current(store.get(id))] current: Option<Document>,
    Json(content): Json<Content>,
) -> Result<Tagged<Document>, Error> {
    save(&store, id, current, content)
}

/// Applies a JSON merge patch under the same policy as `PUT`.
#[conditional(require = "If-Match | If-Unmodified-Since | If-None-Match")]
async fn patch_document(
    State(store): State<Store>,
    Path(id): Path<u64>,
    #[current(store.get(id))] current: Option<Document>,
    MergePatch(patch): MergePatch,
) -> Result<Tagged<Document>, Error> {
    let content = patched(current.as_ref(), patch)?;
    save(&store, id, current, content)
}

/// Deletes: 204, or 412 / 428 as for `PUT`.
#[conditional(require = "If-Match | If-Unmodified-Since")]
async fn delete_document(
    State(store): State<Store>,
    Path(id): Path<u64>,
    #[current(store.get(id))] current: Option<Document>,
) -> Result<StatusCode, Error> {
    // Never `None` here: `If-Match` on nothing is a 412, and `If-Unmodified-Since` on nothing
    // is no precondition (428).
    let current = current.ok_or(Error::NotFound)?;
    store.delete(id, &current)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Writes, and answers with the new document and its validators: 200, or 201 if it is new.
fn save(
    store: &Store,
    id: u64,
    current: Option<Document>,
    content: Content,
) -> Result<Tagged<Document>, Error> {
    let document = store.write(id, current.as_ref(), content)?;
    Ok(match current {
        Some(_) => Tagged::new(document),
        None => Tagged::created(document),
    })
}

/// The content `patch` leaves of `current` (of `{}` for a document created by the patch), or
/// 422 if that is not a valid document.
fn patched(current: Option<&Document>, patch: Value) -> Result<Content, Error> {
    // RFC 7396 would let a patch that is not an object replace the whole document.
    let Value::Object(members) = &patch else {
        return Err(Error::Unprocessable(
            "The patch must be a JSON object.".to_owned(),
        ));
    };
    if members.contains_key("id") || members.contains_key("version") {
        return Err(Error::Unprocessable(
            "`id` and `version` belong to the server: leave them out of the patch.".to_owned(),
        ));
    }
    let mut target = match current {
        Some(document) => json!({"title": document.title, "text": document.text}),
        None => json!({}),
    };
    merge(&mut target, patch);
    serde_json::from_value(target).map_err(|e| Error::Unprocessable(e.to_string()))
}

/// RFC 7396 §2: members of an object patch replace the target's, `null` removes one, and a
/// patch that is not an object replaces the whole target.
fn merge(target: &mut Value, patch: Value) {
    let Value::Object(patch) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    if let Value::Object(target) = target {
        for (name, value) in patch {
            if value.is_null() {
                target.remove(&name);
            } else {
                merge(target.entry(name).or_insert(Value::Null), value);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request bodies and errors.

const MERGE_PATCH: &str = "application/merge-patch+json";

/// An `application/merge-patch+json` body: 415 for any other media type, 400 if it is not JSON.
struct MergePatch(Value);

impl<S: Send + Sync> FromRequest<S> for MergePatch {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let media_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(str::trim);
        if !media_type.is_some_and(|media_type| media_type.eq_ignore_ascii_case(MERGE_PATCH)) {
            return Err(Error::UnsupportedMediaType.into_response());
        }
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        serde_json::from_slice(&body)
            .map(MergePatch)
            .map_err(|e| Error::BadRequest(e.to_string()).into_response())
    }
}

/// This API's own errors, as JSON like precond's 412 and 428.
enum Error {
    NotFound,
    BadRequest(String),
    UnsupportedMediaType,
    Unprocessable(String),
    /// Another write won the race after this request's preconditions passed.
    LostRace(Rejection),
}

impl From<Rejection> for Error {
    fn from(rejection: Rejection) -> Self {
        Error::LostRace(rejection)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, error, message) = match self {
            Error::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "No document has this id.".to_owned(),
            ),
            Error::BadRequest(message) => (StatusCode::BAD_REQUEST, "bad_request", message),
            Error::UnsupportedMediaType => {
                let message = format!("Send the patch as {MERGE_PATCH} (RFC 7396).");
                let body = Json(json!({"error": "unsupported_media_type", "message": message}));
                let accept_patch = [("accept-patch", MERGE_PATCH)]; // RFC 5789 §2.2
                return (StatusCode::UNSUPPORTED_MEDIA_TYPE, accept_patch, body).into_response();
            }
            Error::Unprocessable(message) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable_entity",
                message,
            ),
            Error::LostRace(rejection) => return Rejected(rejection).into_response(),
        };
        (status, Json(json!({"error": error, "message": message}))).into_response()
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(3000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("documents: serving on http://{}", listener.local_addr()?);
    axum::serve(listener, app(Store::seeded()))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
