//! What `precond::openapi` writes for each shape of handler and for the layers' rules, read
//! from documents built as users build them (`#[derive(OpenApi)]` with `modifiers(...)`).

use precond::adopt::{RequireRules, ShallowEtagRules};
use precond::openapi::Conditional;
use precond::{ETag, Versioned};
use serde_json::{Value, json};
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::{Info, OpenApi, PathsBuilder, ResponseBuilder};
use utoipa::{Modify, OpenApi as _};

#[derive(Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema, Versioned)]
pub struct Dated {
    #[versioned(version)]
    version: u64,
    #[serde(skip, default = "epoch")]
    #[versioned(last_modified)]
    modified: std::time::SystemTime,
}

fn epoch() -> std::time::SystemTime {
    std::time::UNIX_EPOCH
}

#[derive(Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Weak;

impl Versioned for Weak {
    const WEAK: bool = true;
    fn etag(&self) -> ETag {
        ETag::from_version(1).into_weak()
    }
}

#[derive(Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema, Versioned)]
pub struct Hashed {
    text: String,
}

mod axum_handlers {
    use super::*;
    use axum::Json;
    use axum::response::IntoResponse;
    use precond::axum::Tagged;
    use precond::conditional;

    #[conditional(require = "If-Match")]
    #[utoipa::path(put, path = "/dated", request_body = Dated,
        responses((status = 200, description = "Written", body = Dated)))]
    pub async fn put_dated(
        #[current(load())] _current: Dated,
        Json(next): Json<Dated>,
    ) -> Tagged<Dated> {
        Tagged::new(next)
    }

    #[conditional(cache_control = "no-cache")]
    #[utoipa::path(get, path = "/hashed",
        responses((status = 200, description = "The note", body = Hashed)))]
    pub async fn get_hashed(
        #[current(Hashed { text: "a".into() })] current: Hashed,
    ) -> Tagged<Hashed> {
        Tagged::new(current)
    }

    #[conditional]
    #[utoipa::path(get, path = "/opaque", responses((status = 200, description = "Bytes")))]
    pub async fn get_opaque(
        #[current(Hashed { text: "a".into() })] current: Hashed,
    ) -> impl IntoResponse {
        current.text
    }

    #[conditional]
    #[utoipa::path(get, path = "/weak", extensions(("x-mine" = json!(true))),
        responses((status = 200, description = "Weak"),
                  (status = 412, description = "My own 412")))]
    pub async fn get_weak(#[current(Weak)] current: Weak) -> Tagged<Weak> {
        Tagged::new(current)
    }

    #[conditional(require = "If-Match: etag")]
    #[utoipa::path(delete, path = "/dated", responses((status = 204, description = "Deleted")))]
    pub async fn delete_dated(#[current(load())] _current: Dated) -> axum::http::StatusCode {
        axum::http::StatusCode::NO_CONTENT
    }

    /// Without `#[conditional]` above it, `#[utoipa::path]` documents nothing of the contract.
    #[utoipa::path(get, path = "/plain", responses((status = 200, description = "Plain")))]
    pub async fn get_plain() -> &'static str {
        "plain"
    }

    fn load() -> Dated {
        Dated {
            version: 1,
            modified: std::time::UNIX_EPOCH,
        }
    }
}

mod actix_handlers {
    use super::*;
    use precond::actix::{Tagged, conditional};

    #[conditional(require = "If-Match | If-Unmodified-Since")]
    #[utoipa::path(put, path = "/actix", request_body = Dated,
        responses((status = 200, description = "Written", body = Dated)))]
    pub async fn put_actix(
        #[current(Dated { version: 1, modified: std::time::UNIX_EPOCH })] _current: Dated,
        next: actix_web::web::Json<Dated>,
    ) -> Tagged<Dated> {
        Tagged::new(next.into_inner())
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        axum_handlers::put_dated,
        axum_handlers::get_hashed,
        axum_handlers::get_opaque,
        axum_handlers::get_weak,
        axum_handlers::delete_dated,
        axum_handlers::get_plain,
        actix_handlers::put_actix,
    ),
    modifiers(&Conditional)
)]
struct Api;

fn document() -> Value {
    serde_json::to_value(Api::openapi()).expect("serializes")
}

fn parameter<'a>(operation: &'a Value, name: &str) -> Option<&'a Value> {
    operation["parameters"]
        .as_array()?
        .iter()
        .find(|parameter| parameter["name"] == name && parameter["in"] == "header")
}

fn names(operation: &Value) -> Vec<String> {
    operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "header")
        .map(|p| p["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn statuses(operation: &Value) -> Vec<String> {
    operation["responses"]
        .as_object()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn a_write_that_requires_if_match() {
    let api = document();
    let put = &api["paths"]["/dated"]["put"];
    assert_eq!(parameter(put, "If-Match").unwrap()["required"], true);
    assert_eq!(
        parameter(put, "If-Unmodified-Since").unwrap()["required"],
        false
    );
    assert_eq!(parameter(put, "If-None-Match").unwrap()["required"], false);
    assert!(parameter(put, "Range").is_none());
    assert_eq!(statuses(put), ["200", "412", "428"]);
    let ok = &put["responses"]["200"]["headers"];
    assert!(
        ok.get("ETag").is_some() && ok.get("Last-Modified").is_some(),
        "{ok}"
    );
    let failed = &put["responses"]["412"];
    assert_eq!(
        failed["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/PreconditionFailed"
    );
    assert!(failed["headers"].get("ETag").is_some());
    let schema = &api["components"]["schemas"]["PreconditionFailed"];
    assert_eq!(
        schema["required"],
        json!(["error", "message", "reason", "current_etag"])
    );
    let reasons = schema["properties"]["reason"]["enum"].as_array().unwrap();
    assert_eq!(reasons.len(), precond::Reason::ALL.len());
    assert!(reasons.contains(&json!("changed")));
    // The contract was consumed: no extension is left.
    assert!(put.get("x-precond").is_none(), "{put}");
}

#[test]
fn a_delete_that_returns_no_tagged_has_no_etag_on_its_204() {
    let api = document();
    let delete = &api["paths"]["/dated"]["delete"];
    assert_eq!(statuses(delete), ["204", "412", "428"]);
    assert!(
        delete["responses"]["204"].get("headers").is_none(),
        "{delete}"
    );
    let if_match = parameter(delete, "If-Match").unwrap();
    assert_eq!(if_match["required"], true);
    assert!(
        if_match["description"]
            .as_str()
            .unwrap()
            .contains("not `*`"),
        "{if_match}"
    );
}

#[test]
fn a_read_of_a_hashed_resource_with_ranges() {
    let api = document();
    let get = &api["paths"]["/hashed"]["get"];
    // No Last-Modified: no date preconditions.
    assert_eq!(
        names(get),
        ["If-None-Match", "If-Match", "Range", "If-Range"]
    );
    assert_eq!(statuses(get), ["200", "206", "304", "412", "416"]);
    let ok = &get["responses"]["200"]["headers"];
    for header in ["ETag", "Accept-Ranges", "Cache-Control"] {
        assert!(ok.get(header).is_some(), "{header}: {ok}");
    }
    assert!(ok.get("Last-Modified").is_none());
    let not_modified = &get["responses"]["304"]["headers"];
    assert!(not_modified.get("ETag").is_some() && not_modified.get("Cache-Control").is_some());
    assert!(get["responses"]["304"].get("content").is_none());
    assert_eq!(
        get["responses"]["416"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/RangeNotSatisfiable"
    );
}

#[test]
fn an_opaque_answer_serves_no_ranges() {
    let api = document();
    let get = &api["paths"]["/opaque"]["get"];
    assert_eq!(names(get), ["If-None-Match", "If-Match"]);
    assert_eq!(statuses(get), ["200", "304", "412"]);
    assert!(get["responses"]["200"]["headers"].get("ETag").is_some());
}

#[test]
fn weak_tags_and_the_users_own_412_and_extensions() {
    let api = document();
    let get = &api["paths"]["/weak"]["get"];
    assert_eq!(get["responses"]["412"]["description"], "My own 412");
    assert_eq!(get["x-mine"], true);
    assert!(get.get("x-precond").is_none());
    let if_match = parameter(get, "If-Match").unwrap();
    assert!(
        if_match["description"].as_str().unwrap().contains("weak"),
        "{if_match}"
    );
    let etag = &get["responses"]["200"]["headers"]["ETag"]["description"];
    assert!(etag.as_str().unwrap().contains("(weak)"), "{etag}");
}

#[test]
fn an_actix_handler_alternatives_are_each_optional() {
    let api = document();
    let put = &api["paths"]["/actix"]["put"];
    let if_match = parameter(put, "If-Match").unwrap();
    assert_eq!(if_match["required"], false);
    assert!(
        if_match["description"]
            .as_str()
            .unwrap()
            .starts_with("Required unless If-Unmodified-Since is sent"),
        "{if_match}"
    );
    assert_eq!(statuses(put), ["200", "412", "428"]);
}

#[test]
fn an_operation_without_the_attribute_is_left_alone() {
    let api = document();
    let get = &api["paths"]["/plain"]["get"];
    assert_eq!(statuses(get), ["200"]);
    assert!(get.get("parameters").is_none());
}

fn bare(paths: &[(&str, HttpMethod)]) -> OpenApi {
    let mut builder = PathsBuilder::new();
    for (path, method) in paths {
        let operation = OperationBuilder::new()
            .response("200", ResponseBuilder::new().description("ok").build())
            .build();
        builder = builder.path(*path, PathItem::new(method.clone(), operation));
    }
    OpenApi::new(Info::new("app", "1"), builder)
}

#[test]
fn require_rules_document_the_operations_they_cover() {
    let mut api = bare(&[
        ("/items/{id}", HttpMethod::Put),
        ("/items/{id}", HttpMethod::Get),
        ("/login", HttpMethod::Post),
        ("/sessions/{sid}", HttpMethod::Delete),
    ]);
    RequireRules::new()
        .method("POST")
        .exempt("POST", "/login")
        .exempt("DELETE", "/sessions/{id}")
        .modify(&mut api);
    let api = serde_json::to_value(api).unwrap();
    let put = &api["paths"]["/items/{id}"]["put"];
    assert_eq!(statuses(put), ["200", "428"]);
    assert_eq!(
        names(put),
        ["If-Match", "If-Unmodified-Since", "If-None-Match"]
    );
    // The layer does not check the precondition: it promises no 412.
    assert!(put["responses"].get("412").is_none());
    assert_eq!(
        put["responses"]["428"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/PreconditionRequired"
    );
    assert!(
        api["components"]["schemas"]
            .get("PreconditionRequired")
            .is_some()
    );
    for (path, method) in [
        ("/items/{id}", "get"),
        ("/login", "post"),
        ("/sessions/{sid}", "delete"),
    ] {
        assert_eq!(
            statuses(&api["paths"][path][method]),
            ["200"],
            "{method} {path}"
        );
    }
}

#[test]
fn shallow_etag_rules_document_every_get() {
    let mut api = bare(&[("/page", HttpMethod::Get), ("/page", HttpMethod::Post)]);
    ShallowEtagRules::new().weak().modify(&mut api);
    let api = serde_json::to_value(api).unwrap();
    let get = &api["paths"]["/page"]["get"];
    assert_eq!(statuses(get), ["200", "304"]);
    assert_eq!(names(get), ["If-None-Match"]);
    let etag = get["responses"]["200"]["headers"]["ETag"]["description"]
        .as_str()
        .unwrap();
    assert!(etag.starts_with("When ") && etag.contains("weak"), "{etag}");
    assert_eq!(statuses(&api["paths"]["/page"]["post"]), ["200"]);
}

/// The documented handlers are handlers still: routed, they answer as `#[conditional]` does.
#[tokio::test]
async fn the_documented_handlers_serve() {
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use tower::ServiceExt;
    let app = axum::Router::new()
        .route(
            "/dated",
            axum::routing::put(axum_handlers::put_dated).delete(axum_handlers::delete_dated),
        )
        .route("/hashed", get(axum_handlers::get_hashed))
        .route("/opaque", get(axum_handlers::get_opaque))
        .route("/weak", get(axum_handlers::get_weak))
        .route("/plain", get(axum_handlers::get_plain));
    let send = |method: &str, path: &str| {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        app.clone().oneshot(request)
    };
    let hashed = send("GET", "/hashed").await.unwrap();
    assert_eq!(hashed.status(), 200);
    assert!(hashed.headers().contains_key("etag"));
    assert_eq!(send("DELETE", "/dated").await.unwrap().status(), 428);
    assert_eq!(send("GET", "/plain").await.unwrap().status(), 200);
}
