//! `#[conditional(...)]` and `#[current]`, parsed into plain values that keep the user's tokens
//! for spans. Every mistake is recorded in `Errors`; parsing goes on past it where it can.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Expr, Ident, Lit, LitStr, Meta, Token};

use crate::errors::Errors;
use crate::suggest;

/// Keys of `#[conditional(...)]`.
const KEYS: &[&str] = &[
    "require",
    "cache_control",
    "vary",
    "expires",
    "content_location",
    "crate",
];

/// Words people plausibly write for a key.
const KEY_SYNONYMS: &[(&str, &str)] = &[
    ("requires", "require"),
    ("required", "require"),
    ("requirement", "require"),
    ("requirements", "require"),
    ("policy", "require"),
    ("precondition", "require"),
    ("preconditions", "require"),
    ("cache", "cache_control"),
    ("location", "content_location"),
    ("expiry", "expires"),
    ("expiration", "expires"),
    ("krate", "crate"),
    ("crate_path", "crate"),
    ("path", "crate"),
];

/// Header fields that people may try to declare but that come from elsewhere.
const VALIDATOR_KEYS: &[&str] = &["etag", "e_tag", "last_modified"];

/// The arguments of `#[conditional(...)]`.
#[derive(Default)]
pub(crate) struct Args {
    /// `require = "..."`.
    pub require: Option<Require>,
    /// `cache_control = ...` and the other declared headers, in the order written.
    pub headers: Vec<Header>,
    /// `crate = "path"`: the path of the facade crate.
    pub krate: Option<syn::Path>,
}

/// `require = "If-Match | ..."`: the preconditions of which a request must carry one.
pub(crate) struct Require {
    /// Each name once, in the order written.
    pub preconditions: Vec<Precondition>,
    /// The string, for spans.
    pub literal: LitStr,
}

/// A precondition that `require` can name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[allow(clippy::enum_variant_names)] // The variants are the header fields' names.
pub(crate) enum Precondition {
    IfMatch,
    /// `If-Match` with entity tags, not `*`.
    IfMatchEtag,
    IfUnmodifiedSince,
    /// `If-None-Match: *`.
    IfNoneMatchStar,
}

impl Precondition {
    /// The canonical spelling, as users write it in `require`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::IfMatch => "If-Match",
            Self::IfMatchEtag => "If-Match: etag",
            Self::IfUnmodifiedSince => "If-Unmodified-Since",
            Self::IfNoneMatchStar => "If-None-Match",
        }
    }

    /// The name of the `precond::Requirement` constant.
    pub(crate) fn constant(self) -> &'static str {
        match self {
            Self::IfMatch => "IF_MATCH",
            Self::IfMatchEtag => "IF_MATCH_ETAG",
            Self::IfUnmodifiedSince => "IF_UNMODIFIED_SINCE",
            Self::IfNoneMatchStar => "IF_NONE_MATCH_STAR",
        }
    }
}

/// A header declared on the attribute, sent on 304 and on 2xx responses that lack it.
pub(crate) struct Header {
    pub field: HeaderField,
    pub value: HeaderValue,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum HeaderField {
    CacheControl,
    Vary,
    Expires,
    ContentLocation,
}

impl HeaderField {
    fn from_key(key: &str) -> Option<Self> {
        match key {
            "cache_control" => Some(Self::CacheControl),
            "vary" => Some(Self::Vary),
            "expires" => Some(Self::Expires),
            "content_location" => Some(Self::ContentLocation),
            _ => None,
        }
    }

    /// The key of `#[conditional(...)]`.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Self::CacheControl => "cache_control",
            Self::Vary => "vary",
            Self::Expires => "expires",
            Self::ContentLocation => "content_location",
        }
    }

    /// The header's name, as written in HTTP.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::CacheControl => "Cache-Control",
            Self::Vary => "Vary",
            Self::Expires => "Expires",
            Self::ContentLocation => "Content-Location",
        }
    }

    /// The constant in `http::header`.
    pub(crate) fn constant(self) -> &'static str {
        match self {
            Self::CacheControl => "CACHE_CONTROL",
            Self::Vary => "VARY",
            Self::Expires => "EXPIRES",
            Self::ContentLocation => "CONTENT_LOCATION",
        }
    }

    /// An example value, for messages.
    fn example(self) -> &'static str {
        match self {
            Self::CacheControl => "cache_control = \"no-cache\"",
            Self::Vary => "vary = \"Accept-Encoding\"",
            Self::Expires => "expires = httpdate::fmt_http_date(expiry)",
            Self::ContentLocation => "content_location = format!(\"/documents/{id}\")",
        }
    }
}

/// A declared header's value.
pub(crate) enum HeaderValue {
    /// A string literal, checked at compile time.
    Literal(LitStr),
    /// Any other expression, converted with `TryInto<HeaderValue>` per request.
    Expr(Expr),
}

/// What a `#[current]` attribute says about its parameter.
pub(crate) enum Current {
    /// `#[current]`: the parameter is an extractor and stays in the signature.
    Extractor,
    /// `#[current(expr)]`: the parameter is loaded by `expr` and leaves the signature. `None`
    /// when the expression did not parse (an error is recorded).
    Load(Option<Expr>),
}

/// One `#[current]` attribute on a parameter.
pub(crate) struct CurrentAttr {
    pub form: Current,
    /// The attribute as written, for errors that span it.
    pub attr: Attribute,
}

/// Parses `#[conditional(...)]`'s arguments.
pub(crate) fn args(tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut out = Args::default();
    let parser = |input: ParseStream| {
        while !input.is_empty() {
            entry(input, &mut out, errors)?;
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(())
    };
    if let Err(error) = parser.parse2(tokens) {
        errors.push(error);
    }
    out
}

/// One `key = value`.
fn entry(input: ParseStream, out: &mut Args, errors: &mut Errors) -> syn::Result<()> {
    let Ok(first) = input.call(Ident::parse_any) else {
        return Err(input.error(
            "expected `key = value`, such as `require = \"If-Match\"` or \
             `cache_control = \"no-cache\"`",
        ));
    };
    let mut written = first.unraw().to_string();
    // The key's tokens, so that an error spans all of `cache-control`.
    let mut key_tokens = first.to_token_stream();
    // `cache-control = ...`: accepted as `cache_control`, with an error saying so.
    let mut hyphenated = false;
    while input.peek(Token![-]) && input.peek2(Ident::peek_any) {
        let dash = input.parse::<Token![-]>()?;
        let next = input.call(Ident::parse_any)?;
        written.push('-');
        written.push_str(&next.unraw().to_string());
        dash.to_tokens(&mut key_tokens);
        next.to_tokens(&mut key_tokens);
        hyphenated = true;
    }
    let key = if hyphenated {
        written.replace('-', "_").to_ascii_lowercase()
    } else {
        written.clone()
    };
    let value = if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        Some(input.parse::<Expr>()?)
    } else if input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in input);
        content.parse::<TokenStream>()?;
        errors.spanned_by(
            &key_tokens,
            format!(
                "`{written}` takes a value after `=`, not in parentheses: write `{written} = ...`"
            ),
        );
        return Ok(());
    } else {
        None
    };

    if !KEYS.contains(&key.as_str()) {
        errors.spanned_by(&key_tokens, unknown_key(&written));
        return Ok(());
    }
    if hyphenated {
        errors.spanned_by(
            &key_tokens,
            format!("write `{key}`: keys of `#[conditional(...)]` are written with underscores"),
        );
    }
    match key.as_str() {
        "require" => require(&key_tokens, value, out, errors),
        "crate" => crate_path(&key_tokens, value, out, errors),
        _ => {
            if let Some(field) = HeaderField::from_key(&key) {
                header(&key_tokens, field, value, out, errors);
            }
        }
    }
    Ok(())
}

fn unknown_key(key: &str) -> String {
    let lower = key.to_ascii_lowercase().replace('-', "_");
    if VALIDATOR_KEYS.contains(&lower.as_str()) {
        return format!(
            "`{key}` cannot be declared on `#[conditional(...)]`: `ETag` and `Last-Modified` come \
             from the `#[current]` value's `Versioned` implementation"
        );
    }
    match suggest::closest(key, KEYS, KEY_SYNONYMS) {
        Some(suggestion) => {
            format!("unknown key `{key}` in `#[conditional(...)]`; did you mean `{suggestion}`?")
        }
        None => format!(
            "unknown key `{key}` in `#[conditional(...)]`; write `require`, `cache_control`, \
             `vary`, `expires`, `content_location` or `crate` (other headers belong in the \
             handler's response)"
        ),
    }
}

/// `require = "..."`.
fn require(key: &TokenStream, value: Option<Expr>, out: &mut Args, errors: &mut Errors) {
    const EXAMPLE: &str = "require = \"If-Match | If-Unmodified-Since\"";
    let literal = match value {
        Some(Expr::Lit(syn::ExprLit {
            lit: Lit::Str(literal),
            ..
        })) => literal,
        Some(other) => {
            errors.spanned_by(
                other,
                format!(
                    "`require` takes a string of header names separated by `|`: write `{EXAMPLE}`"
                ),
            );
            return;
        }
        None => {
            errors.spanned_by(
                key,
                format!(
                    "`require` takes a string of header names separated by `|`: write `{EXAMPLE}`"
                ),
            );
            return;
        }
    };
    let preconditions = preconditions(&literal, errors);
    if out.require.is_some() {
        errors.spanned_by(
            key,
            "duplicate `require`: write it once, with the names separated by `|`",
        );
    } else {
        out.require = Some(Require {
            preconditions,
            literal,
        });
    }
}

/// The names in a `require` string; each mistake is an error on the string.
fn preconditions(literal: &LitStr, errors: &mut Errors) -> Vec<Precondition> {
    const ALL: &str = "`If-Match`, `If-Match: etag`, `If-Unmodified-Since` or `If-None-Match`";
    let text = literal.value();
    if text.trim().is_empty() {
        errors.spanned_by(
            literal,
            format!(
                "`require` is empty: name {ALL} (separated by `|`), or remove `require` to \
                 evaluate preconditions without demanding any"
            ),
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut empty_reported = false;
    for piece in text.split('|').map(str::trim) {
        let lower = piece.to_ascii_lowercase();
        let found = match lower.as_str() {
            "" if empty_reported => continue,
            "" => {
                empty_reported = true;
                errors.spanned_by(
                    literal,
                    "an empty name in `require`: separate the names with single `|`, as in \
                     \"If-Match | If-Unmodified-Since\"",
                );
                continue;
            }
            "if-match" => Precondition::IfMatch,
            "if-unmodified-since" => Precondition::IfUnmodifiedSince,
            "if-none-match" => Precondition::IfNoneMatchStar,
            _ if is_none_match_star(&lower) => Precondition::IfNoneMatchStar,
            _ if is_if_match_etag(&lower) => Precondition::IfMatchEtag,
            "if-modified-since" => {
                errors.spanned_by(
                    literal,
                    "`If-Modified-Since` cannot be required: it only lets a GET skip an unchanged \
                     body (304), and it is honoured whenever a client sends it; to protect writes, \
                     require `If-Match` or `If-Unmodified-Since`",
                );
                continue;
            }
            "if-range" => {
                errors.spanned_by(
                    literal,
                    "`If-Range` cannot be required: it only decides whether a `Range` is served, \
                     and it is honoured whenever a client sends it; to protect writes, require \
                     `If-Match` or `If-Unmodified-Since`",
                );
                continue;
            }
            _ if lower.contains(',') || lower.contains(" or ") || lower.contains(" and ") => {
                errors.spanned_by(
                    literal,
                    format!(
                        "separate the names in `require` with `|`, as in \
                         \"If-Match | If-Unmodified-Since\" (found `{piece}`)"
                    ),
                );
                continue;
            }
            _ => {
                errors.spanned_by(literal, unknown_precondition(piece));
                continue;
            }
        };
        if out.contains(&found) {
            errors.spanned_by(
                literal,
                format!(
                    "`{}` appears twice in `require`: write it once",
                    found.name()
                ),
            );
        } else {
            out.push(found);
        }
    }
    out
}

/// `If-Match: etag` (also `<etag>`, `"etag"`, `entity-tag`): `If-Match` that is not `*`.
fn is_if_match_etag(lower: &str) -> bool {
    lower
        .strip_prefix("if-match")
        .and_then(|rest| rest.trim_start().strip_prefix(':'))
        .is_some_and(|rest| {
            matches!(
                rest.trim(),
                "etag" | "<etag>" | "\"etag\"" | "entity-tag" | "entity tag"
            )
        })
}

/// `If-None-Match: *` and `If-None-Match:*`, the form `Requirement` prints.
fn is_none_match_star(lower: &str) -> bool {
    lower
        .strip_prefix("if-none-match")
        .and_then(|rest| rest.trim_start().strip_prefix(':'))
        .is_some_and(|rest| rest.trim() == "*")
}

fn unknown_precondition(piece: &str) -> String {
    const NAMES: &[&str] = &["if-match", "if-unmodified-since", "if-none-match"];
    const SYNONYMS: &[(&str, &str)] = &[
        ("etag", "if-match"),
        ("match", "if-match"),
        ("unmodified-since", "if-unmodified-since"),
        ("not-modified-since", "if-unmodified-since"),
        ("last-modified", "if-unmodified-since"),
        ("none-match", "if-none-match"),
        ("*", "if-none-match"),
    ];
    let normalized = piece.replace('_', "-");
    match suggest::closest(&normalized, NAMES, SYNONYMS) {
        Some(suggestion) => {
            let canonical = match suggestion {
                "if-match" => Precondition::IfMatch,
                "if-unmodified-since" => Precondition::IfUnmodifiedSince,
                _ => Precondition::IfNoneMatchStar,
            };
            format!(
                "unknown header `{piece}` in `require`; did you mean `{}`?",
                canonical.name()
            )
        }
        None => format!(
            "unknown header `{piece}` in `require`: name `If-Match`, `If-Match: etag`, \
             `If-Unmodified-Since` or `If-None-Match`, separated by `|`"
        ),
    }
}

/// `crate = "path"`.
fn crate_path(key: &TokenStream, value: Option<Expr>, out: &mut Args, errors: &mut Errors) {
    const EXAMPLE: &str = "#[conditional(crate = \"path::to::precond\")]";
    let path = match value {
        Some(Expr::Lit(syn::ExprLit {
            lit: Lit::Str(text),
            ..
        })) => match text.parse::<syn::Path>() {
            Ok(path) => path,
            Err(_) => {
                errors.spanned_by(
                    &text,
                    format!(
                        "`{}` is not a path: write the path of the precond crate, as in `{EXAMPLE}`",
                        text.value()
                    ),
                );
                return;
            }
        },
        Some(other) => {
            errors.spanned_by(other, format!("`crate` takes a string: write `{EXAMPLE}`"));
            return;
        }
        None => {
            errors.spanned_by(
                key,
                format!(
                    "`crate` takes the path of the precond crate as a string: write `{EXAMPLE}`"
                ),
            );
            return;
        }
    };
    if out.krate.is_some() {
        errors.spanned_by(key, "duplicate `crate`: write it once");
    } else {
        out.krate = Some(path);
    }
}

/// `cache_control = ...` and the other declared headers.
fn header(
    key: &TokenStream,
    field: HeaderField,
    value: Option<Expr>,
    out: &mut Args,
    errors: &mut Errors,
) {
    let value = match value {
        Some(Expr::Lit(syn::ExprLit {
            lit: Lit::Str(literal),
            ..
        })) => HeaderValue::Literal(literal),
        Some(expr) => HeaderValue::Expr(expr),
        None => {
            errors.spanned_by(
                key,
                format!(
                    "`{}` takes a value: write `{}`",
                    field.key(),
                    field.example()
                ),
            );
            return;
        }
    };
    if out.headers.iter().any(|header| header.field == field) {
        errors.spanned_by(
            key,
            format!(
                "duplicate `{}`: write it once (several values go in one string, separated by \
                 commas)",
                field.key()
            ),
        );
    } else {
        out.headers.push(Header { field, value });
    }
}

/// Whether `attr` is another `#[conditional]` (or `#[precond::conditional]`).
pub(crate) fn is_conditional(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "conditional")
}

/// Whether `attr` is a `#[current]` attribute.
pub(crate) fn is_current(attr: &Attribute) -> bool {
    attr.path().is_ident("current")
}

/// The `#[current]` attributes among a parameter's attributes.
pub(crate) fn current(attrs: &[Attribute], errors: &mut Errors) -> Vec<CurrentAttr> {
    attrs
        .iter()
        .filter(|attr| is_current(attr))
        .map(|attr| CurrentAttr {
            form: current_form(attr, errors),
            attr: attr.clone(),
        })
        .collect()
}

fn current_form(attr: &Attribute, errors: &mut Errors) -> Current {
    match &attr.meta {
        Meta::Path(_) => Current::Extractor,
        Meta::List(list) => {
            if list.tokens.is_empty() {
                errors.spanned_by(
                    attr,
                    "`#[current()]` is empty: write the expression that loads the value inside, \
                     as in `#[current(store.get(id).await)]`, or `#[current]` for a value that \
                     comes from an extractor",
                );
                return Current::Load(None);
            }
            match syn::parse2::<Expr>(list.tokens.clone()) {
                Ok(expr) => Current::Load(Some(expr)),
                Err(error) => {
                    errors.push(error);
                    Current::Load(None)
                }
            }
        }
        Meta::NameValue(name_value) => {
            errors.spanned_by(
                attr,
                "write the expression in parentheses: `#[current(expr)]`, not `#[current = expr]`",
            );
            Current::Load(Some(name_value.value.clone()))
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn parse(tokens: TokenStream) -> (Args, Vec<String>) {
        let mut errors = Errors::new();
        let args = args(tokens, &mut errors);
        let messages = match errors.finish() {
            Ok(()) => Vec::new(),
            Err(error) => error.into_iter().map(|error| error.to_string()).collect(),
        };
        (args, messages)
    }

    fn required(tokens: TokenStream) -> Vec<Precondition> {
        let (args, errors) = parse(tokens);
        assert_eq!(errors, Vec::<String>::new());
        args.require.map(|r| r.preconditions).unwrap_or_default()
    }

    #[test]
    fn empty_arguments_require_nothing() {
        let (args, errors) = parse(TokenStream::new());
        assert!(errors.is_empty());
        assert!(args.require.is_none() && args.headers.is_empty() && args.krate.is_none());
    }

    #[test]
    fn require_names_are_case_insensitive_and_kept_in_order() {
        use Precondition::*;
        assert_eq!(required(quote!(require = "If-Match")), [IfMatch]);
        assert_eq!(
            required(quote!(require = "If-Match: etag | If-None-Match")),
            [IfMatchEtag, IfNoneMatchStar]
        );
        assert_eq!(required(quote!(require = "if-match:<ETag>")), [IfMatchEtag]);
        assert_eq!(
            required(quote!(require = "if-unmodified-since|IF-MATCH")),
            [IfUnmodifiedSince, IfMatch]
        );
        assert_eq!(
            required(quote!(
                require = " If-Match | If-Unmodified-Since | If-None-Match "
            )),
            [IfMatch, IfUnmodifiedSince, IfNoneMatchStar]
        );
        assert_eq!(
            required(quote!(require = "If-None-Match: *")),
            [IfNoneMatchStar]
        );
        assert_eq!(
            required(quote!(require = "If-None-Match:*")),
            [IfNoneMatchStar]
        );
    }

    #[test]
    fn require_mistakes_say_what_to_write() {
        let cases: &[(TokenStream, &str)] = &[
            (
                quote!(require = "If-Mach"),
                "unknown header `If-Mach` in `require`; did you mean `If-Match`?",
            ),
            (
                quote!(require = "If_Unmodified_Since"),
                "did you mean `If-Unmodified-Since`?",
            ),
            (quote!(require = "ETag"), "did you mean `If-Match`?"),
            (quote!(require = "*"), "did you mean `If-None-Match`?"),
            (
                quote!(require = "Banana"),
                "name `If-Match`, `If-Match: etag`, `If-Unmodified-Since` or `If-None-Match`",
            ),
            (
                quote!(require = "If-Modified-Since"),
                "`If-Modified-Since` cannot be required",
            ),
            (
                quote!(require = "if-range"),
                "`If-Range` cannot be required",
            ),
            (quote!(require = ""), "`require` is empty"),
            (
                quote!(require = "If-Match ||"),
                "an empty name in `require`",
            ),
            (
                quote!(require = "If-Match, If-Unmodified-Since"),
                "separate the names in `require` with `|`",
            ),
            (
                quote!(require = "If-Match | if-match"),
                "`If-Match` appears twice in `require`",
            ),
            (quote!(require = IF_MATCH), "`require` takes a string"),
            (quote!(require), "`require` takes a string"),
            (
                quote!(require = "If-Match", require = "If-Match"),
                "duplicate `require`",
            ),
        ];
        for (tokens, expected) in cases {
            let (_, errors) = parse(tokens.clone());
            assert_eq!(errors.len(), 1, "{tokens}: {errors:?}");
            assert!(errors[0].contains(expected), "{tokens}: {errors:?}");
        }
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let (_, errors) = parse(quote!(
            requir = "If-Match",
            cache_control,
            vary = "a",
            vary = "b",
            crate = 1
        ));
        assert_eq!(errors.len(), 4, "{errors:?}");
    }

    #[test]
    fn keys_with_typos_get_suggestions() {
        let cases: &[(TokenStream, &str)] = &[
            (quote!(requires = "If-Match"), "did you mean `require`?"),
            (
                quote!(cach_control = "no-cache"),
                "did you mean `cache_control`?",
            ),
            (quote!(location = "/x"), "did you mean `content_location`?"),
            (quote!(krate = "x"), "did you mean `crate`?"),
            (quote!(etag = "x"), "`ETag` and `Last-Modified` come from"),
            (
                quote!(content_type = "x"),
                "other headers belong in the handler's response",
            ),
            (quote!(vary("a")), "not in parentheses"),
        ];
        for (tokens, expected) in cases {
            let (_, errors) = parse(tokens.clone());
            assert_eq!(errors.len(), 1, "{tokens}: {errors:?}");
            assert!(errors[0].contains(expected), "{tokens}: {errors:?}");
        }
    }

    #[test]
    fn hyphenated_keys_are_read_but_reported() {
        let (args, errors) = parse(quote!(cache - control = "no-cache"));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("write `cache_control`"), "{errors:?}");
        assert_eq!(args.headers.len(), 1);
    }

    #[test]
    fn headers_keep_literals_apart_from_expressions() {
        let (args, errors) = parse(quote!(
            cache_control = "no-cache",
            content_location = format!("/documents/{id}"),
            crate = "::web",
        ));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(args.headers.len(), 2);
        assert!(matches!(args.headers[0].value, HeaderValue::Literal(_)));
        assert_eq!(args.headers[1].field, HeaderField::ContentLocation);
        assert!(matches!(args.headers[1].value, HeaderValue::Expr(_)));
        let krate = args.krate.expect("crate path");
        assert_eq!(quote!(#krate).to_string(), ":: web");
    }

    #[test]
    fn malformed_arguments_are_a_single_error() {
        let (_, errors) = parse(quote!("If-Match"));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("expected `key = value`"), "{errors:?}");
    }

    #[test]
    fn current_forms() {
        let mut errors = Errors::new();
        let attrs: Vec<Attribute> = vec![
            syn::parse_quote!(#[current]),
            syn::parse_quote!(#[current(store.get(id).await)]),
            syn::parse_quote!(#[doc = "not current"]),
        ];
        let found = current(&attrs, &mut errors);
        assert!(errors.finish().is_ok());
        assert_eq!(found.len(), 2);
        assert!(matches!(found[0].form, Current::Extractor));
        assert!(matches!(found[1].form, Current::Load(Some(Expr::Await(_)))));

        for attr in [
            syn::parse_quote!(#[current()]),
            syn::parse_quote!(#[current = store.get(id)]),
            syn::parse_quote!(#[current(,)]),
        ] {
            let mut errors = Errors::new();
            let found = current(&[attr], &mut errors);
            assert_eq!(found.len(), 1);
            assert!(matches!(found[0].form, Current::Load(_)));
            assert!(errors.finish().is_err());
        }
    }
}
