//! The conditional contract in an OpenAPI document, through [utoipa] 5 (feature `utoipa`).
//!
//! precond knows at compile time what a `#[conditional]` handler accepts and answers: its
//! `require` policy, its resource's validators, its declared headers. With this module the
//! document says it too, from the same code, so that it cannot drift from what the handler does.
//!
//! # Per handler: `#[conditional]` above `#[utoipa::path]`
//!
//! Write `#[conditional(...)]` **above** `#[utoipa::path(...)]`. `#[conditional]` then adds the
//! handler's contract to utoipa's attribute (as an extension, `x-precond`), and
//! [`Conditional`], one [`Modify`] for the whole document, turns each such extension into the
//! operation's parameters, responses and headers, then removes it. Everything else about the
//! operation (its path, its body, its own responses) stays in your `#[utoipa::path]`.
//!
//! ```
//! # #[cfg(feature = "axum")] {
//! use axum::Json;
//! use precond::axum::Tagged;
//! use precond::openapi::Conditional;
//! use precond::{conditional, Versioned};
//! use utoipa::OpenApi;
//!
//! #[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema, Versioned)]
//! struct Note {
//!     #[versioned(version)]
//!     version: u64,
//!     text: String,
//! }
//!
//! /// Replaces the note.
//! #[conditional(require = "If-Match")]
//! #[utoipa::path(put, path = "/note", request_body = Note,
//!     responses((status = 200, description = "The new note", body = Note)))]
//! async fn put_note(#[current(Note { version: 1, text: String::new() })] current: Note,
//!                   Json(note): Json<Note>) -> Tagged<Note> {
//!     Tagged::new(note)
//! }
//!
//! #[derive(OpenApi)]
//! #[openapi(paths(put_note), modifiers(&Conditional))]
//! struct Api;
//!
//! let api = Api::openapi();
//! let put = api.paths.paths["/note"].put.as_ref().unwrap();
//! let if_match = put.parameters.iter().flatten().find(|p| p.name == "If-Match").unwrap();
//! assert!(if_match.required == utoipa::openapi::Required::True);
//! for status in ["200", "412", "428"] {
//!     assert!(put.responses.responses.contains_key(status), "{status}");
//! }
//! # }
//! ```
//!
//! With [utoipa-axum]'s `OpenApiRouter` or [utoipa-actix-web]'s `UtoipaApp`, apply it to the
//! document they collect: `let (router, mut api) = router.split_for_parts();` then
//! `Conditional.modify(&mut api);` (with `use utoipa::Modify;`). The `documents` examples do so
//! and serve the result as `GET /openapi.json`.
//!
//! In the other order (`#[utoipa::path]` above `#[conditional]`), utoipa reads its attribute
//! before `#[conditional]` can add to it, and the operation documents none of the contract;
//! nothing can detect this, so keep the order.
//!
//! ## What an operation gains
//!
//! | method | request headers | responses |
//! |---|---|---|
//! | GET (HEAD) | `If-None-Match`, `If-Match`; `If-Modified-Since`, `If-Unmodified-Since` when the resource has a `Last-Modified`; `Range`, `If-Range` when the handler answers `Tagged` | `304` (with `ETag`, `Last-Modified`, declared headers), `412`, `206` and `416` with ranges, `428` under `require` |
//! | others | `If-Match`, `If-None-Match`, `If-Unmodified-Since` (with a `Last-Modified`, or when `require` accepts it) | `412`, `428` under `require` |
//!
//! The header that `require` demands alone is `required: true` (`If-Match` for
//! `require = "If-Match"`); with alternatives each is optional, and each one's description says
//! which others would do. Every 2xx response you document gains the `ETag` and
//! `Last-Modified` headers where the answer carries them (all of GET's, and a write's when it
//! answers `Tagged`), `Accept-Ranges` where ranges are served, and the declared headers
//! (`cache_control = ...`). The 412, 428 and 416 bodies are in `components.schemas` as
//! `PreconditionFailed`, `PreconditionRequired` and `RangeNotSatisfiable`. A status you
//! document yourself is left as you wrote it.
//!
//! A header that is only sometimes sent has a description starting with "When" (utoipa's
//! header object has no `required` field): the 412's `ETag`, absent when the resource does not
//! exist, for one.
//!
//! # App-wide: the layers
//!
//! [`RequireRules`] and [`ShallowEtagRules`] are [`Modify`]s too. The rules given to
//! `RequirePreconditionsLayer` / `RequirePreconditions` document `428` and the precondition
//! headers they accept on every operation they cover (the path template, `/documents/{id}`,
//! is matched as a path: a `{name}` pattern segment covers it, a literal one does not). The
//! shallow-ETag layer's rules document `If-None-Match`, `304` and the `ETag` of the 2xx answers on
//! every GET. Neither says more than its layer guarantees: the require layer refuses writes
//! without a precondition, it does not check the one sent, so it adds no `412`.
//!
//! ```
//! use precond::adopt::RequireRules;
//! use utoipa::Modify;
//! use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
//! use utoipa::openapi::{OpenApi, PathsBuilder};
//!
//! let mut api = OpenApi::new(
//!     utoipa::openapi::Info::new("app", "1"),
//!     PathsBuilder::new().path("/items/{id}", PathItem::new(HttpMethod::Put, OperationBuilder::new())),
//! );
//! RequireRules::new().modify(&mut api);
//! let put = api.paths.paths["/items/{id}"].put.as_ref().unwrap();
//! assert!(put.responses.responses.contains_key("428"));
//! assert!(put.parameters.iter().flatten().any(|p| p.name == "If-Match"));
//! ```
//!
//! # Why not aide
//!
//! [aide] documents an axum operation from its extractors' and response types'
//! `OperationInput` / `OperationOutput`. A `#[conditional]` handler's contract is not in a type:
//! `require` is a value of the attribute, and the method (which decides between 304 and 412)
//! comes from routing. Carrying both in types would mean a type parameter per policy on the
//! generated handler, for one of the two frameworks only. utoipa, whose attribute the macro can
//! extend, serves both frameworks with one design.
//!
//! [utoipa]: https://docs.rs/utoipa/5
//! [utoipa-axum]: https://docs.rs/utoipa-axum
//! [utoipa-actix-web]: https://docs.rs/utoipa-actix-web
//! [aide]: https://docs.rs/aide

use utoipa::Modify;
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{
    Components, Content, Header, OpenApi, Ref, RefOr, Required, Response, ResponseBuilder,
};

use crate::Reason;
use crate::Requirement;
use crate::adopt::{RequireRules, ShallowEtagRules};

/// The extension `#[conditional]` adds to its handler's `#[utoipa::path]`.
const EXTENSION: &str = "x-precond";

/// The [`Modify`] that documents each `#[conditional]` handler's contract (see the
/// [module](self)): `modifiers(&Conditional)` in `#[openapi(...)]` (utoipa takes a name there:
/// `use precond::openapi::Conditional;`), or
/// `Conditional.modify(&mut api)` on a document collected otherwise.
#[derive(Debug, Clone, Copy, Default)]
pub struct Conditional;

impl Modify for Conditional {
    fn modify(&self, openapi: &mut OpenApi) {
        let mut documented = false;
        for item in openapi.paths.paths.values_mut() {
            for (method, operation) in operations(item) {
                if let Some(contract) = take_contract(operation) {
                    contract.document(operation, method);
                    documented = true;
                }
            }
        }
        if documented {
            add_schemas(openapi);
        }
    }
}

impl Modify for RequireRules {
    /// Documents `428` and the accepted precondition headers on each operation these rules
    /// cover (the path template matched as a path).
    fn modify(&self, openapi: &mut OpenApi) {
        let mut documented = false;
        for (path, item) in &mut openapi.paths.paths {
            for (method, operation) in operations(item) {
                let requirement = self.requirement_for(method.name(), path);
                if requirement.is_none() {
                    continue;
                }
                let accepted = Accepted::from(requirement);
                for (field, description) in accepted.fields() {
                    add_parameter(operation, field, accepted.is_required(field), description);
                }
                add_response(operation, "428", precondition_required(requirement));
                documented = true;
            }
        }
        if documented {
            add_schemas(openapi);
        }
    }
}

impl Modify for ShallowEtagRules {
    /// Documents, on each GET: `If-None-Match`, the `304`, and the `ETag` of the 2xx answers
    /// (on those the layer tags: bodies of at most [`max_size`](Self::max_size) bytes that
    /// carry no tag of their own).
    fn modify(&self, openapi: &mut OpenApi) {
        let strength = if self.is_weak() { "weak" } else { "strong" };
        let etag = format!(
            "When the body is at most {} bytes and the handler set no tag itself: the {strength} \
             entity tag of this body. Send it as If-None-Match to revalidate (304).",
            self.max_size()
        );
        for item in openapi.paths.paths.values_mut() {
            let Some(operation) = item.get.as_mut() else {
                continue;
            };
            add_parameter(
                operation,
                "If-None-Match",
                false,
                IF_NONE_MATCH_READ.to_owned(),
            );
            for (_, response) in successes(operation) {
                add_header(response, "ETag", &etag);
            }
            let not_modified = ResponseBuilder::new()
                .description(NOT_MODIFIED)
                .header("ETag", header(ETAG_304))
                .build();
            add_response(operation, "304", not_modified);
        }
    }
}

/// The operations of a path item, with their methods.
fn operations(item: &mut PathItem) -> Vec<(Method, &mut Operation)> {
    [
        (Method::Get, item.get.as_mut()),
        (Method::Head, item.head.as_mut()),
        (Method::Put, item.put.as_mut()),
        (Method::Post, item.post.as_mut()),
        (Method::Patch, item.patch.as_mut()),
        (Method::Delete, item.delete.as_mut()),
        (Method::Options, item.options.as_mut()),
        (Method::Trace, item.trace.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| Some((method, operation?)))
    .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Head,
    Put,
    Post,
    Patch,
    Delete,
    Options,
    Trace,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
        }
    }

    /// GET and HEAD: where a false `If-None-Match` / `If-Modified-Since` is a 304.
    fn reads(self) -> bool {
        matches!(self, Method::Get | Method::Head)
    }
}

/// What `#[conditional]` knew of the handler at compile time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Contract {
    requirement: Requirement,
    /// The declared headers' names (`Cache-Control`, ...).
    headers: Vec<String>,
    /// The handler answers `Tagged`: its validators on writes, byte ranges on GET.
    tagged: bool,
    weak: bool,
    last_modified: bool,
}

/// The contract of an operation, removed from its extensions; `None` if it has none, or one
/// this version cannot read (left in place, so that it shows).
fn take_contract(operation: &mut Operation) -> Option<Contract> {
    let extensions = operation.extensions.as_mut()?;
    let contract = Contract::from_json(extensions.get(EXTENSION)?)?;
    extensions.remove(EXTENSION);
    if extensions.is_empty() {
        operation.extensions = None;
    }
    Some(contract)
}

impl Contract {
    fn from_json(value: &serde_json::Value) -> Option<Self> {
        let mut requirement = Requirement::NONE;
        for name in value.get("require")?.as_array()? {
            requirement = requirement.or(match name.as_str()? {
                "IF_MATCH" => Requirement::IF_MATCH,
                "IF_MATCH_ETAG" => Requirement::IF_MATCH_ETAG,
                "IF_UNMODIFIED_SINCE" => Requirement::IF_UNMODIFIED_SINCE,
                "IF_NONE_MATCH_STAR" => Requirement::IF_NONE_MATCH_STAR,
                _ => return None,
            });
        }
        let headers = value.get("headers")?.as_array()?;
        let headers = headers
            .iter()
            .map(|name| name.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()?;
        let flag = |name: &str| value.get(name)?.as_bool();
        Some(Contract {
            requirement,
            headers,
            tagged: flag("tagged")?,
            weak: flag("weak")?,
            last_modified: flag("last_modified")?,
        })
    }

    fn document(&self, operation: &mut Operation, method: Method) {
        let accepted = Accepted::from(self.requirement);
        let ranges = method == Method::Get && self.tagged;
        // Request headers.
        if method.reads() {
            add_parameter(
                operation,
                "If-None-Match",
                false,
                IF_NONE_MATCH_READ.to_owned(),
            );
            if self.last_modified {
                add_parameter(
                    operation,
                    "If-Modified-Since",
                    false,
                    IF_MODIFIED_SINCE.to_owned(),
                );
            }
        }
        let if_match = match (method.reads(), self.weak) {
            (_, true) => IF_MATCH_WEAK.to_owned(),
            (true, false) => IF_MATCH_READ.to_owned(),
            (false, false) => IF_MATCH_WRITE.to_owned(),
        };
        add_parameter(
            operation,
            "If-Match",
            accepted.is_required("If-Match"),
            accepted.describe("If-Match", if_match),
        );
        if self.last_modified || self.requirement.contains(Requirement::IF_UNMODIFIED_SINCE) {
            add_parameter(
                operation,
                "If-Unmodified-Since",
                accepted.is_required("If-Unmodified-Since"),
                accepted.describe("If-Unmodified-Since", IF_UNMODIFIED_SINCE.to_owned()),
            );
        }
        if !method.reads() {
            add_parameter(
                operation,
                "If-None-Match",
                accepted.is_required("If-None-Match"),
                accepted.describe("If-None-Match", IF_NONE_MATCH_WRITE.to_owned()),
            );
        }
        if ranges {
            add_parameter(operation, "Range", false, RANGE.to_owned());
            add_parameter(operation, "If-Range", false, IF_RANGE.to_owned());
        }

        // The handler's own 2xx answers, before precond's are added.
        let validators = method.reads() || self.tagged;
        let etag = if self.weak { ETAG_WEAK } else { ETAG };
        let mut success_content = None;
        for (status, response) in successes(operation) {
            if validators {
                add_header(response, "ETag", etag);
                self.representation_headers(response);
            } else {
                self.declared_headers(response);
            }
            if ranges {
                add_header(response, "Accept-Ranges", ACCEPT_RANGES);
            }
            if status == "200" {
                success_content = Some(response.content.clone());
            }
        }

        // precond's answers.
        if method.reads() {
            let mut not_modified = ResponseBuilder::new()
                .description(NOT_MODIFIED)
                .header("ETag", header(ETAG_304))
                .build();
            self.representation_headers(&mut not_modified);
            add_response(operation, "304", not_modified);
        }
        let mut failed = ResponseBuilder::new()
            .description(PRECONDITION_FAILED)
            .header("ETag", header(ETAG_412))
            .content("application/json", json_body("PreconditionFailed"))
            .build();
        if self.last_modified {
            add_header(&mut failed, "Last-Modified", LAST_MODIFIED_412);
        }
        add_response(operation, "412", failed);
        if !self.requirement.is_none() {
            add_response(operation, "428", precondition_required(self.requirement));
        }
        if ranges {
            let mut partial = ResponseBuilder::new()
                .description(PARTIAL_CONTENT)
                .header("Content-Range", header(CONTENT_RANGE))
                .header("Accept-Ranges", header(ACCEPT_RANGES))
                .header("ETag", header(etag))
                .build();
            self.representation_headers(&mut partial);
            // The bytes of the 200's representation, of its media type.
            if let Some(content) = success_content {
                partial.content = content
                    .into_iter()
                    .map(|(media, _)| (media, Content::new(Some(binary()))))
                    .collect();
            }
            add_response(operation, "206", partial);
            let unsatisfiable = ResponseBuilder::new()
                .description(RANGE_NOT_SATISFIABLE)
                .header("Content-Range", header(CONTENT_RANGE_416))
                .content("application/json", json_body("RangeNotSatisfiable"))
                .build();
            add_response(operation, "416", unsatisfiable);
        }
    }
}

impl Contract {
    /// `Last-Modified` (when the resource has one) and the declared headers: what a 304, a 206
    /// and a GET's 2xx carry beside their `ETag`.
    fn representation_headers(&self, response: &mut Response) {
        if self.last_modified {
            add_header(response, "Last-Modified", LAST_MODIFIED);
        }
        self.declared_headers(response);
    }

    /// The handler's declared headers (`cache_control = ...`), on every 2xx and 304.
    fn declared_headers(&self, response: &mut Response) {
        for name in &self.headers {
            add_header(response, name, DECLARED);
        }
    }
}

/// The preconditions a requirement accepts, by header name.
struct Accepted {
    requirement: Requirement,
    fields: Vec<&'static str>,
}

impl From<Requirement> for Accepted {
    fn from(requirement: Requirement) -> Self {
        let mut fields = Vec::new();
        if requirement.contains(Requirement::IF_MATCH)
            || requirement.contains(Requirement::IF_MATCH_ETAG)
        {
            fields.push("If-Match");
        }
        if requirement.contains(Requirement::IF_UNMODIFIED_SINCE) {
            fields.push("If-Unmodified-Since");
        }
        if requirement.contains(Requirement::IF_NONE_MATCH_STAR) {
            fields.push("If-None-Match");
        }
        Accepted {
            requirement,
            fields,
        }
    }
}

impl Accepted {
    /// Whether `field` is the one header the requirement accepts.
    fn is_required(&self, field: &str) -> bool {
        self.fields == [field]
    }

    /// `description`, preceded by what the requirement says of `field`.
    fn describe(&self, field: &str, description: String) -> String {
        if !self.fields.contains(&field) {
            return description;
        }
        let what = |name: &str| match name {
            "If-Match" if self.requirement.contains(Requirement::IF_MATCH_ETAG) => {
                "If-Match with an entity tag (not `*`)".to_owned()
            }
            "If-None-Match" => "If-None-Match: *".to_owned(),
            other => other.to_owned(),
        };
        let others: Vec<String> = self
            .fields
            .iter()
            .filter(|other| **other != field)
            .map(|other| what(other))
            .collect();
        let rule = match others.as_slice() {
            [] => format!("Required: {} (428 without it).", what(field)),
            [other] => format!(
                "Required unless {other} is sent: a request with neither is refused with 428."
            ),
            _ => format!(
                "Required unless one of {} is sent: a request with none is refused with 428.",
                others.join(", ")
            ),
        };
        format!("{rule} {description}")
    }

    /// The header fields and their descriptions, for operations that precond only requires
    /// (the layers): nothing is known of the resource there.
    fn fields(&self) -> Vec<(&'static str, String)> {
        self.fields
            .iter()
            .map(|field| {
                let description = match *field {
                    "If-Match" => IF_MATCH_WRITE,
                    "If-Unmodified-Since" => IF_UNMODIFIED_SINCE,
                    _ => IF_NONE_MATCH_WRITE,
                };
                (*field, self.describe(field, description.to_owned()))
            })
            .collect()
    }
}

/// The 2xx responses of an operation (`200`, `2XX`, ...), with their status keys.
fn successes(operation: &mut Operation) -> Vec<(String, &mut Response)> {
    operation
        .responses
        .responses
        .iter_mut()
        .filter(|(status, _)| status.starts_with('2'))
        .filter_map(|(status, response)| match response {
            RefOr::T(response) => Some((status.clone(), response)),
            RefOr::Ref(_) => None,
        })
        .collect()
}

/// Adds a header parameter, unless the operation already has one of that name.
fn add_parameter(operation: &mut Operation, name: &str, required: bool, description: String) {
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    let exists = parameters.iter().any(|parameter| {
        parameter.parameter_in == ParameterIn::Header && parameter.name.eq_ignore_ascii_case(name)
    });
    if exists {
        return;
    }
    let parameter: Parameter = ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(description))
        .schema(Some(string()))
        .build();
    parameters.push(parameter);
}

/// Adds a response, unless the operation documents that status already.
fn add_response(operation: &mut Operation, status: &str, response: Response) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert(RefOr::T(response));
}

/// Adds a header to a response, unless it has one of that name.
fn add_header(response: &mut Response, name: &str, description: &str) {
    let exists = response
        .headers
        .keys()
        .any(|existing| existing.eq_ignore_ascii_case(name));
    if !exists {
        response
            .headers
            .insert(name.to_owned(), header(description));
    }
}

fn header(description: &str) -> Header {
    let mut header = Header::new(string());
    header.description = Some(description.to_owned());
    header
}

fn string() -> Schema {
    Schema::Object(Object::with_type(Type::String))
}

fn binary() -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type("application/octet-stream")
            .build(),
    )
}

fn json_body(schema: &str) -> Content {
    Content::new(Some(Ref::from_schema_name(schema)))
}

fn precondition_required(requirement: Requirement) -> Response {
    let fields: Vec<&str> = requirement.fields().collect();
    ResponseBuilder::new()
        .description(format!(
            "Precondition Required: this request must be conditional, so that it cannot \
             overwrite a change made by someone else. Nothing was changed. Resubmit it with {}.",
            fields.join(" or ")
        ))
        .header("Cache-Control", header("no-store"))
        .content("application/json", json_body("PreconditionRequired"))
        .build()
}

/// The bodies of precond's 412, 428 and 416, as `components.schemas`.
fn add_schemas(openapi: &mut OpenApi) {
    let text = |description: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
            .build()
    };
    let code = |code: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some([code]))
            .build()
    };
    let reasons = Reason::ALL.map(Reason::code);
    let failed = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(
            "Why the precondition failed, and the entity tag to send instead. Nothing was \
             changed.",
        ))
        .property("error", code("precondition_failed"))
        .property("message", text("What happened and what to do, in English."))
        .property(
            "reason",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(reasons))
                .description(Some(
                    "`changed`: the resource changed since your copy (fetch it, re-apply your \
                     change, retry with its ETag). `etag_not_quoted`, `weak_etag`, `malformed`, \
                     `shallow_etag`: your If-Match was not a tag of this resource as sent \
                     (send the ETag exactly as received). `modified_since`: If-Unmodified-Since \
                     failed. `exists`: If-None-Match: * on an existing resource. `not_found`: \
                     the resource does not exist.",
                ))
                .build(),
        )
        .property(
            "current_etag",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .description(Some(
                    "The current entity tag, as If-Match needs it (quotes included); null when \
                     the resource does not exist. A hint: fetch the resource before retrying.",
                ))
                .build(),
        )
        .required("error")
        .required("message")
        .required("reason")
        .required("current_etag")
        .build();
    let required = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("Which precondition to send."))
        .property("error", code("precondition_required"))
        .property(
            "message",
            text("Which header fields would make the request acceptable."),
        )
        .required("error")
        .required("message")
        .build();
    let unsatisfiable = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("The range asked for starts past the end."))
        .property("error", code("range_not_satisfiable"))
        .property("message", text("Which ranges can be asked for."))
        .property(
            "length",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0))
                .description(Some("The representation's length in bytes."))
                .build(),
        )
        .required("error")
        .required("message")
        .required("length")
        .build();
    let components = openapi.components.get_or_insert_with(Components::new);
    for (name, schema) in [
        ("PreconditionFailed", failed),
        ("PreconditionRequired", required),
        ("RangeNotSatisfiable", unsatisfiable),
    ] {
        components
            .schemas
            .entry(name.to_owned())
            .or_insert(RefOr::T(Schema::Object(schema)));
    }
}

// What each header and answer means to a client, in one place for the attribute and the layers.

const IF_MATCH_WRITE: &str = "The ETag of your copy, exactly as received (quotes included), \
    such as \"3\". The request is applied only if the resource still has this tag; otherwise \
    412 with the current tag: fetch the resource again, re-apply your change, and retry. `*` \
    means \"only if it exists\".";
const IF_MATCH_READ: &str = "An ETag, exactly as received: answer only if the resource still has \
    it (412 otherwise), as when fetching the rest of a copy you hold part of.";
const IF_MATCH_WEAK: &str = "This resource's tags are weak, and If-Match compares tags strongly: \
    only `*` (\"only if it exists\") can hold. Use If-Unmodified-Since if it is accepted.";
const IF_NONE_MATCH_READ: &str = "The ETags of the copies you hold, exactly as received, \
    comma-separated. If one is current, the answer is 304 Not Modified without a body: keep \
    using your copy.";
const IF_NONE_MATCH_WRITE: &str = "`*`: apply the request only if the resource does not exist \
    yet, to create it without overwriting another client's (412 if it exists).";
const IF_MODIFIED_SINCE: &str = "The Last-Modified of your copy, as an HTTP-date. 304 Not \
    Modified if the resource has not changed since; ignored when If-None-Match is sent.";
const IF_UNMODIFIED_SINCE: &str = "The Last-Modified of your copy, as an HTTP-date: apply the \
    request only if the resource has not changed since (412 otherwise). Dates have a precision \
    of one second: prefer If-Match where you have the ETag.";
const RANGE: &str = "One byte range, such as `bytes=0-99`, `bytes=100-` or `bytes=-100`: 206 with \
    those bytes, 416 if the range starts past the end. Several ranges, or another unit, are \
    ignored (200).";
const IF_RANGE: &str = "The ETag (strong) or Last-Modified of the partial copy you hold: the \
    Range is served only if it is still current; otherwise the whole representation (200).";
const ETAG: &str = "The entity tag of this representation (strong). Send it as If-Match to \
    write without overwriting a change, or as If-None-Match to revalidate your copy (304).";
const ETAG_WEAK: &str = "The entity tag of this representation (weak). Send it as \
    If-None-Match to revalidate your copy (304).";
const ETAG_304: &str = "The entity tag of your copy, which is current.";
const ETAG_412: &str = "When the resource exists: its current entity tag, as If-Match needs it.";
const LAST_MODIFIED: &str = "When the representation last changed, as an HTTP-date.";
const LAST_MODIFIED_412: &str = "When the resource exists and has a date: when it last changed.";
const ACCEPT_RANGES: &str = "`bytes`: byte ranges of this representation can be asked for.";
const DECLARED: &str = "As the handler declares it, also on 304.";
const CONTENT_RANGE: &str = "The bytes sent and the whole length: `bytes 0-99/1234`.";
const CONTENT_RANGE_416: &str = "The whole length: `bytes */1234`.";
const NOT_MODIFIED: &str = "Not Modified: the copy your If-None-Match or If-Modified-Since named \
    is current. No body: keep using yours.";
const PRECONDITION_FAILED: &str = "Precondition Failed: nothing was changed. The resource is not \
    as your precondition says (it changed since your copy, or does not exist, or your tag was \
    not sent as received): `reason` says which. Fetch the resource, re-apply your change, and \
    retry with its new ETag.";
const PARTIAL_CONTENT: &str = "Partial Content: the byte range asked for.";
const RANGE_NOT_SATISFIABLE: &str = "Range Not Satisfiable: the range starts past the end; \
    Content-Range and the body give the length.";
