mod require;
mod shallow;

pub use require::{RequireFuture, RequirePreconditions, RequirePreconditionsMiddleware};
pub use shallow::{ShallowEtag, ShallowEtagFuture, ShallowEtagMiddleware};

use ::actix_web::http::header::{
    HeaderMap, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE, RANGE,
};
use precond_core::{Field, Preconditions};

/// The conditional fields of a request's headers, every line of each in the order received,
/// borrowed. One pass over the headers, comparing names (standard names compare as small
/// integers): cheaper than six lookups for the handful of fields a request carries.
fn preconditions(headers: &HeaderMap) -> Preconditions<'_> {
    let mut pre = Preconditions::new();
    for (name, value) in headers.iter() {
        let field = if *name == IF_MATCH {
            Field::IfMatch
        } else if *name == IF_NONE_MATCH {
            Field::IfNoneMatch
        } else if *name == IF_MODIFIED_SINCE {
            Field::IfModifiedSince
        } else if *name == IF_UNMODIFIED_SINCE {
            Field::IfUnmodifiedSince
        } else if *name == IF_RANGE {
            Field::IfRange
        } else if *name == RANGE {
            Field::Range
        } else {
            continue;
        };
        pre.add(field, value.as_bytes());
    }
    pre
}
