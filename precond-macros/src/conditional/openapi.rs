//! The handler's contract in its `#[utoipa::path(...)]`: an extension `x-precond` that
//! `precond::openapi::Conditional` (a `utoipa::Modify`) turns into the parameters, responses
//! and headers of the operation, and removes.
//!
//! The macro says only what it knows at compile time: the `require` policy, the declared
//! headers, whether the handler answers with `Tagged` (validators on its writes, byte ranges on
//! its reads), and, through the resource's `Versioned` impl, whether its tags are weak and
//! whether it has a `Last-Modified`. The operation's method comes from the document itself, and
//! the words from the facade, where the app-wide layers document their operations too.
//!
//! `#[conditional]` must be written above `#[utoipa::path]`: attributes expand from the outside
//! in, so only then does this macro see utoipa's attribute before utoipa has read it.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{Attribute, Meta, ReturnType, Type};

use super::ast::Handler;

/// The handler's attributes, with the contract added to a `#[utoipa::path(...)]` among them.
pub(crate) fn attributes(handler: &Handler, private: &TokenStream) -> Vec<Attribute> {
    let mut attrs = handler.function.attrs.clone();
    for attr in &mut attrs {
        if !is_utoipa_path(attr) {
            continue;
        }
        if let Meta::List(list) = &mut attr.meta {
            list.tokens = with_extension(list.tokens.clone(), contract(handler, private));
        }
    }
    attrs
}

/// Whether `attr` is `#[utoipa::path(...)]` (or `#[::utoipa::path(...)]`).
fn is_utoipa_path(attr: &Attribute) -> bool {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    segments == ["utoipa", "path"]
}

/// `("x-precond" = json!({...}))`: the contract as utoipa's `extensions(...)` entry.
fn contract(handler: &Handler, private: &TokenStream) -> TokenStream {
    let require = handler
        .args
        .require
        .iter()
        .flat_map(|require| require.preconditions.iter())
        .map(|precondition| precondition.constant());
    let headers = handler
        .args
        .headers
        .iter()
        .map(|header| header.field.name());
    let tagged = answers_tagged(&handler.function.sig.output);
    // The resource's type is named at module level, in utoipa's `impl Path`, where the
    // handler's own generic parameters do not exist.
    let resource = handler
        .current()
        .map(|current| current.resource.ty())
        .filter(|_| handler.function.sig.generics.params.is_empty());
    let (weak, dated) = match resource {
        Some(ty) => (
            quote!((<#ty as #private::Versioned>::WEAK)),
            quote!((<#ty as #private::Versioned>::HAS_LAST_MODIFIED)),
        ),
        None => (quote!(false), quote!(false)),
    };
    quote! {
        ("x-precond" = json!({
            "require": [#(#require),*],
            "headers": [#(#headers),*],
            "tagged": #tagged,
            "weak": #weak,
            "last_modified": #dated,
            "documented": (#private::OPENAPI)
        }))
    }
}

/// Whether the return type names `Tagged` (alone, or inside `Result` and the like): the
/// answers that carry their own validators and serve byte ranges. Read from the tokens, as
/// the runtime's choice is made on the value's type, which an `impl Trait` hides.
fn answers_tagged(output: &ReturnType) -> bool {
    match output {
        ReturnType::Default => false,
        ReturnType::Type(_, ty) => match &**ty {
            Type::ImplTrait(_) => false,
            ty => super::expand::names_any(ty.to_token_stream(), &["Tagged"]),
        },
    }
}

/// utoipa's arguments with `entry` in their `extensions(...)`, added if there is none.
fn with_extension(args: TokenStream, entry: TokenStream) -> TokenStream {
    let mut tokens: Vec<TokenTree> = args.into_iter().collect();
    // `extensions(...)` at the top level: an identifier followed by a parenthesized group.
    let at = tokens.windows(2).position(|pair| {
        matches!(&pair[0], TokenTree::Ident(ident) if ident == "extensions")
            && matches!(&pair[1], TokenTree::Group(group) if group.delimiter() == Delimiter::Parenthesis)
    });
    if let Some(at) = at {
        if let TokenTree::Group(group) = &tokens[at + 1] {
            let mut inner = group.stream();
            let empty = inner.is_empty();
            let ends_with_comma = inner
                .clone()
                .into_iter()
                .last()
                .is_some_and(|last| matches!(last, TokenTree::Punct(p) if p.as_char() == ','));
            if !empty && !ends_with_comma {
                inner.extend(quote!(,));
            }
            inner.extend(entry);
            let mut replaced = Group::new(Delimiter::Parenthesis, inner);
            replaced.set_span(group.span());
            tokens[at + 1] = TokenTree::Group(replaced);
        }
        return tokens.into_iter().collect();
    }
    let ends_with_comma = tokens
        .last()
        .is_some_and(|last| matches!(last, TokenTree::Punct(p) if p.as_char() == ','));
    let mut out: TokenStream = tokens.into_iter().collect();
    if !out.is_empty() && !ends_with_comma {
        out.extend(quote!(,));
    }
    let mut group = Group::new(Delimiter::Parenthesis, entry);
    group.set_span(Span::call_site());
    out.extend(quote!(extensions #group));
    out
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::with_extension;

    #[test]
    fn adds_extensions_when_there_are_none() {
        let out = with_extension(quote!(get, path = "/x"), quote!(("x-a" = json!(1))));
        assert_eq!(
            out.to_string(),
            quote!(get, path = "/x", extensions(("x-a" = json!(1)))).to_string()
        );
        let out = with_extension(quote!(get,), quote!(("x-a" = json!(1))));
        assert_eq!(
            out.to_string(),
            quote!(get, extensions(("x-a" = json!(1)))).to_string()
        );
        let out = with_extension(quote!(), quote!(("x-a" = json!(1))));
        assert_eq!(
            out.to_string(),
            quote!(extensions(("x-a" = json!(1)))).to_string()
        );
    }

    /// The user's own extensions are kept: utoipa reads only the last `extensions(...)`.
    #[test]
    fn joins_the_users_extensions() {
        let out = with_extension(
            quote!(get, extensions(("x-mine" = json!(true))), path = "/x"),
            quote!(("x-a" = json!(1))),
        );
        assert_eq!(
            out.to_string(),
            quote!(
                get,
                extensions(("x-mine" = json!(true)), ("x-a" = json!(1))),
                path = "/x"
            )
            .to_string()
        );
    }
}
