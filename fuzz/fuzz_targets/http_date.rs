//! HTTP dates (`precond_core::date`): the parser on arbitrary bytes, checked against the
//! `httpdate` crate it must agree with (but for the two-digit year of RFC 850 dates, which
//! `httpdate` reads with a fixed pivot, 1970 to 2069, and the parser relative to the clock, as
//! RFC 9110 §5.6.7 requires: checked here against the rule itself), and the IMF-fixdate writer
//! on arbitrary times.
//!
//! Input: the bytes to parse; their first 13 bytes also give a time to format (seconds, nanos,
//! sign and scale).
#![no_main]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use precond_core::date::{fmt_http_date, parse_http_date, truncate_to_seconds};
use precond_core::httpdate;

/// 9999-12-31T23:59:59Z, the last instant an HTTP date can name.
const LATEST_SECS: u64 = 253_402_300_799;

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .expect("an HTTP date is not before 1970")
        .as_secs()
}

/// Day names, short (IMF-fixdate, asctime) and long (RFC 850).
const WEEKDAYS: [(&str, &str); 7] = [
    ("Mon", "Monday"),
    ("Tue", "Tuesday"),
    ("Wed", "Wednesday"),
    ("Thu", "Thursday"),
    ("Fri", "Friday"),
    ("Sat", "Saturday"),
    ("Sun", "Sunday"),
];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The year of an IMF-fixdate, and the rest of its date as `MM DD HH:MM:SS`: together, they
/// sort as the dates do.
fn sort_key(imf: &str) -> (u32, String) {
    let month = MONTHS
        .iter()
        .position(|m| *m == &imf[8..11])
        .expect("a month");
    (
        imf[12..16].parse().expect("a year"),
        format!("{:02} {} {}", month + 1, &imf[5..7], &imf[17..25]),
    )
}

/// RFC 9110 §5.6.7, written from the rule rather than as the parser computes it: the year an
/// RFC 850 date with the two-digit year `yy` on `date` (`MM DD HH:MM:SS`) is read as at `now`,
/// the one year with those last two digits whose timestamp is after now minus 50 years and
/// not after now plus 50 years (calendar years, to the second: "more than 50 years in the
/// future" is in the past). There is always exactly one.
fn window_year(yy: u32, date: &str, now: SystemTime) -> u32 {
    let (now_year, now_date) = sort_key(&httpdate::fmt_http_date(now));
    let (earliest, latest) = (
        (now_year - 50, now_date.as_str()),
        (now_year + 50, now_date.as_str()),
    );
    let mut years = (now_year - 50..=now_year + 50)
        .filter(|year| year % 100 == yy && (*year, date) > earliest && (*year, date) <= latest);
    let year = years.next().expect("a year in the window");
    assert_eq!(years.next(), None, "one year in the window");
    year
}

/// For a value in the shape of an RFC 850 date (a full day name and `", "`, after trimming as
/// `httpdate` trims), what the parser must give at `now`: the IMF-fixdate with the same fields
/// and the year of [`window_year`], as `httpdate` reads it (so the day name must be that of the
/// date in that year, and the year from 1970 to 9999), or nothing if the rest is not
/// `DD-Mon-YY HH:MM:SS GMT` (the space may be any byte, as `httpdate` allows). `None` for any
/// other value, left to `httpdate`.
fn rfc850_reference(text: &str, now: SystemTime) -> Option<Option<SystemTime>> {
    if !text.is_ascii() {
        return None;
    }
    let text = text.trim();
    let (short, rest) = WEEKDAYS
        .iter()
        .find_map(|(short, long)| Some((*short, text.strip_prefix(long)?.strip_prefix(", ")?)))?;
    let b = rest.as_bytes();
    if b.len() != 22
        || b[2] != b'-'
        || b[6] != b'-'
        || !b[7].is_ascii_digit()
        || !b[8].is_ascii_digit()
    {
        return Some(None);
    }
    let Some(month) = MONTHS.iter().position(|m| *m == &rest[3..6]) else {
        return Some(None);
    };
    let yy: u32 = rest[7..9].parse().expect("two digits");
    let date = format!("{:02} {} {}", month + 1, &rest[0..2], &rest[10..18]);
    let year = window_year(yy, &date, now);
    if !(1970..=9999).contains(&year) {
        return Some(None);
    }
    let imf = format!(
        "{short}, {} {} {year} {}",
        &rest[0..2],
        &rest[3..6],
        &rest[10..]
    );
    Some(httpdate::parse_http_date(&imf).ok())
}

/// What the parser must give for `data` at `now`: `httpdate`'s answer on the trimmed value
/// (which it takes when the value is at most 64 bytes), but for RFC 850 dates, whose two-digit
/// year is read as [`rfc850_reference`] says.
fn reference(data: &[u8], now: SystemTime) -> Option<SystemTime> {
    let trimmed = trim_ows(data);
    if trimmed.len() > 64 {
        return None;
    }
    let text = std::str::from_utf8(trimmed).ok()?;
    rfc850_reference(text, now).unwrap_or_else(|| httpdate::parse_http_date(text).ok())
}

/// `parse_http_date(value)`, with the parser's answer checked against `expected` at the time
/// of the call: `expected(now)` for `now` read before or after it (a date at an edge of the
/// 100-year window of RFC 850 years, to the second, changes its year as the clock moves).
fn parse_checked(
    value: &[u8],
    expected: impl Fn(SystemTime) -> Option<SystemTime>,
) -> Option<SystemTime> {
    let before = SystemTime::now();
    let parsed = parse_http_date(value);
    let after = SystemTime::now();
    assert!(
        parsed == expected(before) || parsed == expected(after),
        "{value:?}: {parsed:?}, expected {:?}",
        expected(before)
    );
    parsed
}

/// The other two formats of RFC 9110 §5.6.7 for the date of an IMF-fixdate, written here from
/// its fields: asctime and RFC 850 (which reads back only when its year is the one its two
/// digits are read as today; see [`rfc850_reference`]).
fn other_formats(imf: &str) -> Vec<String> {
    let (wday, day, mon, year, time) = (
        &imf[0..3],
        &imf[5..7],
        &imf[8..11],
        &imf[12..16],
        &imf[17..25],
    );
    let day_padded = day
        .strip_prefix('0')
        .map_or(day.to_owned(), |d| format!(" {d}"));
    let mut out = vec![format!("{wday} {mon} {day_padded} {time} {year}")];
    let long = WEEKDAYS
        .iter()
        .find_map(|(short, long)| (*short == wday).then_some(*long))
        .unwrap_or_else(|| panic!("weekday {wday:?} in {imf:?}"));
    out.push(format!("{long}, {day}-{mon}-{} {time} GMT", &year[2..]));
    out
}

fn check_date(t: SystemTime) {
    assert!(secs(t) <= LATEST_SECS);
    assert_eq!(
        t.duration_since(UNIX_EPOCH).ok().map(|d| d.subsec_nanos()),
        Some(0),
        "whole seconds"
    );
    assert_eq!(truncate_to_seconds(t), t);
    let imf = fmt_http_date(t);
    assert_eq!(imf.len(), 29, "{imf:?}");
    assert_eq!(
        imf,
        httpdate::fmt_http_date(t),
        "formatted as httpdate does"
    );
    assert_eq!(
        parse_http_date(imf.as_bytes()),
        Some(t),
        "IMF-fixdate round trip of {imf:?}"
    );
    for other in other_formats(&imf) {
        // `t` itself, unless an RFC 850 date's two digits are read as another year today.
        parse_checked(other.as_bytes(), |now| {
            rfc850_reference(&other, now).unwrap_or(Some(t))
        });
    }
}

fuzz_target!(|data: &[u8]| {
    // The parser: no panic, and exactly httpdate's answer on the trimmed value (which it takes
    // when the value is at most 64 bytes), with the IMF-fixdate fast path agreeing with it;
    // but an RFC 850 date's two-digit year is read relative to the clock (RFC 9110 §5.6.7),
    // where httpdate reads 70 to 99 as 1970 to 1999 and 00 to 69 as 2000 to 2069.
    let parsed = parse_checked(data, |now| reference(data, now));
    if let Some(t) = parsed {
        check_date(t);
    }

    // The writer: any time, before 1970 or after 9999 included, formats as its truncation.
    if let Some(head) = data.get(..13) {
        let raw = u64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
        let nanos = u32::from_le_bytes(head[8..12].try_into().expect("4 bytes")) % 1_000_000_000;
        let s = match (head[12] >> 1) & 3 {
            0 => raw % (LATEST_SECS + 1),
            1 => raw,
            2 => raw % (1 << 20),
            _ => LATEST_SECS.saturating_sub(raw % (1 << 20)) + (raw >> 63),
        };
        let offset = Duration::new(s, nanos);
        let t = if head[12] & 1 == 0 {
            UNIX_EPOCH.checked_add(offset)
        } else {
            UNIX_EPOCH.checked_sub(offset)
        };
        if let Some(t) = t {
            let whole = truncate_to_seconds(t);
            assert!(secs(whole) <= LATEST_SECS);
            match t.duration_since(UNIX_EPOCH) {
                Ok(since) if since.as_secs() <= LATEST_SECS => {
                    assert_eq!(secs(whole), since.as_secs(), "truncated towards the past");
                }
                Ok(_) => assert_eq!(secs(whole), LATEST_SECS, "clamped to 9999"),
                Err(_) => assert_eq!(whole, UNIX_EPOCH, "clamped to 1970"),
            }
            let imf = fmt_http_date(t);
            assert_eq!(imf, fmt_http_date(whole));
            check_date(whole);
        }
    }
});
