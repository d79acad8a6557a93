//! HTTP dates (`precond_core::date`): the parser on arbitrary bytes, checked against the
//! `httpdate` crate it must agree with, and the IMF-fixdate writer on arbitrary times.
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

/// The other two formats of RFC 9110 §5.6.7 for the date of an IMF-fixdate, written here from
/// its fields: asctime always, RFC 850 when its two-digit year reads back (1970 to 2069).
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
    let long = match wday {
        "Mon" => "Monday",
        "Tue" => "Tuesday",
        "Wed" => "Wednesday",
        "Thu" => "Thursday",
        "Fri" => "Friday",
        "Sat" => "Saturday",
        "Sun" => "Sunday",
        other => panic!("weekday {other:?} in {imf:?}"),
    };
    let y: u32 = year.parse().expect("four digits");
    if (1970..=2069).contains(&y) {
        out.push(format!("{long}, {day}-{mon}-{} {time} GMT", &year[2..]));
    }
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
        assert_eq!(
            parse_http_date(other.as_bytes()),
            Some(t),
            "{other:?} from {imf:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    // The parser: no panic, and exactly httpdate's answer on the trimmed value (which it takes
    // when the value is at most 64 bytes), with the IMF-fixdate fast path agreeing with it.
    let parsed = parse_http_date(data);
    let trimmed = trim_ows(data);
    let reference = if trimmed.len() <= 64 {
        std::str::from_utf8(trimmed)
            .ok()
            .and_then(|text| httpdate::parse_http_date(text).ok())
    } else {
        None
    };
    assert_eq!(parsed, reference, "{data:?}");
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
