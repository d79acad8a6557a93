//! Fresh databases for tests: SQLite in a new file, PostgreSQL in a new schema of the database
//! at `DATABASE_URL` (`.ci/postgres.sh` starts one and exports it; `.ci/test` runs the whole
//! suite that way). Each is dropped with its value.

#![allow(dead_code)] // each test binary uses what it needs

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{PgPool, SqlitePool};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A name no other test (in this process or another) uses at the same time.
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The PostgreSQL of the tests. They need one: run them through `.ci/test`, or
/// `source .ci/postgres.sh` first.
pub fn database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "DATABASE_URL is not set: the PostgreSQL tests need a server. Run the suite with \
             `bash .ci/test`, or `source .ci/postgres.sh` once and then cargo test."
        )
    })
}

/// A new SQLite database file, in WAL mode with a busy timeout, as an app would open it.
pub struct Sqlite {
    pub pool: SqlitePool,
    pub path: PathBuf,
}

impl Sqlite {
    pub async fn fresh(schema: &[&str]) -> Sqlite {
        let path = std::env::temp_dir().join(format!("{}.sqlite", unique("precond")));
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .expect("open a SQLite file");
        for statement in schema {
            sqlx::query(statement).execute(&pool).await.expect("schema");
        }
        Sqlite { pool, path }
    }

    /// The URL of this file, for another process.
    pub fn url(&self) -> String {
        format!("sqlite://{}", self.path.display())
    }
}

impl Drop for Sqlite {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

/// A new, empty schema in the tests' PostgreSQL, dropped (with all it holds) with this value:
/// the database of one test, or of the server processes of one test.
pub struct PgSchema {
    pub name: String,
}

impl PgSchema {
    /// Creates it. Blocking (a short-lived connection on a thread of its own), so that a
    /// synchronous harness can call it too.
    pub fn create() -> PgSchema {
        let name = unique("precond");
        admin(format!("CREATE SCHEMA {name}")).expect("create a schema in DATABASE_URL");
        PgSchema { name }
    }

    /// `DATABASE_URL` with this schema as the search path, for a pool or another process.
    pub fn url(&self) -> String {
        let url = database_url();
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}options=-c%20search_path%3D{}", self.name)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let _ = admin(format!("DROP SCHEMA {} CASCADE", self.name));
    }
}

/// Runs one statement on `DATABASE_URL`, from a thread and runtime of its own (so that it may
/// be called inside or outside a runtime, and from `Drop`).
fn admin(statement: String) -> Result<(), sqlx::Error> {
    let url = database_url();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let admin = PgPool::connect(&url).await?;
            sqlx::query(&statement).execute(&admin).await?;
            admin.close().await;
            Ok(())
        })
    })
    .join()
    .expect("the admin thread panicked")
}

/// A pool on a new schema of the tests' PostgreSQL, with `schema` created in it.
pub struct Postgres {
    pub pool: PgPool,
    pub schema: PgSchema,
}

impl Postgres {
    pub async fn fresh(statements: &[&str]) -> Postgres {
        let schema = PgSchema::create();
        let options: PgConnectOptions = database_url().parse().expect("DATABASE_URL");
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(options.options([("search_path", schema.name.as_str())]))
            .await
            .expect("connect to DATABASE_URL");
        for statement in statements {
            sqlx::query(statement).execute(&pool).await.expect("schema");
        }
        Postgres { pool, schema }
    }
}
