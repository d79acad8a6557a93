//! The document utoipa-actix-web collects carries precond's contract, and the app serves it.

use actix_web::test;
use actix_web::web;
use precond_actix_web_extras::{Note, Store, app};
use std::sync::Mutex;

fn store() -> web::Data<Store> {
    web::Data::new(Store(Mutex::new(Note {
        text: "first".into(),
        version: 1,
    })))
}

#[actix_web::test]
async fn the_collected_document_has_the_contract() {
    let (_, api) = app(store());
    let api = serde_json::to_value(api).unwrap();
    let put = &api["paths"]["/notes/{id}"]["put"];
    let if_match = put["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "If-Match")
        .expect("If-Match documented");
    assert_eq!(if_match["required"], true);
    // actix_extras read the path parameter from `web::Path<u64>`.
    assert!(
        put["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["in"] == "path")
    );
    for status in ["200", "412", "428"] {
        assert!(put["responses"].get(status).is_some(), "{status}: {put}");
    }
    let get = &api["paths"]["/notes/{id}"]["get"];
    for status in ["200", "206", "304", "412", "416"] {
        assert!(get["responses"].get(status).is_some(), "{status}: {get}");
    }
    let ok = &get["responses"]["200"]["headers"];
    assert!(
        ok.get("ETag").is_some() && ok.get("Cache-Control").is_some(),
        "{ok}"
    );
    assert!(
        api["components"]["schemas"]
            .get("PreconditionFailed")
            .is_some()
    );
}

#[actix_web::test]
async fn the_app_answers_as_documented() {
    let (app, _) = app(store());
    let service = test::init_service(app).await;
    let blind = test::TestRequest::put()
        .uri("/notes/1")
        .set_json(Note {
            text: "x".into(),
            version: 0,
        })
        .to_request();
    assert_eq!(test::call_service(&service, blind).await.status(), 428);
    let stale = test::TestRequest::put()
        .uri("/notes/1")
        .insert_header(("if-match", "\"0\""))
        .set_json(Note {
            text: "x".into(),
            version: 0,
        })
        .to_request();
    let stale = test::call_service(&service, stale).await;
    assert_eq!(stale.status(), 412);
    assert_eq!(stale.headers().get("etag").unwrap(), "\"1\"");
    let fresh = test::TestRequest::get()
        .uri("/notes/1")
        .insert_header(("if-none-match", "\"1\""))
        .to_request();
    assert_eq!(test::call_service(&service, fresh).await.status(), 304);
}
