//! The statements of [`precond::sqlx`](super), written once for every database: each is one
//! SQL statement whose `WHERE` (or `ON CONFLICT`) carries the condition, with its binds.
//!
//! Binds are numbered (`$n` on PostgreSQL, `?n` on SQLite), so the text may name them in any
//! order: the changes are always `1..=n`, followed by the statement's own values.

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{Arguments as _, Encode, FromRow, Type};

use super::dialect::Dialect;
use super::{Changes, Table, Version};

/// One statement and its binds.
pub(super) struct Statement<'q, DB: Dialect> {
    sql: String,
    arguments: DB::Arguments<'q>,
    error: Option<sqlx::error::BoxDynError>,
}

impl<'q, DB: Dialect> Statement<'q, DB> {
    /// `SELECT` of the live row `key` (bind it next with [`Self::bind`]), locked `FOR UPDATE`
    /// if asked and the database has row locks.
    pub(super) fn select(table: &Table, for_update: bool) -> Result<Self, sqlx::Error> {
        let (mut statement, _) = Self::new(Changes::new());
        let sql = &mut statement.sql;
        sql.push_str("SELECT ");
        returning::<DB>(table, sql)?;
        push(sql, &[" FROM ", table.name, " WHERE ", table.key, " = "]);
        DB::placeholder(1, sql);
        not_a_tombstone(table, sql);
        if for_update && DB::HAS_ROW_LOCKS {
            sql.push_str(" FOR UPDATE");
        }
        Ok(statement)
    }

    /// `UPDATE ... SET <changes> WHERE key AND version = <version> RETURNING ...`, moving the
    /// version and the date on.
    pub(super) fn update<K>(
        table: &Table,
        changes: Changes<'q, DB>,
        key: K,
        version: i64,
    ) -> Result<Self, sqlx::Error>
    where
        K: 'q + Send + Encode<'q, DB> + Type<DB>,
    {
        let (mut statement, columns) = Self::new(changes);
        let (key_bind, version_bind, now_bind) =
            (columns.len() + 1, columns.len() + 2, columns.len() + 3);
        let sql = &mut statement.sql;
        push(sql, &["UPDATE ", table.name, " SET "]);
        let mut assignments = Assignments::new(sql);
        for (n, column) in columns.iter().enumerate() {
            assignments.next().push_str(column);
            assignments.sql.push_str(" = ");
            DB::placeholder(n + 1, assignments.sql);
        }
        move_on::<DB>(table, &mut assignments, now_bind);
        if assignments.count == 0 {
            // Nothing to set (xmin, no date, no change): a no-op assignment still writes a new
            // row version, and so a new xmin.
            push(assignments.sql, &[table.key, " = ", table.key]);
        }
        push(sql, &[" WHERE ", table.key, " = "]);
        DB::placeholder(key_bind, sql);
        sql.push_str(" AND ");
        version_is::<DB>(table, version_bind, sql)?;
        not_a_tombstone(table, sql);
        sql.push_str(" RETURNING ");
        returning::<DB>(table, sql)?;
        statement.bind(key);
        statement.bind_i64(version);
        if table.last_modified.is_some() {
            statement.bind_i64(next_stamp());
        }
        Ok(statement)
    }

    /// `INSERT ... ON CONFLICT (key) DO NOTHING RETURNING ...`, or, over a tombstone, an
    /// update of the dead row that continues its version.
    pub(super) fn create<K>(
        table: &Table,
        changes: Changes<'q, DB>,
        key: K,
    ) -> Result<Self, sqlx::Error>
    where
        K: 'q + Send + Encode<'q, DB> + Type<DB>,
    {
        let (mut statement, columns) = Self::new(changes);
        let (key_bind, now_bind) = (columns.len() + 1, columns.len() + 2);
        let sql = &mut statement.sql;
        push(sql, &["INSERT INTO ", table.name, " (", table.key]);
        for column in &columns {
            push(sql, &[", ", column]);
        }
        let version = match table.version {
            Version::Column(column) => Some(column),
            Version::Xmin(_) => None,
        };
        for column in [version, table.last_modified, table.tombstone]
            .into_iter()
            .flatten()
        {
            push(sql, &[", ", column]);
        }
        sql.push_str(") VALUES (");
        DB::placeholder(key_bind, sql);
        for n in 1..=columns.len() {
            sql.push_str(", ");
            DB::placeholder(n, sql);
        }
        if version.is_some() {
            sql.push_str(", 1");
        }
        if table.last_modified.is_some() {
            sql.push_str(", ");
            DB::placeholder(now_bind, sql);
        }
        if table.tombstone.is_some() {
            sql.push_str(", FALSE");
        }
        push(sql, &[") ON CONFLICT (", table.key, ") DO "]);
        match table.tombstone {
            None => sql.push_str("NOTHING"),
            Some(tombstone) => {
                sql.push_str("UPDATE SET ");
                let mut assignments = Assignments::new(sql);
                for column in &columns {
                    push(assignments.next(), &[column, " = excluded.", column]);
                }
                if let Some(version) = version {
                    push(
                        assignments.next(),
                        &[version, " = ", table.name, ".", version, " + 1"],
                    );
                }
                if let Some(date) = table.last_modified {
                    push(
                        assignments.next(),
                        &[date, " = ", DB::GREATEST, "(excluded.", date, ", "],
                    );
                    push(assignments.sql, &[table.name, ".", date, " + 1)"]);
                }
                push(assignments.next(), &[tombstone, " = FALSE"]);
                push(sql, &[" WHERE ", table.name, ".", tombstone]);
            }
        }
        sql.push_str(" RETURNING ");
        returning::<DB>(table, sql)?;
        statement.bind(key);
        if table.last_modified.is_some() {
            statement.bind_i64(next_stamp());
        }
        Ok(statement)
    }

    /// `DELETE ... WHERE key AND version = <version>`, or the tombstone's `UPDATE`.
    pub(super) fn delete<K>(table: &Table, key: K, version: i64) -> Result<Self, sqlx::Error>
    where
        K: 'q + Send + Encode<'q, DB> + Type<DB>,
    {
        let (mut statement, _) = Self::new(Changes::new());
        let sql = &mut statement.sql;
        match table.tombstone {
            None => push(sql, &["DELETE FROM ", table.name]),
            Some(tombstone) => {
                // The version stays: nobody can see or name a tombstone's, and a revival moves
                // it on.
                push(sql, &["UPDATE ", table.name, " SET ", tombstone, " = TRUE"]);
            }
        }
        push(sql, &[" WHERE ", table.key, " = "]);
        DB::placeholder(1, sql);
        sql.push_str(" AND ");
        version_is::<DB>(table, 2, sql)?;
        not_a_tombstone(table, sql);
        statement.bind(key);
        statement.bind_i64(version);
        Ok(statement)
    }

    /// A statement whose first binds are `changes`; and the columns they set.
    fn new(changes: Changes<'q, DB>) -> (Self, Vec<&'static str>) {
        let statement = Self {
            sql: String::with_capacity(160),
            arguments: changes.arguments,
            error: changes.error,
        };
        (statement, changes.columns)
    }

    /// Adds the next bind.
    pub(super) fn bind<V>(&mut self, value: V)
    where
        V: 'q + Send + Encode<'q, DB> + Type<DB>,
    {
        if let Err(error) = self.arguments.add(value) {
            self.error.get_or_insert(error);
        }
    }

    /// Adds the next bind, a 64-bit integer.
    fn bind_i64(&mut self, value: i64) {
        if let Err(error) = DB::bind_i64(&mut self.arguments, value) {
            self.error.get_or_insert(error);
        }
    }

    /// Runs the statement and decodes its row, if it returned one.
    pub(super) async fn fetch_optional<T>(
        self,
        connection: &mut DB::Connection,
    ) -> Result<Option<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, DB::Row> + Send + Unpin,
    {
        if let Some(error) = self.error {
            return Err(sqlx::Error::Encode(error));
        }
        DB::fetch_optional(connection, &self.sql, self.arguments).await
    }

    /// Runs the statement and answers how many rows it touched.
    pub(super) async fn execute(self, connection: &mut DB::Connection) -> Result<u64, sqlx::Error> {
        if let Some(error) = self.error {
            return Err(sqlx::Error::Encode(error));
        }
        DB::execute(connection, &self.sql, self.arguments).await
    }

    #[cfg(test)]
    pub(super) fn sql(&self) -> &str {
        &self.sql
    }
}

/// The comma-separated list after `SET`.
struct Assignments<'s> {
    sql: &'s mut String,
    count: usize,
}

impl<'s> Assignments<'s> {
    fn new(sql: &'s mut String) -> Self {
        Self { sql, count: 0 }
    }

    /// The SQL, ready for the next assignment.
    fn next(&mut self) -> &mut String {
        if self.count > 0 {
            self.sql.push_str(", ");
        }
        self.count += 1;
        self.sql
    }
}

/// Every write moves the version on (a version column; `xmin` moves by itself) and stamps the
/// date: `date = GREATEST(<now + 1 s>, date + 1)`.
fn move_on<DB: Dialect>(table: &Table, assignments: &mut Assignments<'_>, now_bind: usize) {
    if let Version::Column(version) = table.version {
        push(assignments.next(), &[version, " = ", version, " + 1"]);
    }
    if let Some(date) = table.last_modified {
        push(assignments.next(), &[date, " = ", DB::GREATEST, "("]);
        DB::placeholder(now_bind, assignments.sql);
        push(assignments.sql, &[", ", date, " + 1)"]);
    }
}

/// The condition that the row is still at the checked version.
fn version_is<DB: Dialect>(
    table: &Table,
    bind: usize,
    sql: &mut String,
) -> Result<(), sqlx::Error> {
    match table.version {
        Version::Column(column) => sql.push_str(column),
        Version::Xmin(_) => {
            xmin_supported::<DB>()?;
            sql.push_str("xmin::text::bigint");
        }
    }
    sql.push_str(" = ");
    DB::placeholder(bind, sql);
    Ok(())
}

/// The columns a statement returns: every column, and `xmin` under its alias.
fn returning<DB: Dialect>(table: &Table, sql: &mut String) -> Result<(), sqlx::Error> {
    sql.push('*');
    if let Version::Xmin(alias) = table.version {
        xmin_supported::<DB>()?;
        push(sql, &[", xmin::text::bigint AS ", alias]);
    }
    Ok(())
}

fn not_a_tombstone(table: &Table, sql: &mut String) {
    if let Some(tombstone) = table.tombstone {
        push(sql, &[" AND NOT ", tombstone]);
    }
}

fn xmin_supported<DB: Dialect>() -> Result<(), sqlx::Error> {
    if DB::HAS_XMIN {
        Ok(())
    } else {
        Err(sqlx::Error::Configuration(
            "precond::sqlx: `Table::xmin` needs PostgreSQL; use a version column on this database"
                .into(),
        ))
    }
}

fn push(sql: &mut String, parts: &[&str]) {
    for part in parts {
        sql.push_str(part);
    }
}

/// The date a write stamps: the start of the next second (whole seconds since the Unix epoch).
/// The statement takes the larger of it and the previous stamp plus one second.
pub(super) fn next_stamp() -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    i64::try_from(now).unwrap_or(i64::MAX - 1) + 1
}

#[cfg(all(test, feature = "sqlx-postgres", feature = "sqlx-sqlite"))]
mod tests {
    use super::*;

    const DOCUMENTS: Table = Table::new("documents")
        .last_modified("modified")
        .tombstone("deleted");

    fn title<'q, DB: Dialect>() -> Changes<'q, DB>
    where
        &'static str: Encode<'q, DB> + Type<DB>,
    {
        Changes::new().set("title", "t")
    }

    /// The whole statement is one `UPDATE`, the condition in its `WHERE`.
    #[test]
    fn update_is_one_conditional_statement() {
        let pg = Statement::<sqlx::Postgres>::update(&DOCUMENTS, title(), 1i64, 3).unwrap();
        assert_eq!(
            pg.sql(),
            "UPDATE documents SET title = $1, version = version + 1, \
             modified = GREATEST($4, modified + 1) WHERE id = $2 AND version = $3 \
             AND NOT deleted RETURNING *"
        );
        let lite = Statement::<sqlx::Sqlite>::update(&DOCUMENTS, title(), 1i64, 3).unwrap();
        assert_eq!(
            lite.sql(),
            "UPDATE documents SET title = ?1, version = version + 1, \
             modified = MAX(?4, modified + 1) WHERE id = ?2 AND version = ?3 \
             AND NOT deleted RETURNING *"
        );
    }

    #[test]
    fn create_revives_only_a_tombstone() {
        let pg = Statement::<sqlx::Postgres>::create(&DOCUMENTS, title(), 1i64).unwrap();
        assert_eq!(
            pg.sql(),
            "INSERT INTO documents (id, title, version, modified, deleted) \
             VALUES ($2, $1, 1, $3, FALSE) ON CONFLICT (id) DO UPDATE SET \
             title = excluded.title, version = documents.version + 1, \
             modified = GREATEST(excluded.modified, documents.modified + 1), deleted = FALSE \
             WHERE documents.deleted RETURNING *"
        );
        let plain = Table::new("notes");
        let lite = Statement::<sqlx::Sqlite>::create(&plain, title(), 1i64).unwrap();
        assert_eq!(
            lite.sql(),
            "INSERT INTO notes (id, title, version) VALUES (?2, ?1, 1) \
             ON CONFLICT (id) DO NOTHING RETURNING *"
        );
    }

    #[test]
    fn delete_is_conditional_too() {
        let pg = Statement::<sqlx::Postgres>::delete(&DOCUMENTS, 1i64, 3).unwrap();
        assert_eq!(
            pg.sql(),
            "UPDATE documents SET deleted = TRUE WHERE id = $1 AND version = $2 AND NOT deleted"
        );
        let plain = Table::new("notes");
        let lite = Statement::<sqlx::Sqlite>::delete(&plain, 1i64, 3).unwrap();
        assert_eq!(
            lite.sql(),
            "DELETE FROM notes WHERE id = ?1 AND version = ?2"
        );
    }

    #[test]
    fn xmin_is_compared_and_returned() {
        let notes = Table::new("notes").xmin("version");
        let pg = Statement::<sqlx::Postgres>::update(&notes, title(), 1i64, 3).unwrap();
        assert_eq!(
            pg.sql(),
            "UPDATE notes SET title = $1 WHERE id = $2 AND xmin::text::bigint = $3 \
             RETURNING *, xmin::text::bigint AS version"
        );
        let pg = Statement::<sqlx::Postgres>::update(&notes, Changes::new(), 1i64, 3).unwrap();
        assert!(
            pg.sql().starts_with("UPDATE notes SET id = id WHERE"),
            "{}",
            pg.sql()
        );
        assert!(Statement::<sqlx::Sqlite>::update(&notes, title(), 1i64, 3).is_err());
    }

    #[test]
    fn the_stamp_is_the_next_second() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let stamp = next_stamp();
        assert!(stamp == now + 1 || stamp == now + 2, "{stamp} vs {now}");
    }
}
