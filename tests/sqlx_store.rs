//! `precond::sqlx` against real databases: SQLite in a file of its own per test, and PostgreSQL
//! at `DATABASE_URL` in a schema of its own per test (`.ci/postgres.sh` starts one; `.ci/test`
//! runs the suite with it). Every case runs on both.
//!
//! What is proven here: each write is conditioned on the checked version in its own statement
//! (N concurrent writers holding the same version: exactly one wins, the others get the 412
//! with the winner's validators), creates and deletes likewise, tombstones keep versions going,
//! `xmin` works as a version, and `Last-Modified` never lets two states share a second.

#![cfg(all(feature = "sqlx-postgres", feature = "sqlx-sqlite"))]

#[path = "support/databases.rs"]
mod databases;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use precond::sqlx::{Changes, Record, Table, UnixSeconds, WriteError};
use precond::{ETag, RejectionKind, Versioned};
use sqlx::FromRow;

use databases::{Postgres, Sqlite};

/// The row type of the tests: a version column, a date, a tombstone.
#[derive(Debug, Clone, PartialEq, FromRow, Versioned)]
struct Note {
    id: i64,
    body: String,
    #[versioned(version)]
    version: i64,
    #[versioned(last_modified, skip)]
    modified: UnixSeconds,
}

impl Record for Note {
    const TABLE: Table = Table::new("notes")
        .last_modified("modified")
        .tombstone("deleted");
    fn version(&self) -> i64 {
        self.version
    }
}

/// The same table without a tombstone: deletes delete.
#[derive(Debug, Clone, PartialEq, FromRow, Versioned)]
struct PlainNote {
    id: i64,
    body: String,
    #[versioned(version)]
    version: i64,
}

impl Record for PlainNote {
    const TABLE: Table = Table::new("plain_notes");
    fn version(&self) -> i64 {
        self.version
    }
}

/// PostgreSQL's `xmin` as the version: no version column at all.
#[derive(Debug, Clone, PartialEq, FromRow, Versioned)]
struct XminNote {
    id: i64,
    body: String,
    #[versioned(version)]
    version: i64,
}

impl Record for XminNote {
    const TABLE: Table = Table::new("xmin_notes").xmin("version");
    fn version(&self) -> i64 {
        self.version
    }
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL, version BIGINT NOT NULL, \
     modified BIGINT NOT NULL, deleted BOOLEAN NOT NULL DEFAULT FALSE)",
    "CREATE TABLE plain_notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL, version BIGINT NOT NULL)",
];

mod sqlite {
    use super::*;
    type Db = sqlx::Sqlite;
    type Pool = sqlx::SqlitePool;
    async fn fresh() -> Sqlite {
        Sqlite::fresh(SCHEMA).await
    }
    include!("support/store_cases.rs");
}

mod postgres {
    use super::*;
    type Db = sqlx::Postgres;
    type Pool = sqlx::PgPool;
    async fn fresh() -> Postgres {
        Postgres::fresh(SCHEMA).await
    }
    include!("support/store_cases.rs");
}

use postgres::{assert_lost_to, body};

/// `xmin` as the version (PostgreSQL): every write changes it, a stale one is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xmin_is_a_version() {
    let db =
        Postgres::fresh(&["CREATE TABLE xmin_notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"])
            .await;
    let pool = &db.pool;
    let v1: XminNote = precond::sqlx::create(pool, 1i64, body("a")).await.unwrap();
    let fetched = precond::sqlx::fetch::<_, XminNote, _>(pool, 1i64)
        .await
        .unwrap();
    assert_eq!(fetched.as_ref(), Some(&v1));
    let v2: XminNote = precond::sqlx::update(pool, 1i64, &v1, body("b"))
        .await
        .unwrap();
    assert_ne!(v2.version, v1.version);
    assert_ne!(v2.etag(), v1.etag());
    // Anyone's SQL moves xmin on too, not only precond's writes.
    sqlx::query("UPDATE xmin_notes SET body = 'c' WHERE id = 1")
        .execute(pool)
        .await
        .unwrap();
    let error = precond::sqlx::update::<_, XminNote, _>(pool, 1i64, &v2, body("lost"))
        .await
        .unwrap_err();
    let v3 = precond::sqlx::fetch::<_, XminNote, _>(pool, 1i64)
        .await
        .unwrap();
    assert_lost_to(error, v3.as_ref());
    precond::sqlx::delete(pool, 1i64, v3.as_ref().unwrap())
        .await
        .unwrap();
}

/// `xmin` on SQLite is a configuration error, answered 500, never a panic or a blind write.
#[tokio::test]
async fn xmin_on_sqlite_is_an_error() {
    let db =
        Sqlite::fresh(&["CREATE TABLE xmin_notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"])
            .await;
    let error =
        precond::sqlx::create::<_, XminNote, _>(&db.pool, 1i64, Changes::new().set("body", "a"))
            .await
            .unwrap_err();
    assert!(
        matches!(&error, WriteError::Database(sqlx::Error::Configuration(_))),
        "{error:?}"
    );
    assert_eq!(error.status(), 500);
    assert!(!error.is_unavailable());
}

/// A database out of reach is a 503 with a JSON body that says to retry.
#[tokio::test]
async fn an_unreachable_database_is_503() {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(300))
        .connect_lazy("postgres://nobody:nothing@127.0.0.1:1/none")
        .unwrap();
    let note = Note {
        id: 1,
        body: String::new(),
        version: 1,
        modified: UnixSeconds(0),
    };
    let error = precond::sqlx::update(&pool, 1i64, &note, body("x"))
        .await
        .unwrap_err();
    assert!(error.is_unavailable(), "{error:?}");
    assert_eq!(error.status(), 503);
    let json: serde_json::Value = serde_json::from_str(&error.body()).unwrap();
    assert_eq!(json["error"], "service_unavailable");
    assert_eq!(json["retryable"], true);
}

/// A hashed ETag (no version column): nothing to put in a `WHERE`, so the row is held instead,
/// from the `#[current]` load (`fetch_for_update` in a transaction) to the write and the
/// commit. 20 writers holding the same hash: the first takes the lock and writes; each of the
/// others waits, then finds a different hash when it gets the row, and answers 412.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_etags_are_safe_under_select_for_update() {
    #[derive(Debug, Clone, PartialEq, FromRow, Versioned, serde::Serialize)]
    struct Page {
        id: i64,
        body: String,
    }
    impl Record for Page {
        const TABLE: Table = Table::new("pages");
        /// Unused: the lock, not a version, protects these writes.
        fn version(&self) -> i64 {
            0
        }
    }

    let db = Postgres::fresh(&[
        "CREATE TABLE pages (id BIGINT PRIMARY KEY, body TEXT NOT NULL)",
        "INSERT INTO pages VALUES (1, 'start')",
    ])
    .await;
    let checked_etag = precond::sqlx::fetch::<_, Page, _>(&db.pool, 1i64)
        .await
        .unwrap()
        .unwrap()
        .etag();

    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..20 {
        let (pool, checked_etag) = (db.pool.clone(), checked_etag.clone());
        writers.spawn(async move {
            let mut tx = pool.begin().await.unwrap();
            // The #[current] load, holding the row until commit.
            let current = precond::sqlx::fetch_for_update::<_, Page, _>(&mut *tx, 1i64)
                .await
                .unwrap()
                .unwrap();
            // The check: If-Match against the hash of what is stored now.
            if !current.etag().strong_eq(&checked_etag) {
                return Err(current.etag());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            sqlx::query("UPDATE pages SET body = $1 WHERE id = 1")
                .bind(format!("writer {writer}"))
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            Ok(())
        });
    }
    let mut wins = 0;
    let mut refused = Vec::new();
    while let Some(result) = writers.join_next().await {
        match result.unwrap() {
            Ok(()) => wins += 1,
            Err(etag) => refused.push(etag),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(refused.len(), 19);
    let stored = precond::sqlx::fetch::<_, Page, _>(&db.pool, 1i64)
        .await
        .unwrap()
        .unwrap();
    // Every refusal saw the winner's state: the 412 would carry its ETag.
    assert!(refused.iter().all(|etag| *etag == stored.etag()));
}
