//! [`WriteError`]: what a conditional write answers when it does not write, as a response of
//! either framework.

use std::fmt;

use precond_core::Rejection;

/// Why a write of [`precond::sqlx`](super) did not happen.
///
/// As a response (axum's `IntoResponse`, actix-web's `ResponseError`):
///
/// | variant | status | body |
/// |---|---|---|
/// | [`Rejected`](Self::Rejected) | 412, with the winner's `ETag` and `Last-Modified` | precond's JSON |
/// | [`Database`](Self::Database), the database out of reach | 503, `Retry-After: 1` | `{"error":"service_unavailable","message":…}` |
/// | [`Database`](Self::Database), anything else | 500 | `{"error":"internal_error","message":…}` |
///
/// The 500's message does not repeat the database's error (it may name tables or values); log
/// it from the error itself.
#[derive(Debug)]
#[non_exhaustive]
pub enum WriteError {
    /// Another write came first: the 412 the check would have given had it come second.
    Rejected(Rejection),
    /// The database failed.
    Database(sqlx::Error),
}

impl WriteError {
    /// The 412 of a write whose record does not exist (any more).
    #[must_use]
    pub fn absent() -> Self {
        Self::Rejected(Rejection::precondition_failed(None))
    }

    /// Whether this is a database that could not be reached, or was busy, so that the same
    /// request may succeed a moment later (503).
    #[must_use]
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Rejected(_) => false,
            Self::Database(error) => unavailable(error),
        }
    }

    /// The status code: 412, 503 or 500.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::Rejected(rejection) => rejection.status().as_u16(),
            _ if self.is_unavailable() => 503,
            Self::Database(_) => 500,
        }
    }

    /// The JSON body.
    #[must_use]
    pub fn body(&self) -> String {
        match self {
            Self::Rejected(rejection) => rejection.body().unwrap_or_default(),
            _ if self.is_unavailable() => concat!(
                r#"{"error":"service_unavailable","#,
                r#""message":"The database is unavailable for a moment. Retry the request after the Retry-After delay; nothing was written.","#,
                r#""retryable":true}"#
            )
            .to_owned(),
            Self::Database(_) => concat!(
                r#"{"error":"internal_error","#,
                r#""message":"The database failed to run the request; nothing was written. Retrying may not help.","#,
                r#""retryable":false}"#
            )
            .to_owned(),
        }
    }
}

/// Failures to reach the database, or a database busy with another writer: worth a retry.
fn unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(error) => error.code().is_some_and(|code| {
            // PostgreSQL: class 08 (connection exception), 57P01-57P03 (shutdown, crash,
            // cannot connect now), 40001/40P01 (serialization failure, deadlock: retry).
            // SQLite: 5 (SQLITE_BUSY), 6 (SQLITE_LOCKED), and their extended codes.
            code.starts_with("08")
                || matches!(&*code, "57P01" | "57P02" | "57P03" | "40001" | "40P01")
                || code
                    .parse::<u32>()
                    .is_ok_and(|code| matches!(code & 0xff, 5 | 6))
        }),
        _ => false,
    }
}

impl From<sqlx::Error> for WriteError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

impl From<Rejection> for WriteError {
    fn from(rejection: Rejection) -> Self {
        Self::Rejected(rejection)
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected(rejection) => {
                write!(f, "{}: {}", rejection.status(), rejection.message())
            }
            Self::Database(error) => write!(f, "database error: {error}"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Rejected(_) => None,
            Self::Database(error) => Some(error),
        }
    }
}

#[cfg(feature = "axum")]
impl ::axum::response::IntoResponse for WriteError {
    fn into_response(self) -> ::axum::response::Response {
        use ::axum::http::{HeaderValue, StatusCode, header};
        if let Self::Rejected(rejection) = self {
            return crate::axum::Rejected(rejection).into_response();
        }
        let mut response = (
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            self.body(),
        )
            .into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if self.is_unavailable() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

#[cfg(feature = "actix")]
impl ::actix_web::ResponseError for WriteError {
    fn status_code(&self) -> ::actix_web::http::StatusCode {
        ::actix_web::http::StatusCode::from_u16(self.status())
            .unwrap_or(::actix_web::http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> ::actix_web::HttpResponse {
        if let Self::Rejected(rejection) = self {
            return crate::actix::Rejected(rejection.clone()).error_response();
        }
        let mut response = ::actix_web::HttpResponse::build(self.status_code());
        response.content_type("application/json");
        if self.is_unavailable() {
            response.insert_header(("retry-after", "1"));
        }
        response.body(self.body())
    }
}
