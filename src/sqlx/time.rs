//! [`UnixSeconds`]: the type of a `last_modified` column.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use precond_core::LastModified;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

/// Whole seconds since the Unix epoch, stored as a 64-bit integer (`BIGINT`, SQLite `INTEGER`):
/// the type of a [`Table::last_modified`](super::Table::last_modified) column, and of the
/// `#[versioned(last_modified)]` field that reads it.
///
/// An HTTP date has whole seconds, and so does this column: what is stored is exactly what
/// `Last-Modified` says, and what `If-Unmodified-Since` is compared with.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use precond::LastModified;
/// use precond::sqlx::UnixSeconds;
///
/// let stamp = UnixSeconds(1_735_689_600);
/// assert_eq!(stamp.as_last_modified(), Some(UNIX_EPOCH + Duration::from_secs(1_735_689_600)));
/// assert_eq!(UnixSeconds(-1).as_last_modified(), None); // before 1970: no date sent
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixSeconds(pub i64);

impl UnixSeconds {
    /// `time`, truncated to the second; `None` before the epoch.
    #[must_use]
    pub fn from_system_time(time: SystemTime) -> Option<Self> {
        let seconds = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
        i64::try_from(seconds).ok().map(Self)
    }
}

impl LastModified for UnixSeconds {
    /// The instant, or `None` for a negative count (a date before 1970 is no useful validator).
    fn as_last_modified(&self) -> Option<SystemTime> {
        let seconds = u64::try_from(self.0).ok()?;
        UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
    }
}

impl<DB: Database> Type<DB> for UnixSeconds
where
    i64: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <i64 as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <i64 as Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: Database> Decode<'r, DB> for UnixSeconds
where
    i64: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        <i64 as Decode<'r, DB>>::decode(value).map(Self)
    }
}

impl<'q, DB: Database> Encode<'q, DB> for UnixSeconds
where
    i64: Encode<'q, DB>,
{
    fn encode_by_ref(&self, buf: &mut DB::ArgumentBuffer<'q>) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<'q, DB>>::encode_by_ref(&self.0, buf)
    }
}
