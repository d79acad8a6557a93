//! `#[versioned(...)]` attributes, parsed into plain values with the span of each key so that
//! later checks can point at the user's token. Every mistake is recorded, none stops parsing.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Lit, Token};

use crate::errors::Errors;
use crate::suggest;

/// Keys of `#[versioned(...)]` on the struct or enum.
const CONTAINER_KEYS: &[&str] = &["weak", "crate"];
/// Keys of `#[versioned(...)]` on a field.
const FIELD_KEYS: &[&str] = &["skip", "version", "last_modified"];
/// Words people plausibly write for a key.
const SYNONYMS: &[(&str, &str)] = &[
    ("ignore", "skip"),
    ("exclude", "skip"),
    ("skip_hash", "skip"),
    ("skip_hashing", "skip"),
    ("etag", "version"),
    ("rev", "version"),
    ("revision", "version"),
    ("counter", "version"),
    ("modified", "last_modified"),
    ("modified_at", "last_modified"),
    ("updated", "last_modified"),
    ("updated_at", "last_modified"),
    ("mtime", "last_modified"),
    ("timestamp", "last_modified"),
    ("krate", "crate"),
    ("crate_path", "crate"),
    ("path", "crate"),
];

/// `#[versioned(...)]` on the type.
#[derive(Default)]
pub(crate) struct Container {
    /// `weak`: the span of the key.
    pub weak: Option<Span>,
    /// `crate = "path"`: the path of the facade crate.
    pub krate: Option<syn::Path>,
}

/// `#[versioned(...)]` on a field; each key with its span.
#[derive(Default)]
pub(crate) struct Field {
    pub skip: Option<Span>,
    pub version: Option<Span>,
    pub last_modified: Option<Span>,
}

/// Where an attribute sits, which decides the keys it takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Container,
    Variant,
    Field,
}

pub(crate) fn container(attrs: &[Attribute], errors: &mut Errors) -> Container {
    let mut out = Container::default();
    for attr in versioned(attrs, Place::Container, errors) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("weak") {
                flag(&meta, &mut out.weak, errors)
            } else if meta.path.is_ident("crate") {
                crate_path(&meta, &mut out.krate, errors)
            } else {
                unknown(&meta, Place::Container, errors)
            }
        });
        if let Err(error) = parsed {
            errors.push(error);
        }
    }
    out
}

pub(crate) fn field(attrs: &[Attribute], errors: &mut Errors) -> Field {
    let mut out = Field::default();
    for attr in versioned(attrs, Place::Field, errors) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                flag(&meta, &mut out.skip, errors)
            } else if meta.path.is_ident("version") {
                flag(&meta, &mut out.version, errors)
            } else if meta.path.is_ident("last_modified") {
                flag(&meta, &mut out.last_modified, errors)
            } else {
                unknown(&meta, Place::Field, errors)
            }
        });
        if let Err(error) = parsed {
            errors.push(error);
        }
    }
    out
}

/// A variant takes no keys; this only reports the ones written there.
pub(crate) fn variant(attrs: &[Attribute], errors: &mut Errors) {
    for attr in versioned(attrs, Place::Variant, errors) {
        let parsed = attr.parse_nested_meta(|meta| unknown(&meta, Place::Variant, errors));
        if let Err(error) = parsed {
            errors.push(error);
        }
    }
}

/// The `#[versioned(...)]` attributes among `attrs`; other forms of `versioned` are reported.
fn versioned<'a>(attrs: &'a [Attribute], place: Place, errors: &mut Errors) -> Vec<&'a Attribute> {
    let mut lists = Vec::new();
    for attr in attrs
        .iter()
        .filter(|attr| attr.path().is_ident("versioned"))
    {
        if let syn::Meta::List(_) = attr.meta {
            lists.push(attr);
        } else {
            let example = match place {
                Place::Container => "#[versioned(weak)]",
                Place::Variant | Place::Field => "#[versioned(skip)]",
            };
            errors.spanned_by(
                attr,
                format!("expected `#[versioned(...)]` with keys inside, such as `{example}`"),
            );
        }
    }
    lists
}

/// A key without a value, such as `skip`; recorded once.
fn flag(meta: &ParseNestedMeta, slot: &mut Option<Span>, errors: &mut Errors) -> syn::Result<()> {
    let key = key_name(meta);
    if skip_value(meta)? {
        errors.at(
            meta.path.span(),
            format!("`{key}` takes no value: write `#[versioned({key})]`"),
        );
    }
    if slot.is_some() {
        errors.at(
            meta.path.span(),
            format!("duplicate `{key}`: write it once"),
        );
    } else {
        *slot = Some(meta.path.span());
    }
    Ok(())
}

/// `crate = "path"`.
fn crate_path(
    meta: &ParseNestedMeta,
    slot: &mut Option<syn::Path>,
    errors: &mut Errors,
) -> syn::Result<()> {
    const EXAMPLE: &str = "#[versioned(crate = \"path::to::precond\")]";
    if !meta.input.peek(Token![=]) {
        skip_value(meta)?;
        errors.at(
            meta.path.span(),
            format!("`crate` takes the path of the precond crate as a string: write `{EXAMPLE}`"),
        );
        return Ok(());
    }
    let value: Expr = meta.value()?.parse()?;
    let path = match &value {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(text),
            ..
        }) => match text.parse::<syn::Path>() {
            Ok(path) => path,
            Err(_) => {
                errors.spanned_by(
                    text,
                    format!(
                        "`{}` is not a path: write the path of the precond crate, as in `{EXAMPLE}`",
                        text.value()
                    ),
                );
                return Ok(());
            }
        },
        _ => {
            errors.spanned_by(&value, format!("`crate` takes a string: write `{EXAMPLE}`"));
            return Ok(());
        }
    };
    if slot.is_some() {
        errors.at(meta.path.span(), "duplicate `crate`: write it once");
    } else {
        *slot = Some(path);
    }
    Ok(())
}

/// Reports a key that is not valid here, with what to write instead.
fn unknown(meta: &ParseNestedMeta, place: Place, errors: &mut Errors) -> syn::Result<()> {
    skip_value(meta)?;
    let key = key_name(meta);
    let message = if FIELD_KEYS.contains(&key.as_str()) {
        misplaced_field_key(&key, place)
    } else if CONTAINER_KEYS.contains(&key.as_str()) {
        misplaced_container_key(&key, place)
    } else {
        let (here, elsewhere): (&[&str], &[&str]) = match place {
            Place::Container => (CONTAINER_KEYS, FIELD_KEYS),
            Place::Field => (FIELD_KEYS, CONTAINER_KEYS),
            Place::Variant => (&[], &[]),
        };
        if let Some(suggestion) = suggest::closest(&key, here, SYNONYMS) {
            format!("unknown key `{key}` in `#[versioned(...)]`; did you mean `{suggestion}`?")
        } else if let Some(suggestion) = suggest::closest(&key, elsewhere, SYNONYMS) {
            let placement = match place {
                Place::Field => misplaced_container_key(suggestion, place),
                _ => misplaced_field_key(suggestion, place),
            };
            format!(
                "unknown key `{key}` in `#[versioned(...)]`; did you mean `{suggestion}`? {placement}"
            )
        } else {
            match place {
                Place::Container => format!(
                    "unknown key `{key}` in `#[versioned(...)]`; on a struct or enum, write `weak` or `crate = \"...\"`"
                ),
                Place::Field => format!(
                    "unknown key `{key}` in `#[versioned(...)]`; on a field, write `skip`, `version` or `last_modified`"
                ),
                Place::Variant => format!(
                    "unknown key `{key}` in `#[versioned(...)]`; an enum variant takes no keys: put `skip` or `last_modified` on its fields"
                ),
            }
        }
    };
    errors.at(meta.path.span(), message);
    Ok(())
}

fn misplaced_field_key(key: &str, place: Place) -> String {
    match place {
        Place::Variant => format!(
            "`{key}` goes on a field of the variant, not on the variant: write `#[versioned({key})]` above the field"
        ),
        _ => format!(
            "`{key}` goes on a field, not on the type: write `#[versioned({key})]` above the field"
        ),
    }
}

fn misplaced_container_key(key: &str, place: Place) -> String {
    match place {
        Place::Variant => format!(
            "`{key}` goes on the enum, not on one of its variants: write `#[versioned({key})]` above the `enum`"
        ),
        _ => format!(
            "`{key}` goes on the type, not on a field: write `#[versioned({key})]` above the `struct` or `enum`"
        ),
    }
}

/// The key as written (`a::b` for a path).
fn key_name(meta: &ParseNestedMeta) -> String {
    let segments: Vec<String> = meta
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    segments.join("::")
}

/// Consumes a value after a key (`= expr` or `(...)`); whether there was one.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<bool> {
    if meta.input.peek(Token![=]) {
        let _: Expr = meta.value()?.parse()?;
        Ok(true)
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _: TokenStream = content.parse()?;
        Ok(true)
    } else {
        Ok(false)
    }
}
