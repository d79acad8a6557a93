//! Atomic conditional writes on PostgreSQL and SQLite, through sqlx 0.8: the check and the write
//! as one step, so that no update is ever lost, across any number of server processes.
//!
//! `#[conditional]` checks a request's preconditions against the record it loaded. Between that
//! check and the write, another request, in this process or another replica, may write the same
//! row: a plain `UPDATE` would then overwrite a change the client never saw. The writes of this
//! module are conditioned, **in the same statement**, on the version that was checked:
//!
//! ```sql
//! UPDATE documents SET title = $1, version = version + 1, modified = GREATEST($4, modified + 1)
//!  WHERE id = $2 AND version = $3
//! RETURNING *
//! ```
//!
//! A write that touches no row lost the race. It is answered with the `412 Precondition Failed`
//! the check would have given had the other write come first, with the winner's `ETag` and
//! `Last-Modified` (or, if the row is gone, the 412 of a resource that does not exist). There is
//! no read-then-write anywhere: PostgreSQL re-checks the `WHERE` against the newest row after
//! waiting for a concurrent writer (READ COMMITTED), and SQLite runs one writer at a time.
//!
//! | call | statement | when it touches no row |
//! |---|---|---|
//! | [`fetch`] | `SELECT` by key (tombstones excluded) | `None`: the resource does not exist |
//! | [`update`] | `UPDATE ... WHERE key AND version = checked` | 412 with the winner's validators |
//! | [`create`] | `INSERT ... ON CONFLICT (key) DO NOTHING` (or revive a tombstone) | 412 with the winner's validators |
//! | [`delete`] | `DELETE ... WHERE key AND version = checked` (or leave a tombstone) | 412, as for `update` |
//! | [`write()`] | `update` when the check saw the record, `create` when it saw none | as those |
//!
//! # The safe path is the short one
//!
//! Each write takes the record the preconditions were checked against, the `#[current]` value,
//! and nothing else tells it which version to expect: a handler that writes with a plain
//! `sqlx::query("UPDATE ...")` instead is visibly the odd one out.
//!
//! ```no_run
//! use axum::extract::{Path, State};
//! use precond::axum::Tagged;
//! use precond::sqlx::{Changes, Record, Table, UnixSeconds, WriteError};
//! use precond::{Versioned, conditional};
//! use sqlx::SqlitePool;
//!
//! #[derive(serde::Serialize, sqlx::FromRow, Versioned)]
//! struct Document {
//!     id: i64,
//!     title: String,
//!     #[versioned(version)]
//!     version: i64,
//!     #[serde(skip)]
//!     #[versioned(last_modified, skip)]
//!     modified: UnixSeconds,
//! }
//!
//! impl Record for Document {
//!     const TABLE: Table = Table::new("documents").last_modified("modified");
//!     fn version(&self) -> i64 {
//!         self.version
//!     }
//! }
//!
//! #[conditional(require = "If-Match")]
//! async fn put_document(
//!     State(db): State<SqlitePool>,
//!     Path(id): Path<i64>,
//!     #[current(precond::sqlx::fetch::<_, Document, _>(&db, id).await)] current: Option<Document>,
//!     title: String,
//! ) -> Result<Tagged<Document>, WriteError> {
//!     // `require = "If-Match"` and a passing check: the document existed when it was checked.
//!     let current = current.ok_or(WriteError::absent())?;
//!     let document = precond::sqlx::update(&db, id, &current, Changes::new().set("title", title)).await?;
//!     Ok(Tagged::new(document))
//! }
//! ```
//!
//! # Where the ETag comes from
//!
//! - **A version column** (`Table::new(..).version("version")`, the default name), an integer
//!   that every write of this module increments, read by `#[versioned(version)]`. Cheapest: the
//!   ETag is the number, nothing is hashed.
//! - **PostgreSQL's `xmin`** (`Table::new(..).xmin("version")`): the id of the transaction that
//!   wrote the row, selected as `xmin::text::bigint AS version`. No column to add or maintain,
//!   and it changes with every write, by this module or by anyone else's SQL (a version column
//!   changes only if every writer increments it). It is 32 bits: a row left untouched while four
//!   billion transactions pass could, in theory, show an old tag again. `VACUUM FULL` and
//!   restores rewrite it, which only makes clients re-fetch.
//! - **A hashed ETag** (no version column): the hash of a row cannot go into a `WHERE`, so hold
//!   the row from the check to the write instead: load the `#[current]` record with
//!   `SELECT ... FOR UPDATE` in a transaction that the handler commits after writing (see
//!   [`fetch_for_update`]), or store the hash in a column and condition on that.
//!
//! # Deleted rows and re-created ones
//!
//! With a version column, a row deleted and created again would start at version 1 again, and a
//! client still holding the old row's `"1"` could overwrite the new one. A table with a
//! [`tombstone`](Table::tombstone) column keeps the deleted row, marked, so its version goes on:
//! no ETag ever names two different documents. Without one, use `xmin` or accept the reuse.
//!
//! # `Last-Modified` and `If-Unmodified-Since`
//!
//! An HTTP date has one-second precision, so `If-Unmodified-Since` can only be safe if no two
//! states of a row share a second. With a [`last_modified`](Table::last_modified) column (whole
//! seconds since the Unix epoch, [`UnixSeconds`]), every write of this module stamps it, in the
//! same statement, with
//!
//! ```text
//! max(now + 1 s, previous + 1 s)        (now truncated to the second)
//! ```
//!
//! - A client that echoes the `Last-Modified` it read (`L`) is refused once anyone has written
//!   since: every later write stamps at least `L + 1`.
//! - A client that sends the `Date` of its read (`T`) is refused too, even for a write within
//!   the same second `T`: that write is stamped at least `T + 1`.
//!
//! The stored date may therefore run ahead of the clock, by a second after a write and by more
//! in a burst. precond never sends a `Last-Modified` later than now (RFC 9110 §8.8.2.1), so a
//! client using `If-Unmodified-Since` may get 412 for a while after a write: a re-fetch and a
//! retry, never a lost update. `If-Match` has no such limit; prefer it. "now" is this process's
//! clock, the one its `Date` headers come from: replicas must keep their clocks in step
//! (within the second) for the `Date` guarantee to hold across them.
//!
//! A store written by hand must do the same: stamp each write at least one second after both
//! the previous stamp and the start of the current second, atomically with the write.
//!
//! # Errors
//!
//! Database failures come back as [`WriteError::Database`]. As a response (axum's
//! `IntoResponse`, actix-web's `ResponseError`), a failure to reach the database (pool timeout,
//! I/O, a server shutting down, SQLite busy) is `503 Service Unavailable` with `Retry-After: 1`,
//! anything else `500`, both with a JSON body; a lost race is precond's 412.
//!
//! Column and table names are written into the SQL as given: they are `&'static str` constants
//! of your code, never request input.

mod dialect;
mod response;
mod statement;
mod time;

use std::future::Future;
use std::pin::Pin;

use precond_core::{Rejection, Validators, Versioned};
use sqlx::{Acquire, Database, Encode, FromRow, Type};

pub use dialect::Dialect;
pub use response::WriteError;
use statement::Statement;
pub use time::UnixSeconds;

/// Where a [`Record`] is stored, and which columns carry its version, date and tombstone.
///
/// ```
/// use precond::sqlx::Table;
///
/// // `id` and `version` by default.
/// const DOCUMENTS: Table = Table::new("documents").last_modified("modified").tombstone("deleted");
/// const NOTES: Table = Table::new("notes").key("note_id").xmin("version");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    name: &'static str,
    key: &'static str,
    version: Version,
    last_modified: Option<&'static str>,
    tombstone: Option<&'static str>,
}

/// Where the version of a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// An integer column, incremented by every write.
    Column(&'static str),
    /// PostgreSQL's `xmin`, selected as `xmin::text::bigint AS <alias>`.
    Xmin(&'static str),
}

impl Table {
    /// The table `name`, keyed by `id`, versioned by an integer column `version`; no date
    /// column, no tombstone.
    #[must_use]
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            key: "id",
            version: Version::Column("version"),
            last_modified: None,
            tombstone: None,
        }
    }

    /// The primary key (or unique) column that identifies a row: `id` unless set.
    #[must_use]
    pub const fn key(mut self, column: &'static str) -> Self {
        self.key = column;
        self
    }

    /// The integer column (`BIGINT`, SQLite `INTEGER`) that holds the version: created at 1,
    /// incremented by every write.
    #[must_use]
    pub const fn version(mut self, column: &'static str) -> Self {
        self.version = Version::Column(column);
        self
    }

    /// PostgreSQL's `xmin` as the version, selected as `xmin::text::bigint AS <alias>`, so that
    /// the record's field `alias` receives it. PostgreSQL only: on SQLite every call answers
    /// [`WriteError::Database`] with a configuration error.
    #[must_use]
    pub const fn xmin(mut self, alias: &'static str) -> Self {
        self.version = Version::Xmin(alias);
        self
    }

    /// The integer column of whole seconds since the Unix epoch ([`UnixSeconds`]) that every
    /// write stamps so that `If-Unmodified-Since` can never let a stale write through (see the
    /// [module docs](self#last-modified-and-if-unmodified-since)).
    #[must_use]
    pub const fn last_modified(mut self, column: &'static str) -> Self {
        self.last_modified = Some(column);
        self
    }

    /// A boolean column that marks deleted rows: [`delete`] sets it instead of deleting the
    /// row, [`fetch`] skips such rows, and [`create`] revives one with
    /// its version continued, so that no ETag ever names two different records.
    #[must_use]
    pub const fn tombstone(mut self, column: &'static str) -> Self {
        self.tombstone = Some(column);
        self
    }

    /// The table's name.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

/// A row type that the writes of this module store: its [`Table`], and the version it was read
/// at (the value of the version column, or of `xmin`), which each write expects to find still
/// there.
///
/// ```
/// use precond::Versioned;
/// use precond::sqlx::{Record, Table};
///
/// #[derive(sqlx::FromRow, Versioned)]
/// struct Note {
///     id: i64,
///     body: String,
///     #[versioned(version)]
///     version: i64,
/// }
///
/// impl Record for Note {
///     const TABLE: Table = Table::new("notes");
///     fn version(&self) -> i64 {
///         self.version
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `precond::sqlx::Record`, so precond cannot tell which row and version to write",
    label = "not a `Record`",
    note = "implement `precond::sqlx::Record` for `{Self}`: its `Table` and the version it was read at"
)]
pub trait Record: Versioned + Send + Sync + Unpin + Sized {
    /// Where the rows are, and which columns carry the version and the date.
    const TABLE: Table;

    /// The version this record was read at.
    fn version(&self) -> i64;
}

/// The columns a write sets, with their values: `Changes::new().set("title", title)`.
///
/// The version, date and tombstone columns are the store's: set them here and the statement
/// sets them twice, which the database refuses.
pub struct Changes<'q, DB: Database> {
    columns: Vec<&'static str>,
    arguments: DB::Arguments<'q>,
    error: Option<sqlx::error::BoxDynError>,
}

impl<'q, DB: Database> Default for Changes<'q, DB> {
    fn default() -> Self {
        Self {
            columns: Vec::new(),
            arguments: Default::default(),
            error: None,
        }
    }
}

impl<'q, DB: Database> Changes<'q, DB> {
    /// No change yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `column` to `value`.
    #[must_use]
    pub fn set<V>(mut self, column: &'static str, value: V) -> Self
    where
        V: 'q + Send + Encode<'q, DB> + Type<DB>,
    {
        use sqlx::Arguments as _;
        if let Err(error) = self.arguments.add(value) {
            self.error.get_or_insert(error);
        }
        self.columns.push(column);
        self
    }
}

/// The future of every call of this module: boxed, so that it is `Send` wherever it is awaited
/// (an axum handler's future must be; the compiler cannot yet prove it through the
/// higher-ranked `FromRow` bound at the handler, rust-lang/rust#100013), one allocation per
/// call against a database round trip.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The record stored under `key`, if there is one (and it is not a tombstone): the `#[current]`
/// load of a conditional handler. Its error is a [`WriteError::Database`], a response as it
/// is (503 when the database is out of reach).
///
/// `db` is anything sqlx can take a connection from: `&Pool`, `&mut Transaction`,
/// `&mut Connection`.
pub fn fetch<'a, 'c: 'a, 'q: 'a, DB, T, K>(
    db: impl Acquire<'c, Database = DB> + Send + 'a,
    key: K,
) -> BoxFuture<'a, Result<Option<T>, WriteError>>
where
    DB: Dialect,
    T: Record + for<'r> FromRow<'r, DB::Row> + 'a,
    K: 'q + Send + Encode<'q, DB> + Type<DB>,
{
    Box::pin(async move { Ok(select(db, key, false).await?) })
}

/// [`fetch`] with the row locked until the end of the transaction (`SELECT ... FOR UPDATE`,
/// PostgreSQL): for a record whose ETag is a hash of its fields, which no `WHERE` can compare.
/// Load the `#[current]` record with it inside a transaction, write, and commit: no other
/// writer can change the row between the check and the write. (On SQLite, `BEGIN IMMEDIATE`
/// gives the same guarantee for the whole database; this call is then a plain [`fetch`].)
pub fn fetch_for_update<'a, 'c: 'a, 'q: 'a, DB, T, K>(
    db: impl Acquire<'c, Database = DB> + Send + 'a,
    key: K,
) -> BoxFuture<'a, Result<Option<T>, WriteError>>
where
    DB: Dialect,
    T: Record + for<'r> FromRow<'r, DB::Row> + 'a,
    K: 'q + Send + Encode<'q, DB> + Type<DB>,
{
    Box::pin(async move { Ok(select(db, key, true).await?) })
}

async fn select<'c, 'q, DB, T, K>(
    db: impl Acquire<'c, Database = DB>,
    key: K,
    for_update: bool,
) -> Result<Option<T>, sqlx::Error>
where
    DB: Dialect,
    T: Record + for<'r> FromRow<'r, DB::Row>,
    K: 'q + Send + Encode<'q, DB> + Type<DB>,
{
    let mut connection = db.acquire().await?;
    let mut statement = Statement::<DB>::select(&T::TABLE, for_update)?;
    statement.bind(key);
    statement.fetch_optional(&mut connection).await
}

/// Writes `changes` to the row `key`, only if it is still at the version of `current`, the
/// record the preconditions were checked against; moves the version (and the date) on, and
/// answers the row as stored. If another write came first, the 412 it would have caused.
pub fn update<'a, 'c: 'a, 'q: 'a, DB, T, K>(
    db: impl Acquire<'c, Database = DB> + Send + 'a,
    key: K,
    current: &'a T,
    changes: Changes<'q, DB>,
) -> BoxFuture<'a, Result<T, WriteError>>
where
    DB: Dialect,
    T: Record + for<'r> FromRow<'r, DB::Row> + 'a,
    K: 'q + Send + Clone + Encode<'q, DB> + Type<DB>,
{
    let version = current.version();
    let statement = Statement::update(&T::TABLE, changes, key.clone(), version);
    Box::pin(stored_or_lost(db, statement, key, Some(version)))
}

/// Stores a new record under `key` with `changes`, only if there is none (`If-None-Match: *`),
/// at version 1 (or, over a tombstone, the version after the deleted one's). If the key is
/// taken, the 412 a create gets when the resource exists, with its validators.
pub fn create<'a, 'c: 'a, 'q: 'a, DB, T, K>(
    db: impl Acquire<'c, Database = DB> + Send + 'a,
    key: K,
    changes: Changes<'q, DB>,
) -> BoxFuture<'a, Result<T, WriteError>>
where
    DB: Dialect,
    T: Record + for<'r> FromRow<'r, DB::Row> + 'a,
    K: 'q + Send + Clone + Encode<'q, DB> + Type<DB>,
{
    let statement = Statement::create(&T::TABLE, changes, key.clone());
    Box::pin(stored_or_lost(db, statement, key, None))
}

/// [`update`] if the preconditions were checked against a record, [`create`] if they were
/// checked against none: a PUT that replaces, or creates under `If-None-Match: *`.
pub fn write<'a, 'c: 'a, 'q: 'a, DB, T, K>(
    db: impl Acquire<'c, Database = DB> + Send + 'a,
    key: K,
    current: Option<&'a T>,
    changes: Changes<'q, DB>,
) -> BoxFuture<'a, Result<T, WriteError>>
where
    DB: Dialect,
    T: Record + for<'r> FromRow<'r, DB::Row> + 'a,
    K: 'q + Send + Clone + Encode<'q, DB> + Type<DB>,
{
    match current {
        Some(current) => update(db, key, current, changes),
        None => create(db, key, changes),
    }
}

/// Deletes the row `key` (or marks it with the table's tombstone), only if it is still at the
/// version of `current`. If another write came first, the 412 it would have caused.
pub fn delete<'a, 'c: 'a, 'q: 'a, DB, T, K>(
    db: impl Acquire<'c, Database = DB> + Send + 'a,
    key: K,
    current: &'a T,
) -> BoxFuture<'a, Result<(), WriteError>>
where
    DB: Dialect,
    T: Record + for<'r> FromRow<'r, DB::Row> + 'a,
    K: 'q + Send + Clone + Encode<'q, DB> + Type<DB>,
{
    let version = current.version();
    Box::pin(async move {
        let mut connection = db.acquire().await?;
        let statement = Statement::delete(&T::TABLE, key.clone(), version)?;
        if statement.execute(&mut connection).await? == 1 {
            Ok(())
        } else {
            Err(lost_race::<DB, T, K>(&mut connection, key, Some(version)).await)
        }
    })
}

/// Runs a write that returns the row it stored; if it stored none, the 412 of [`lost_race`].
async fn stored_or_lost<'c, 'q, DB, T, K>(
    db: impl Acquire<'c, Database = DB>,
    statement: Result<Statement<'q, DB>, sqlx::Error>,
    key: K,
    checked: Option<i64>,
) -> Result<T, WriteError>
where
    DB: Dialect,
    T: Record + for<'r> FromRow<'r, DB::Row>,
    K: 'q + Send + Encode<'q, DB> + Type<DB>,
{
    let statement = statement?;
    let mut connection = db.acquire().await?;
    match statement.fetch_optional(&mut connection).await? {
        Some(stored) => Ok(stored),
        None => Err(lost_race::<DB, T, K>(&mut connection, key, checked).await),
    }
}

/// The 412 of a write that touched no row: the state that won (or none, if the row is gone).
/// The write expected the version `checked` (`None` for a create); logged (feature `tracing`,
/// see [`crate::trace`]) when the winner could be read.
async fn lost_race<'q, DB, T, K>(
    connection: &mut DB::Connection,
    key: K,
    checked: Option<i64>,
) -> WriteError
where
    DB: Dialect,
    T: Record + for<'r> FromRow<'r, DB::Row>,
    K: 'q + Send + Encode<'q, DB> + Type<DB>,
{
    let winner = match Statement::<DB>::select(&T::TABLE, false) {
        Ok(mut statement) => {
            statement.bind(key);
            statement.fetch_optional::<T>(connection).await
        }
        Err(error) => return WriteError::Database(error),
    };
    match winner {
        Ok(winner) => {
            let validators: Option<Validators> = winner.as_ref().map(Versioned::validators);
            crate::trace::lost_race(T::TABLE.name(), checked, validators.as_ref());
            WriteError::Rejected(Rejection::precondition_failed(validators.as_ref()))
        }
        Err(error) => WriteError::Database(error),
    }
}
