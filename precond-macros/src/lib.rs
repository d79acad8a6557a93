//! Procedural macros of [precond](https://docs.rs/precond). Use them through the `precond`
//! crate, which documents them and provides the runtime they expand to.
//!
//! One module per macro; each parses into a small model (`ast`, `attr`), checks it (`valid`),
//! and only then generates code (`expand`), or, on error, the errors plus a minimal stand-in
//! (`fallback`) so that the user sees the real mistakes and not a cascade of follow-on errors.
#![forbid(unsafe_code)]

mod conditional;
mod errors;
mod suggest;
mod versioned;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Defined in the `precond-macros` crate; use it through `precond`, which documents it in full
/// and provides the runtime that the generated code calls.
#[proc_macro_derive(Versioned, attributes(versioned))]
pub fn derive_versioned(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    versioned::derive(&input).into()
}

/// Defined in the `precond-macros` crate; use it through `precond`, which documents it in full
/// and provides the runtime that the generated code calls.
#[proc_macro_attribute]
pub fn conditional(args: TokenStream, item: TokenStream) -> TokenStream {
    conditional::attribute(args.into(), item.into(), conditional::Framework::Axum).into()
}

/// `#[conditional]` for actix-web handlers. Defined in the `precond-macros` crate; use it
/// through `precond::actix::conditional`, which documents it in full and provides the runtime
/// that the generated code calls.
#[proc_macro_attribute]
pub fn conditional_actix(args: TokenStream, item: TokenStream) -> TokenStream {
    conditional::attribute(args.into(), item.into(), conditional::Framework::Actix).into()
}

/// `precond::conditional` when precond's `axum` feature is off: a compile error naming the
/// import to use. Not public API.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn conditional_without_axum(args: TokenStream, item: TokenStream) -> TokenStream {
    conditional::without_axum(args.into(), item.into()).into()
}
