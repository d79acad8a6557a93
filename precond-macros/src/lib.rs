//! Procedural macros of precond (filled in by the derive and #[conditional] issues).
