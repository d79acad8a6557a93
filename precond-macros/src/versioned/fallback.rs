//! What is emitted when the input has errors: the errors, and an impl that type-checks but is
//! never meant to run, so the rest of the crate sees `Versioned` implemented and the user sees
//! only the real mistakes, not a cascade of "`Versioned` is not implemented".

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use super::ast::krate_or_default;

pub(crate) fn expand(
    node: &DeriveInput,
    krate: Option<&syn::Path>,
    error: syn::Error,
) -> TokenStream {
    let errors = error.into_compile_error();
    let krate = krate_or_default(krate);
    let ident = &node.ident;
    let (impl_generics, ty_generics, where_clause) = node.generics.split_for_impl();
    quote! {
        #errors

        #[automatically_derived]
        impl #impl_generics #krate::__private::Versioned for #ident #ty_generics #where_clause {
            fn etag(&self) -> #krate::__private::ETag {
                ::core::unreachable!()
            }
        }
    }
}
