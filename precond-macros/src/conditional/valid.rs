//! Checks on the model that the type system cannot make, each reported at the user's token with
//! what to write instead. What the type system can check (`Versioned`, the loader's type, weak
//! ETags under `If-Match`) is left to the generated code, spanned at the user's tokens.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, FnArg, Pat, Type};

use super::Framework;
use super::ast::Handler;
use super::attr::{self, Current, HeaderValue};
use crate::errors::Errors;

pub(crate) fn check(handler: &Handler, framework: Framework, errors: &mut Errors) {
    check_framework(handler, framework, errors);
    check_signature(handler, errors);
    check_current(handler, errors);
    check_load_order(handler, errors);
    check_headers(handler, errors);
}

/// A handler written for the other framework: the attribute it needs is the other one. Looks
/// for names only that framework has in the signature (`HttpRequest`, `web::...`, `Responder`
/// for actix-web; `axum::...`, `IntoResponse`, `Extension` for axum), and says which import to
/// use, rather than leaving the user with the trait errors of the wrong framework.
fn check_framework(handler: &Handler, framework: Framework, errors: &mut Errors) {
    use proc_macro2::TokenTree;
    use quote::ToTokens;
    fn first_foreign(
        tokens: proc_macro2::TokenStream,
        framework: Framework,
    ) -> Option<proc_macro2::Ident> {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Group(group) => {
                    if let Some(found) = first_foreign(group.stream(), framework) {
                        return Some(found);
                    }
                }
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    let path_start = matches!(
                        tokens.get(i + 1),
                        Some(TokenTree::Punct(p)) if p.as_char() == ':'
                    );
                    // `web::Data`, `web::Path`...: actix-web's module, not a module of the
                    // user's own that happens to be called `web`.
                    let actix_web_item = path_start
                        && matches!(
                            tokens.get(i + 3),
                            Some(TokenTree::Ident(item)) if matches!(
                                item.to_string().as_str(),
                                "Data" | "Path" | "Json" | "Query" | "Form" | "Payload"
                                    | "ReqData" | "Bytes" | "Header"
                            )
                        );
                    let foreign = match framework {
                        Framework::Axum => {
                            matches!(
                                name.as_str(),
                                "actix_web" | "HttpRequest" | "HttpResponse" | "Responder"
                            ) || (name == "web" && actix_web_item)
                        }
                        Framework::Actix => {
                            matches!(name.as_str(), "IntoResponse" | "IntoResponseParts")
                                || (name == "axum" && path_start)
                        }
                    };
                    if foreign {
                        return Some(ident.clone());
                    }
                }
                _ => {}
            }
        }
        None
    }
    let sig = &handler.function.sig;
    let mut tokens = proc_macro2::TokenStream::new();
    for input in &sig.inputs {
        if let FnArg::Typed(typed) = input {
            typed.ty.to_tokens(&mut tokens);
        }
    }
    sig.output.to_tokens(&mut tokens);
    let Some(found) = first_foreign(tokens, framework) else {
        return;
    };
    let span = found.span();
    let found = match found.to_string().as_str() {
        "axum" | "actix_web" => format!("{found}::..."),
        _ => found.to_string(),
    };
    let message = match framework {
        Framework::Axum => format!(
            "`{found}` is actix-web's, but this is the `#[conditional]` for axum handlers: for an \
             actix-web handler, write `use precond::actix::conditional;` (feature `actix`; \
             without axum: `precond = {{ version = \"0.1\", default-features = false, \
             features = [\"actix\"] }}`)"
        ),
        Framework::Actix => format!(
            "`{found}` is axum's, but this is `precond::actix::conditional`, for actix-web \
             handlers: for an axum handler, write `use precond::axum::conditional;` (feature \
             `axum`, on by default)"
        ),
    };
    errors.at(span, message);
}

/// An `async fn` under one `#[conditional]`, without `self`.
fn check_signature(handler: &Handler, errors: &mut Errors) {
    let sig = &handler.function.sig;
    if sig.asyncness.is_none() {
        errors.at(
            sig.fn_token.span,
            format!(
                "`#[conditional]` goes on an `async fn` handler: write `async fn {}`",
                sig.ident
            ),
        );
    }
    // A second `#[conditional]` would wrap the generated handler in another check.
    for attr in &handler.function.attrs {
        if attr::is_conditional(attr) {
            errors.spanned_by(
                attr,
                "a second `#[conditional]`: write it once, with every key in one attribute",
            );
        }
    }
    for param in &handler.params {
        if let FnArg::Receiver(receiver) = &param.arg {
            errors.spanned_by(
                receiver,
                "a handler cannot take `self`: remove the receiver and pass the state as an \
                 extractor, such as `State(store): State<Store>`",
            );
        }
    }
}

/// Exactly one `#[current]`, on a parameter bound to a plain name, with a written type.
fn check_current(handler: &Handler, errors: &mut Errors) {
    let all: Vec<_> = handler
        .params
        .iter()
        .flat_map(|param| param.current.iter().map(move |attr| (param, attr)))
        .collect();
    let Some(&(first_param, _)) = all.first() else {
        let require = if handler.args.require.is_some() {
            "`require` checks the request's preconditions against the current value of the \
             resource, and"
        } else {
            "`#[conditional]` checks the request's preconditions against the current value of \
             the resource, and"
        };
        errors.at(
            handler.function.sig.ident.span(),
            format!(
                "{require} no parameter is marked `#[current]`: mark the one that holds it, as \
                 in `#[current] doc: Document` (an extractor) or \
                 `#[current(store.get(id).await)] doc: Option<Document>` (loaded by an \
                 expression over the other parameters)"
            ),
        );
        return;
    };
    let first_name = match &first_param.arg {
        FnArg::Typed(typed) => match &*typed.pat {
            Pat::Ident(ident) => format!("`{}`", ident.ident),
            _ => "another parameter".to_owned(),
        },
        FnArg::Receiver(_) => "`self`".to_owned(),
    };
    for &(param, attr) in all.iter().skip(1) {
        let message = if std::ptr::eq(param, first_param) {
            "a second `#[current]` on the same parameter: write it once".to_owned()
        } else {
            format!(
                "a second `#[current]`: preconditions are checked against one value, and \
                 {first_name} is already `#[current]`; remove `#[current]` from one of them and \
                 load the other in the body"
            )
        };
        errors.spanned_by(&attr.attr, message);
    }

    let FnArg::Typed(typed) = &first_param.arg else {
        // A receiver: already reported by `check_signature`.
        return;
    };
    let plain = match &*typed.pat {
        Pat::Ident(ident) => ident.by_ref.is_none() && ident.subpat.is_none(),
        _ => false,
    };
    if !plain {
        errors.spanned_by(
            &typed.pat,
            "the `#[current]` parameter must be bound to a plain name, because the generated \
             check reads it by that name: write `#[current] current: Document` (or `mut \
             current`) and take it apart in the body",
        );
    }
    if let Type::Infer(_) = &*typed.ty {
        errors.spanned_by(
            &typed.ty,
            "write the type of the `#[current]` parameter, such as `Option<Document>`",
        );
    }
    if let Some(attr) = first_param.current.first()
        && let Current::Load(Some(Expr::Try(tried))) = &attr.form
    {
        errors.at(
            tried.question_token.span(),
            "remove the `?`: `#[current(...)]` takes the `Result` itself, and answers an `Err` \
             with the error's response without running the body",
        );
    }
}

/// A `#[current(expr)]` expression may use only the parameters declared before it: those after
/// it are extracted once the check has passed, after the expression has run.
fn check_load_order(handler: &Handler, errors: &mut Errors) {
    struct Bound(Vec<syn::Ident>);
    impl<'ast> Visit<'ast> for Bound {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            self.0.push(pat.ident.clone());
            visit::visit_pat_ident(self, pat);
        }
    }
    struct Uses<'a> {
        late: &'a [syn::Ident],
        found: Vec<&'a syn::Ident>,
        at: Vec<proc_macro2::Span>,
    }
    impl<'ast> Visit<'ast> for Uses<'_> {
        fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
            if path.qself.is_none()
                && let Some(ident) = path.path.get_ident()
                && let Some(late) = self.late.iter().find(|late| *late == ident)
            {
                self.found.push(late);
                self.at.push(ident.span());
            }
            visit::visit_expr_path(self, path);
        }

        /// A macro's tokens are not parsed: its identifiers, and the names that a format
        /// string captures (`{id}`, `{id:?}`), are looked at one by one.
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            self.scan(mac.tokens.clone());
        }
    }
    impl Uses<'_> {
        fn scan(&mut self, tokens: proc_macro2::TokenStream) {
            for token in tokens {
                match token {
                    proc_macro2::TokenTree::Ident(ident) => {
                        if let Some(late) = self.late.iter().find(|late| **late == ident) {
                            self.found.push(late);
                            self.at.push(ident.span());
                        }
                    }
                    proc_macro2::TokenTree::Literal(literal) => {
                        let text = literal.to_string();
                        if let Some(late) = self.late.iter().find(|late| {
                            let name = late.to_string();
                            text.contains(&format!("{{{name}}}"))
                                || text.contains(&format!("{{{name}:"))
                        }) {
                            self.found.push(late);
                            self.at.push(literal.span());
                        }
                    }
                    proc_macro2::TokenTree::Group(group) => self.scan(group.stream()),
                    proc_macro2::TokenTree::Punct(_) => {}
                }
            }
        }
    }
    let (early, late) = handler.split_at_current();
    let load = match early
        .last()
        .and_then(|param| param.current.first())
        .map(|attr| &attr.form)
    {
        Some(Current::Load(Some(expr))) => Some(expr),
        _ => None,
    };
    // Declared header values are computed before the check too (a 304 carries them).
    let headers = handler
        .args
        .headers
        .iter()
        .filter_map(|header| match &header.value {
            HeaderValue::Expr(expr) => Some(expr),
            HeaderValue::Literal(_) => None,
        });
    let mut bound = Bound(Vec::new());
    for param in late {
        if let Some(typed) = param.typed() {
            bound.visit_pat(&typed.pat);
        }
    }
    let mut uses = Uses {
        late: &bound.0,
        found: Vec::new(),
        at: Vec::new(),
    };
    if let Some(expr) = load {
        uses.visit_expr(expr);
    }
    for (ident, span) in uses.found.drain(..).zip(uses.at.drain(..)) {
        errors.at(
            span,
            format!(
                "`{ident}` is declared after `#[current]`, and the parameters after \
                 `#[current]` are extracted only once the preconditions have passed, after \
                 `#[current(...)]` has run: declare `{ident}` before the `#[current]` parameter"
            ),
        );
    }
    for expr in headers {
        uses.visit_expr(expr);
    }
    for (ident, span) in uses.found.iter().zip(uses.at) {
        errors.at(
            span,
            format!(
                "`{ident}` is declared after `#[current]`, and the parameters after \
                 `#[current]` are extracted only once the preconditions have passed, while the \
                 declared headers are computed before (a 304 carries them): declare `{ident}` \
                 before the `#[current]` parameter"
            ),
        );
    }
}

/// Literal header values must be valid header values.
fn check_headers(handler: &Handler, errors: &mut Errors) {
    for header in &handler.args.headers {
        let HeaderValue::Literal(literal) = &header.value else {
            continue;
        };
        let text = literal.value();
        let key = header.field.key();
        if text.is_empty() {
            errors.spanned_by(
                literal,
                format!("an empty `{key}` sends nothing useful: write a value, or remove `{key}`"),
            );
        } else if let Some(bad) = text
            .chars()
            .find(|&c| !(c == ' ' || c == '\t' || c.is_ascii_graphic()))
        {
            errors.spanned_by(
                literal,
                format!(
                    "`{key}` is not a valid header value: it contains {}, and a header value \
                     may hold only visible ASCII characters, spaces and tabs",
                    describe(bad)
                ),
            );
        } else if text.starts_with([' ', '\t']) || text.ends_with([' ', '\t']) {
            errors.spanned_by(
                literal,
                format!(
                    "remove the spaces around the `{key}` value: write `\"{}\"`",
                    text.trim()
                ),
            );
        }
    }
}

fn describe(c: char) -> String {
    match c {
        '\n' => "a line break".to_owned(),
        '\r' => "a carriage return".to_owned(),
        c if c.is_control() => format!("the control character U+{:04X}", u32::from(c)),
        c => format!("`{c}` (U+{:04X})", u32::from(c)),
    }
}
