//! The annotated item as a small typed model: the function (signature parsed, body kept as
//! tokens, in the manner of tokio-macros), its parameters, and which one is `#[current]`.
//! Building it parses the attributes; it generates no code.

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{AttrStyle, Attribute, FnArg, GenericArgument, Pat, PathArguments, Signature, Type};

use super::attr::{self, Args, Current, CurrentAttr};
use crate::errors::Errors;

/// A function as written, its body left unparsed.
pub(crate) struct Function {
    /// Outer attributes, then the body's inner attributes turned outer (they cannot stay inside
    /// the block that the body becomes).
    pub attrs: Vec<Attribute>,
    pub vis: syn::Visibility,
    pub sig: Signature,
    /// The statements of the body, inside braces with the body's span.
    pub body: Group,
}

impl Parse for Function {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig: Signature = input.parse()?;
        let content;
        let brace = syn::braced!(content in input);
        let inner = content.call(Attribute::parse_inner)?;
        let stmts: TokenStream = content.parse()?;
        attrs.extend(inner.into_iter().map(|mut attr| {
            attr.style = AttrStyle::Outer;
            attr
        }));
        let mut body = Group::new(Delimiter::Brace, stmts);
        body.set_span(brace.span.join());
        Ok(Self {
            attrs,
            vis,
            sig,
            body,
        })
    }
}

/// An `#[conditional]` handler.
pub(crate) struct Handler {
    pub function: Function,
    pub args: Args,
    /// The parameters in order, `#[current]` attributes removed.
    pub params: Vec<Param>,
}

pub(crate) struct Param {
    /// The parameter as written, without its `#[current]` attributes.
    pub arg: FnArg,
    /// Its `#[current]` attributes (more than one is an error).
    pub current: Vec<CurrentAttr>,
}

/// The `#[current]` parameter, seen through what the expansion needs.
pub(crate) struct CurrentParam<'a> {
    /// The `#[current]` attribute.
    pub attr: &'a CurrentAttr,
    pub pat: &'a Pat,
    pub ty: &'a Type,
    /// The type that implements `Versioned`, and whether the parameter is an `Option` of it.
    pub resource: Resource<'a>,
}

#[derive(Clone, Copy)]
pub(crate) enum Resource<'a> {
    /// `T`: the resource always exists.
    Always(&'a Type),
    /// `Option<T>`: `None` when it does not exist.
    Optional(&'a Type),
}

impl<'a> Resource<'a> {
    pub(crate) fn ty(self) -> &'a Type {
        match self {
            Self::Always(ty) | Self::Optional(ty) => ty,
        }
    }
}

impl Handler {
    pub(crate) fn from_syn(function: Function, args: Args, errors: &mut Errors) -> Self {
        let params = function
            .sig
            .inputs
            .iter()
            .map(|arg| {
                let mut arg = arg.clone();
                let attrs = match &mut arg {
                    FnArg::Receiver(receiver) => &mut receiver.attrs,
                    FnArg::Typed(typed) => &mut typed.attrs,
                };
                let current = attr::current(attrs, errors);
                attrs.retain(|attr| !attr::is_current(attr));
                Param { arg, current }
            })
            .collect();
        Self {
            function,
            args,
            params,
        }
    }

    /// The first `#[current]` parameter that is not a receiver.
    pub(crate) fn current(&self) -> Option<CurrentParam<'_>> {
        self.params.iter().find_map(|param| match &param.arg {
            FnArg::Typed(typed) => param.current.first().map(|attr| CurrentParam {
                attr,
                pat: &typed.pat,
                ty: &typed.ty,
                resource: resource(&typed.ty),
            }),
            FnArg::Receiver(_) => None,
        })
    }

    /// The parameters up to and including `#[current]` (extracted before the check), and those
    /// after it (extracted once the check has passed). Without `#[current]`, all are early.
    pub(crate) fn split_at_current(&self) -> (&[Param], &[Param]) {
        match self
            .params
            .iter()
            .position(|param| !param.current.is_empty())
        {
            Some(index) => self.params.split_at(index + 1),
            None => (&self.params, &[]),
        }
    }

    /// The path of the facade crate: `crate = "..."` or `::precond`.
    pub(crate) fn krate(&self) -> syn::Path {
        krate_or_default(self.args.krate.as_ref())
    }
}

impl Param {
    /// The parameter, unless it is a receiver.
    pub(crate) fn typed(&self) -> Option<&syn::PatType> {
        match &self.arg {
            FnArg::Typed(typed) => Some(typed),
            FnArg::Receiver(_) => None,
        }
    }

    /// Whether the parameter is loaded by an expression and so leaves the signature.
    pub(crate) fn is_loaded(&self) -> bool {
        self.current
            .first()
            .is_some_and(|attr| matches!(attr.form, Current::Load(_)))
    }
}

impl CurrentParam<'_> {
    /// The span where a missing `Versioned` is reported: the resource type.
    pub(crate) fn resource_span(&self) -> Span {
        self.resource.ty().span()
    }
}

pub(crate) fn krate_or_default(krate: Option<&syn::Path>) -> syn::Path {
    match krate {
        Some(path) => path.clone(),
        None => syn::parse_quote!(::precond),
    }
}

/// `Option<T>` (also `std::option::Option<T>`, `core::option::Option<T>`) or `T`.
fn resource(ty: &Type) -> Resource<'_> {
    let Type::Path(path) = ty else {
        return Resource::Always(ty);
    };
    if path.qself.is_some() {
        return Resource::Always(ty);
    }
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    let is_option = match segments.as_slice() {
        [option] => path.path.leading_colon.is_none() && option == "Option",
        [krate, module, option] => {
            (krate == "std" || krate == "core") && module == "option" && option == "Option"
        }
        _ => false,
    };
    if !is_option {
        return Resource::Always(ty);
    }
    let Some(last) = path.path.segments.last() else {
        return Resource::Always(ty);
    };
    match &last.arguments {
        PathArguments::AngleBracketed(arguments) if arguments.args.len() == 1 => {
            match arguments.args.first() {
                Some(GenericArgument::Type(inner)) => Resource::Optional(inner),
                _ => Resource::Always(ty),
            }
        }
        _ => Resource::Always(ty),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn shape(ty: Type) -> (bool, String) {
        match resource(&ty) {
            Resource::Always(inner) => (false, quote!(#inner).to_string()),
            Resource::Optional(inner) => (true, quote!(#inner).to_string()),
        }
    }

    #[test]
    fn option_is_recognised_by_its_paths() {
        assert_eq!(
            shape(syn::parse_quote!(Option<Document>)),
            (true, "Document".into())
        );
        assert_eq!(
            shape(syn::parse_quote!(std::option::Option<Arc<Document>>)),
            (true, "Arc < Document >".into())
        );
        assert_eq!(
            shape(syn::parse_quote!(::core::option::Option<Document>)),
            (true, "Document".into())
        );
    }

    #[test]
    fn other_types_are_the_resource_itself() {
        for ty in [
            quote!(Document),
            quote!(my::Option<Document>),
            quote!(::Option<Document>),
            quote!(Option),
            quote!(Option<'a>),
            quote!(<T as Trait>::Option<Document>),
            quote!(&Document),
        ] {
            let parsed: Type = syn::parse2(ty.clone()).expect("a type");
            assert_eq!(shape(parsed), (false, ty.to_string()));
        }
    }

    #[test]
    fn inner_attributes_move_out_of_the_body() {
        let function: Function = syn::parse_quote! {
            /// Docs.
            pub async fn handler() -> u8 {
                #![allow(unused)]
                1
            }
        };
        assert_eq!(function.attrs.len(), 2);
        assert!(
            function
                .attrs
                .iter()
                .all(|attr| matches!(attr.style, AttrStyle::Outer))
        );
        assert_eq!(function.body.stream().to_string(), "1");
    }

    #[test]
    fn current_attributes_leave_the_parameters() {
        let function: Function = syn::parse_quote! {
            async fn handler(a: A, #[current(load(a))] #[allow(unused)] b: Option<B>) {}
        };
        let mut errors = Errors::new();
        let handler = Handler::from_syn(function, Args::default(), &mut errors);
        assert!(errors.finish().is_ok());
        assert!(!handler.params[0].is_loaded());
        assert!(handler.params[1].is_loaded());
        let arg = &handler.params[1].arg;
        assert_eq!(
            quote!(#arg).to_string(),
            "# [allow (unused)] b : Option < B >"
        );
        let current = handler.current().expect("a current parameter");
        assert!(matches!(current.resource, Resource::Optional(_)));
    }
}
