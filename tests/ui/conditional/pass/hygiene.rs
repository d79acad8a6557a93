// The generated code names everything by absolute path and hides its own names: it compiles in
// a module without the prelude, next to items that shadow every name it uses, in a handler
// whose parameters and locals take the names it uses internally.
#![no_implicit_prelude]
#![deny(warnings)]

#[allow(dead_code, non_camel_case_types)]
mod shadowing {
    struct Option;
    struct Result;
    struct Response;
    struct ConditionalRequest;
    struct Policy;
    struct Requirement;
    struct Validators;
    struct ExtraHeaders;
    struct value;
    struct response;
    trait Versioned {}
    trait IntoResponse {}
    fn load() {}
    fn check() {}
    fn finish() {}
    fn hint() {}
    fn into_response() {}
    fn validators_of() {}
    mod precond {}
    mod axum {}
    mod http {}
    mod core {}
    const __PRECOND_POLICY: u8 = 0;

    #[derive(::precond::Versioned, ::serde::Serialize)]
    struct Document {
        #[versioned(version)]
        version: u64,
    }

    #[::precond::conditional(
        require = "If-Match",
        cache_control = "no-cache",
        content_location = ::std::format!("/documents/{}", __precond_request),
    )]
    async fn handler(
        ::axum::extract::Path(__precond_request): ::axum::extract::Path<u64>,
        #[current(::std::option::Option::Some(Document { version: __precond_request }))]
        __precond_validators: ::std::option::Option<Document>,
    ) -> ::std::result::Result<::precond::axum::Tagged<Document>, ::axum::http::StatusCode> {
        let __precond_headers = __PRECOND_POLICY;
        let __precond_output = __precond_headers;
        let _ = __precond_output;
        match __precond_validators {
            ::std::option::Option::Some(document) => {
                ::std::result::Result::Ok(::precond::axum::Tagged::new(document))
            }
            ::std::option::Option::None => {
                ::std::result::Result::Err(::axum::http::StatusCode::NOT_FOUND)
            }
        }
    }

    pub(crate) fn router() -> ::axum::Router {
        ::axum::Router::new().route("/documents/{id}", ::axum::routing::put(handler))
    }
}

fn main() {
    let _ = shadowing::router();
}
