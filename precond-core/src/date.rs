//! HTTP dates (RFC 9110 §5.6.7). IMF-fixdate, the format every sender generates, is parsed and
//! written here; the obsolete formats are parsed by the `httpdate` crate.
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
    // IMF-fixdate is the format every sender must generate (RFC 9110 §5.6.7): parse it here,
    // several times faster than `httpdate`, which checks a date by converting it to a time and
    // back. A value it accepts starts with a letter and ends with `T`, so it has no whitespace
    // to trim: the usual value is done with before any other work.
    if let Some(time) = parse_imf_fixdate(value) {
        return Some(time);
    }
    // Whitespace around the value is not part of it, however long (OWS is unbounded, RFC 9110
    // §5.5, §5.6.3): trim first. Then the longest valid HTTP date (RFC 850 with "Wednesday") is
    // 37 bytes; refuse long input before any other work.
    let value = crate::list::trim_ows(value);
    if value.len() > 64 {
        return None;
    }
    // Anything else (other formats, and invalid dates, which `httpdate` rejects too) goes
    // through `httpdate`.
    if let Some(time) = parse_imf_fixdate(value) {
        return Some(time);
    }
    let text = std::str::from_utf8(value).ok()?;
    httpdate::parse_http_date(text).ok()
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), exactly 29 bytes, that `httpdate` would
/// accept: year 1970 to 9999, a day that exists in its month, a time up to 23:59:59 and the
/// right day of the week. `None` for anything else, which is then left to `httpdate`.
fn parse_imf_fixdate(value: &[u8]) -> Option<SystemTime> {
    let s: &[u8; 29] = value.try_into().ok()?;
    if s[3] != b','
        || s[4] != b' '
        || s[7] != b' '
        || s[11] != b' '
        || s[16] != b' '
        || s[19] != b':'
        || s[22] != b':'
        || &s[25..] != b" GMT"
    {
        return None;
    }
    // Monday is 0.
    let weekday: u64 = match &s[..3] {
        b"Mon" => 0,
        b"Tue" => 1,
        b"Wed" => 2,
        b"Thu" => 3,
        b"Fri" => 4,
        b"Sat" => 5,
        b"Sun" => 6,
        _ => return None,
    };
    let month: u64 = match &s[8..11] {
        b"Jan" => 1,
        b"Feb" => 2,
        b"Mar" => 3,
        b"Apr" => 4,
        b"May" => 5,
        b"Jun" => 6,
        b"Jul" => 7,
        b"Aug" => 8,
        b"Sep" => 9,
        b"Oct" => 10,
        b"Nov" => 11,
        b"Dec" => 12,
        _ => return None,
    };
    let two = |at: usize| -> Option<u64> {
        let (tens, units) = (s[at].wrapping_sub(b'0'), s[at + 1].wrapping_sub(b'0'));
        (tens < 10 && units < 10).then_some(u64::from(tens) * 10 + u64::from(units))
    };
    let day = two(5)?;
    let year = two(12)? * 100 + two(14)?;
    let (hour, minute, second) = (two(17)?, two(20)?, two(23)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1970..=9999).contains(&year)
        || day == 0
        || day > month_days
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    // Days since 1970-01-01 (the "days from civil" algorithm, on years starting in March).
    let y = if month <= 2 { year - 1 } else { year };
    let (era, year_of_era) = (y / 400, y % 400);
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    // 1970-01-01 was a Thursday.
    if (days + 3) % 7 != weekday {
        return None;
    }
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(UNIX_EPOCH + Duration::from_secs(seconds))
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
    // All ASCII, so never the empty default.
    String::from_utf8(imf_fixdate(time).to_vec()).unwrap_or_default()
}

/// Day names from Monday, as IMF-fixdate writes them.
const WEEKDAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];

/// Month names from January, three bytes each.
const MONTHS: &[u8; 36] = b"JanFebMarAprMayJunJulAugSepOctNovDec";

/// `00` to `99`.
const TWO_DIGITS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
    5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// The IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) of a time truncated to the second, as
/// [`fmt_http_date`] documents it: what `httpdate` writes, without going through `fmt` and a
/// growing `String`.
fn imf_fixdate(time: SystemTime) -> [u8; 29] {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs().min(LATEST_SECS));
    // At most 2 932 896 days, and less than a day of seconds: both fit in 32 bits, whose
    // divisions by constants are cheaper.
    let (days, of_day) = ((secs / 86_400) as u32, (secs % 86_400) as u32);
    // The civil date of a day number (the inverse of the "days from civil" algorithm in
    // `parse_imf_fixdate`), on 400-year eras whose years start in March.
    let shifted = days + 719_468;
    let (era, day_of_era) = (shifted / 146_097, shifted % 146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    // 0 for January.
    let month = (month_from_march + 2) % 12;
    let year = era * 400 + year_of_era + u32::from(month < 2);
    // 1970-01-01 was a Thursday (3, counting from Monday).
    let weekday = (days + 3) % 7;

    let mut out = *b"Thu, 01 Jan 1970 00:00:00 GMT";
    out[..3].copy_from_slice(WEEKDAYS[weekday as usize]);
    out[5..7].copy_from_slice(two_digits(day));
    let month = month as usize * 3;
    out[8..11].copy_from_slice(&MONTHS[month..month + 3]);
    out[12..14].copy_from_slice(two_digits(year / 100));
    out[14..16].copy_from_slice(two_digits(year % 100));
    out[17..19].copy_from_slice(two_digits(of_day / 3_600));
    out[20..22].copy_from_slice(two_digits(of_day / 60 % 60));
    out[23..25].copy_from_slice(two_digits(of_day % 60));
    out
}

/// `n` (below 100) in two decimal digits.
#[inline]
fn two_digits(n: u32) -> &'static [u8] {
    let at = (n % 100) as usize * 2;
    &TWO_DIGITS[at..at + 2]
}

/// Formats a modification date for the `Last-Modified` header: as [`fmt_http_date`], but a date
/// later than now is sent as now. RFC 9110 §8.8.2.1: an origin server "MUST NOT generate a
/// `Last-Modified` date that is later than the server's time of message origination", and must
/// replace such a value with the message's date.
///
/// Only the header is clamped: preconditions are still evaluated against the stored date, so a
/// store that keeps modification dates unique (one second apart, even when writes come faster
/// than one a second) makes `If-Unmodified-Since` fail for every copy older than the newest.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use precond_core::date::{fmt_http_date, fmt_last_modified};
/// let past = UNIX_EPOCH + Duration::from_secs(784_111_777);
/// assert_eq!(fmt_last_modified(past), "Sun, 06 Nov 1994 08:49:37 GMT");
/// let future = SystemTime::now() + Duration::from_secs(3_600);
/// assert_ne!(fmt_last_modified(future), fmt_http_date(future));
/// ```
#[must_use]
pub fn fmt_last_modified(time: SystemTime) -> String {
    fmt_http_date(time.min(SystemTime::now()))
}

/// [`fmt_last_modified`] as the value of a `Last-Modified` header, made from the date's bytes
/// directly rather than through a `String`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use precond_core::date::last_modified_header_value;
/// let past = UNIX_EPOCH + Duration::from_millis(784_111_777_900);
/// assert_eq!(last_modified_header_value(past), "Sun, 06 Nov 1994 08:49:37 GMT");
/// ```
#[must_use]
pub fn last_modified_header_value(time: SystemTime) -> http::HeaderValue {
    match http::HeaderValue::from_bytes(&imf_fixdate(time.min(SystemTime::now()))) {
        Ok(value) => value,
        // Every byte of an IMF-fixdate is a valid header value byte.
        Err(_) => http::HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"),
    }
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
        // Whole seconds already (as dates read back from a store often are): nothing to do.
        Ok(since) if since.subsec_nanos() == 0 && since.as_secs() <= LATEST_SECS => time,
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

    /// The IMF-fixdate fast path agrees with `httpdate` on every date it accepts, accepts every
    /// valid IMF-fixdate, and leaves near misses to `httpdate` (which rejects them).
    #[test]
    fn imf_fixdate_fast_path_agrees_with_httpdate() {
        let reference = |text: &str| httpdate::parse_http_date(text).ok();
        // Every day from 1970 to 9999 (with a varying time of day), formatted by httpdate.
        let last_day = LATEST_SECS / 86_400;
        for day in 0..=last_day {
            let seconds = day * 86_400 + (day * 7_919) % 86_400;
            let time = UNIX_EPOCH + Duration::from_secs(seconds);
            let text = httpdate::fmt_http_date(time);
            assert_eq!(parse_imf_fixdate(text.as_bytes()), Some(time), "{text}");
        }
        // Near misses: each must be rejected by the fast path, and `parse_http_date` must give
        // whatever httpdate gives.
        for text in [
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 00:00:00 GMT",
            "Thu, 29 Feb 2001 00:00:00 GMT",
            "Sun, 31 Apr 1994 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:37 GMT",
            "Sun, 06 Nov 1994 08:49:60 GMT",
            "Wed, 31 Dec 1969 23:59:59 GMT",
            "sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 gmt",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun,06 Nov 1994 08:49:37 GMT ",
            "Sun, 0a Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 19 4 08:49:37 GMT",
            "Sun, 06-Nov-1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08.49.37 GMT",
        ] {
            assert_eq!(parse_imf_fixdate(text.as_bytes()), None, "{text}");
            assert_eq!(parse_http_date(text.as_bytes()), reference(text), "{text}");
        }
        // Leap days, century rules, and the ends of the range.
        for text in [
            "Tue, 29 Feb 2000 12:00:00 GMT",
            "Thu, 29 Feb 2024 23:59:59 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            assert!(reference(text).is_some(), "{text}");
            assert_eq!(
                parse_imf_fixdate(text.as_bytes()),
                reference(text),
                "{text}"
            );
        }
    }

    /// The IMF-fixdate writer gives what `httpdate` gives, for every day from 1970 to 9999 (at
    /// a varying time of day, and at both ends of the day).
    #[test]
    fn imf_fixdate_writer_agrees_with_httpdate() {
        let last_day = LATEST_SECS / 86_400;
        for day in 0..=last_day {
            for seconds in [
                day * 86_400,
                day * 86_400 + (day * 7_919) % 86_400,
                day * 86_400 + 86_399,
            ] {
                let expected = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(seconds));
                let time = UNIX_EPOCH + Duration::from_secs(seconds);
                assert_eq!(imf_fixdate(time), expected.as_bytes(), "{seconds}");
            }
        }
        // The ends of the range, and the same through `fmt_http_date`, which truncates.
        for (time, text) in [
            (UNIX_EPOCH, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (
                UNIX_EPOCH - Duration::from_secs(1),
                "Thu, 01 Jan 1970 00:00:00 GMT",
            ),
            (
                UNIX_EPOCH + Duration::new(951_782_399, 999_999_999),
                "Mon, 28 Feb 2000 23:59:59 GMT",
            ),
            (
                UNIX_EPOCH + Duration::from_secs(951_782_400),
                "Tue, 29 Feb 2000 00:00:00 GMT",
            ),
            (
                UNIX_EPOCH + Duration::from_secs(LATEST_SECS),
                "Fri, 31 Dec 9999 23:59:59 GMT",
            ),
            (
                UNIX_EPOCH + Duration::from_secs(LATEST_SECS + 1),
                "Fri, 31 Dec 9999 23:59:59 GMT",
            ),
        ] {
            assert_eq!(fmt_http_date(time), text);
            if time < SystemTime::now() {
                assert_eq!(last_modified_header_value(time), text);
            }
        }
        // Later than now: now, as `fmt_last_modified`.
        let future = SystemTime::now() + Duration::from_secs(86_400);
        let value = last_modified_header_value(future);
        assert_ne!(value, fmt_http_date(future));
        assert!(parse_http_date(value.as_bytes()) <= Some(SystemTime::now()));
    }

    proptest::proptest! {
        /// Any second from 1970 to 9999, and any sub-second part: what `httpdate` writes for
        /// the time truncated to the second.
        #[test]
        fn fmt_http_date_is_httpdate(secs in 0..=LATEST_SECS, nanos in 0u32..1_000_000_000) {
            let time = UNIX_EPOCH + Duration::new(secs, nanos);
            let expected = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs));
            proptest::prop_assert_eq!(fmt_http_date(time), expected);
        }
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
