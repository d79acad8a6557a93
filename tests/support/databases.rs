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

/// A new schema in the tests' PostgreSQL, which every connection of `pool` uses.
pub struct Postgres {
    pub pool: PgPool,
    pub schema: String,
}

impl Postgres {
    pub async fn fresh(schema: &[&str]) -> Postgres {
        let name = unique("precond");
        let url = database_url();
        let admin = PgPool::connect(&url)
            .await
            .expect("connect to DATABASE_URL");
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&admin)
            .await
            .expect("create a schema");
        admin.close().await;
        let options: PgConnectOptions = url.parse().expect("DATABASE_URL");
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(options.options([("search_path", name.as_str())]))
            .await
            .expect("connect to DATABASE_URL");
        for statement in schema {
            sqlx::query(statement).execute(&pool).await.expect("schema");
        }
        Postgres { pool, schema: name }
    }

    /// `DATABASE_URL` with this schema as the search path, for another process.
    pub fn url(&self) -> String {
        let url = database_url();
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}options=-c%20search_path%3D{}", self.schema)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // Schemas are dropped by a short-lived connection of a thread of their own: a drop may
        // run inside or outside a runtime.
        let schema = self.schema.clone();
        let url = database_url();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                if let Ok(admin) = PgPool::connect(&url).await {
                    let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                        .execute(&admin)
                        .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}
