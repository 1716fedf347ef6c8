//! Contract tests of the Translations operations (`spec/translations.yaml`):
//! for campaigns, Canvas steps, Content Blocks, email templates and webhook
//! templates, the read of all or one locale's translations, the read of the
//! source texts and the update of one locale. Each test pins the method,
//! path, complete query or JSON body and auth, and decodes the answer into
//! typed fields (the tag-id map included).

use crate::common;

use braze_sdk::types;
use serde_json::{Value, json};
use wiremock::matchers::body_json;

const CAMPAIGN: &str = "7b2d4c1e-9f3a-4e5b-8c6d-1a2b3c4d5e6f";
const VARIATION: &str = "f14404b3-3626-4de0-bdec-06935f3aa0ad";
const CANVAS: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const STEP: &str = "a74404b3-3626-4de0-bdec-06935f3aa0ac";
const BLOCK: &str = "e24404b3-3626-4de0-bdec-06935f3aa0ab";
const TEMPLATE: &str = "6ad1507f-ca10-44c4-95bf-0c2b1f0e9a7d";
const ES: &str = "c7c12345-4e35-4234-8678-abcdefa99a3f";
const FR: &str = "a1b12345-cd35-4234-8678-abcdefa99a3f";

fn two_locales() -> Value {
    json!({
        "translations": [
            {
                "translation_map": { "id_0": "¡Hola!", "id_1": "Tu pedido está en camino" },
                "locale": { "uuid": ES, "name": "es-MX", "country": "MX", "language": "es", "locale_key": "es-mx" }
            },
            {
                "locale": { "uuid": FR, "name": "fr-FR", "country": "FR", "language": "fr", "locale_key": "fr-fr" },
                "translation_map": { "id_0": "Bonjour !", "id_1": "Votre commande est en route" }
            }
        ]
    })
}

fn source() -> Value {
    json!({
        "translations": { "translation_map": { "id_0": "Hello!", "id_1": "Your order is on its way" } },
        "message": "success"
    })
}

fn assert_two_locales(response: &types::TranslationsListResponse) {
    assert_eq!(response.translations.len(), 2);
    let es = &response.translations[0];
    assert_eq!(
        es.translation_map.get("id_0").map(String::as_str),
        Some("¡Hola!")
    );
    let locale = es.locale.as_ref().expect("a locale");
    assert_eq!(locale.uuid.as_deref(), Some(ES));
    assert_eq!(locale.locale_key.as_deref(), Some("es-mx"));
    let fr = &response.translations[1];
    assert_eq!(
        fr.translation_map.get("id_1").map(String::as_str),
        Some("Votre commande est en route")
    );
}

fn assert_source(response: &types::TranslationSourceResponse) {
    let map = &response.translations.translation_map;
    assert_eq!(map.len(), 2);
    assert_eq!(
        map.get("id_1").map(String::as_str),
        Some("Your order is on its way")
    );
}

fn mock_get(route: &str, answer: Value) -> wiremock::Mock {
    common::authorized("GET", route)
        .respond_with(common::json_response(200, answer))
        .expect(1)
}

fn mock_put(route: &str, body: Value, answer: Value) -> wiremock::Mock {
    common::authorized("PUT", route)
        .and(body_json(body))
        .respond_with(common::json_response(200, answer))
        .expect(1)
}

// ------------------------------------------------------------------ campaigns

#[tokio::test]
async fn campaign_translations_get_every_locale_sends_no_locale_id() {
    let (server, client) = common::setup().await;
    mock_get("/campaigns/translations", two_locales())
        .mount(&server)
        .await;
    let response = client
        .campaign_translations_get(CAMPAIGN, VARIATION)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_two_locales(&response);
    common::assert_exact_query(
        &server,
        &[
            ("campaign_id", CAMPAIGN),
            ("message_variation_id", VARIATION),
        ],
    )
    .await;
}

#[tokio::test]
async fn campaign_translations_get_one_locale_and_its_400() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/campaigns/translations")
        .respond_with(common::json_response(
            400,
            json!({ "errors": [{ "message": "The provided locale code does not exist." }] }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .campaign_translations_get(CAMPAIGN, VARIATION)
        .locale_id(ES)
        .send()
        .await
        .expect_err("a 400 is an error");
    let body = err.error_body().expect("a decoded error");
    match &body.errors[0] {
        types::BrazeErrorDetail::BrazeErrorObject(e) => assert_eq!(
            e.message.as_deref(),
            Some("The provided locale code does not exist.")
        ),
        other => panic!("expected an error object, got {other:?}"),
    }
    common::assert_exact_query(
        &server,
        &[
            ("campaign_id", CAMPAIGN),
            ("message_variation_id", VARIATION),
            ("locale_id", ES),
        ],
    )
    .await;
}

#[tokio::test]
async fn campaign_translations_source_sends_draft_flag() {
    let (server, client) = common::setup().await;
    mock_get("/campaigns/translations/source", source())
        .mount(&server)
        .await;
    let response = client
        .campaign_translations_source(CAMPAIGN, VARIATION)
        .post_launch_draft_version(true)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_source(&response);
    assert_eq!(response.message.as_deref(), Some("success"));
    common::assert_exact_query(
        &server,
        &[
            ("campaign_id", CAMPAIGN),
            ("message_variation_id", VARIATION),
            ("post_launch_draft_version", "true"),
        ],
    )
    .await;
}

#[tokio::test]
async fn campaign_translations_update_puts_the_locale_and_map() {
    let (server, client) = common::setup().await;
    let body = json!({
        "campaign_id": CAMPAIGN,
        "message_variation_id": VARIATION,
        "locale_id": ES,
        "translation_map": { "id_0": "¡Hola!", "id_1": "Tu pedido está en camino" }
    });
    mock_put(
        "/campaigns/translations",
        body.clone(),
        json!({ "message": "success" }),
    )
    .mount(&server)
    .await;
    let response = client
        .campaign_translations_update(common::typed::<types::CampaignTranslationUpdateRequest>(
            body,
        ))
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.message.as_deref(), Some("success"));
}

// --------------------------------------------------------------------- Canvas

#[tokio::test]
async fn canvas_translations_get_sends_workflow_step_and_variation() {
    let (server, client) = common::setup().await;
    mock_get("/canvas/translations", two_locales())
        .mount(&server)
        .await;
    let response = client
        .canvas_translations_get(VARIATION, STEP, CANVAS)
        .locale_id(FR)
        .post_launch_draft_version(false)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_two_locales(&response);
    common::assert_exact_query(
        &server,
        &[
            ("workflow_id", CANVAS),
            ("step_id", STEP),
            ("message_variation_id", VARIATION),
            ("locale_id", FR),
            ("post_launch_draft_version", "false"),
        ],
    )
    .await;
}

#[tokio::test]
async fn canvas_translations_source_decodes_the_source_map() {
    let (server, client) = common::setup().await;
    mock_get("/canvas/translations/source", source())
        .mount(&server)
        .await;
    let response = client
        .canvas_translations_source(VARIATION, STEP, CANVAS)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_source(&response);
    common::assert_exact_query(
        &server,
        &[
            ("workflow_id", CANVAS),
            ("step_id", STEP),
            ("message_variation_id", VARIATION),
        ],
    )
    .await;
}

#[tokio::test]
async fn canvas_translations_update_puts_every_identifier() {
    let (server, client) = common::setup().await;
    let body = json!({
        "workflow_id": CANVAS,
        "step_id": STEP,
        "message_variation_id": VARIATION,
        "locale_id": FR,
        "translation_map": { "id_0": "Bonjour !" }
    });
    mock_put(
        "/canvas/translations",
        body.clone(),
        json!({ "message": "success" }),
    )
    .mount(&server)
    .await;
    let response = client
        .canvas_translations_update(common::typed::<types::CanvasTranslationUpdateRequest>(body))
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.message.as_deref(), Some("success"));
}

// ------------------------------------------------------------- Content Blocks

#[tokio::test]
async fn content_block_translations_get_sends_the_block_id() {
    let (server, client) = common::setup().await;
    mock_get("/content_blocks/translations", two_locales())
        .mount(&server)
        .await;
    let response = client
        .content_block_translations_get(BLOCK)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_two_locales(&response);
    common::assert_exact_query(&server, &[("content_block_id", BLOCK)]).await;
}

#[tokio::test]
async fn content_block_translations_source_sends_block_and_locale() {
    let (server, client) = common::setup().await;
    mock_get("/content_blocks/translations/source", source())
        .mount(&server)
        .await;
    let response = client
        .content_block_translations_source(BLOCK)
        .locale_id(ES)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_source(&response);
    common::assert_exact_query(&server, &[("content_block_id", BLOCK), ("locale_id", ES)]).await;
}

#[tokio::test]
async fn content_block_translations_update_puts_block_locale_and_map() {
    let (server, client) = common::setup().await;
    let body = json!({
        "content_block_id": BLOCK,
        "locale_id": ES,
        "translation_map": { "id_0": "Envío gratis a partir de 50 €" }
    });
    mock_put(
        "/content_blocks/translations",
        body.clone(),
        json!({ "message": "success" }),
    )
    .mount(&server)
    .await;
    let response = client
        .content_block_translations_update(common::typed::<
            types::ContentBlockTranslationUpdateRequest,
        >(body))
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.message.as_deref(), Some("success"));
}

// ------------------------------------------------------------ email templates

#[tokio::test]
async fn email_template_translations_get_uses_the_chosen_path() {
    let (server, client) = common::setup().await;
    mock_get("/templates/email/translations", two_locales())
        .mount(&server)
        .await;
    let response = client
        .email_template_translations_get(TEMPLATE)
        .locale_id(ES)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_two_locales(&response);
    common::assert_exact_query(&server, &[("template_id", TEMPLATE), ("locale_id", ES)]).await;
}

#[tokio::test]
async fn email_template_translations_source_sends_the_template_id() {
    let (server, client) = common::setup().await;
    mock_get("/templates/email/translations/source", source())
        .mount(&server)
        .await;
    let response = client
        .email_template_translations_source(TEMPLATE)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_source(&response);
    common::assert_exact_query(&server, &[("template_id", TEMPLATE)]).await;
}

#[tokio::test]
async fn email_template_translations_update_sends_a_translations_array() {
    let (server, client) = common::setup().await;
    let body = json!({
        "template_id": TEMPLATE,
        "locale_id": ES,
        "translations": [{ "translation_map": { "id_0": "¡Hola!" } }]
    });
    mock_put(
        "/templates/email/translations",
        body.clone(),
        json!({ "message": "success" }),
    )
    .mount(&server)
    .await;
    let response = client
        .email_template_translations_update(common::typed::<
            types::EmailTemplateTranslationUpdateRequest,
        >(body))
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.message.as_deref(), Some("success"));
}

// ---------------------------------------------------------- webhook templates

#[tokio::test]
async fn webhook_template_translations_get_and_source() {
    let (server, client) = common::setup().await;
    mock_get("/templates/webhook/translations", two_locales())
        .mount(&server)
        .await;
    let response = client
        .webhook_template_translations_get(TEMPLATE)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_two_locales(&response);
    common::assert_exact_query(&server, &[("template_id", TEMPLATE)]).await;

    let (server, client) = common::setup().await;
    mock_get(
        "/templates/webhook/translations/source",
        json!({ "translations": { "translation_map": { "id_0": "Hello!", "id_1": "Your order is on its way" } } }),
    )
    .mount(&server)
    .await;
    let response = client
        .webhook_template_translations_source(TEMPLATE)
        .send()
        .await
        .expect("a 200 answer without message decodes");
    assert_source(&response);
    assert_eq!(response.message, None);
}

#[tokio::test]
async fn webhook_template_translations_update_accepts_an_empty_object() {
    let (server, client) = common::setup().await;
    let body = json!({
        "template_id": TEMPLATE,
        "locale_id": FR,
        "translation_map": { "id_0": "Bonjour !", "id_1": "Votre commande est en route" }
    });
    mock_put("/templates/webhook/translations", body.clone(), json!({}))
        .mount(&server)
        .await;
    let response = client
        .webhook_template_translations_update(common::typed::<
            types::WebhookTemplateTranslationUpdateRequest,
        >(body))
        .send()
        .await
        .expect("an empty object decodes");
    assert_eq!(response.message, None);
}

#[test]
fn translation_operations_carry_their_tag_and_limit() {
    use braze_sdk::operation::{OPERATIONS, RateLimit};
    let ops: Vec<_> = OPERATIONS
        .iter()
        .filter(|o| o.tag == "Translations")
        .collect();
    assert_eq!(ops.len(), 15, "five resources, three operations each");
    for op in ops {
        assert!(
            matches!(
                op.rate_limit,
                RateLimit::Limited {
                    requests: 250_000,
                    window_seconds: 60,
                    ..
                }
            ),
            "{}",
            op.id
        );
    }
}

#[tokio::test]
async fn email_template_translations_update_error_with_an_instance_id_decodes() {
    let (server, client) = common::setup().await;
    common::authorized("PUT", "/templates/email/translations")
        .respond_with(common::json_response(
            400,
            json!({ "errors": [{
                "id": "1234567-abc-123-012345678",
                "message": "The provided translations yielded errors when parsing."
            }] }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .email_template_translations_update(common::typed::<
            types::EmailTemplateTranslationUpdateRequest,
        >(json!({
            "template_id": TEMPLATE,
            "locale_id": ES,
            "translations": [{ "translation_map": { "id_0": "{{ broken" } }]
        })))
        .send()
        .await
        .expect_err("a 400 is an error");
    match &err.error_body().expect("a decoded error body").errors[0] {
        types::BrazeErrorDetail::BrazeErrorObject(e) => {
            let id = e.id.as_ref().expect("the id is kept");
            assert_eq!(id.known(), None);
            assert_eq!(id.to_string(), "1234567-abc-123-012345678");
        }
        other => panic!("expected an error object, got {other:?}"),
    }
}
