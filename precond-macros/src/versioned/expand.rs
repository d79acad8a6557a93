//! Code generation from a model that `valid` has accepted. Runtime items are named by absolute
//! path through the facade (`::precond::__private`, or the `crate = "..."` path), never through
//! the user's imports; calls that depend on a field's type carry that type's span, so a
//! trait-bound error points at the field.

use std::collections::HashSet;

use proc_macro2::{Group, Ident, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Generics, LitInt, LitStr, Type};

use super::ast::{Body, Field, Fields, Input, Style, Variant};

/// The name of the hasher in generated code; user code cannot see it.
fn hasher() -> Ident {
    Ident::new("__precond_hasher", Span::call_site())
}

pub(crate) fn derive(input: &Input) -> TokenStream {
    let krate = input.krate();
    let private = quote!(#krate::__private);
    let ident = &input.original.ident;
    let generics = bounded_generics(input, &private);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();

    let weak = input.attrs.weak.is_some();
    let weak_const = weak.then(|| quote! { const WEAK: bool = true; });
    let etag = match &input.body {
        Body::Struct(fields) => struct_etag(fields, &private),
        Body::Enum(variants) => enum_etag(variants, &private),
    };
    let etag = if weak {
        quote!(#private::ETag::into_weak(#etag))
    } else {
        etag
    };
    let last_modified = match &input.body {
        Body::Struct(fields) => struct_last_modified(fields, &private),
        Body::Enum(variants) => enum_last_modified(variants, &private),
    };

    let dated = last_modified
        .is_some()
        .then(|| quote! { const HAS_LAST_MODIFIED: bool = true; });

    quote! {
        #[automatically_derived]
        impl #impl_generics #private::Versioned for #ident #ty_generics #where_clause {
            #weak_const
            #dated

            fn etag(&self) -> #private::ETag {
                #etag
            }

            #last_modified
        }
    }
}

/// The ETag expression of a struct: its version field, or the hash of its fields.
fn struct_etag(fields: &Fields, private: &TokenStream) -> TokenStream {
    if let Some(version) = fields.version() {
        let member = &version.member;
        let span = version.ty.span();
        let private = respan(private, span);
        return quote_spanned! {span=>
            #private::VersionTag::to_etag(&self.#member)
        };
    }
    let hasher = hasher();
    let steps = hash_steps(fields, None, private, |_, field| {
        let member = &field.member;
        quote!(&self.#member)
    });
    quote! {{
        let mut #hasher = #private::StableHasher::new();
        #steps
        #private::StableHasher::etag(&#hasher)
    }}
}

/// The ETag expression of an enum: the hash of the variant and its fields.
fn enum_etag(variants: &[Variant], private: &TokenStream) -> TokenStream {
    if variants.is_empty() {
        return quote!(match *self {});
    }
    let hasher = hasher();
    let arms = variants.iter().map(|variant| {
        let ident = variant.ident;
        let members = variant.fields.hashed().map(|field| &field.member);
        let bindings: Vec<Ident> = (0..variant.fields.hashed().count()).map(binding).collect();
        let steps = hash_steps(&variant.fields, Some(ident), private, |index, _| {
            let binding = binding(index);
            quote!(#binding)
        });
        quote! {
            Self::#ident { #(#members: #bindings,)* .. } => {
                #steps
            }
        }
    });
    quote! {{
        let mut #hasher = #private::StableHasher::new();
        match self {
            #(#arms)*
        }
        #private::StableHasher::etag(&#hasher)
    }}
}

/// The hasher calls for one struct or variant, in the documented format (the one serde's
/// derive would produce for the same shape with the skipped fields left out). `access` gives
/// a reference to a hashed field's value from its position among the hashed fields.
fn hash_steps(
    fields: &Fields,
    variant: Option<&Ident>,
    private: &TokenStream,
    access: impl Fn(usize, &Field) -> TokenStream,
) -> TokenStream {
    let hasher = hasher();
    let hasher_type = quote!(#private::StableHasher);
    // Calls that hash a field carry the span of its type, path included, so that a missing
    // `Serialize` is reported at the field.
    let hasher_type_at = |span: Span| respan(&hasher_type, span);
    let variant_name = variant.map(|ident| LitStr::new(&unraw(ident), ident.span()));
    let hashed: Vec<&Field> = fields.hashed().collect();
    match fields.style {
        Style::Named => {
            let begin = match &variant_name {
                Some(name) => quote!(#hasher_type::begin_struct_variant(&mut #hasher, #name);),
                None => quote!(#hasher_type::begin_struct(&mut #hasher);),
            };
            let each = hashed.iter().enumerate().map(|(index, field)| {
                // The name is encoded at compile time; the bytes are those of `field(name, _)`.
                let name = field.name();
                let encoded_len = LitInt::new(&(9 + name.len()).to_string(), Span::call_site());
                let name = LitStr::new(&name, Span::call_site());
                let encoded = quote! {
                    const { #private::EncodedField::<#encoded_len>::new(#name) }
                };
                let span = field.ty.span();
                let value = respan(&access(index, field), span);
                let hasher_type = hasher_type_at(span);
                quote_spanned! {span=>
                    #hasher_type::encoded_field(&mut #hasher, &#encoded, #value);
                }
            });
            quote! {
                #begin
                #(#each)*
                #hasher_type::end(&mut #hasher);
            }
        }
        Style::Tuple if fields.list.len() == 1 && hashed.len() == 1 => {
            let field = hashed[0];
            let span = field.ty.span();
            let value = respan(&access(0, field), span);
            let hasher_type = hasher_type_at(span);
            match &variant_name {
                Some(name) => quote_spanned! {span=>
                    #hasher_type::newtype_variant(&mut #hasher, #name, #value);
                },
                None => quote_spanned! {span=>
                    #hasher_type::newtype_struct(&mut #hasher, #value);
                },
            }
        }
        Style::Tuple => {
            let begin = match &variant_name {
                Some(name) => quote!(#hasher_type::begin_tuple_variant(&mut #hasher, #name);),
                None => quote!(#hasher_type::begin_tuple_struct(&mut #hasher);),
            };
            let each = hashed.iter().enumerate().map(|(index, field)| {
                let span = field.ty.span();
                let value = respan(&access(index, field), span);
                let hasher_type = hasher_type_at(span);
                quote_spanned! {span=>
                    #hasher_type::element(&mut #hasher, #value);
                }
            });
            quote! {
                #begin
                #(#each)*
                #hasher_type::end(&mut #hasher);
            }
        }
        Style::Unit => match &variant_name {
            Some(name) => quote!(#hasher_type::unit_variant(&mut #hasher, #name);),
            None => quote!(#hasher_type::unit_struct(&mut #hasher);),
        },
    }
}

fn struct_last_modified(fields: &Fields, private: &TokenStream) -> Option<TokenStream> {
    let field = fields.last_modified()?;
    let member = &field.member;
    let span = field.ty.span();
    let at_field = respan(private, span);
    let date = quote_spanned! {span=>
        #at_field::LastModified::as_last_modified(&self.#member)
    };
    Some(quote! {
        #[inline]
        fn last_modified(&self) -> #private::Option<#private::SystemTime> {
            #date
        }
    })
}

/// Each variant's `last_modified` field; variants without one have no date.
fn enum_last_modified(variants: &[Variant], private: &TokenStream) -> Option<TokenStream> {
    let binding = Ident::new("__precond_last_modified", Span::call_site());
    let arms: Vec<TokenStream> = variants
        .iter()
        .filter_map(|variant| {
            let field = variant.fields.last_modified()?;
            let ident = variant.ident;
            let member = &field.member;
            let span = field.ty.span();
            let at_field = respan(private, span);
            let date = quote_spanned! {span=>
                #at_field::LastModified::as_last_modified(#binding)
            };
            Some(quote!(Self::#ident { #member: #binding, .. } => #date,))
        })
        .collect();
    if arms.is_empty() {
        return None;
    }
    let otherwise = (arms.len() < variants.len()).then(|| quote!(_ => #private::Option::None,));
    Some(quote! {
        fn last_modified(&self) -> #private::Option<#private::SystemTime> {
            match self {
                #(#arms)*
                #otherwise
            }
        }
    })
}

/// The type's generics, plus a bound for each field type that mentions a type parameter and
/// whose trait the generated code needs: `Serialize` for hashed fields, `VersionTag` for the
/// version field, `LastModified` for the date. Other fields, and concrete types, get no bound
/// (a concrete type that lacks the trait is reported at the field).
fn bounded_generics(input: &Input, private: &TokenStream) -> Generics {
    let mut generics = input.original.generics.clone();
    let params: HashSet<Ident> = generics
        .type_params()
        .map(|param| param.ident.clone())
        .collect();
    if params.is_empty() {
        return generics;
    }
    let serialize = quote!(#private::Serialize);
    let version_tag = quote!(#private::VersionTag);
    let last_modified = quote!(#private::LastModified);
    let all_fields: Vec<&Fields> = match &input.body {
        Body::Struct(fields) => vec![fields],
        Body::Enum(variants) => variants.iter().map(|variant| &variant.fields).collect(),
    };
    let mut needs: Vec<(&Type, &TokenStream)> = Vec::new();
    for fields in all_fields {
        match fields.version() {
            Some(version) => needs.push((version.ty, &version_tag)),
            None => needs.extend(fields.hashed().map(|field| (field.ty, &serialize))),
        }
        if let Some(field) = fields.last_modified() {
            needs.push((field.ty, &last_modified));
        }
    }
    let mut seen = HashSet::new();
    let where_clause = generics.make_where_clause();
    for (ty, bound) in needs {
        if !mentions_any(ty, &params) {
            continue;
        }
        let predicate = quote!(#ty: #bound);
        if seen.insert(predicate.to_string()) {
            where_clause.predicates.push(syn::parse_quote!(#predicate));
        }
    }
    generics
}

/// Whether `ty` names one of `params` (or is a macro, which might).
fn mentions_any(ty: &Type, params: &HashSet<Ident>) -> bool {
    struct Mentions<'p> {
        params: &'p HashSet<Ident>,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Mentions<'_> {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if path.leading_colon.is_none()
                && path
                    .segments
                    .first()
                    .is_some_and(|segment| self.params.contains(&segment.ident))
            {
                self.found = true;
            }
            syn::visit::visit_path(self, path);
        }
        fn visit_type_macro(&mut self, _: &'ast syn::TypeMacro) {
            self.found = true;
        }
    }
    let mut visitor = Mentions {
        params,
        found: false,
    };
    visitor.visit_type(ty);
    visitor.found
}

/// `tokens` with every span, nested ones included, set to `span`.
fn respan(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner = Group::new(group.delimiter(), respan(&group.stream(), span));
                inner.set_span(span);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// The variable bound to the `index`th hashed field of a variant.
fn binding(index: usize) -> Ident {
    format_ident!("__precond_field_{}", index)
}

fn unraw(ident: &Ident) -> String {
    syn::ext::IdentExt::unraw(ident).to_string()
}
