//! The derive input as a small typed model: what is hashed, what is the version, what is the
//! modification date. Building it parses the attributes; it generates no code.

use proc_macro2::Span;
use syn::{Data, DeriveInput, Ident, Member, Type};

use super::attr;
use crate::errors::Errors;

/// A type deriving `Versioned`.
pub(crate) struct Input<'a> {
    pub original: &'a DeriveInput,
    pub attrs: attr::Container,
    pub body: Body<'a>,
}

pub(crate) enum Body<'a> {
    Struct(Fields<'a>),
    Enum(Vec<Variant<'a>>),
}

pub(crate) struct Variant<'a> {
    pub ident: &'a Ident,
    pub fields: Fields<'a>,
}

/// The fields of a struct or of a variant, as declared.
pub(crate) struct Fields<'a> {
    pub style: Style,
    pub list: Vec<Field<'a>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `{ a: A }`
    Named,
    /// `(A)`
    Tuple,
    /// nothing
    Unit,
}

pub(crate) struct Field<'a> {
    /// `self.name` or `self.0`.
    pub member: Member,
    pub ty: &'a Type,
    pub attrs: attr::Field,
}

impl<'a> Input<'a> {
    /// The model of `node`, recording attribute errors in `errors`; `None` for a union, which
    /// cannot derive `Versioned`.
    pub(crate) fn from_syn(node: &'a DeriveInput, errors: &mut Errors) -> Option<Self> {
        let attrs = attr::container(&node.attrs, errors);
        let body = match &node.data {
            Data::Struct(data) => Body::Struct(Fields::from_syn(&data.fields, errors)),
            Data::Enum(data) => Body::Enum(
                data.variants
                    .iter()
                    .map(|variant| {
                        attr::variant(&variant.attrs, errors);
                        Variant {
                            ident: &variant.ident,
                            fields: Fields::from_syn(&variant.fields, errors),
                        }
                    })
                    .collect(),
            ),
            Data::Union(data) => {
                errors.at(
                    data.union_token.span,
                    "`Versioned` cannot be derived for a union: which field is active is not \
                     known, so there is nothing safe to hash; use a struct or an enum, or \
                     implement `precond::Versioned` by hand",
                );
                return None;
            }
        };
        Some(Self {
            original: node,
            attrs,
            body,
        })
    }

    /// The path of the facade crate: `crate = "..."` or `::precond`.
    pub(crate) fn krate(&self) -> syn::Path {
        krate_or_default(self.attrs.krate.as_ref())
    }
}

pub(crate) fn krate_or_default(krate: Option<&syn::Path>) -> syn::Path {
    match krate {
        Some(path) => path.clone(),
        None => syn::parse_quote!(::precond),
    }
}

impl<'a> Fields<'a> {
    fn from_syn(fields: &'a syn::Fields, errors: &mut Errors) -> Self {
        let style = match fields {
            syn::Fields::Named(_) => Style::Named,
            syn::Fields::Unnamed(_) => Style::Tuple,
            syn::Fields::Unit => Style::Unit,
        };
        let list = fields
            .iter()
            .enumerate()
            .map(|(index, field)| Field {
                member: match &field.ident {
                    Some(ident) => Member::Named(ident.clone()),
                    None => Member::Unnamed(syn::Index {
                        index: index as u32,
                        span: Span::call_site(),
                    }),
                },
                ty: &field.ty,
                attrs: attr::field(&field.attrs, errors),
            })
            .collect();
        Self { style, list }
    }

    /// The fields whose values go into the hash, in declaration order.
    pub(crate) fn hashed(&self) -> impl Iterator<Item = &Field<'a>> {
        self.list.iter().filter(|field| field.attrs.skip.is_none())
    }

    /// The `#[versioned(version)]` field, the first if there are several.
    pub(crate) fn version(&self) -> Option<&Field<'a>> {
        self.list.iter().find(|field| field.attrs.version.is_some())
    }

    /// The `#[versioned(last_modified)]` field, the first if there are several.
    pub(crate) fn last_modified(&self) -> Option<&Field<'a>> {
        self.list
            .iter()
            .find(|field| field.attrs.last_modified.is_some())
    }
}

impl Field<'_> {
    /// How the field is named in the hash and in messages: `title`, or `0` for a tuple field.
    pub(crate) fn name(&self) -> String {
        match &self.member {
            Member::Named(ident) => syn::ext::IdentExt::unraw(ident).to_string(),
            Member::Unnamed(index) => index.index.to_string(),
        }
    }
}
