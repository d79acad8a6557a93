//! HTTP dates (RFC 9110 §5.6.7). IMF-fixdate, the format every sender generates, is parsed and
//! written here, and so is the obsolete RFC 850 format (for its two-digit year, below); asctime
//! is parsed by the `httpdate` crate.
//!
//! All three formats are accepted on input (IMF-fixdate, obsolete RFC 850, asctime); output is
//! always IMF-fixdate. HTTP dates have one-second precision, so every `Last-Modified` is
//! truncated to whole seconds before it is compared or sent: a client that echoes our own
//! `Last-Modified` back in `If-Unmodified-Since` or `If-Range` must match.
//!
//! # Two-digit years
//!
//! An RFC 850 date (`Sunday, 06-Nov-94 08:49:37 GMT`: a full day name, `", "`, then
//! `DD-Mon-YY HH:MM:SS GMT`) has a two-digit year. RFC 9110 §5.6.7: a recipient "MUST
//! interpret a timestamp that appears to be more than 50 years in the future as representing
//! the most recent year in the past that had the same last two digits". The year is therefore
//! read against the system clock (read only for this format, never for IMF-fixdate or
//! asctime): the year of the current century with those two digits, 100 years earlier if the
//! timestamp is then more than 50 years after now, 100 years later if it is 50 years or more
//! before now. The comparison is of the whole timestamp with now plus (or minus) 50 calendar
//! years, to the second: in June 2026, `76` is 2076 up to the same day and time of June 2076,
//! 1976 after it, and `77` is 1977. Every RFC 850 date is thus read as the one date with those
//! fields in the 100 years `(now - 50 years, now + 50 years]`; the window moves with the clock
//! (in 2060, `10` is 2110 or 2010 depending on the day of the year).
//!
//! The day name must be the day of the week of the date in the year so chosen, as it must be
//! in the other two formats. A date whose day name fits another century (`Thursday,
//! 01-Jan-70 00:00:00 GMT` read in 2026: 1 January 1970 was a Thursday, 1 January 2070 is a
//! Wednesday) is not a date, and is ignored as any invalid date is: the day name shows the
//! sender meant another century than the one RFC 9110 tells us to read, and an
//! `If-Modified-Since` read 100 years off would answer 304 for a century. (`Wednesday,
//! 01-Jan-70 00:00:00 GMT` is 1 January 2070.)
//!
//! What is not a date, and is therefore ignored wherever RFC 9110 says to ignore an invalid date:
//! anything `httpdate` rejects (garbage, invalid UTF-8, impossible days, years before 1970 or
//! after 9999), an RFC 850 date whose day name is not the day of the week of its date (in the
//! year read as above) or that is not in the shape above (the space between the year and the
//! time may be any ASCII byte, as `httpdate` has always allowed), and a field with several
//! lines. Optional whitespace (spaces and tabs) around the value is not part of a field value
//! (RFC 9110 §5.5): ASCII whitespace at either end is trimmed.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Parses an HTTP date in any of the three formats of RFC 9110 §5.6.7; `None` if it is not one.
///
/// The two-digit year of an RFC 850 date is read relative to the system clock, as RFC 9110
/// requires: see [the module documentation](self#two-digit-years).
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
    HttpDate::parse(value).map(HttpDate::to_system_time)
}

/// A valid HTTP date: whole seconds since 1970-01-01T00:00:00Z, up to the end of 9999. The
/// evaluator compares these, and makes a [`SystemTime`] of one only when it needs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct HttpDate(u64);

impl HttpDate {
    /// [`parse_http_date`], without the [`SystemTime`].
    #[inline]
    pub(crate) fn parse(value: &[u8]) -> Option<Self> {
        Self::parse_with_clock(value, SystemTime::now)
    }

    /// [`HttpDate::parse`], with `now` for the current time: called only for an RFC 850 date,
    /// whose two-digit year is read relative to it (see [the module documentation](self)).
    #[inline]
    fn parse_with_clock(value: &[u8], now: impl Fn() -> SystemTime) -> Option<Self> {
        // IMF-fixdate is the format every sender must generate (RFC 9110 §5.6.7): parse it
        // here, several times faster than `httpdate`, which checks a date by converting it to a
        // time and back. A value it accepts starts with a letter and ends with `T`, so it has no
        // whitespace to trim: the usual value is done with before any other work.
        match parse_imf_fixdate(value) {
            None => Self::parse_other(value, &now),
            date => date,
        }
    }

    /// [`HttpDate::parse`] for anything but a bare IMF-fixdate.
    ///
    /// Not generic (`now` is a `dyn Fn`), so that it is compiled once, out of the way of the
    /// fast path.
    #[cold]
    #[inline(never)]
    fn parse_other(value: &[u8], now: &dyn Fn() -> SystemTime) -> Option<Self> {
        // Whitespace around the value is not part of it, however long (OWS is unbounded, RFC
        // 9110 §5.5, §5.6.3): trim first. Then the longest valid HTTP date (RFC 850 with
        // "Wednesday") is 37 bytes; refuse long input before any other work.
        let value = crate::list::trim_ows(value);
        if value.len() > 64 {
            return None;
        }
        if let Some(date) = parse_imf_fixdate(value) {
            return Some(date);
        }
        // Every format is ASCII (`httpdate` rejects anything else); the rest is trimmed as
        // `httpdate` trims it, so that what it would take in the other formats is unchanged.
        if !value.is_ascii() {
            return None;
        }
        let text = std::str::from_utf8(value).ok()?.trim();
        // A full day name and a comma: RFC 850 or nothing (IMF-fixdate and asctime start with
        // a three-letter name). Parsed here, for its two-digit year: `httpdate` reads 70 to 99
        // as 1970 to 1999 and 00 to 69 as 2000 to 2069, whatever the date today.
        if let Some((weekday, rest)) = strip_rfc850_weekday(text.as_bytes()) {
            return parse_rfc850_date(weekday, rest, now());
        }
        // Anything else (asctime, and invalid dates, which `httpdate` rejects too) goes
        // through `httpdate`.
        let time = httpdate::parse_http_date(text).ok()?;
        // Whole seconds from 1970 on, as `httpdate` gives them.
        let since = time.duration_since(UNIX_EPOCH).ok()?;
        Some(HttpDate(since.as_secs()))
    }

    /// A time truncated to the second, as [`truncate_to_seconds`] does (clamped to the range
    /// of HTTP dates).
    pub(crate) fn truncating(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(since) => HttpDate(since.as_secs().min(LATEST_SECS)),
            Err(_) => HttpDate(0),
        }
    }

    /// The seconds since 1970-01-01T00:00:00Z.
    #[inline]
    pub(crate) fn seconds(self) -> u64 {
        self.0
    }

    /// The date as a [`SystemTime`].
    #[inline]
    pub(crate) fn to_system_time(self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.0)
    }
}

/// The shape of an IMF-fixdate: `d` stands for a decimal digit, `a` for a letter of a day or
/// month name (matched on its own), and every other byte must be itself.
const IMF_FIXDATE: &[u8; 29] = b"aaa, dd aaa dddd dd:dd:dd GMT";

/// Sixteen bytes of [`IMF_FIXDATE`], from `at`, checked and read all at once: each byte is a
/// lane of one `u128`, and no lane ever carries into the next.
#[derive(Clone, Copy)]
struct Window {
    at: usize,
    /// XORed into the bytes: `0` for a digit (a digit byte becomes its value), the byte itself
    /// for a fixed one (which becomes 0), nothing for a letter.
    expected: u128,
    /// Must then be clear: all eight bits of a fixed byte, the high four of a digit.
    zero: u128,
    /// Added, after which `sixteen` must be clear: a digit's low four bits are at most 9.
    six: u128,
    sixteen: u128,
    /// The digit lanes.
    digits: u128,
}

impl Window {
    /// The window of [`IMF_FIXDATE`] from `at`.
    const fn new(at: usize) -> Self {
        let mut window = Window {
            at,
            expected: 0,
            zero: 0,
            six: 0,
            sixteen: 0,
            digits: 0,
        };
        let mut i = 0;
        while i < 16 {
            let lane = 8 * i as u32;
            match IMF_FIXDATE[at + i] {
                b'a' => {}
                b'd' => {
                    window.expected |= (b'0' as u128) << lane;
                    window.zero |= 0xF0 << lane;
                    window.six |= 0x06 << lane;
                    window.sixteen |= 0x10 << lane;
                    window.digits |= 0xFF << lane;
                }
                fixed => {
                    window.expected |= (fixed as u128) << lane;
                    window.zero |= 0xFF << lane;
                }
            }
            i += 1;
        }
        window
    }

    /// If the sixteen bytes of `s` from `at` fit the window, the numbers of two digits that
    /// start at each digit lane (a lane holds ten times its digit plus the next lane's), and 0
    /// in the other lanes; `None` if they do not fit.
    #[inline]
    fn two_digit_numbers(self, s: &[u8; 29]) -> Option<u128> {
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&s[self.at..self.at + 16]);
        let x = u128::from_le_bytes(bytes) ^ self.expected;
        if x & self.zero != 0 || (x + self.six) & self.sixteen != 0 {
            return None;
        }
        // At most 10 × 9 + 9 in a lane: no carry.
        let digits = x & self.digits;
        Some(digits * 10 + (digits >> 8))
    }
}

/// The number in the lane of `numbers` for the byte at `at` of the date, from a window's
/// [`Window::two_digit_numbers`].
#[inline]
fn number_at(numbers: u128, window: Window, at: usize) -> u32 {
    (numbers >> (8 * (at - window.at)) & 0xFF) as u32
}

/// Three-letter names found by one multiplication and one comparison: the name's bytes as a
/// number, times `mul`, give its slot in their top `bits` bits, a different slot for each name
/// (checked when the table is built, at compile time).
struct NameTable<const SLOTS: usize> {
    mul: u32,
    bits: u32,
    /// The name in each slot as a number, or `u32::MAX` (no name) for an empty slot.
    keys: [u32; SLOTS],
    /// The position of the name in each slot in the list the table was built from.
    positions: [u8; SLOTS],
}

impl<const SLOTS: usize> NameTable<SLOTS> {
    const fn new(names: &[[u8; 3]], mul: u32) -> Self {
        let mut table = NameTable {
            mul,
            bits: SLOTS.trailing_zeros(),
            keys: [u32::MAX; SLOTS],
            positions: [0; SLOTS],
        };
        let mut i = 0;
        while i < names.len() {
            let key = Self::key(&names[i]);
            let slot = table.slot(key);
            assert!(table.keys[slot] == u32::MAX, "two names in one slot");
            table.keys[slot] = key;
            table.positions[slot] = i as u8;
            i += 1;
        }
        table
    }

    /// The bytes of a name as a number, little-endian: below `2^24`, so never `u32::MAX`.
    #[inline]
    const fn key(name: &[u8; 3]) -> u32 {
        u32::from_le_bytes([name[0], name[1], name[2], 0])
    }

    #[inline]
    const fn slot(&self, key: u32) -> usize {
        (key.wrapping_mul(self.mul) >> (32 - self.bits)) as usize
    }

    /// The position of `name` in the table's list, if it is there.
    #[inline]
    fn find(&self, name: &[u8]) -> Option<u32> {
        let name: &[u8; 3] = name.try_into().ok()?;
        let slot = self.slot_of(Self::key(name))?;
        Some(u32::from(self.positions[slot]))
    }

    /// The slot of the name whose [`key`](Self::key) is `key`, if it is in the table.
    #[inline]
    fn slot_of(&self, key: u32) -> Option<usize> {
        let slot = self.slot(key);
        (self.keys[slot] == key).then_some(slot)
    }

    /// [`slot_of`](Self::slot_of) the name in the first three of four bytes read as one
    /// little-endian number (the fourth is not part of the name).
    #[inline]
    fn slot_of_word(&self, four_bytes: u32) -> Option<usize> {
        self.slot_of(four_bytes & 0x00FF_FFFF)
    }
}

/// [`WEEKDAYS`] by name (the multiplier found by trying: the first that separates the names).
const WEEKDAY_NAMES: NameTable<8> = NameTable::new(&WEEKDAYS, 2_522);

/// The month names, January first, by name (see [`WEEKDAY_NAMES`]).
const MONTH_NAMES: NameTable<16> = NameTable::new(
    &[
        *b"Jan", *b"Feb", *b"Mar", *b"Apr", *b"May", *b"Jun", *b"Jul", *b"Aug", *b"Sep", *b"Oct",
        *b"Nov", *b"Dec",
    ],
    26_596,
);

/// In a common year: the days of each month, and the days of the year before it.
const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAYS_BEFORE_MONTH: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/// For each slot of [`MONTH_NAMES`], in a common year (`[0]`) and in a leap year (`[1]`): the
/// days of the month in that slot and the days of the year before it, so that a month found
/// by name needs no other table and no other test for the leap day. Empty slots, which no name
/// reaches, hold zeros.
const MONTHS_BY_SLOT: [[(u32, u32); 16]; 2] = {
    let mut months = [[(0, 0); 16]; 2];
    let mut slot = 0;
    while slot < 16 {
        if MONTH_NAMES.keys[slot] != u32::MAX {
            let month = MONTH_NAMES.positions[slot] as usize;
            let (days, before) = (MONTH_DAYS[month], DAYS_BEFORE_MONTH[month]);
            months[0][slot] = (days, before);
            // The leap day is in February, and before every later month.
            months[1][slot] = (days + (month == 1) as u32, before + (month > 1) as u32);
        }
        slot += 1;
    }
    months
};

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), exactly 29 bytes, that `httpdate` would
/// accept: year 1970 to 9999, a day that exists in its month, a time up to 23:59:59 and the
/// right day of the week. `None` for anything else, which is then left to `httpdate`.
#[inline(always)]
fn parse_imf_fixdate(value: &[u8]) -> Option<HttpDate> {
    // Two windows of sixteen bytes, overlapping, cover the 29: the first has the day and the
    // year, the second the time of day.
    const DATE: Window = Window::new(0);
    const TIME: Window = Window::new(13);
    let s: &[u8; 29] = value.try_into().ok()?;
    let (date, time) = (DATE.two_digit_numbers(s)?, TIME.two_digit_numbers(s)?);
    let day = number_at(date, DATE, 5);
    let year = number_at(date, DATE, 12) * 100 + number_at(date, DATE, 14);
    let (hour, minute, second) = (
        number_at(time, TIME, 17),
        number_at(time, TIME, 20),
        number_at(time, TIME, 23),
    );
    // The names, each read as the three low bytes of a four-byte word. Monday is 0.
    let word = |at: usize| u32::from_le_bytes([s[at], s[at + 1], s[at + 2], s[at + 3]]);
    let weekday = u32::from(WEEKDAY_NAMES.positions[WEEKDAY_NAMES.slot_of_word(word(0))?]);
    let month_slot = MONTH_NAMES.slot_of_word(word(8))?;
    // The days from 1970-01-01 to the year's first day, and whether it is a leap year.
    let (days_before_year, leap) = match year {
        // From 1901 to 2099 every fourth year is a leap year (2000 is divisible by 400): the
        // years of almost every date a server sees, in a few instructions.
        1970..=2099 => (
            365 * (year - 1970) + (year - 1969) / 4,
            year.is_multiple_of(4),
        ),
        2100..=9999 => gregorian_days_before_year(year),
        _ => return None,
    };
    let (month_days, days_before_month) = MONTHS_BY_SLOT[usize::from(leap)][month_slot];
    // From 1 to the days of the month, in one comparison.
    if day.wrapping_sub(1) >= month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Days since 1970-01-01: those before the year, then the days of this year before the date.
    let days = days_before_year + days_before_month + day - 1;
    // 1970-01-01 was a Thursday (3): the day of the week is `(days + 3) % 7`. Tested as a
    // divisibility (no remainder to compute), on a number that cannot be negative.
    if !(days + 3 + 7 - weekday).is_multiple_of(7) {
        return None;
    }
    // At most 2 932 896 days and 86 399 seconds of the day: both in 32 bits.
    let seconds = u64::from(days) * 86_400 + u64::from(hour * 3_600 + minute * 60 + second);
    Some(HttpDate(seconds))
}

/// For a year from 1970 on: the days from 1970-01-01 to its first day, and whether it is a leap
/// year, by the whole Gregorian rule.
#[inline(never)]
fn gregorian_days_before_year(year: u32) -> (u32, bool) {
    // Divisible by 4, and not by 100 unless by 400: for a multiple of 4, by 100 is by 25, and
    // by 400 is by 25 and 16 (cheaper tests than by 100 and 400).
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(25) || year.is_multiple_of(16));
    // 365 for each year before, plus its leap days (every fourth year of the Gregorian
    // calendar, except centuries not divisible by 400: 477 of them from year 1 to 1969).
    let before = year - 1;
    let days = 365 * (year - 1970) + before / 4 - before / 100 + before / 400 - 477;
    (days, leap)
}

/// Day names from Monday, as RFC 850 dates write them.
const LONG_WEEKDAYS: [&[u8]; 7] = [
    b"Monday",
    b"Tuesday",
    b"Wednesday",
    b"Thursday",
    b"Friday",
    b"Saturday",
    b"Sunday",
];

/// If `value` starts with a full day name and `", "`, as an RFC 850 date does: the day of the
/// week (0 for Monday) and what follows.
fn strip_rfc850_weekday(value: &[u8]) -> Option<(usize, &[u8])> {
    LONG_WEEKDAYS
        .iter()
        .enumerate()
        .find_map(|(weekday, name)| {
            let rest = value.strip_prefix(*name)?.strip_prefix(b", ")?;
            Some((weekday, rest))
        })
}

/// The rest of an RFC 850 date after its day name (the `weekday`, 0 for Monday) and `", "`:
/// `DD-Mon-YY HH:MM:SS GMT` (but for the space, which may be any byte, as in `httpdate`), its
/// two-digit year read relative to `now` (RFC 9110 §5.6.7, as
/// [the module documentation](self#two-digit-years) describes), with the same checks as an
/// IMF-fixdate: a day that exists in its month of that year, a time up to 23:59:59, the right
/// day of the week, and a year from 1970 to 9999.
fn parse_rfc850_date(weekday: usize, rest: &[u8], now: SystemTime) -> Option<HttpDate> {
    let s: &[u8; 22] = rest.try_into().ok()?;
    // The byte between the year and the time (a space) is not checked, as `httpdate` never
    // checked it: this parser takes what `httpdate` took, but for the year.
    if s[2] != b'-' || s[6] != b'-' {
        return None;
    }
    let digit = |at: usize| {
        let digit = s[at].wrapping_sub(b'0');
        (digit < 10).then_some(u32::from(digit))
    };
    let number = |at: usize| Some(digit(at)? * 10 + digit(at + 1)?);
    let month = MONTH_NAMES.find(&s[3..6])?;
    let (day, two_digit_year) = (number(0)?, number(7)?);
    let of_day = number(10)? * 3_600 + number(13)? * 60 + number(16)?;
    let year = rfc850_year(two_digit_year, (month, day, of_day), now);
    if year > 9_999 {
        return None;
    }
    // The same date as an IMF-fixdate, checked (and converted) as one: every field but the
    // year is copied as it is, separators included (`"HH:MM:SS GMT"`).
    let mut imf = *b"Thu, 01 Jan 1970 00:00:00 GMT";
    imf[..3].copy_from_slice(&WEEKDAYS[weekday]);
    imf[5..7].copy_from_slice(&s[0..2]);
    imf[8..11].copy_from_slice(&s[3..6]);
    imf[12..14].copy_from_slice(two_digits(year / 100));
    imf[14..16].copy_from_slice(two_digits(year % 100));
    imf[17..].copy_from_slice(&s[10..]);
    parse_imf_fixdate(&imf)
}

/// The year of an RFC 850 date with the two-digit year `two_digit_year` on `date` (its month
/// from 0, its day and its second of the day): the one with those last two digits whose date
/// is after now minus 50 years and not after now plus 50 years, comparing whole timestamps
/// (RFC 9110 §5.6.7: "more than 50 years in the future" is the past).
fn rfc850_year(two_digit_year: u32, date: (u32, u32, u32), now: SystemTime) -> u32 {
    // The date of now, read back from its IMF-fixdate (clamped to 1970 to 9999).
    let now = imf_fixdate(now);
    let number = |at: usize| u32::from(now[at] - b'0') * 10 + u32::from(now[at + 1] - b'0');
    let now_year = number(12) * 100 + number(14);
    let now_date = (
        MONTH_NAMES.find(&now[8..11]).unwrap_or(0),
        number(5),
        number(17) * 3_600 + number(20) * 60 + number(23),
    );
    let year = now_year - now_year % 100 + two_digit_year;
    if (year, date) > (now_year + 50, now_date) {
        year - 100
    } else if (year, date) <= (now_year - 50, now_date) {
        year + 100
    } else {
        year
    }
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
const WEEKDAYS: [[u8; 3]; 7] = [
    *b"Mon", *b"Tue", *b"Wed", *b"Thu", *b"Fri", *b"Sat", *b"Sun",
];

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
    out[..3].copy_from_slice(&WEEKDAYS[weekday as usize]);
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
            assert_eq!(
                parse_imf_fixdate(text.as_bytes()).map(HttpDate::to_system_time),
                Some(time),
                "{text}"
            );
        }
        // Near misses: each must be rejected by the fast path, and `parse_http_date` must give
        // whatever httpdate gives.
        for text in [
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 00:00:00 GMT",
            "Thu, 29 Feb 2001 00:00:00 GMT",
            // 2100 is not a leap year: the day before Monday 1 March would be a Sunday.
            "Sun, 29 Feb 2100 00:00:00 GMT",
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
            "Wed, 29 Feb 2096 00:00:00 GMT",
            // Both sides of the end of the years read by the short rule (1970 to 2099).
            "Thu, 31 Dec 2099 23:59:59 GMT",
            "Fri, 01 Jan 2100 00:00:00 GMT",
            "Mon, 01 Mar 2100 00:00:00 GMT",
            "Tue, 29 Feb 2400 00:00:00 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            assert!(reference(text).is_some(), "{text}");
            assert_eq!(
                parse_imf_fixdate(text.as_bytes()).map(HttpDate::to_system_time),
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

    /// `table` finds each of `names` at its position, and nothing else: every three ASCII
    /// letters, and every three bytes that differ from a name in one place.
    fn finds_exactly<const SLOTS: usize>(table: &NameTable<SLOTS>, names: &[[u8; 3]]) {
        let expected = |name: &[u8]| {
            names
                .iter()
                .position(|n| n == name)
                .map(|position| position as u32)
        };
        let letters = || (b'A'..=b'Z').chain(b'a'..=b'z');
        for a in letters() {
            for b in letters() {
                for c in letters() {
                    assert_eq!(table.find(&[a, b, c]), expected(&[a, b, c]));
                }
            }
        }
        for name in names {
            for at in 0..3 {
                for byte in 0..=255 {
                    let mut near = *name;
                    near[at] = byte;
                    assert_eq!(table.find(&near), expected(&near), "{near:?}");
                }
            }
        }
        assert_eq!(table.find(&[0, 0, 0]), None);
        assert_eq!(table.find(b"Ma"), None);
    }

    #[test]
    fn name_tables_find_exactly_their_names() {
        finds_exactly(&WEEKDAY_NAMES, &WEEKDAYS);
        let months: Vec<[u8; 3]> = MONTHS
            .chunks(3)
            .map(|name| [name[0], name[1], name[2]])
            .collect();
        finds_exactly(&MONTH_NAMES, &months);
    }

    /// Every change of one byte of an IMF-fixdate, to any of the 256: the fast path accepts
    /// exactly what `httpdate` accepts, with the same time.
    #[test]
    fn imf_fixdate_one_byte_off_is_httpdate() {
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Tue, 29 Feb 2000 23:59:59 GMT",
            "Fri, 31 Dec 9999 19:19:19 GMT",
            "Wed, 10 Oct 2012 10:10:10 GMT",
        ] {
            for at in 0..29 {
                for byte in 0..=255 {
                    let mut near = text.as_bytes().to_vec();
                    near[at] = byte;
                    let reference = std::str::from_utf8(&near)
                        .ok()
                        .and_then(|text| httpdate::parse_http_date(text).ok());
                    let fast = parse_imf_fixdate(&near).map(HttpDate::to_system_time);
                    assert!(fast.is_none() || fast == reference, "{near:?}");
                    assert_eq!(parse_http_date(&near), reference, "{near:?}");
                }
            }
        }
    }

    /// `HttpDate::truncating` keeps what `truncate_to_seconds` keeps.
    #[test]
    fn http_date_truncating_is_truncate_to_seconds() {
        for time in [
            UNIX_EPOCH,
            UNIX_EPOCH - Duration::from_secs(5),
            UNIX_EPOCH + Duration::new(1_700_000_000, 999_999_999),
            UNIX_EPOCH + Duration::from_secs(LATEST_SECS),
            UNIX_EPOCH + Duration::from_secs(LATEST_SECS + 1),
            UNIX_EPOCH + Duration::from_secs(u64::MAX / 4),
        ] {
            assert_eq!(
                HttpDate::truncating(time).to_system_time(),
                truncate_to_seconds(time)
            );
        }
    }

    proptest::proptest! {
        /// An IMF-fixdate with any byte changed (or two), or any 29 bytes of date-like
        /// characters: the fast path accepts exactly what `httpdate` accepts, with the same
        /// time, and `parse_http_date` gives what `httpdate` gives.
        #[test]
        fn imf_fixdate_near_misses_are_httpdate(
            secs in 0..=LATEST_SECS,
            changes in proptest::collection::vec((0usize..29, proptest::num::u8::ANY), 0..3),
            noise in proptest::collection::vec(
                proptest::sample::select(b" ,:0123456789ADFGJMNOSTWadehinortuvy/".to_vec()),
                29,
            ),
            use_noise in proptest::bool::weighted(0.2),
        ) {
            let mut text = if use_noise {
                noise
            } else {
                httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs)).into_bytes()
            };
            for (at, byte) in changes {
                text[at] = byte;
            }
            let reference = std::str::from_utf8(&text)
                .ok()
                .and_then(|text| httpdate::parse_http_date(text).ok());
            if let Some(time) = parse_imf_fixdate(&text).map(HttpDate::to_system_time) {
                proptest::prop_assert_eq!(Some(time), reference, "{:?}", text);
            }
            proptest::prop_assert_eq!(parse_http_date(&text), reference, "{:?}", text);
        }

        /// Any second from 1970 to 9999, and any sub-second part: what `httpdate` writes for
        /// the time truncated to the second.
        #[test]
        fn fmt_http_date_is_httpdate(secs in 0..=LATEST_SECS, nanos in 0u32..1_000_000_000) {
            let time = UNIX_EPOCH + Duration::new(secs, nanos);
            let expected = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs));
            proptest::prop_assert_eq!(fmt_http_date(time), expected);
        }
    }

    /// [`HttpDate::parse`] with `now` (seconds since 1970) as the current time.
    fn parse_at(value: &str, now: u64) -> Option<u64> {
        HttpDate::parse_with_clock(value.as_bytes(), || UNIX_EPOCH + Duration::from_secs(now))
            .map(HttpDate::seconds)
    }

    /// The seconds since 1970 of a date written `06 Nov 1994 08:49:37` (an IMF-fixdate without
    /// its day name).
    fn at(date: &str) -> u64 {
        WEEKDAYS
            .iter()
            .find_map(|name| {
                let name = std::str::from_utf8(name).unwrap_or_default();
                parse_imf_fixdate(format!("{name}, {date} GMT").as_bytes())
            })
            .map(HttpDate::seconds)
            .unwrap_or_else(|| panic!("{date}"))
    }

    /// The RFC 850 date of a time (`Sunday, 06-Nov-94 08:49:37 GMT`), with its day name.
    fn rfc850(secs: u64) -> String {
        let imf = fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs));
        let weekday = WEEKDAYS
            .iter()
            .position(|name| *name == imf.as_bytes()[..3])
            .unwrap_or_else(|| panic!("{imf}"));
        let long = std::str::from_utf8(LONG_WEEKDAYS[weekday]).unwrap_or_default();
        format!(
            "{long}, {}-{}-{} {} GMT",
            &imf[5..7],
            &imf[8..11],
            &imf[14..16],
            &imf[17..25]
        )
    }

    /// RFC 9110 §5.6.7: in 2026, a two-digit year more than 50 years ahead is in the past.
    #[test]
    fn rfc850_two_digit_years_around_the_pivot() {
        let now = at("15 Jun 2026 12:00:00");
        for (two_digits, year) in [
            ("25", 2025),
            ("26", 2026),
            ("70", 2070),
            ("75", 2075),
            ("76", 2076),
            ("77", 1977),
            ("99", 1999),
            ("00", 2000),
        ] {
            // (31 December 2076 is more than 50 years ahead: 1976, below.)
            for date in ["01 Jan", "15 Jun"] {
                let expected = at(&format!("{date} {year} 00:00:00"));
                let text = rfc850(expected);
                assert!(text.contains(&format!("-{two_digits} ")), "{text}");
                assert_eq!(parse_at(&text, now), Some(expected), "{text}");
            }
        }
        // Exactly 50 years ahead is not more than 50 years: to the second.
        for (date, year) in [
            ("15 Jun", "12:00:00", 2076),
            ("15 Jun", "11:59:59", 2076),
            ("14 Jun", "23:59:59", 2076),
            ("01 Jan", "00:00:00", 2076),
            ("15 Jun", "12:00:01", 1976),
            ("16 Jun", "00:00:00", 1976),
            ("31 Dec", "23:59:59", 1976),
        ]
        .map(|(day, time, year)| (format!("{day} {year} {time}"), year))
        {
            let expected = at(&date);
            let text = rfc850(expected);
            assert_eq!(parse_at(&text, now), Some(expected), "{text} ({year})");
        }
        // The same, on the real clock: 1994 until late 2044.
        assert_eq!(
            parse_http_date(b"Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(UNIX_EPOCH + Duration::from_secs(784_111_777))
        );
    }

    /// The window moves with the clock: in 2060, `10` is 2110 until the day and time of now in
    /// the year, 2010 after it, and `00` is 2100.
    #[test]
    fn rfc850_window_moves_with_now() {
        let now = at("01 Mar 2060 00:00:00");
        for (date, year) in [
            ("01 Jan 2110 00:00:00", 2110),
            ("28 Feb 2110 23:59:59", 2110),
            ("01 Mar 2110 00:00:00", 2110),
            ("01 Mar 2010 00:00:01", 2010),
            ("01 Jun 2010 00:00:00", 2010),
            ("01 Jan 2100 00:00:00", 2100),
            ("01 Jan 2099 00:00:00", 2099),
            ("01 Jan 2070 00:00:00", 2070),
            ("01 Jan 2026 00:00:00", 2026),
            ("31 Dec 2060 23:59:59", 2060),
        ] {
            let expected = at(date);
            let text = rfc850(expected);
            assert_eq!(parse_at(&text, now), Some(expected), "{text} ({year})");
        }
        // The same two digits in 2026: the window has moved.
        let now_2026 = at("15 Jun 2026 12:00:00");
        assert_eq!(
            parse_at("Friday, 01-Jan-10 00:00:00 GMT", now_2026),
            Some(at("01 Jan 2010 00:00:00"))
        );
        assert_eq!(
            parse_at("Wednesday, 01-Jan-10 00:00:00 GMT", now),
            Some(at("01 Jan 2110 00:00:00"))
        );
    }

    /// The day name must be that of the date in the year the window gives; a date whose day name
    /// belongs to another century is not a date.
    #[test]
    fn rfc850_weekday_is_checked_in_the_year_read() {
        let now_2026 = at("15 Jun 2026 12:00:00");
        // 1970-01-01 was a Thursday, 2070-01-01 is a Wednesday.
        assert_eq!(parse_at("Thursday, 01-Jan-70 00:00:00 GMT", now_2026), None);
        assert_eq!(
            parse_at("Wednesday, 01-Jan-70 00:00:00 GMT", now_2026),
            Some(at("01 Jan 2070 00:00:00"))
        );
        // In 2015, 70 was 1970 (2070 was more than 50 years ahead).
        let now_2015 = at("01 Jan 2015 00:00:00");
        assert_eq!(
            parse_at("Thursday, 01-Jan-70 00:00:00 GMT", now_2015),
            Some(0)
        );
        assert_eq!(
            parse_at("Wednesday, 01-Jan-70 00:00:00 GMT", now_2015),
            None
        );
        // Leap days are those of the year read: 2000 had one, 2100 has none.
        assert_eq!(
            parse_at("Tuesday, 29-Feb-00 00:00:00 GMT", now_2026),
            Some(at("29 Feb 2000 00:00:00"))
        );
        let now_2060 = at("01 Mar 2060 00:00:00");
        for weekday in LONG_WEEKDAYS {
            let weekday = std::str::from_utf8(weekday).unwrap_or_default();
            let text = format!("{weekday}, 29-Feb-00 00:00:00 GMT");
            assert_eq!(parse_at(&text, now_2060), None, "{text}");
        }
        // A year read before 1970 or after 9999 is not an HTTP date.
        let now_1990 = at("01 Jan 1990 00:00:00");
        for weekday in LONG_WEEKDAYS {
            let weekday = std::str::from_utf8(weekday).unwrap_or_default();
            let text = format!("{weekday}, 01-Jan-60 00:00:00 GMT");
            assert_eq!(parse_at(&text, now_1990), None, "{text}");
            let text = format!("{weekday}, 01-Jan-20 00:00:00 GMT");
            assert_eq!(parse_at(&text, at("01 Jan 9990 00:00:00")), None, "{text}");
        }
        assert_eq!(
            parse_at(
                "Thursday, 01-Jan-60 00:00:00 GMT",
                at("01 Jan 2030 00:00:00")
            ),
            Some(at("01 Jan 2060 00:00:00"))
        );
    }

    /// RFC 850 dates are parsed exactly in their shape, and no longer by `httpdate`.
    #[test]
    fn rfc850_shape() {
        let now = at("15 Jun 2026 12:00:00");
        let expected = Some(784_111_777);
        for ok in [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "  Sunday, 06-Nov-94 08:49:37 GMT\t",
            // Any byte between the year and the time, as `httpdate` takes.
            "Sunday, 06-Nov-94X08:49:37 GMT",
        ] {
            assert_eq!(parse_at(ok, now), expected, "{ok:?}");
        }
        for bad in [
            "Sunday, 06 Nov 94 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sunday, 6-Nov-94 08:49:37 GMT",
            "Sunday, 06-nov-94 08:49:37 GMT",
            "Sunday, 06-Nov-9a 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT ,",
            "Sunday, 06-Nov-94 08.49.37 GMT",
            "Sunday, 06-Nov-94 24:49:37 GMT",
            "Sunday, 31-Nov-94 08:49:37 GMT",
            "Sunday,06-Nov-94 08:49:37 GMT",
            "sunday, 06-Nov-94 08:49:37 GMT",
            "Sun, 06-Nov-94 08:49:37 GMT",
            "Sunday, ",
            "Sunday, 06-Nov-94 08:49:37 GMT\u{a0}",
        ] {
            assert_eq!(parse_at(bad, now), None, "{bad:?}");
        }
    }

    /// IMF-fixdate and asctime never read the clock.
    #[test]
    fn only_rfc850_reads_the_clock() {
        let clock = || -> SystemTime { panic!("the clock was read") };
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            " Sun, 06 Nov 1994 08:49:37 GMT ",
            "Sun Nov  6 08:49:37 1994",
            "Sunday 06-Nov-94 08:49:37 GMT",
            "yesterday",
        ] {
            let _ = HttpDate::parse_with_clock(text.as_bytes(), clock);
        }
    }

    proptest::proptest! {
        /// Any RFC 850 date, read at any time from 2020 to 9948: the date with its fields (the
        /// year with its two digits) in `(now - 50 years, now + 50 years]`, with exactly one
        /// day name for a day that exists in every year.
        #[test]
        fn rfc850_within_fifty_years(
            now in at("01 Jan 2020 00:00:00")..at("01 Jan 9949 00:00:00"),
            day in 1u32..=31,
            month in 0usize..12,
            two_digits in 0u32..100,
            of_day in 0u32..86_400,
        ) {
            let month_name = std::str::from_utf8(&MONTHS[month * 3..month * 3 + 3])
                .unwrap_or_default();
            let time = format!(
                "{:02}:{:02}:{:02}",
                of_day / 3_600,
                of_day / 60 % 60,
                of_day % 60
            );
            let results: Vec<u64> = LONG_WEEKDAYS
                .iter()
                .filter_map(|weekday| {
                    let weekday = std::str::from_utf8(weekday).unwrap_or_default();
                    let text = format!("{weekday}, {day:02}-{month_name}-{two_digits:02} {time} GMT");
                    parse_at(&text, now)
                })
                .collect();
            proptest::prop_assert!(results.len() <= 1, "{:?}", results);
            if day <= 28 {
                proptest::prop_assert_eq!(results.len(), 1);
            }
            for secs in results {
                let imf = fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs));
                proptest::prop_assert_eq!(
                    &imf[5..],
                    format!("{day:02} {month_name} {}{two_digits:02} {time} GMT", &imf[12..14])
                );
                // Within 50 years (of 365.25 days and a day) either way...
                let fifty_years = 50 * 36_525 * 864 + 86_400;
                proptest::prop_assert!(secs <= now + fifty_years && now < secs + fifty_years);
                // ... and within 50 calendar years exactly.
                let key = |secs: u64| {
                    let imf = fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs));
                    let month = MONTH_NAMES.find(&imf.as_bytes()[8..11]).unwrap_or(99);
                    let year: u32 = imf[12..16].parse().unwrap_or(0);
                    (year, format!("{month:02} {} {}", &imf[5..7], &imf[17..25]))
                };
                let ((year, date), (now_year, now_date)) = (key(secs), key(now));
                proptest::prop_assert!((year, &date) <= (now_year + 50, &now_date));
                proptest::prop_assert!((year, &date) > (now_year - 50, &now_date));
            }
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
