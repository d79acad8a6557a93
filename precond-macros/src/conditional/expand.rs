//! Code generation from a handler that `valid` has accepted. The handler keeps its attributes,
//! visibility, name, generics and body; it gains a first parameter (the request's
//! preconditions), loads the `#[current]` value, checks the preconditions before the body, and
//! passes the body's answer through `finish`. Runtime items are named by absolute path through
//! the facade; hidden names use `Span::mixed_site()` so the body cannot see them; checks that
//! depend on the user's types carry those types' spans.

use proc_macro2::{Group, Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{LitStr, Pat, ReturnType, Type};

use super::Framework;
use super::ast::{CurrentParam, Handler, Resource};
use super::attr::{Current, HeaderValue, Precondition, Require};

/// A name of the generated code that user code cannot see.
fn hidden(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

pub(crate) fn handler(handler: &Handler, framework: Framework) -> TokenStream {
    let Some(current) = handler.current() else {
        // `valid` rejects a handler without `#[current]`; kept total all the same.
        return quote!(::core::compile_error!(
            "#[conditional] needs a `#[current]` parameter"
        ););
    };
    let krate = handler.krate();
    let private = quote!(#krate::__private);
    let module = Ident::new(framework.module(), Span::call_site());
    let runtime = quote!(#private::#module);
    let function = &handler.function;
    let sig = &function.sig;

    let request = hidden("__precond_request");
    let validators = hidden("__precond_validators");
    let headers = hidden("__precond_headers");
    let proceed = hidden("__precond_proceed");
    let output = hidden("__precond_output");
    let policy = hidden("__PRECOND_POLICY");

    let attrs = super::openapi::attributes(handler, &private);
    let vis = &function.vis;
    let constness = &sig.constness;
    let asyncness = &sig.asyncness;
    let unsafety = &sig.unsafety;
    let abi = &sig.abi;
    let fn_token = &sig.fn_token;
    let ident = &sig.ident;
    let generics = &sig.generics;
    let where_clause = &sig.generics.where_clause;
    // The parameters up to `#[current]` are extracted before the check (routing, state,
    // authentication); those after it, the body among them, only once the check has passed.
    let (early, late) = handler.split_at_current();
    let params = early
        .iter()
        .filter(|param| !param.is_loaded())
        .map(|param| &param.arg);
    let deferred = hidden("__precond_deferred");
    let late_types: Vec<&Type> = late
        .iter()
        .filter_map(|param| param.typed())
        .map(|t| &*t.ty)
        .collect();
    let late_pats: Vec<&Pat> = late
        .iter()
        .filter_map(|param| param.typed())
        .map(|t| &*t.pat)
        .collect();
    let deferred_param =
        (!late.is_empty()).then(|| quote!(#deferred: #runtime::Deferred<(#(#late_types,)*)>));
    let params = params.map(ToTokens::to_token_stream).chain(deferred_param);
    let extract_late = (!late.is_empty()).then(|| {
        let value = hidden("__precond_value");
        let response = hidden("__precond_response");
        quote! {
            let (#(#late_pats,)*) = match #runtime::Deferred::extract(#deferred).await {
                ::core::result::Result::Ok(#value) => #value,
                ::core::result::Result::Err(#response) => return #response,
            };
        }
    });
    let mut signature = quote! {
        #vis #constness #asyncness #unsafety #abi #fn_token #ident #generics
    };
    sig.paren_token.surround(&mut signature, |tokens| {
        tokens.extend(quote! {
            #request: #runtime::ConditionalRequest,
            #(#params),*
        });
    });

    // An answer given before the deferred extractors run leaves the body unread.
    let refuse = |response: &Ident| match late.is_empty() {
        true => quote!(#response),
        false => quote!(#runtime::Deferred::unread(&#deferred, #response)),
    };
    let load = load(&current, &runtime, &refuse(&hidden("__precond_response")));
    let policy_value = policy_expr(handler.args.require.as_ref(), &private);
    let weak_check = handler
        .args
        .require
        .as_ref()
        .filter(|require| {
            require.preconditions.contains(&Precondition::IfMatch)
                || require.preconditions.contains(&Precondition::IfMatchEtag)
        })
        .map(|require| weak_check(handler, &current, require, &private));
    let validators_call = validators_call(&current, &private);
    let declared = declared_headers(handler, &headers, &private);
    // Without declared headers, an empty set made where it is used: a variable would be kept
    // in the handler's future across the body's `.await` (320 bytes moved with it).
    let headers_value = if handler.args.headers.is_empty() {
        quote!(#private::ExtraHeaders::new())
    } else {
        quote!(#headers)
    };
    let body = &function.body;
    let (ret, ret_span) = match &sig.output {
        ReturnType::Default => (quote!(()), sig.paren_token.span.close()),
        ReturnType::Type(_, ty) => (ty.to_token_stream(), ty.span()),
    };
    let opaque = match &sig.output {
        ReturnType::Default => false,
        ReturnType::Type(_, ty) => contains_impl_trait(ty),
    };
    // A return type without `IntoResponse` is reported at the return type.
    let runtime_at_ret = respan(&runtime, ret_span);
    let output_at_ret = Ident::new("__precond_output", Span::mixed_site().located_at(ret_span));
    let bounds = hidden("__precond_bounds");
    let (bounds_fn, run_body, bounds_check) = if !opaque {
        (
            None,
            quote!(#private::hint::<#ret, _>(async move #body).await),
            None,
        )
    } else if sig.generics.params.is_empty() && nestable(&ret) {
        // `impl Trait` cannot be named in a turbofish, but it can be a parameter's type: a
        // nested function checks the body's value against the declared bounds, and keeps the
        // traits they name in use (no "unused import" for `IntoResponse`). The value itself
        // keeps its concrete type, so that a `Tagged` is still recognized.
        let parameter = hidden("__precond_output");
        (
            Some(quote! {
                #[inline(always)]
                fn #bounds(#parameter: &#ret) {
                    let _ = #parameter;
                }
            }),
            quote!((async move #body).await),
            Some(quote_spanned!(ret_span=> #bounds(&#output_at_ret);)),
        )
    } else {
        (None, quote!((async move #body).await), None)
    };
    // `Tagged` (or `Result` of one) is answered for what the request needs, any other value
    // through the framework's trait: the kind is picked by autoref specialization, on the
    // value's concrete type.
    let answer = quote_spanned! {ret_span=>
        {
            #[allow(unused_imports)]
            use #runtime_at_ret::{AnswerOther as _, AnswerTagged as _};
            (&#output_at_ret).__precond_kind().answer(
                #output_at_ret,
                &#request,
                ::core::option::Option::as_ref(&#validators),
            )
        }
    };
    let json_warning = json_return_warning(handler);
    let value = hidden("__precond_value");
    let response = hidden("__precond_response");
    let answer_var = hidden("__precond_answer");
    let refused = refuse(&response);

    quote! {
        #(#attrs)*
        #signature -> #runtime::Response #where_clause {
            #bounds_fn
            const #policy: #private::Policy = #policy_value;
            #weak_check
            #json_warning
            #load
            let #validators: ::core::option::Option<#private::Validators> = #validators_call;
            #declared
            let #proceed = match #runtime::check(
                &#request,
                ::core::option::Option::as_ref(&#validators),
                &#policy,
                &#headers_value,
            ) {
                ::core::result::Result::Ok(#value) => #value,
                ::core::result::Result::Err(#response) => return #refused,
            };
            #extract_late
            let #output = #run_body;
            #bounds_check
            #[allow(clippy::needless_borrow)] // the `&` picks the kind; see `answer`
            let #answer_var = #answer;
            #runtime::finish(#answer_var, &#request, #proceed, #validators, #headers_value)
        }
    }
}

/// `let current: T = Load::<T>::load(expr)`, or the error's response, for `#[current(expr)]`;
/// nothing for an extractor.
fn load(current: &CurrentParam, runtime: &TokenStream, refused: &TokenStream) -> TokenStream {
    let Current::Load(Some(expr)) = &current.attr.form else {
        return TokenStream::new();
    };
    let pat = current.pat;
    let ty = current.ty;
    // Through the trait, whose only inferred parameter is the expression's type: a mismatch is
    // then reported at the expression, whole, "introduced by" the `#[current]` attribute.
    let at = current.attr.attr.path().span();
    let trait_path = respan(&quote!(#runtime::Load), at);
    let method = Ident::new("load", at);
    let call = quote!(#trait_path::<#ty>::#method(#expr));
    let value = hidden("__precond_value");
    let response = hidden("__precond_response");
    quote! {
        let #pat: #ty = match #call {
            ::core::result::Result::Ok(#value) => #value,
            ::core::result::Result::Err(#response) => return #refused,
        };
    }
}

/// `Policy::always(IF_MATCH.or(...))`, or `Policy::none()`.
fn policy_expr(require: Option<&Require>, private: &TokenStream) -> TokenStream {
    let preconditions = require.map(|require| require.preconditions.as_slice());
    let Some((first, rest)) = preconditions.and_then(<[Precondition]>::split_first) else {
        return quote!(#private::Policy::none());
    };
    let constant = |precondition: &Precondition| {
        let name = Ident::new(precondition.constant(), Span::call_site());
        quote!(#private::Requirement::#name)
    };
    let first = constant(first);
    let rest = rest.iter().map(constant);
    quote!(#private::Policy::always(#first #(.or(#rest))*))
}

/// A compile-time error when the resource type has weak ETags and `require` names `If-Match`:
/// weak tags never match `If-Match`, so every such request would fail.
/// A warning (through `#[deprecated]`, the one warning a proc macro can raise on stable) for a
/// handler with `require`, a write, that returns plain `Json<T>` (or `web::Json<T>`, or a
/// `Result` of one): it answers without an `ETag`, and the checked validators are no longer
/// current after the write, so the client cannot chain its next conditional write without
/// fetching again. `#[allow(deprecated)]` on the handler silences it.
fn json_return_warning(handler: &Handler) -> Option<TokenStream> {
    handler.args.require.as_ref()?;
    let ReturnType::Type(_, ty) = &handler.function.sig.output else {
        return None;
    };
    let json = returned_json(ty)?;
    let span = json.span();
    let note = "this write answers plain `Json`, with no `ETag`: the client cannot make its next \
                write conditional without fetching again. Return `Tagged<T>` (`Tagged::new` of \
                the value written, with its new validators), or `#[allow(deprecated)]` on the \
                handler if that is meant";
    let warn = Ident::new("__precond_answers_json_without_an_etag", span);
    Some(quote_spanned! {span=>
        {
            #[deprecated(note = #note)]
            #[inline(always)]
            const fn #warn() {}
            #warn();
        }
    })
}

/// The `Json` path segment of a return type that is `Json<T>` or `Result<Json<T>, E>` (any path
/// ending in `Json`, as `axum::Json` and `actix_web::web::Json`).
fn returned_json(ty: &syn::Type) -> Option<&syn::PathSegment> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    match last.ident.to_string().as_str() {
        "Json" => Some(last),
        "Result" => match &last.arguments {
            syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
                syn::GenericArgument::Type(ok) => returned_json(ok),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

fn weak_check(
    handler: &Handler,
    current: &CurrentParam,
    require: &Require,
    private: &TokenStream,
) -> TokenStream {
    let resource = current.resource.ty();
    let name = type_name(resource);
    let message = format!(
        "`{name}` has weak ETags (`Versioned::WEAK`, as with `#[versioned(weak)]`), and weak \
         tags never match `If-Match` (RFC 9110 §13.1.1 compares them strongly), so every \
         request to this handler that sends `If-Match` would fail with 412: give `{name}` \
         strong ETags (remove `weak`), or remove `If-Match` from `require`"
    )
    .replace('{', "{{")
    .replace('}', "}}");
    let span = require.literal.span();
    let message = LitStr::new(&message, span);
    let weak = versioned_item(resource, private, "WEAK");
    let panic = quote_spanned! {span=>
        ::core::panic!(#message)
    };
    // An item cannot use the function's generic parameters (nor `Self`); a `const` block can,
    // and is evaluated when the function is instantiated.
    if handler.function.sig.generics.params.is_empty() && !mentions_self(resource) {
        quote_spanned! {span=>
            const _: () = if #weak { #panic };
        }
    } else {
        quote_spanned! {span=>
            const { if #weak { #panic } };
        }
    }
}

/// The validators of the `#[current]` value, `None` when it is an absent `Option`.
///
/// `<R as Versioned>` is written at the type's span, so that a type without `Versioned` is
/// reported there, once: the weak-ETag check names the same path at the same span, and the
/// compiler reports identical errors once (a helper function with an `R: Versioned` bound would
/// add a second error, "required by a bound in" that helper).
fn validators_call(current: &CurrentParam, private: &TokenStream) -> TokenStream {
    let span = current.resource_span();
    let ident = match current.pat {
        Pat::Ident(pat) => &pat.ident,
        // `valid` requires a plain name.
        _ => return quote!(::core::unreachable!()),
    };
    let validators = versioned_item(current.resource.ty(), private, "validators");
    match current.resource {
        Resource::Always(_) => quote_spanned! {span=>
            ::core::option::Option::Some(#validators(&#ident))
        },
        Resource::Optional(_) => {
            let value = hidden("__precond_value");
            quote_spanned! {span=>
                match &#ident {
                    ::core::option::Option::Some(#value) => {
                        ::core::option::Option::Some(#validators(#value))
                    }
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }
        }
    }
}

/// `<R as Versioned>::item`, at the span of `R`.
///
/// The path runs from the type's first token to its last, so that the errors of the path and
/// of the type inside it have one span, and a type of several tokens is reported once, whole.
fn versioned_item(resource: &Type, private: &TokenStream, item: &str) -> TokenStream {
    let tokens = resource.to_token_stream();
    let first = tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(|| resource.span(), |token| token.span());
    let last = tokens
        .into_iter()
        .last()
        .map_or(first, |token| token.span());
    let private = respan(private, first);
    let item = Ident::new(item, last);
    quote_spanned! {first=>
        <#resource as #private::Versioned>::#item
    }
}

/// `let mut headers = ExtraHeaders::new();` and a push per declared header; nothing when no
/// header is declared.
fn declared_headers(handler: &Handler, headers: &Ident, private: &TokenStream) -> TokenStream {
    let declared = &handler.args.headers;
    if declared.is_empty() {
        return TokenStream::new();
    }
    let pushes = declared.iter().map(|header| {
        let name = Ident::new(header.field.constant(), Span::call_site());
        let name = quote!(#private::http::header::#name);
        match &header.value {
            HeaderValue::Literal(literal) => quote! {
                #headers.push_static(#name, #literal);
            },
            HeaderValue::Expr(expr) => {
                let span = expr.span();
                let private_at_expr = respan(private, span);
                quote_spanned! {span=>
                    #private_at_expr::ExtraHeaders::push(&mut #headers, #name, #expr);
                }
            }
        }
    });
    quote! {
        let mut #headers = #private::ExtraHeaders::new();
        #(#pushes)*
    }
}

/// Whether a return type contains `impl Trait`, which cannot be named in a turbofish.
fn contains_impl_trait(ty: &Type) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}

/// Whether an opaque return type can be the parameter type of a function nested in the
/// handler: it must not name `Self` (nor the handler's generics, checked by the caller), nor
/// capture precisely (`use<..>`, not allowed in argument position).
fn nestable(ret: &TokenStream) -> bool {
    !names_any(ret.clone(), &["Self", "use"])
}

/// Whether a type names `Self`, which an item nested in a method cannot use.
fn mentions_self(ty: &Type) -> bool {
    names_any(ty.to_token_stream(), &["Self"])
}

/// Whether `tokens`, groups included, hold one of the identifiers `names`.
pub(crate) fn names_any(tokens: TokenStream, names: &[&str]) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => names.iter().any(|name| ident == name),
        TokenTree::Group(group) => names_any(group.stream(), names),
        _ => false,
    })
}

/// A type as people write it, for messages: `Arc<Document>`, not `Arc < Document >`.
pub(crate) fn type_name(ty: &Type) -> String {
    let mut out = String::new();
    write_tokens(ty.to_token_stream(), &mut out);
    out
}

fn write_tokens(tokens: TokenStream, out: &mut String) {
    let mut previous: Option<char> = None;
    for token in tokens {
        match token {
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                match c {
                    ',' | ';' => {
                        out.push(c);
                        out.push(' ');
                    }
                    '+' | '=' => {
                        if !out.ends_with(' ') {
                            out.push(' ');
                        }
                        out.push(c);
                        out.push(' ');
                    }
                    '>' if previous == Some('-') => {
                        out.push_str("> ");
                    }
                    '-' if punct.spacing() == proc_macro2::Spacing::Joint => {
                        out.push_str(" -");
                    }
                    _ => out.push(c),
                }
                previous = Some(c);
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write_tokens(group.stream(), out);
                out.push_str(close);
                previous = None;
            }
            other => {
                // Two words in a row (`dyn Trait`, `&'a mut T`) need a space between them.
                let needs_space = out.chars().last().is_some_and(|last| {
                    last.is_alphanumeric() || last == '_' || last == ')' || last == '>'
                });
                if needs_space {
                    out.push(' ');
                }
                out.push_str(&other.to_string());
                previous = None;
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use syn::FnArg;

    use super::*;

    fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
        crate::conditional::attribute(args, item, Framework::Axum)
    }

    /// The parameters of the generated signature.
    fn param_names(tokens: &TokenStream) -> Vec<String> {
        let function: syn::ItemFn = syn::parse2(tokens.clone()).expect("a function");
        function
            .sig
            .inputs
            .iter()
            .map(|arg| match arg {
                FnArg::Typed(typed) => typed.pat.to_token_stream().to_string(),
                FnArg::Receiver(_) => "self".to_owned(),
            })
            .collect()
    }

    fn expand(args: TokenStream, item: TokenStream) -> String {
        attribute(args, item).to_string()
    }

    #[test]
    fn type_names_read_like_source() {
        let cases: &[(Type, &str)] = &[
            (syn::parse_quote!(Document), "Document"),
            (
                syn::parse_quote!(std::sync::Arc<Document>),
                "std::sync::Arc<Document>",
            ),
            (syn::parse_quote!(&'a mut Document), "&'a mut Document"),
            (
                syn::parse_quote!(Box<dyn Versioned + Send>),
                "Box<dyn Versioned + Send>",
            ),
            (syn::parse_quote!((A, B)), "(A, B)"),
            (syn::parse_quote!([u8; 4]), "[u8; 4]"),
            (syn::parse_quote!(Wrapper<Item = T>), "Wrapper<Item = T>"),
        ];
        for (ty, expected) in cases {
            assert_eq!(type_name(ty), *expected);
        }
    }

    #[test]
    fn expression_form_leaves_the_signature() {
        let out = attribute(
            quote!(require = "If-Match | If-Unmodified-Since"),
            quote! {
                /// Replaces a document.
                pub async fn put(
                    State(store): State<Store>,
                    #[current(store.get(1).await)] current: Option<Document>,
                    Json(update): Json<Update>,
                ) -> Result<Tagged<Document>, Rejected> {
                    todo()
                }
            },
        );
        assert_eq!(
            param_names(&out),
            ["__precond_request", "State (store)", "__precond_deferred"]
        );
        let text = out.to_string();
        for expected in [
            "__precond_deferred : :: precond :: __private :: axum :: Deferred < (Json < Update > ,) >",
            "let (Json (update) ,) = match :: precond :: __private :: axum :: Deferred :: extract (__precond_deferred) . await",
            "# [doc = r\" Replaces a document.\"]",
            "pub async fn put",
            "-> :: precond :: __private :: axum :: Response",
            "let current : Option < Document > = match :: precond :: __private :: axum :: Load :: < Option < Document > > :: load (store . get (1) . await)",
            ":: precond :: __private :: Policy :: always (:: precond :: __private :: Requirement :: IF_MATCH . or (:: precond :: __private :: Requirement :: IF_UNMODIFIED_SINCE))",
            "const _ : () = if < Document as :: precond :: __private :: Versioned > :: WEAK",
            "match & current { :: core :: option :: Option :: Some (__precond_value) => { :: core :: option :: Option :: Some (< Document as :: precond :: __private :: Versioned > :: validators (__precond_value)) } :: core :: option :: Option :: None => :: core :: option :: Option :: None , }",
            "& :: precond :: __private :: ExtraHeaders :: new () ,) {",
            ":: precond :: __private :: hint :: < Result < Tagged < Document > , Rejected > , _ > (async move { todo () }) . await",
            "use :: precond :: __private :: axum :: { AnswerOther as _ , AnswerTagged as _ } ;",
            "(& __precond_output) . __precond_kind () . answer (__precond_output , & __precond_request , :: core :: option :: Option :: as_ref (& __precond_validators) ,)",
            "Err (__precond_response) => return :: precond :: __private :: axum :: Deferred :: unread (& __precond_deferred , __precond_response) ,",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in\n{text}");
        }
    }

    #[test]
    fn extractor_form_stays_in_the_signature() {
        let out = attribute(
            quote!(
                cache_control = "no-cache",
                content_location = format!("/d/{id}"),
                crate = "web"
            ),
            quote! {
                async fn get(Path(id): Path<u64>, #[current] mut doc: Document, body: String) -> impl IntoResponse {
                    doc
                }
            },
        );
        assert_eq!(
            param_names(&out),
            [
                "__precond_request",
                "Path (id)",
                "mut doc",
                "__precond_deferred"
            ]
        );
        let text = out.to_string();
        for expected in [
            "web :: __private :: Policy :: none ()",
            ":: core :: option :: Option :: Some (< Document as web :: __private :: Versioned > :: validators (& doc))",
            "let mut __precond_headers = web :: __private :: ExtraHeaders :: new () ;",
            "__precond_headers . push_static (web :: __private :: http :: header :: CACHE_CONTROL , \"no-cache\") ;",
            "web :: __private :: ExtraHeaders :: push (& mut __precond_headers , web :: __private :: http :: header :: CONTENT_LOCATION , format ! (\"/d/{id}\")) ;",
            "let __precond_output = (async move { doc }) . await ;",
            "fn __precond_bounds (__precond_output : & impl IntoResponse) { let _ = __precond_output ; }",
            "__precond_bounds (& __precond_output) ;",
            "let (body ,) = match web :: __private :: axum :: Deferred :: extract (__precond_deferred) . await",
            "web :: __private :: axum :: finish (__precond_answer , & __precond_request ,",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in\n{text}");
        }
        assert!(!text.contains("WEAK"), "{text}");
        assert!(!text.contains("::precond"), "{text}");
    }

    #[test]
    fn actix_handlers_call_the_actix_runtime_only() {
        let out = crate::conditional::attribute(
            quote!(require = "If-Match"),
            quote! {
                async fn put(#[current(load().await)] doc: Option<Document>) -> HttpResponse {
                    todo()
                }
            },
            Framework::Actix,
        );
        let text = out.to_string();
        for expected in [
            "__precond_request : :: precond :: __private :: actix :: ConditionalRequest",
            "-> :: precond :: __private :: actix :: Response",
            ":: precond :: __private :: actix :: Load :: < Option < Document > > :: load (load () . await)",
            ":: precond :: __private :: actix :: check (",
            "use :: precond :: __private :: actix :: { AnswerOther as _ , AnswerTagged as _ } ;",
            ":: precond :: __private :: actix :: finish (",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in\n{text}");
        }
        assert!(!text.contains("axum"), "{text}");
    }

    #[test]
    fn parameters_after_current_cannot_be_used_before_the_check() {
        let text = expand(
            quote!(content_location = format!("/d/{id}"), vary = name.clone()),
            quote! {
                async fn put(#[current(load(id, other))] doc: Option<D>, Path(id): Path<u64>, Json(name): Json<String>) {}
            },
        );
        for name in ["id", "name"] {
            assert!(
                text.contains(&format!("`{name}` is declared after `#[current]`")),
                "{text}"
            );
        }
        assert_eq!(text.matches("compile_error").count(), 3, "{text}");
        assert!(!text.contains("`other`"), "{text}");
    }

    #[test]
    fn generic_handlers_check_weak_tags_in_a_const_block() {
        let text = expand(
            quote!(require = "If-Match"),
            quote! {
                async fn put<S>(#[current] doc: Wrapper<S>) {}
            },
        );
        assert!(
            text.contains(
                "const { if < Wrapper < S > as :: precond :: __private :: Versioned > :: WEAK"
            ),
            "{text}"
        );
        assert!(text.contains("hint :: < () , _ >"), "{text}");
    }

    #[test]
    fn errors_come_with_the_original_function() {
        let out = attribute(
            quote!(require = "If-Mach"),
            quote! {
                async fn put(a: A, #[current(load(a))] b: Option<B>) -> u8 { 1 }
            },
        );
        let text = out.to_string();
        assert!(text.contains("compile_error"), "{text}");
        assert!(text.contains("did you mean `If-Match`?"), "{text}");
        let file: syn::File = syn::parse2(out).expect("items");
        let Some(syn::Item::Fn(function)) = file.items.last() else {
            panic!("no function in\n{text}");
        };
        assert_eq!(function.sig.inputs.len(), 1);
        assert!(
            text.contains("let b : Option < B > = (|| :: core :: unreachable ! ()) () ;"),
            "{text}"
        );
        assert!(!text.contains("current"), "{text}");
    }
}
