//! `#[derive(Versioned)]`: parse (`ast`, `attr`) → check (`valid`) → generate (`expand`), or
//! on any error the errors and a stand-in impl (`fallback`).

mod ast;
mod attr;
mod expand;
mod fallback;
mod valid;

use proc_macro2::{Span, TokenStream};
use syn::DeriveInput;

use crate::errors::Errors;

pub(crate) fn derive(node: &DeriveInput) -> TokenStream {
    let mut errors = Errors::new();
    let input = ast::Input::from_syn(node, &mut errors);
    if let Some(input) = &input {
        valid::check(input, &mut errors);
    }
    match (errors.finish(), input) {
        (Ok(()), Some(input)) => expand::derive(&input),
        (Err(error), input) => {
            let krate = input.as_ref().and_then(|input| input.attrs.krate.as_ref());
            fallback::expand(node, krate, error)
        }
        // `from_syn` only declines after recording an error; kept total all the same.
        (Ok(()), None) => fallback::expand(
            node,
            None,
            syn::Error::new(
                Span::call_site(),
                "`Versioned` cannot be derived for this type",
            ),
        ),
    }
}
