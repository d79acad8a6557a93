//! HTTP dates (RFC 9110 §5.6.7), through the `httpdate` crate.
//!
//! All three formats are accepted on input (IMF-fixdate, obsolete RFC 850, asctime); output is
//! always IMF-fixdate. HTTP dates have one-second precision, so every `Last-Modified` is
//! truncated to whole seconds before it is compared or sent: a client that echoes our own
//! `Last-Modified` back in `If-Unmodified-Since` or `If-Range` must match.
//!
//! What is not a date, and is therefore ignored wherever RFC 9110 says to ignore an invalid date:
//! anything `httpdate` rejects (garbage, invalid UTF-8, impossible days, years before 1970 or
//! after 9999), and a field with several lines. Optional whitespace (spaces and tabs) around the
//! value is not part of a field value (RFC 9110 §5.5): ASCII whitespace at either end is trimmed.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Parses an HTTP date in any of the three formats of RFC 9110 §5.6.7; `None` if it is not one.
///
/// ```
/// use precond_core::date::parse_http_date;
/// let imf = parse_http_date(b"Sun, 06 Nov 1994 08:49:37 GMT");
/// assert!(imf.is_some());
/// assert_eq!(parse_http_date(b"Sunday, 06-Nov-94 08:49:37 GMT"), imf);
/// assert_eq!(parse_http_date(b"Sun Nov  6 08:49:37 1994"), imf);
/// assert_eq!(parse_http_date(b"yesterday"), None);
/// assert_eq!(parse_http_date(b"\xff\xfe"), None);
/// ```
#[must_use]
pub fn parse_http_date(value: &[u8]) -> Option<SystemTime> {
    // Whitespace around the value is not part of it, however long (OWS is unbounded, RFC 9110
    // §5.5, §5.6.3): trim first. Then the longest valid HTTP date (RFC 850 with "Wednesday") is
    // 37 bytes; refuse long input before any other work.
    let value = value.trim_ascii_start().trim_ascii_end();
    if value.len() > 64 {
        return None;
    }
    let text = std::str::from_utf8(value).ok()?;
    httpdate::parse_http_date(text).ok()
}

/// Formats a time as an IMF-fixdate, truncated to the second.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use precond_core::date::fmt_http_date;
/// let t = UNIX_EPOCH + Duration::from_millis(784_111_777_900);
/// assert_eq!(fmt_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
/// ```
#[must_use]
pub fn fmt_http_date(time: SystemTime) -> String {
    httpdate::fmt_http_date(truncate_to_seconds(time))
}

/// The last instant an HTTP date can name: 9999-12-31T23:59:59Z (`httpdate` panics after it).
const LATEST_SECS: u64 = 253_402_300_799;

/// Drops the sub-second part of a time (towards the past), the precision of an HTTP date.
/// Times before 1970 become 1970-01-01T00:00:00Z, the earliest HTTP date `httpdate` handles;
/// times after 9999 become 9999-12-31T23:59:59Z, the latest.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use precond_core::date::truncate_to_seconds;
/// let t = UNIX_EPOCH + Duration::from_millis(1_500);
/// assert_eq!(truncate_to_seconds(t), UNIX_EPOCH + Duration::from_secs(1));
/// ```
#[must_use]
pub fn truncate_to_seconds(time: SystemTime) -> SystemTime {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => UNIX_EPOCH + Duration::from_secs(since.as_secs().min(LATEST_SECS)),
        Err(_) => UNIX_EPOCH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9110 §5.6.7: the three formats, and values that are not dates.
    #[test]
    fn formats_and_garbage() {
        let expected = Some(UNIX_EPOCH + Duration::from_secs(784_111_777));
        for ok in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            " Sun, 06 Nov 1994 08:49:37 GMT\t",
            "                                        Sun, 06 Nov 1994 08:49:37 GMT    ",
        ] {
            assert_eq!(parse_http_date(ok.as_bytes()), expected, "{ok}");
        }
        for bad in [
            "",
            "0",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun,  06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, 06 Nov 99999 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(parse_http_date(&[b'a'; 10_000]), None);
    }

    #[test]
    fn round_trip_truncates() {
        let t = UNIX_EPOCH + Duration::new(1_700_000_000, 999_999_999);
        let text = fmt_http_date(t);
        assert_eq!(
            parse_http_date(text.as_bytes()),
            Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        );
        assert_eq!(
            truncate_to_seconds(UNIX_EPOCH - Duration::from_secs(5)),
            UNIX_EPOCH
        );
        // Past year 9999 httpdate panics; the latest HTTP date is used instead.
        let far = UNIX_EPOCH + Duration::from_secs(u64::MAX / 4);
        assert_eq!(fmt_http_date(far), "Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(
            parse_http_date(fmt_http_date(far).as_bytes()),
            Some(truncate_to_seconds(far))
        );
    }
}
