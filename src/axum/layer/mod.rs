mod require;
mod shallow;

pub use require::{RequireFuture, RequirePreconditions, RequirePreconditionsLayer};
pub use shallow::{ShallowEtag, ShallowEtagFuture, ShallowEtagLayer};
