//! What is emitted when the input has errors: the errors, and the function as the user wrote it
//! minus what only `#[conditional]` understands, so that the rest of the crate (the router that
//! registers the handler, rust-analyzer) keeps working and the user sees only the real mistakes.
//! `#[current]` attributes and a second `#[conditional]` are dropped; a `#[current(expr)]` parameter leaves the signature and
//! is bound in the body to a value that is never computed (the expression may be what is wrong).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::FnArg;

use super::ast::Handler;
use super::attr;

/// The errors and the function.
pub(crate) fn handler(handler: &Handler, error: syn::Error) -> TokenStream {
    let errors = error.into_compile_error();
    let function = &handler.function;
    let sig = &function.sig;
    // A second `#[conditional]` (an error already) would only report what this one did.
    let attrs = function
        .attrs
        .iter()
        .filter(|attr| !attr::is_conditional(attr));
    let vis = &function.vis;
    let constness = &sig.constness;
    let asyncness = &sig.asyncness;
    let unsafety = &sig.unsafety;
    let abi = &sig.abi;
    let fn_token = &sig.fn_token;
    let ident = &sig.ident;
    let generics = &sig.generics;
    let where_clause = &sig.generics.where_clause;
    let output = &sig.output;
    let params = handler
        .params
        .iter()
        .filter(|param| !param.is_loaded())
        .map(|param| &param.arg);
    let mut signature = quote! {
        #vis #constness #asyncness #unsafety #abi #fn_token #ident #generics
    };
    sig.paren_token.surround(&mut signature, |tokens| {
        tokens.extend(quote!(#(#params),*));
    });
    let loaded: Vec<TokenStream> = handler
        .params
        .iter()
        .filter(|param| param.is_loaded())
        .filter_map(|param| match &param.arg {
            FnArg::Typed(typed) => {
                let pat = &typed.pat;
                let ty = &typed.ty;
                // Through a closure, so that the compiler does not see the rest of the body
                // as unreachable and its variables as unused.
                Some(quote!(let #pat: #ty = (|| ::core::unreachable!())();))
            }
            FnArg::Receiver(_) => None,
        })
        .collect();
    let body = if loaded.is_empty() {
        function.body.to_token_stream()
    } else {
        let stmts = function.body.stream();
        quote!({ #(#loaded)* #stmts })
    };
    quote! {
        #errors
        #(#attrs)*
        #signature #output #where_clause #body
    }
}

/// The errors and the item unchanged, for an item that is not a function.
pub(crate) fn item(item: TokenStream, error: syn::Error) -> TokenStream {
    let errors = error.into_compile_error();
    quote! {
        #errors
        #item
    }
}
