//! What a conditional write of `precond::sqlx` costs against the plain `UPDATE` an app writes
//! today, per statement, on a real PostgreSQL and a real SQLite file, in one run.
//!
//! ```text
//! cargo bench --all-features --bench store -- --warm-up-time 1 --measurement-time 5
//! ```
//!
//! PostgreSQL is the one at `DATABASE_URL` (`source .ci/postgres.sh` starts one and exports it),
//! in a fresh schema `precond_bench_<pid>` (the pool's `search_path`), dropped at the end.
//! Without `DATABASE_URL` the PostgreSQL group is skipped, with a line saying so, and the SQLite
//! group still runs. SQLite is a new temporary file in WAL mode with `synchronous = NORMAL` (what
//! apps use with WAL: a commit is durable once the WAL is synced at the next checkpoint, not at
//! every commit), removed at the end.
//!
//! Both use the table of the documents example (`id BIGINT PRIMARY KEY`, title, a 250-byte
//! text, version, modified, deleted), 10,010 rows in all, one pooled connection
//! (`max_connections(1)`) and `test_before_acquire(false)`, so that every figure is the
//! statements' own round trips: with sqlx's default pool options each acquire first pings the
//! connection, one more round trip for every case alike. The futures run on a current-thread
//! tokio runtime (`Runtime::block_on` per iteration), which parks on the socket itself rather
//! than being woken by a worker thread. Every case writes (or reads) a row of its own.
//!
//! - `write/plain_update`: `UPDATE documents SET title = $1 WHERE id = $2`, what an app
//!   writes today: unconditioned, nothing returned, no version kept.
//! - `write/plain_update_returning`: the same, plus `version = version + 1` and `RETURNING *`
//!   decoded into the record: the fair comparison, since precond's update moves the version on
//!   and answers the stored row.
//! - `write/precond_update`: `precond::sqlx::update` with the version column, `last_modified`
//!   and the tombstone, as in the tests. It keeps the record it got back, so each iteration
//!   writes with the current version: no conflict, ever (checked after the loop: the version
//!   moved on exactly once per iteration).
//! - `write/precond_update_lost_race`: the same with a stale record (version 1 of a row at 2):
//!   the `UPDATE` touches no row and precond's follow-up `SELECT` builds the 412 with the
//!   winner's validators. Two round trips; on PostgreSQL the first commits nothing to flush.
//! - `read/plain_select`: `sqlx::query_as` of `SELECT * FROM documents WHERE id = $1`;
//!   `read/precond_fetch`: `precond::sqlx::fetch` of the same row (its `SELECT` also has
//!   `AND NOT deleted`).
//!
//! Before timing, the setup checks that each case does what it claims: the plain updates write
//! the row, precond's update answers the next version, the stale one answers 412 with the
//! winner's ETag, and both reads return the same record.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use precond::sqlx::{Changes, Dialect, Record, Table, UnixSeconds, WriteError};
use precond::{ETag, Versioned};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, Encode, Executor, FromRow, IntoArguments, PgConnection, Pool, Type};
use tokio::runtime::Runtime;

/// A row of the documents example: its ETag is its version.
#[derive(Debug, Clone, PartialEq, FromRow, Versioned)]
struct Document {
    id: i64,
    title: String,
    text: Option<String>,
    #[versioned(version)]
    version: i64,
    #[versioned(last_modified, skip)]
    modified: UnixSeconds,
}

impl Record for Document {
    const TABLE: Table = Table::new("documents")
        .last_modified("modified")
        .tombstone("deleted");

    fn version(&self) -> i64 {
        self.version
    }
}

const CREATE: &str = "CREATE TABLE documents (id BIGINT PRIMARY KEY, title TEXT NOT NULL, \
     text TEXT, version BIGINT NOT NULL, modified BIGINT NOT NULL, \
     deleted BOOLEAN NOT NULL DEFAULT FALSE)";

/// The rows of the cases (1 to 5) and 10,005 others (so that the key lookup descends a real
/// index), all at version 1, last modified on 2025-01-01.
const SEED: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10010) \
     INSERT INTO documents (id, title, text, version, modified) \
     SELECT i, 'document ' || i, $1, 1, 1735689600 FROM n";

/// The text of every row: 250 bytes, returned by `RETURNING *` and `SELECT *`.
fn text() -> String {
    "All work and no play makes Jack a dull boy. ".repeat(6)[..250].to_owned()
}

/// The row each case works on.
const PLAIN: i64 = 1;
const PLAIN_RETURNING: i64 = 2;
const PRECOND: i64 = 3;
const LOST_RACE: i64 = 4;
const READ: i64 = 5;

/// The statements an app writes by hand, in the database's placeholder syntax.
struct Sql {
    plain_update: &'static str,
    plain_update_returning: &'static str,
    select: &'static str,
}

const POSTGRES: Sql = Sql {
    plain_update: "UPDATE documents SET title = $1 WHERE id = $2",
    plain_update_returning: "UPDATE documents SET title = $1, version = version + 1 \
                             WHERE id = $2 RETURNING *",
    select: "SELECT * FROM documents WHERE id = $1",
};

const SQLITE: Sql = Sql {
    plain_update: "UPDATE documents SET title = ?1 WHERE id = ?2",
    plain_update_returning: "UPDATE documents SET title = ?1, version = version + 1 \
                             WHERE id = ?2 RETURNING *",
    select: "SELECT * FROM documents WHERE id = ?1",
};

/// A new title per write, the same way in every case.
fn title(n: &mut u64) -> String {
    *n += 1;
    format!("title {n}")
}

/// The cases, on one database: `group` is named after it.
fn cases<DB>(group: &mut BenchmarkGroup<'_, WallTime>, rt: &Runtime, pool: &Pool<DB>, sql: &Sql)
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    Document: for<'r> FromRow<'r, DB::Row>,
{
    let mut n = 0;
    let fetch = |id: i64| {
        rt.block_on(precond::sqlx::fetch::<_, Document, _>(pool, id))
            .expect("fetch")
            .expect("the row exists")
    };
    let plain_update = |n: &mut u64, id: i64| {
        rt.block_on(
            sqlx::query::<DB>(sql.plain_update)
                .bind(title(n))
                .bind(id)
                .execute(pool),
        )
        .expect("plain UPDATE")
    };
    let plain_update_returning = |n: &mut u64, id: i64| {
        rt.block_on(
            sqlx::query_as::<DB, Document>(sql.plain_update_returning)
                .bind(title(n))
                .bind(id)
                .fetch_one(pool),
        )
        .expect("plain UPDATE ... RETURNING")
    };
    let precond_update = |n: &mut u64, id: i64, current: &Document| {
        rt.block_on(precond::sqlx::update(
            pool,
            id,
            current,
            Changes::new().set("title", title(n)),
        ))
    };

    // Each case does what it claims, once, before timing.
    plain_update(&mut n, PLAIN);
    assert_eq!(fetch(PLAIN).title, format!("title {n}"), "plain UPDATE");
    assert_eq!(fetch(PLAIN).version, 1, "a plain UPDATE keeps no version");
    let returned = plain_update_returning(&mut n, PLAIN_RETURNING);
    assert_eq!(
        (returned.version, returned.title.as_str()),
        (2, format!("title {n}").as_str())
    );
    let mut current = fetch(PRECOND);
    let initial = current.version;
    current = precond_update(&mut n, PRECOND, &current).expect("precond update");
    assert_eq!(current.version, initial + 1);
    let stale = fetch(LOST_RACE);
    let winner = precond_update(&mut n, LOST_RACE, &stale).expect("the winner's update");
    match precond_update(&mut n, LOST_RACE, &stale) {
        Err(WriteError::Rejected(rejection)) => {
            assert_eq!(rejection.status(), 412);
            assert_eq!(rejection.etag(), Some(&ETag::from_version(2)));
            assert_eq!(rejection.etag(), Some(&winner.etag()));
        }
        other => panic!("a stale version must lose: {other:?}"),
    }
    let plain_read = || {
        rt.block_on(
            sqlx::query_as::<DB, Document>(sql.select)
                .bind(READ)
                .fetch_optional(pool),
        )
        .expect("plain SELECT")
    };
    assert_eq!(plain_read(), Some(fetch(READ)));

    group.bench_function("write/plain_update", |b| {
        b.iter(|| plain_update(&mut n, PLAIN));
    });
    group.bench_function("write/plain_update_returning", |b| {
        b.iter(|| plain_update_returning(&mut n, PLAIN_RETURNING));
    });
    let mut writes = 0;
    group.bench_function("write/precond_update", |b| {
        b.iter(|| {
            current = precond_update(&mut n, PRECOND, &current).expect("never a conflict");
            writes += 1;
        });
    });
    assert_eq!(
        fetch(PRECOND).version,
        initial + 1 + writes,
        "one version per write, no conflict"
    );
    group.bench_function("write/precond_update_lost_race", |b| {
        b.iter(|| {
            let lost = precond_update(&mut n, LOST_RACE, &stale);
            assert!(matches!(lost, Err(WriteError::Rejected(_))));
            black_box(lost)
        });
    });
    group.bench_function("read/plain_select", |b| {
        b.iter(plain_read);
    });
    group.bench_function("read/precond_fetch", |b| {
        b.iter(|| fetch(black_box(READ)));
    });
}

/// The schema of this run in `DATABASE_URL`'s database, dropped with this value.
struct PgSchema<'r> {
    rt: &'r Runtime,
    url: String,
    name: String,
}

impl<'r> PgSchema<'r> {
    fn create(rt: &'r Runtime, url: String) -> Self {
        let name = format!("precond_bench_{}", std::process::id());
        admin(rt, &url, &format!("CREATE SCHEMA {name}"))
            .unwrap_or_else(|e| panic!("create schema {name} in DATABASE_URL: {e}"));
        Self { rt, url, name }
    }
}

impl Drop for PgSchema<'_> {
    fn drop(&mut self) {
        let drop = format!("DROP SCHEMA {} CASCADE", self.name);
        if let Err(error) = admin(self.rt, &self.url, &drop) {
            eprintln!("postgres: could not drop schema {}: {error}", self.name);
        }
    }
}

/// One statement on a connection of its own.
fn admin(rt: &Runtime, url: &str, statement: &str) -> Result<(), sqlx::Error> {
    rt.block_on(async {
        let mut connection = PgConnection::connect(url).await?;
        connection.execute(statement).await?;
        connection.close().await
    })
}

fn postgres(c: &mut Criterion) {
    let Ok(url) = std::env::var("DATABASE_URL") else {
        println!(
            "postgres: DATABASE_URL is not set, skipping the PostgreSQL group \
             (`source .ci/postgres.sh` starts a server and sets it)"
        );
        return;
    };
    let rt = runtime();
    let schema = PgSchema::create(&rt, url);
    let options: PgConnectOptions = schema.url.parse().expect("DATABASE_URL");
    let pool = rt
        .block_on(
            PgPoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect_with(options.options([("search_path", schema.name.as_str())])),
        )
        .expect("connect to DATABASE_URL");
    rt.block_on(async {
        sqlx::query(CREATE).execute(&pool).await?;
        sqlx::query(SEED).bind(text()).execute(&pool).await?;
        sqlx::query("ANALYZE documents").execute(&pool).await
    })
    .expect("the table");
    let mut group = c.benchmark_group("postgres");
    cases(&mut group, &rt, &pool, &POSTGRES);
    group.finish();
    rt.block_on(pool.close());
    drop(schema);
}

/// A temporary SQLite file, removed (with its WAL) with this value.
struct SqliteFile(PathBuf);

impl Drop for SqliteFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

fn sqlite(c: &mut Criterion) {
    let rt = runtime();
    let file = SqliteFile(
        std::env::temp_dir().join(format!("precond_bench_{}.sqlite", std::process::id())),
    );
    drop(SqliteFile(file.0.clone())); // a leftover of an earlier run with this pid
    let options = SqliteConnectOptions::new()
        .filename(&file.0)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10));
    let pool = rt
        .block_on(
            SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect_with(options),
        )
        .expect("open a SQLite file");
    rt.block_on(async {
        sqlx::query(CREATE).execute(&pool).await?;
        sqlx::query(&SEED.replace("$1", "?1"))
            .bind(text())
            .execute(&pool)
            .await?;
        sqlx::query("ANALYZE").execute(&pool).await
    })
    .expect("the table");
    let mut group = c.benchmark_group("sqlite");
    cases(&mut group, &rt, &pool, &SQLITE);
    group.finish();
    rt.block_on(pool.close());
    drop(file);
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

criterion_group!(benches, postgres, sqlite);
criterion_main!(benches);
