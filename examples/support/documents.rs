//! What the `documents` examples share, whatever the web framework: the documents, the store
//! (SQLite or PostgreSQL, written with precond::sqlx's atomic conditional statements), JSON merge patches, request bodies and the API's errors.
//!
//! `examples/documents.rs` (axum) and `examples/documents_actix.rs` (actix-web) include this file
//! with `#[path = "support/documents.rs"] mod documents;` and add only the routes, the
//! `#[conditional]` handlers, and the few lines that turn a request body or an [`Error`] into
//! their framework's types. Both serve the same API, checked by the same test suite.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use precond::Versioned;
use precond::sqlx::{Changes, Record, Table, UnixSeconds, WriteError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Database, Encode, PgPool, SqlitePool, Type};

/// A document as clients see it, and as a row of the `documents` table. Its ETag is its
/// version (`"1"`, `"2"`, ...): strong, and nothing to hash.
#[derive(Clone, Serialize, sqlx::FromRow, Versioned, utoipa::ToSchema)]
pub struct Document {
    id: i64,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[versioned(version)]
    version: i64,
    #[serde(skip)]
    #[versioned(last_modified, skip)]
    modified: UnixSeconds,
}

/// Where documents are stored, and which columns carry their version, date and tombstone.
impl Record for Document {
    const TABLE: Table = Table::new("documents")
        .last_modified("modified")
        .tombstone("deleted");

    fn version(&self) -> i64 {
        self.version
    }
}

/// What clients write: the body of a PUT, and what a PATCH must leave behind. The server owns
/// `id` and `version`, and refuses members it does not know rather than drop them silently.
///
/// A PUT may send back the very representation that GET returned, changed: its `id` must be
/// the path's (422 if not), and its `version` is ignored, since the precondition (`If-Match`)
/// is what says which version the client changed.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Content {
    #[serde(default)]
    id: Option<i64>,
    title: String,
    text: Option<String>,
    #[serde(default, rename = "version")]
    _version: Option<i64>,
}

impl Content {
    /// The columns this content sets.
    fn changes<'q, DB: Database>(self) -> Changes<'q, DB>
    where
        String: Encode<'q, DB> + Type<DB>,
        Option<String>: Encode<'q, DB> + Type<DB>,
    {
        Changes::new()
            .set("title", self.title)
            .set("text", self.text)
    }
}

// ---------------------------------------------------------------------------------------------
// The store: a table in SQLite or PostgreSQL, written only by precond::sqlx's conditional
// statements, so that no update is lost, whatever the number of server processes.

/// The table, created at start if it is not there. A deleted document stays as a tombstone
/// (`deleted`), so a document created again under its id continues its version and date: no
/// ETag or date ever names two different documents.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS documents (
    id BIGINT PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT,
    version BIGINT NOT NULL,
    modified BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE
)";

/// Document 42, last modified at a fixed instant (Wed, 01 Jan 2025 00:00:00 GMT) so that runs
/// are reproducible; only if there is no document 42 yet.
const SEED: &str = "INSERT INTO documents (id, title, version, modified)
    VALUES (42, 'My Document', 1, 1735689600) ON CONFLICT (id) DO NOTHING";

/// The documents' database, shared by every request (and by every server process that opens
/// the same `DATABASE_URL`).
#[derive(Clone)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the store's pool, whichever database it is.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            Store::Sqlite($pool) => $body,
            Store::Postgres($pool) => $body,
        }
    };
}

impl Store {
    /// The database at `DATABASE_URL` (`postgres://...`, or `sqlite://path` for a file shared
    /// by several processes), or, without one, a fresh SQLite database in memory: nothing to
    /// install. Creates the table and the seed if they are not there.
    pub async fn open() -> Result<Store, sqlx::Error> {
        let store = match std::env::var("DATABASE_URL") {
            Ok(url) if url.starts_with("postgres:") || url.starts_with("postgresql:") => {
                let pool = PgPoolOptions::new()
                    .max_connections(10)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_lazy(&url)?;
                Store::Postgres(pool)
            }
            Ok(url) => {
                let options = SqliteConnectOptions::from_str(&url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(5));
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await?;
                Store::Sqlite(pool)
            }
            Err(_) => {
                // An in-memory database lives as long as its connection: keep exactly one.
                let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(options)
                    .await?;
                Store::Sqlite(pool)
            }
        };
        on_pool!(&store, pool => {
            sqlx::query(SCHEMA).execute(pool).await?;
            sqlx::query(SEED).execute(pool).await?;
        });
        Ok(store)
    }

    /// Which database this is, for the start-up line.
    pub fn describe(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "SQLite",
            Store::Postgres(_) => "PostgreSQL",
        }
    }

    /// The document as it is now, if there is one: the `#[current]` load.
    pub async fn get(&self, Id(key): Id) -> Result<Option<Document>, Error> {
        let document = on_pool!(self, pool => precond::sqlx::fetch(pool, key).await);
        document.map_err(Error::Store)
    }

    /// Stores `content` as the next version of `current`, or as a new document if `current` is
    /// `None`, in one statement conditioned on `current` being still what is stored: the
    /// preconditions were checked against `current`, and another writer (in this process or
    /// another) may have come first since. If so, the 412 with the winner's ETag.
    pub async fn write(
        &self,
        Id(key): Id,
        current: Option<&Document>,
        content: Content,
    ) -> Result<Document, Error> {
        if let Some(other) = content.id
            && other != key
        {
            return Err(Error::Unprocessable(format!(
                "The body's `id` is {other}, but this is document {key}: send it back unchanged, \
                 or leave it out."
            )));
        }
        let document = on_pool!(self, pool => {
            precond::sqlx::write(pool, key, current, content.changes()).await
        });
        document.map_err(Error::Store)
    }

    /// Deletes the document if it is still `current` (as [`Store::write`]).
    pub async fn delete(&self, Id(key): Id, current: &Document) -> Result<(), Error> {
        on_pool!(self, pool => precond::sqlx::delete(pool, key, current).await)
            .map_err(Error::Store)
    }
}

/// A document id, from the path: a whole number from 0 to the largest `BIGINT`, the table's key
/// (anything else is 400 before any other extractor runs).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "u64")]
pub struct Id(i64);

impl TryFrom<u64> for Id {
    type Error = &'static str;

    fn try_from(id: u64) -> Result<Self, Self::Error> {
        i64::try_from(id)
            .map(Id)
            .map_err(|_| "beyond the largest id")
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

/// The methods a document answers, as a 405's `Allow` lists them.
pub const ALLOW: &str = "GET,HEAD,PUT,PATCH,DELETE";

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
    /// 404: no route for this path.
    NoRoute,
    /// 405: the path has a route, but not for this method.
    MethodNotAllowed,
    /// 400: the body could not be read whole (the connection ended, or the body was shorter
    /// than its `Content-Length`).
    BodyUnreadable,
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
    /// 412: another write won the race after this request's preconditions passed, with the
    /// winner's ETag; or 503 (`Retry-After`) when the database is out of reach, 500 when it
    /// fails otherwise. precond::sqlx's `WriteError` answers it.
    Store(WriteError),
}

impl Error {
    /// The status code.
    pub fn status(&self) -> u16 {
        match self {
            Error::NotFound | Error::NoRoute => 404,
            Error::MethodNotAllowed => 405,
            Error::InvalidId | Error::BadRequest(_) | Error::BodyUnreadable => 400,
            Error::PayloadTooLarge => 413,
            Error::UnsupportedMediaType(_) => 415,
            Error::Unprocessable(_) => 422,
            Error::Store(error) => error.status(),
        }
    }

    /// The headers besides `Content-Type: application/json`.
    pub fn headers(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            // RFC 5789 §2.2: a 415 to a PATCH says which patch formats are accepted.
            Error::UnsupportedMediaType(Media::MergePatch) => &[("accept-patch", MERGE_PATCH)],
            // RFC 9110 §15.5.6: a 405 lists the methods the resource supports.
            Error::MethodNotAllowed => &[("allow", ALLOW)],
            _ => &[],
        }
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        match self {
            Error::Store(error) => error.body(),
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
            Error::NoRoute => (
                "not_found",
                "Nothing is served here: documents are at /documents/{id}, {id} a whole number."
                    .to_owned(),
            ),
            Error::MethodNotAllowed => (
                "method_not_allowed",
                "A document answers GET, HEAD, PUT, PATCH and DELETE.".to_owned(),
            ),
            Error::BodyUnreadable => (
                "bad_request",
                "The request body could not be read whole: the connection ended before it \
                 was complete. Send the request again."
                    .to_owned(),
            ),
            Error::InvalidId => (
                "bad_request",
                format!("Document ids are whole numbers from 0 to {}.", i64::MAX),
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
            Error::Store(error) => ("store", error.to_string()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (error, message) = self.describe();
        write!(f, "{error}: {message}")
    }
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document (`GET /openapi.json`): what each operation answers by itself. Each
// handler's `#[conditional]`, written above its `#[utoipa::path]`, adds what precond answers
// (304, 206, 412, 416, 428, the precondition headers, `ETag` and `Last-Modified`) through
// `precond::openapi::Conditional`.

use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{
    ContentBuilder, Header, OpenApi, Ref, RefOr, Required, Response, ResponseBuilder,
};

/// A JSON merge patch (RFC 7396) of a document: the members to change; `"text": null` removes
/// the text. `id` and `version` belong to the server (422).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documentation only: the patch is read as a JSON value
pub struct DocumentPatch {
    title: Option<String>,
    text: Option<String>,
}

/// This API's error body: `{"error": ..., "message": ...}`; a 500 or 503 from the store adds
/// `retryable`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documentation only: errors are written by `Error::body`
pub struct ApiError {
    /// A code: `not_found`, `bad_request`, `payload_too_large`, `unsupported_media_type`,
    /// `unprocessable_entity`, `service_unavailable`, `internal_error`.
    error: String,
    /// What happened and what to do.
    message: String,
    /// Whether sending the same request again may succeed (500 and 503 only).
    retryable: Option<bool>,
}

/// The document: its title, the schemas, and `GET /openapi.json` itself.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "documents",
        description = "Documents whose writes cannot lose updates: every write is conditional \
                       (If-Match with the ETag of your copy), and a 412 says what to do next."
    ),
    components(schemas(Document, Content, DocumentPatch, ApiError))
)]
pub struct Api;

/// The `{id}` path parameter.
pub struct IdParam;

impl utoipa::IntoParams for IdParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let id = utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::Integer)
            .minimum(Some(0))
            .maximum(Some(i64::MAX as f64))
            .build();
        vec![
            ParameterBuilder::new()
                .name("id")
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some("The document's id: a whole number (400 otherwise)."))
                .schema(Some(id))
                .build(),
        ]
    }
}

/// A response of this API's own, by status.
fn answer(status: u16, method: &str) -> Response {
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ApiError")))
                    .build(),
            )
            .build()
    };
    let document = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Document")))
                    .build(),
            )
            .build()
    };
    match status {
        200 if method == "GET" => document("The document."),
        200 => document("Written: the document as it now is, with its new ETag."),
        201 => document("Created (If-None-Match: *): the new document, with its ETag."),
        204 => ResponseBuilder::new().description("Deleted.").build(),
        400 => error("The id is not a number, the body is not JSON, or it ended early."),
        404 => error("No document has this id."),
        413 => error("The body is larger than 2 MiB."),
        415 if method == "PATCH" => {
            let mut response = error("The body is not application/merge-patch+json.");
            response.headers.insert(
                "Accept-Patch".to_owned(),
                header("The patch format accepted: application/merge-patch+json."),
            );
            response
        }
        415 => error("The body is not application/json."),
        422 => error("JSON, but not a document (unknown members, an id other than the path's)."),
        500 => error("The database failed; nothing was written, or the outcome is unknown."),
        503 => {
            let mut response =
                error("The database is out of reach for a moment; nothing was written.");
            response.headers.insert(
                "Retry-After".to_owned(),
                header("How many seconds to wait before retrying."),
            );
            response
        }
        _ => error("Another error."),
    }
}

fn header(description: &str) -> Header {
    let mut header = Header::new(utoipa::openapi::schema::Object::with_type(
        utoipa::openapi::Type::String,
    ));
    header.description = Some(description.to_owned());
    header
}

macro_rules! answers {
    ($($name:ident: $method:literal => [$($status:literal),*];)*) => {$(
        #[doc = concat!("What ", $method, " answers by itself (precond adds the rest).")]
        pub struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
                [$($status),*]
                    .into_iter()
                    .map(|status: u16| (status.to_string(), RefOr::T(answer(status, $method))))
                    .collect()
            }
        }
    )*};
}

answers! {
    ReadAnswers: "GET" => [200, 400, 404, 500, 503];
    PutAnswers: "PUT" => [200, 201, 400, 413, 415, 422, 500, 503];
    PatchAnswers: "PATCH" => [200, 201, 400, 413, 415, 422, 500, 503];
    DeleteAnswers: "DELETE" => [204, 400, 500, 503];
}

/// The finished document: precond's contract added to each operation, and `GET /openapi.json`
/// itself listed.
pub fn finish(mut api: OpenApi) -> OpenApi {
    use utoipa::Modify;
    precond::openapi::Conditional.modify(&mut api);
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            operation.tags = Some(vec!["documents".to_owned()]);
        }
    }
    let this = utoipa::openapi::path::OperationBuilder::new()
        .summary(Some("This document"))
        .operation_id(Some("openapi"))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The OpenAPI 3.1 document of this API.")
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(utoipa::openapi::schema::Object::with_type(
                            utoipa::openapi::Type::Object,
                        )))
                        .build(),
                )
                .build(),
        )
        .build();
    api.paths.paths.insert(
        "/openapi.json".to_owned(),
        utoipa::openapi::path::PathItem::new(utoipa::openapi::HttpMethod::Get, this),
    );
    api
}
