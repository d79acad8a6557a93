//! `#[conditional]` handlers served by actix-web through `actix_web::test`: every status a
//! conditional request can get, proof that the handler body does not run when the request is
//! rejected, and the ways actix-web registers handlers (`web::resource(..).route(..)`, and the
//! route macros above and below `#[conditional]`). The cases are shared with axum
//! (`support/conditional_suite.rs`): this file has the actix-web handlers of the suite's routes,
//! the way to send them a request, and the cases of actix-web's own route macros.
#![cfg(feature = "actix")]

#[macro_use]
#[path = "support/conditional_suite.rs"]
mod conditional_suite;

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::{
    FromRequest, HttpRequest, HttpResponse, Responder, ResponseError, error, put, route, web,
};
use precond::actix::{Rejected, Tagged, conditional};

use conditional_suite::{
    ACCEPT_RANGES, Answer, App, CACHE_CONTROL, Document, ETAG, Method, StatusCode, Store,
    StoreDown, Update, put_doc, send,
};

// ---------------------------------------------------------------------------------------------
// The application

/// The store is unavailable: answered 503 by the error's own response.
impl ResponseError for StoreDown {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::SERVICE_UNAVAILABLE
    }
}

/// GET and HEAD: 200 with validators, 304 for a fresh copy, 404 when absent; the declared
/// headers go on 200 and 304. The `#[current]` expression yields `Result<Option<_>, StoreDown>`.
#[conditional(
    cache_control = "no-cache",
    vary = "Accept-Encoding",
    content_location = format!("/documents/{id}")
)]
async fn get_document(
    store: web::Data<Store>,
    id: web::Path<u64>,
    #[current(store.fetch(*id).await)] current: Option<Document>,
) -> Result<Tagged<Document>, actix_web::Error> {
    store.ran();
    let doc = current.ok_or_else(|| error::ErrorNotFound("no such document"))?;
    Ok(Tagged::new(doc))
}

/// PUT: requires a precondition; creates with `If-None-Match: *`; compare-and-swap write.
#[conditional(require = "If-Match | If-Unmodified-Since | If-None-Match")]
async fn put_document(
    store: web::Data<Store>,
    id: web::Path<u64>,
    #[current(store.get(*id))] current: Option<Document>,
    update: web::Json<Update>,
) -> Result<Tagged<Document>, Rejected> {
    store.ran();
    let expected = current.map(|doc| doc.version);
    let (doc, created) = store.put_if(*id, expected, update.into_inner().title)?;
    Ok(if created {
        Tagged::created(doc)
    } else {
        Tagged::new(doc)
    })
}

/// DELETE: requires `If-Match`.
#[conditional(require = "If-Match")]
async fn delete_document(
    store: web::Data<Store>,
    id: web::Path<u64>,
    #[current(store.get(*id))] current: Option<Document>,
) -> Result<HttpResponse, Rejected> {
    store.ran();
    let Some(doc) = current else {
        return Ok(HttpResponse::NotFound().finish());
    };
    store.delete_if(*id, doc.version)?;
    Ok(HttpResponse::NoContent().finish())
}

/// The extractor form: the document is a parameter, extracted by actix-web (404 when absent).
#[conditional]
async fn get_by_extractor(store: web::Data<Store>, #[current] doc: Document) -> Tagged<Document> {
    store.ran();
    Tagged::new(doc)
}

impl FromRequest for Document {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let Some(store) = request.app_data::<web::Data<Store>>() else {
            return ready(Err(error::ErrorInternalServerError("no store")));
        };
        let id = request
            .match_info()
            .get("id")
            .and_then(|id| id.parse().ok());
        ready(match id {
            None => Err(error::ErrorBadRequest("bad id")),
            Some(id) => store
                .get(id)
                .ok_or_else(|| error::ErrorNotFound("no such document")),
        })
    }
}

/// An `impl Responder` return type and a plain text body: the current validators are stamped
/// on the 200. The expression yields `Result<Document, actix_web::Error>` for a `Document`.
#[conditional]
async fn get_title(
    store: web::Data<Store>,
    id: web::Path<u64>,
    #[current(store.get(*id).ok_or_else(|| error::ErrorNotFound("no such title")))]
    current: Document,
) -> impl Responder {
    store.ran();
    current.title
}

/// A route macro above `#[conditional]`: it expands first and emits the function, attribute and
/// all, inside the service it registers.
#[put("/above/{id}")]
#[conditional(require = "If-Match")]
async fn put_above(
    store: web::Data<Store>,
    id: web::Path<u64>,
    #[current(store.get(*id))] current: Option<Document>,
    update: web::Json<Update>,
) -> Result<Tagged<Document>, Rejected> {
    store.ran();
    let expected = current.map(|doc| doc.version);
    Ok(Tagged::new(
        store.put_if(*id, expected, update.into_inner().title)?.0,
    ))
}

/// A route macro below `#[conditional]`: it registers the generated handler.
#[conditional(require = "If-Match")]
#[put("/below/{id}")]
async fn put_below(
    store: web::Data<Store>,
    id: web::Path<u64>,
    #[current(store.get(*id))] current: Option<Document>,
    update: web::Json<Update>,
) -> Result<Tagged<Document>, Rejected> {
    store.ran();
    let expected = current.map(|doc| doc.version);
    Ok(Tagged::new(
        store.put_if(*id, expected, update.into_inner().title)?.0,
    ))
}

/// `#[route]` for GET and HEAD together, above `#[conditional]`.
#[route("/routed/{id}", method = "GET", method = "HEAD")]
#[conditional(cache_control = "max-age=60")]
async fn get_routed(
    store: web::Data<Store>,
    id: web::Path<u64>,
    #[current(store.get(*id))] current: Option<Document>,
) -> Option<Tagged<Document>> {
    store.ran();
    current.map(Tagged::new)
}

fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/documents/{id}")
                .route(web::get().to(get_document))
                .route(web::head().to(get_document))
                .route(web::put().to(put_document))
                .route(web::delete().to(delete_document)),
        )
        .route("/by-extractor/{id}", web::get().to(get_by_extractor))
        .route("/titles/{id}", web::get().to(get_title))
        .service(put_above)
        .service(put_below)
        .service(get_routed);
}

// ---------------------------------------------------------------------------------------------
// The client: a fresh service per request, through `actix_web::test`

struct ActixApp {
    store: web::Data<Store>,
}

impl ActixApp {
    fn new() -> ActixApp {
        ActixApp {
            store: web::Data::from(Store::with_document()),
        }
    }
}

impl App for ActixApp {
    /// actix-web leaves the body of a response to HEAD (the GET's) to its HTTP server, which
    /// does not write it: `actix_web::test` sees it.
    const STRIPS_HEAD_BODIES: bool = false;

    fn store(&self) -> &Store {
        &self.store
    }

    async fn send(&self, request: conditional_suite::Request<'_>) -> Answer {
        let app = init_service(
            actix_web::App::new()
                .app_data(self.store.clone())
                .configure(routes),
        )
        .await;
        let method = actix_web::http::Method::from_bytes(request.method.as_str().as_bytes())
            .expect("a method");
        let mut builder = TestRequest::default().method(method).uri(request.path);
        for (name, value) in request.headers {
            builder = builder.append_header((name, value));
        }
        if !request.body.is_empty() {
            builder = builder.set_payload(request.body);
        }
        let response = call_service(&app, builder.to_request()).await;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_body(response).await.to_vec();
        Answer::new(
            status.as_u16(),
            headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_bytes())),
            body,
        )
    }
}

conditional_suite!(
    #[actix_web::test]
    ActixApp::new
);

// ---------------------------------------------------------------------------------------------
// Route macros (actix-web's own)

#[actix_web::test]
async fn route_macro_above_and_below_conditional() {
    for path in ["/above", "/below"] {
        let app = ActixApp::new();
        let store = app.store();
        let uri = format!("{path}/1");
        let answer = put_doc(&app, &uri, &[]).await;
        assert_eq!(answer.status, StatusCode::PRECONDITION_REQUIRED, "{path}");
        let answer = put_doc(&app, &uri, &[("if-match", "\"2\"")]).await;
        assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED, "{path}");
        assert_eq!(answer.header(ETAG), Some("\"3\""));
        assert_eq!(
            store.runs(),
            0,
            "{path}: the body must not run on 428 or 412"
        );

        let answer = put_doc(&app, &uri, &[("if-match", "\"3\"")]).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.header(ETAG), Some("\"4\""));
        assert_eq!(store.runs(), 1);

        // The macro's method guard: GET is not routed there.
        let answer = send(&app, Method::GET, &uri, &[], None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[actix_web::test]
async fn route_macro_for_get_and_head() {
    let app = ActixApp::new();
    let store = app.store();
    for method in [Method::GET, Method::HEAD] {
        let answer = send(&app, method.clone(), "/routed/1", &[], None).await;
        assert_eq!(answer.status, StatusCode::OK, "{method}");
        assert_eq!(answer.header(ETAG), Some("\"3\""));
        assert_eq!(answer.header(CACHE_CONTROL), Some("max-age=60"));
        assert_eq!(answer.header(ACCEPT_RANGES), Some("bytes"));
        let answer = send(
            &app,
            method.clone(),
            "/routed/1",
            &[("if-none-match", "\"3\"")],
            None,
        )
        .await;
        assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{method}");
        assert_eq!(answer.header(CACHE_CONTROL), Some("max-age=60"));
    }
    assert_eq!(store.runs(), 2);
    // `Option` as the return type: `None` is actix-web's 404.
    let answer = send(&app, Method::GET, "/routed/2", &[], None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.header(CACHE_CONTROL), None);
    // A range through the route macro.
    let answer = send(
        &app,
        Method::GET,
        "/routed/1",
        &[("range", "bytes=0-0")],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(answer.text(), "{");
}
