//! What differs between the databases: how a bind is written, the name of the larger-of-two
//! function, and the calls into sqlx, which need the concrete row and argument types.

#[cfg(any(feature = "sqlx-postgres", feature = "sqlx-sqlite"))]
use std::fmt::Write as _;
use std::future::Future;

#[cfg(any(feature = "sqlx-postgres", feature = "sqlx-sqlite"))]
use sqlx::Arguments as _;
use sqlx::error::BoxDynError;
use sqlx::{Database, FromRow};

mod sealed {
    pub trait Sealed {}
}

/// A database that [`precond::sqlx`](super) writes to: [`sqlx::Postgres`] (feature
/// `sqlx-postgres`) and [`sqlx::Sqlite`] (feature `sqlx-sqlite`).
///
/// Sealed: its methods are the few calls into sqlx that need the concrete types, nothing a user
/// calls or implements.
pub trait Dialect: Database + sealed::Sealed {
    /// Whether the database has PostgreSQL's `xmin` system column.
    #[doc(hidden)]
    const HAS_XMIN: bool;

    /// Whether `SELECT ... FOR UPDATE` locks rows.
    #[doc(hidden)]
    const HAS_ROW_LOCKS: bool;

    /// The SQL function that returns the larger of two values (`GREATEST` or `MAX`).
    #[doc(hidden)]
    const GREATEST: &'static str;

    /// Appends the placeholder of the `n`th bind (1-based) to `sql`.
    #[doc(hidden)]
    fn placeholder(n: usize, sql: &mut String);

    /// Adds a 64-bit integer bind (a version, a date).
    #[doc(hidden)]
    fn bind_i64(arguments: &mut Self::Arguments<'_>, value: i64) -> Result<(), BoxDynError>;

    /// Runs `sql` and decodes its first row, if any, as a `T`.
    #[doc(hidden)]
    fn fetch_optional<'q, T>(
        connection: &mut Self::Connection,
        sql: &str,
        arguments: Self::Arguments<'q>,
    ) -> impl Future<Output = Result<Option<T>, sqlx::Error>> + Send
    where
        T: for<'r> FromRow<'r, Self::Row> + Send + Unpin;

    /// Runs `sql` and answers how many rows it touched.
    #[doc(hidden)]
    fn execute<'q>(
        connection: &mut Self::Connection,
        sql: &str,
        arguments: Self::Arguments<'q>,
    ) -> impl Future<Output = Result<u64, sqlx::Error>> + Send;
}

/// The two calls into sqlx, for one database whose types are named in full.
macro_rules! dialect {
    ($db:ty, $row:ty, $connection:ty, xmin: $xmin:expr, // PostgreSQL: xmin and row locks
      greatest: $greatest:expr, placeholder: $placeholder:expr) => {
        impl sealed::Sealed for $db {}

        impl Dialect for $db {
            const HAS_XMIN: bool = $xmin;
            const HAS_ROW_LOCKS: bool = $xmin;
            const GREATEST: &'static str = $greatest;

            fn placeholder(n: usize, sql: &mut String) {
                let placeholder: fn(usize, &mut String) = $placeholder;
                placeholder(n, sql);
            }

            fn bind_i64(
                arguments: &mut Self::Arguments<'_>,
                value: i64,
            ) -> Result<(), BoxDynError> {
                arguments.add(value)
            }

            async fn fetch_optional<'q, T>(
                connection: &mut $connection,
                sql: &str,
                arguments: Self::Arguments<'q>,
            ) -> Result<Option<T>, sqlx::Error>
            where
                T: for<'r> FromRow<'r, $row> + Send + Unpin,
            {
                sqlx::query_as_with::<$db, T, _>(sql, arguments)
                    .fetch_optional(connection)
                    .await
            }

            async fn execute<'q>(
                connection: &mut $connection,
                sql: &str,
                arguments: Self::Arguments<'q>,
            ) -> Result<u64, sqlx::Error> {
                let done = sqlx::query_with::<$db, _>(sql, arguments)
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

#[cfg(feature = "sqlx-postgres")]
dialect!(
    sqlx::Postgres,
    sqlx::postgres::PgRow,
    sqlx::PgConnection,
    xmin: true,
    greatest: "GREATEST",
    placeholder: |n, sql| {
        let _ = write!(sql, "${n}");
    }
);

#[cfg(feature = "sqlx-sqlite")]
dialect!(
    sqlx::Sqlite,
    sqlx::sqlite::SqliteRow,
    sqlx::SqliteConnection,
    xmin: false,
    greatest: "MAX",
    placeholder: |n, sql| {
        let _ = write!(sql, "?{n}");
    }
);
