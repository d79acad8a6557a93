//! The date types a representation's `Last-Modified` may come from.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A value that stands for a modification date: the type of a `#[versioned(last_modified)]`
/// field.
///
/// Implemented for [`SystemTime`], [`httpdate::HttpDate`], `Option<T>` (no date when `None`),
/// references and smart pointers to those, and behind features for `chrono::DateTime<Tz>`
/// (`chrono`) and `time::OffsetDateTime` / `time::UtcDateTime` (`time`). Date types without a
/// time zone (`chrono::NaiveDateTime`, `time::PrimitiveDateTime`) are deliberately left out:
/// which instant they mean is a guess.
///
/// The date is returned as it is; [`Validators`](crate::Validators) truncates it to the
/// second, the precision of an HTTP date.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use precond_core::LastModified;
///
/// let t = UNIX_EPOCH + Duration::from_secs(784_111_777);
/// assert_eq!(t.as_last_modified(), Some(t));
/// assert_eq!(httpdate::HttpDate::from(t).as_last_modified(), Some(t));
/// assert_eq!(None::<std::time::SystemTime>.as_last_modified(), None);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a date that precond can send as `Last-Modified`",
    label = "not a `Last-Modified` date",
    note = "a `#[versioned(last_modified)]` field may be a `std::time::SystemTime`, an `httpdate::HttpDate`, an `Option` of one, a `chrono::DateTime<Tz>` (feature `chrono`) or a `time::OffsetDateTime` / `time::UtcDateTime` (feature `time`)",
    note = "for another type, implement `precond::LastModified` for it"
)]
pub trait LastModified {
    /// The modification date this value stands for, if any.
    fn as_last_modified(&self) -> Option<SystemTime>;
}

impl LastModified for SystemTime {
    #[inline]
    fn as_last_modified(&self) -> Option<SystemTime> {
        Some(*self)
    }
}

impl LastModified for httpdate::HttpDate {
    #[inline]
    fn as_last_modified(&self) -> Option<SystemTime> {
        Some(SystemTime::from(*self))
    }
}

impl<T: LastModified> LastModified for Option<T> {
    #[inline]
    fn as_last_modified(&self) -> Option<SystemTime> {
        self.as_ref().and_then(T::as_last_modified)
    }
}

macro_rules! forward {
    ($($ty:ty),*) => {$(
        impl<T: LastModified + ?Sized> LastModified for $ty {
            #[inline]
            fn as_last_modified(&self) -> Option<SystemTime> {
                (**self).as_last_modified()
            }
        }
    )*};
}

forward!(&T, &mut T, Box<T>, std::rc::Rc<T>, std::sync::Arc<T>);

/// The instant `seconds` (possibly negative) plus `nanos` after the Unix epoch, or `None` if
/// `SystemTime` cannot represent it. Never panics.
#[cfg_attr(not(any(feature = "chrono", feature = "time")), allow(dead_code))]
fn from_unix(seconds: i64, nanos: u32) -> Option<SystemTime> {
    let whole = if seconds >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(seconds.unsigned_abs()))?
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(seconds.unsigned_abs()))?
    };
    // `nanos` may exceed one second for a leap second (chrono); `from_nanos` carries it.
    whole.checked_add(Duration::from_nanos(u64::from(nanos)))
}

#[cfg(feature = "chrono")]
impl<Tz: chrono::TimeZone> LastModified for chrono::DateTime<Tz> {
    #[inline]
    fn as_last_modified(&self) -> Option<SystemTime> {
        from_unix(self.timestamp(), self.timestamp_subsec_nanos())
    }
}

#[cfg(feature = "time")]
impl LastModified for time::OffsetDateTime {
    #[inline]
    fn as_last_modified(&self) -> Option<SystemTime> {
        from_unix(self.unix_timestamp(), self.nanosecond())
    }
}

#[cfg(feature = "time")]
impl LastModified for time::UtcDateTime {
    #[inline]
    fn as_last_modified(&self) -> Option<SystemTime> {
        from_unix(self.unix_timestamp(), self.nanosecond())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_either_side_of_the_epoch() {
        assert_eq!(from_unix(0, 0), Some(UNIX_EPOCH));
        assert_eq!(from_unix(1, 500), Some(UNIX_EPOCH + Duration::new(1, 500)));
        // -1.5 s is -2 s plus 0.5 s.
        assert_eq!(
            from_unix(-2, 500_000_000),
            Some(UNIX_EPOCH - Duration::from_millis(1_500))
        );
        // A leap second's nanoseconds carry into the next second.
        assert_eq!(
            from_unix(10, 1_500_000_000),
            Some(UNIX_EPOCH + Duration::from_millis(11_500))
        );
        // The extremes are platform-dependent (`SystemTime`'s range differs), but never panic.
        for seconds in [i64::MIN, i64::MAX] {
            for nanos in [0, u32::MAX] {
                let _ = from_unix(seconds, nanos);
            }
        }
        assert_eq!(from_unix(i64::MAX, u32::MAX), None);
    }

    #[test]
    fn options_and_pointers() {
        let t = UNIX_EPOCH + Duration::from_secs(42);
        assert_eq!(Some(t).as_last_modified(), Some(t));
        assert_eq!(Some(Some(t)).as_last_modified(), Some(t));
        assert_eq!(
            <&SystemTime as LastModified>::as_last_modified(&&t),
            Some(t)
        );
        assert_eq!(std::sync::Arc::new(t).as_last_modified(), Some(t));
        assert_eq!(Box::new(None::<SystemTime>).as_last_modified(), None);
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_date_times() {
        use chrono::{DateTime, FixedOffset, TimeZone, Utc};
        let utc = Utc.timestamp_opt(784_111_777, 250).single();
        assert_eq!(
            utc.as_ref().and_then(LastModified::as_last_modified),
            Some(UNIX_EPOCH + Duration::new(784_111_777, 250))
        );
        // The offset changes how the date is written, not the instant.
        let east: Option<DateTime<FixedOffset>> =
            FixedOffset::east_opt(3600).and_then(|tz| utc.map(|d| d.with_timezone(&tz)));
        assert_eq!(
            east.as_ref().and_then(LastModified::as_last_modified),
            Some(UNIX_EPOCH + Duration::new(784_111_777, 250))
        );
        let before = Utc.timestamp_opt(-1, 0).single();
        assert_eq!(
            before.as_ref().and_then(LastModified::as_last_modified),
            Some(UNIX_EPOCH - Duration::from_secs(1))
        );
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_date_times() {
        let offset = time::OffsetDateTime::from_unix_timestamp_nanos(784_111_777_000_000_250);
        assert_eq!(
            offset.ok().and_then(|d| d.as_last_modified()),
            Some(UNIX_EPOCH + Duration::new(784_111_777, 250))
        );
        let utc = time::UtcDateTime::from_unix_timestamp(-5);
        assert_eq!(
            utc.ok().and_then(|d| d.as_last_modified()),
            Some(UNIX_EPOCH - Duration::from_secs(5))
        );
    }
}
