//! The log events of the `tracing` feature, in one framework-free place: each function is
//! called only where a request is rejected (or a write lost its race), is `#[cold]`, and does
//! nothing without the feature. Every event has the target `precond`; fields are snake_case,
//! strings and integers, or `Display` values.
//!
//! | event | level | message | fields |
//! |---|---|---|---|
//! | [`rejected`], 304 | DEBUG | `not modified` | `method`, `status`, `cause`, `current_etag` |
//! | [`rejected`], 412 | INFO | `precondition failed` | `method`, `status`, `reason`, `cause`, `asserted`, `current_etag` |
//! | [`rejected`], 428 | INFO | `precondition required` | `method`, `status`, `required` |
//! | [`required_by_layer`] | INFO | `precondition required` | `method`, `path`, `status`, `required`, `layer` |
//! | [`not_modified_by_layer`] | DEBUG | `not modified` | `method`, `status`, `cause`, `current_etag`, `layer` |
//! | [`lost_race`] | INFO | `lost update prevented: another write came first` | `table`, `status`, `checked_version`, `current_etag` |
//!
//! A field whose value is unknown (`current_etag` of a resource that does not exist, `cause` of
//! a 412 that no single field caused) is left out of the event.

#[cfg(all(feature = "tracing", any(feature = "axum", feature = "actix")))]
use precond_core::RejectionKind;
#[cfg(any(feature = "axum", feature = "actix"))]
use precond_core::{Field, Preconditions, Rejection};

/// What an event logs of a request's field at most, in bytes: a client may send a header of
/// many kilobytes, which must not flood the logs.
#[cfg(all(feature = "tracing", any(feature = "axum", feature = "actix")))]
pub(crate) const ASSERTED_MAX: usize = 256;

/// The event of a `#[conditional]` handler's rejection (304, 412 or 428) of a `method` request
/// whose conditional fields `preconditions` gives (only read for a 412).
#[cfg(any(feature = "axum", feature = "actix"))]
#[cold]
pub(crate) fn rejected<'a>(
    method: &str,
    preconditions: impl FnOnce() -> Preconditions<'a>,
    rejection: &Rejection,
) {
    #[cfg(feature = "tracing")]
    {
        let cause = rejection.cause().map(Field::as_str);
        let current_etag = rejection.etag().map(tracing::field::display);
        match rejection.kind() {
            RejectionKind::NotModified => tracing::debug!(
                target: "precond",
                method,
                status = 304u16,
                cause,
                current_etag,
                "not modified"
            ),
            RejectionKind::PreconditionFailed => {
                let asserted = rejection
                    .cause()
                    .map(|field| asserted(preconditions().lines(field)));
                tracing::info!(
                    target: "precond",
                    method,
                    status = 412u16,
                    reason = rejection.reason().map(|reason| reason.code()),
                    cause,
                    asserted,
                    current_etag,
                    "precondition failed"
                );
            }
            RejectionKind::PreconditionRequired => tracing::info!(
                target: "precond",
                method,
                status = 428u16,
                required = %rejection.requirement(),
                "precondition required"
            ),
            // A kind added to the engine: the status, at least.
            _ => tracing::info!(
                target: "precond",
                method,
                status = rejection.status().as_u16(),
                "rejected"
            ),
        }
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (method, preconditions, rejection);
}

/// The event of the 428 that the adoption layers (`RequireRules`) answer to a `method` request
/// to `path`.
#[cfg(any(feature = "axum", feature = "actix"))]
#[cold]
pub(crate) fn required_by_layer(method: &str, path: &str, required: precond_core::Requirement) {
    #[cfg(feature = "tracing")]
    tracing::info!(
        target: "precond",
        method,
        path,
        status = 428u16,
        required = %required,
        layer = true,
        "precondition required"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (method, path, required);
}

/// The event of the 304 that the shallow-ETag layers (`ShallowEtagRules`) answer to a
/// `method` request, because of the field `cause`, from a response with the validators
/// `current`.
#[cfg(any(feature = "axum", feature = "actix"))]
#[cold]
pub(crate) fn not_modified_by_layer(
    method: &str,
    cause: Option<Field>,
    current: &precond_core::Validators,
) {
    #[cfg(feature = "tracing")]
    tracing::debug!(
        target: "precond",
        method,
        status = 304u16,
        cause = cause.map(Field::as_str),
        current_etag = current.etag().map(tracing::field::display),
        layer = true,
        "not modified"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (method, cause, current);
}

/// The event of a `precond::sqlx` write to `table` that touched no row: it expected the
/// version `checked` (`None` for a create), and `current` won (`None` if the row is gone).
#[cfg(any(feature = "sqlx-postgres", feature = "sqlx-sqlite"))]
#[cold]
pub(crate) fn lost_race(
    table: &str,
    checked: Option<i64>,
    current: Option<&precond_core::Validators>,
) {
    #[cfg(feature = "tracing")]
    tracing::info!(
        target: "precond",
        table,
        status = 412u16,
        checked_version = checked,
        current_etag = current
            .and_then(precond_core::Validators::etag)
            .map(tracing::field::display),
        "lost update prevented: another write came first"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (table, checked, current);
}

/// The lines of a field as the client sent them, joined with ", ", as UTF-8 (lossy), cut to at
/// most [`ASSERTED_MAX`] bytes (ending with "…" when cut).
#[cfg(all(feature = "tracing", any(feature = "axum", feature = "actix")))]
pub(crate) fn asserted(lines: &[&[u8]]) -> String {
    /// What marks a cut value.
    const CUT: &str = "…";
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        // No more of a line than could be kept (a byte may become a 3-byte U+FFFD, never more).
        let room = ASSERTED_MAX + 1 - out.len().min(ASSERTED_MAX + 1);
        out.push_str(&String::from_utf8_lossy(&line[..line.len().min(room)]));
        if out.len() > ASSERTED_MAX {
            let mut end = ASSERTED_MAX - CUT.len();
            while !out.is_char_boundary(end) {
                end -= 1;
            }
            out.truncate(end);
            out.push_str(CUT);
            break;
        }
    }
    out
}

#[cfg(all(test, feature = "tracing", any(feature = "axum", feature = "actix")))]
mod tests {
    use super::*;

    #[test]
    fn asserted_joins_lines_and_cuts_long_values() {
        assert_eq!(
            asserted(&[b"\"a\"", b"\"b\", \"c\""]),
            "\"a\", \"b\", \"c\""
        );
        assert_eq!(asserted(&[]), "");
        assert_eq!(asserted(&[b"\xff\"x\""]), "\u{fffd}\"x\"");
        let exact = vec![b'a'; ASSERTED_MAX];
        assert_eq!(asserted(&[&exact]).len(), ASSERTED_MAX);
        let long = vec![b'a'; 64 * 1024];
        let cut = asserted(&[&long, &long]);
        assert!(cut.len() <= ASSERTED_MAX && cut.ends_with('…'), "{cut}");
        // A cut never splits a character.
        let wide = vec![0xff; 1000];
        let cut = asserted(&[&wide]);
        assert!(cut.len() <= ASSERTED_MAX && cut.starts_with('\u{fffd}'));
    }
}
