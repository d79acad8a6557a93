//! `#[conditional]`: parse (`ast`, `attr`) → check (`valid`) → generate (`expand`), or on any
//! error the errors and the function without what only this macro understands (`fallback`).

mod ast;
mod attr;
mod expand;
mod fallback;
mod openapi;
mod valid;

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;

use crate::errors::Errors;

/// The web framework a handler is generated for: the module of `precond::__private` whose
/// runtime the generated code calls. The expansion is otherwise the same for every framework;
/// the entry point (`precond::axum::conditional`, `precond::actix::conditional`) chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framework {
    Axum,
    Actix,
}

impl Framework {
    /// The module of `precond::__private` with this framework's runtime.
    pub(crate) fn module(self) -> &'static str {
        match self {
            Framework::Axum => "axum",
            Framework::Actix => "actix",
        }
    }
}

pub(crate) fn attribute(args: TokenStream, item: TokenStream, framework: Framework) -> TokenStream {
    let mut errors = Errors::new();
    let args = attr::args(args, &mut errors);
    let function = match syn::parse2::<ast::Function>(item.clone()) {
        Ok(function) => function,
        Err(_) => {
            errors.push(not_a_function(&item));
            let error = match errors.finish() {
                Err(error) => error,
                Ok(()) => not_a_function(&item),
            };
            return fallback::item(item, error);
        }
    };
    let handler = ast::Handler::from_syn(function, args, &mut errors);
    valid::check(&handler, framework, &mut errors);
    match errors.finish() {
        Ok(()) => expand::handler(&handler, framework),
        Err(error) => fallback::handler(&handler, error),
    }
}

/// `precond::conditional` where the facade has no axum integration (feature `axum` off): an
/// error that names the import to use, and the handler without what only the attribute
/// understands (so that no other error follows).
pub(crate) fn without_axum(args: TokenStream, item: TokenStream) -> TokenStream {
    let message = "`precond::conditional` is the attribute for axum handlers, and precond's \
                   `axum` feature is off: for an actix-web handler, write \
                   `use precond::actix::conditional;`; for an axum handler, enable the `axum` \
                   feature";
    let span = args
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span());
    let error = syn::Error::new(span, message);
    let mut errors = Errors::new();
    let args = attr::args(args, &mut errors);
    match syn::parse2::<ast::Function>(item.clone()) {
        Ok(function) => {
            let handler = ast::Handler::from_syn(function, args, &mut errors);
            fallback::handler(&handler, error)
        }
        Err(_) => fallback::item(item, error),
    }
}

/// The error for an item that is not an `async fn` with a body, at the item's keyword.
fn not_a_function(item: &TokenStream) -> syn::Error {
    const WHAT: &str = "`#[conditional]` goes on an `async fn` handler";
    let Ok(parsed) = syn::parse2::<syn::Item>(item.clone()) else {
        return syn::Error::new(
            Span::call_site(),
            format!("{WHAT} with a body, such as `async fn get_document(...) -> ... {{ ... }}`"),
        );
    };
    let (kind, span) = match &parsed {
        syn::Item::Struct(item) => ("a struct", item.struct_token.span),
        syn::Item::Enum(item) => ("an enum", item.enum_token.span),
        syn::Item::Union(item) => ("a union", item.union_token.span),
        syn::Item::Impl(item) => (
            "an `impl` block; put it on each handler method",
            item.impl_token.span,
        ),
        syn::Item::Trait(item) => ("a trait", item.trait_token.span),
        syn::Item::Mod(item) => (
            "a module; put it on each handler in the module",
            item.mod_token.span,
        ),
        syn::Item::Const(item) => ("a constant", item.const_token.span),
        syn::Item::Static(item) => ("a static", item.static_token.span),
        syn::Item::Type(item) => ("a type alias", item.type_token.span),
        syn::Item::Use(item) => ("a `use` declaration", item.use_token.span),
        syn::Item::ExternCrate(item) => ("an `extern crate`", item.extern_token.span),
        syn::Item::ForeignMod(item) => ("an `extern` block", item.abi.extern_token.span),
        syn::Item::Macro(item) => ("a macro", item.mac.path.span()),
        _ => ("this item", Span::call_site()),
    };
    syn::Error::new(span, format!("{WHAT}, not on {kind}"))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// Without the facade's `axum` feature, `precond::conditional` says what to import, and
    /// leaves the function without its `#[current]` attributes (so no other error follows).
    #[test]
    fn without_axum_names_the_actix_attribute() {
        let out = super::without_axum(
            quote!(require = "If-Match"),
            quote! {
                async fn put(#[current(load())] current: Doc) -> u16 { 200 }
            },
        )
        .to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("use precond::actix::conditional;"), "{out}");
        assert!(out.contains("async fn put"), "{out}");
        assert!(!out.contains("current (load"), "{out}");
    }
}
