//! What the `documents` examples share, whatever the web framework: the documents, the store
//! with compare-and-swap writes, JSON merge patches, request bodies and the API's errors.
//!
//! `examples/documents.rs` (axum) and `examples/documents_actix.rs` (actix-web) include this file
//! with `#[path = "support/documents.rs"] mod documents;` and add only the routes, the
//! `#[conditional]` handlers, and the few lines that turn a request body or an [`Error`] into
//! their framework's types. Both serve the same API, checked by the same test suite.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use precond::{Rejection, Versioned};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A document as clients see it. Its ETag is its version (`"1"`, `"2"`, ...): strong, and
/// nothing to hash.
#[derive(Clone, Serialize, Versioned)]
pub struct Document {
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
pub struct Content {
    title: String,
    text: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The store: in memory, with compare-and-swap writes.

/// The documents, shared by every request.
#[derive(Clone, Default)]
pub struct Store(Arc<Mutex<Documents>>);

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
    pub fn seeded() -> Store {
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

    /// The document as it is now, if there is one.
    pub fn get(&self, id: u64) -> Option<Document> {
        self.lock().live.get(&id).cloned()
    }

    /// Stores `content` as the next version of `current`, or as a new document if `current` is
    /// `None`, but only if the stored document is still `current`: the preconditions were
    /// checked against `current`, and another writer may have come first since.
    pub fn write(
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
    pub fn delete(&self, id: u64, current: &Document) -> Result<(), Rejection> {
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
// JSON merge patches (RFC 7396).

/// The content `patch` leaves of `current` (of `{}` for a document created by the patch), or
/// 422 if that is not a valid document.
pub fn patched(current: Option<&Document>, patch: Value) -> Result<Content, Error> {
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
// Request bodies.

/// The media type of PATCH bodies.
pub const MERGE_PATCH: &str = "application/merge-patch+json";

/// The largest request body read, in bytes (2 MiB, axum's default limit): 413 beyond.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The media types a request body may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// A PUT: `application/json`, or any `application/...+json`.
    Json,
    /// A PATCH: `application/merge-patch+json` only.
    MergePatch,
}

impl Media {
    /// Whether a request whose `Content-Type` is `content_type` has this media type (its
    /// parameters, such as `charset`, are ignored); 415 if not.
    pub fn check(self, content_type: Option<&[u8]>) -> Result<(), Error> {
        let essence = content_type
            .and_then(|value| std::str::from_utf8(value).ok())
            .and_then(|value| value.split(';').next())
            .map(|essence| essence.trim().to_ascii_lowercase());
        let accepted = essence.is_some_and(|essence| match self {
            Media::Json => {
                essence == "application/json"
                    || essence.strip_prefix("application/").is_some_and(|subtype| {
                        subtype.len() > "+json".len() && subtype.ends_with("+json")
                    })
            }
            Media::MergePatch => essence == MERGE_PATCH,
        });
        if accepted {
            Ok(())
        } else {
            Err(Error::UnsupportedMediaType(self))
        }
    }
}

/// A JSON body as `T`: 400 if it is not JSON, 422 if it is JSON but not a `T`.
pub fn from_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => Error::Unprocessable(e.to_string()),
        _ => Error::BadRequest(e.to_string()),
    })
}

// ---------------------------------------------------------------------------------------------
// Errors.

/// This API's own errors, sent as JSON like precond's 412 and 428:
/// `{"error": "<kind>", "message": "<what to do>"}`.
#[derive(Debug)]
pub enum Error {
    /// 404: no document has this id.
    NotFound,
    /// 400: the `{id}` of the path is not a number.
    InvalidId,
    /// 400: a body that is not JSON, or that could not be read.
    BadRequest(String),
    /// 413: a body larger than [`BODY_LIMIT`].
    PayloadTooLarge,
    /// 415: a body of another media type than the one named.
    UnsupportedMediaType(Media),
    /// 422: JSON, but not a valid document (or patch).
    Unprocessable(String),
    /// 412: another write won the race after this request's preconditions passed; precond's
    /// `Rejected` answers it, with the winner's ETag.
    LostRace(Rejection),
}

impl From<Rejection> for Error {
    fn from(rejection: Rejection) -> Self {
        Error::LostRace(rejection)
    }
}

impl Error {
    /// The status code.
    pub fn status(&self) -> u16 {
        match self {
            Error::NotFound => 404,
            Error::InvalidId | Error::BadRequest(_) => 400,
            Error::PayloadTooLarge => 413,
            Error::UnsupportedMediaType(_) => 415,
            Error::Unprocessable(_) => 422,
            Error::LostRace(rejection) => rejection.status().as_u16(),
        }
    }

    /// The headers besides `Content-Type: application/json`.
    pub fn headers(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            // RFC 5789 §2.2: a 415 to a PATCH says which patch formats are accepted.
            Error::UnsupportedMediaType(Media::MergePatch) => &[("accept-patch", MERGE_PATCH)],
            _ => &[],
        }
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        match self {
            Error::LostRace(rejection) => rejection.body().unwrap_or_default(),
            _ => {
                let (error, message) = self.describe();
                json!({"error": error, "message": message}).to_string()
            }
        }
    }

    /// The `error` and `message` members of the body.
    fn describe(&self) -> (&'static str, String) {
        match self {
            Error::NotFound => ("not_found", "No document has this id.".to_owned()),
            Error::InvalidId => (
                "bad_request",
                format!("Document ids are whole numbers from 0 to {}.", u64::MAX),
            ),
            Error::BadRequest(message) => ("bad_request", message.clone()),
            Error::PayloadTooLarge => (
                "payload_too_large",
                format!("The body may not exceed {BODY_LIMIT} bytes."),
            ),
            Error::UnsupportedMediaType(Media::Json) => (
                "unsupported_media_type",
                "Send the document as application/json.".to_owned(),
            ),
            Error::UnsupportedMediaType(Media::MergePatch) => (
                "unsupported_media_type",
                format!("Send the patch as {MERGE_PATCH} (RFC 7396)."),
            ),
            Error::Unprocessable(message) => ("unprocessable_entity", message.clone()),
            Error::LostRace(rejection) => ("precondition_failed", rejection.message()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (error, message) = self.describe();
        write!(f, "{error}: {message}")
    }
}
