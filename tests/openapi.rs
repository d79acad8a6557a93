//! The documents examples' `GET /openapi.json`, against a real validator and against what the
//! servers answer: valid OpenAPI 3.1 (`openapi-spec-validator`, from PyPI, which `.ci/test`
//! installs), the same document from both frameworks, every status a request gets documented
//! for its operation with every header the document promises, and bodies that have the
//! documented schema's members. And the README shows the PUT operation as served.

#[path = "support/databases.rs"]
mod databases;
#[allow(unused_macros)]
#[path = "support/documents_suite.rs"]
mod documents_suite;

use std::collections::BTreeSet;
use std::process::Command;

use documents_suite::{Answer, Server, send};
use reqwest::Method;
use serde_json::{Value, json};

const EXAMPLES: [&str; 2] = ["documents", "documents_actix"];

async fn document(server: &Server) -> Value {
    let reply = send(server.get("/openapi.json")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.expect_header("content-type"), "application/json");
    serde_json::from_slice(&reply.body).expect("the document is JSON")
}

/// The validator's command: `$OPENAPI_SPEC_VALIDATOR`, or `openapi-spec-validator` on the path.
fn validator() -> Command {
    let program = std::env::var("OPENAPI_SPEC_VALIDATOR")
        .unwrap_or_else(|_| "openapi-spec-validator".to_owned());
    Command::new(program)
}

#[tokio::test]
async fn the_document_is_valid_openapi_3_1() {
    for example in EXAMPLES {
        let server = Server::start(example);
        let api = document(&server).await;
        assert!(
            api["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1.")),
            "{example}: {}",
            api["openapi"]
        );
        let path = std::env::temp_dir().join(format!("precond-{example}-openapi.json"));
        std::fs::write(&path, api.to_string()).expect("write the document");
        let output = validator().arg(&path).output().unwrap_or_else(|error| {
            panic!(
                "openapi-spec-validator could not be run ({error}): `bash .ci/test` installs it \
                 (pip install openapi-spec-validator)"
            )
        });
        let said = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{example}: {said}");
        assert!(said.contains("OK"), "{example}: {said}");
    }
}

/// The validator is not a formality: it refuses a document with precond's 412 made invalid.
#[tokio::test]
async fn the_validator_refuses_a_broken_document() {
    let server = Server::start("documents");
    let mut api = document(&server).await;
    api["components"]["schemas"]["PreconditionFailed"]["required"] = json!("error");
    let path = std::env::temp_dir().join("precond-broken-openapi.json");
    std::fs::write(&path, api.to_string()).expect("write the document");
    let output = validator().arg(&path).output().expect("run the validator");
    assert!(!output.status.success());
}

#[tokio::test]
async fn both_frameworks_serve_the_same_document() {
    let axum = Server::start("documents");
    let actix = Server::start("documents_actix");
    assert_eq!(document(&axum).await, document(&actix).await);
}

/// The operation of `method` for a request path (its template's `{id}` matched by any
/// segment).
fn operation<'a>(api: &'a Value, method: &Method, path: &str) -> Option<&'a Value> {
    let path = path.split('?').next().unwrap_or(path);
    let (_, item) = api["paths"].as_object()?.iter().find(|(template, _)| {
        let template: Vec<&str> = template.split('/').collect();
        let segments: Vec<&str> = path.split('/').collect();
        template.len() == segments.len()
            && template
                .iter()
                .zip(&segments)
                .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
    })?;
    item.get(method.as_str().to_ascii_lowercase())
}

fn resolve<'a>(api: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            &api["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// Checks one answer against the document; returns what is wrong.
fn mismatches(api: &Value, method: &Method, path: &str, reply: &Answer) -> Vec<String> {
    let what = format!("{method} {path} → {}", reply.status.as_u16());
    let Some(operation) = operation(api, method, path) else {
        return vec![format!("{what}: no operation in the document")];
    };
    let status = reply.status.as_u16().to_string();
    let Some(response) = operation["responses"].get(&status) else {
        return vec![format!("{what}: status not documented")];
    };
    let mut wrong = Vec::new();
    for (name, header) in response["headers"].as_object().into_iter().flatten() {
        let sometimes = header["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("When "));
        if !sometimes && !reply.headers.contains_key(name.as_str()) {
            wrong.push(format!("{what}: documented header {name} missing"));
        }
    }
    let content_type = reply
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/json") && !reply.body.is_empty() {
        let Some(schema) = response["content"]["application/json"].get("schema") else {
            wrong.push(format!("{what}: a JSON body, none documented"));
            return wrong;
        };
        let schema = resolve(api, schema);
        let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        if let (Some(properties), Some(members)) =
            (schema["properties"].as_object(), body.as_object())
        {
            for member in members.keys() {
                if !properties.contains_key(member) {
                    wrong.push(format!("{what}: body member {member} not in the schema"));
                }
            }
            for required in schema["required"].as_array().into_iter().flatten() {
                if !members.contains_key(required.as_str().unwrap_or_default()) {
                    wrong.push(format!("{what}: required member {required} missing"));
                }
            }
        }
    }
    wrong
}

/// Requests that between them get every status the examples answer but 500 and 503 (a failing
/// database), each checked against the document.
#[tokio::test]
async fn every_answer_is_documented() {
    for example in EXAMPLES {
        let server = Server::start(example);
        let api = document(&server).await;
        let current = send(server.get("/documents/42")).await;
        let etag = current.expect_header("etag").to_owned();
        let doc = json!({"title": "Changed", "text": "new"});
        // One byte over the 2 MiB limit: the server reads up to the limit, then answers 413.
        let big = format!(r#"{{"title":"{}"}}"#, "x".repeat(2 * 1024 * 1024 + 1 - 12));
        let requests: Vec<reqwest::RequestBuilder> = vec![
            server.get("/documents/42"),
            server.get("/documents/42").header("if-none-match", &etag),
            server.get("/documents/42").header("if-match", "\"999\""),
            server.get("/documents/42").header("range", "bytes=0-3"),
            server.get("/documents/42").header("range", "bytes=99999-"),
            server.get("/documents/abc"),
            server.get("/documents/7"),
            server.get("/openapi.json"),
            server.put("/documents/42", doc.clone()),
            server
                .put("/documents/42", doc.clone())
                .header("if-match", "\"999\""),
            server
                .request(Method::PUT, "/documents/42")
                .header("if-match", &etag)
                .header("content-type", "text/plain")
                .body("hello"),
            server
                .request(Method::PUT, "/documents/42")
                .header("if-match", &etag)
                .header("content-type", "application/json")
                .body("{not json"),
            server
                .put("/documents/42", json!({"zzz": 1}))
                .header("if-match", &etag),
            server
                .request(Method::PUT, "/documents/42")
                .header("if-match", &etag)
                .header("content-type", "application/json")
                .body(big),
            server
                .put("/documents/42", doc.clone())
                .header("if-match", &etag),
            server
                .put("/documents/43", doc.clone())
                .header("if-none-match", "*"),
            server
                .request(Method::PATCH, "/documents/43")
                .header("if-match", "\"1\"")
                .header("content-type", "application/json")
                .body("{}"),
            server
                .patch("/documents/43", r#"{"title": "Patched"}"#)
                .header("if-match", "\"1\""),
            server
                .patch("/documents/44", r#"{"title": "New"}"#)
                .header("if-none-match", "*"),
            server.delete("/documents/44"),
            server.delete("/documents/44").header("if-match", "\"999\""),
            server.delete("/documents/44").header("if-match", "\"1\""),
        ];
        let mut seen = BTreeSet::new();
        let mut wrong = Vec::new();
        for request in requests {
            // The method and path, read off the request itself.
            let built = request.try_clone().and_then(|r| r.build().ok());
            let built = built.expect("a request with a body in memory");
            let (method, path) = (built.method().clone(), built.url().path().to_owned());
            let reply = send(request).await;
            seen.insert(reply.status.as_u16());
            wrong.extend(mismatches(&api, &method, &path, &reply));
        }
        assert!(wrong.is_empty(), "{example}:\n{}", wrong.join("\n"));
        let expected: BTreeSet<u16> = [
            200, 201, 204, 206, 304, 400, 404, 412, 413, 415, 416, 422, 428,
        ]
        .into();
        assert_eq!(
            seen, expected,
            "{example}: the requests no longer get every status"
        );
    }
}

/// The check itself finds an undocumented status and a missing header.
#[tokio::test]
async fn the_check_finds_what_the_document_lacks() {
    let server = Server::start("documents");
    let mut api = document(&server).await;
    let reply = send(server.get("/documents/42").header("if-match", "\"999\"")).await;
    assert_eq!(reply.status, 412);
    assert!(mismatches(&api, &Method::GET, "/documents/42", &reply).is_empty());
    api["paths"]["/documents/{id}"]["get"]["responses"]["412"]["headers"]["X-Missing"] =
        json!({"schema": {"type": "string"}});
    let wrong = mismatches(&api, &Method::GET, "/documents/42", &reply);
    assert!(wrong[0].contains("X-Missing"), "{wrong:?}");
    api["paths"]["/documents/{id}"]["get"]["responses"]
        .as_object_mut()
        .map(|responses| responses.remove("412"));
    let wrong = mismatches(&api, &Method::GET, "/documents/42", &reply);
    assert!(wrong[0].contains("status not documented"), "{wrong:?}");
}

/// The README's PUT operation is the one served.
#[tokio::test]
async fn the_readme_shows_the_put_operation() {
    let server = Server::start("documents");
    let api = document(&server).await;
    let served = &api["paths"]["/documents/{id}"]["put"];
    let readme = include_str!("../README.md");
    let marker = "<!-- openapi: PUT /documents/{id} -->";
    let start = readme
        .find(marker)
        .expect("the README marks the PUT operation")
        + marker.len();
    let rest = &readme[start..];
    let start = rest
        .find("```json\n")
        .expect("a json block after the marker")
        + 8;
    let end = rest[start..].find("```").expect("the block ends") + start;
    let shown: Value = serde_json::from_str(&rest[start..end]).expect("the README's JSON");
    assert_eq!(
        &shown,
        served,
        "README.md: replace the block with\n{}",
        serde_json::to_string_pretty(served).unwrap_or_default()
    );
}
