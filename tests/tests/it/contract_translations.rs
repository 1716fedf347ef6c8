//! Contract tests of the Translations operations (`spec/translations.yaml`):
//! for campaigns, Canvas steps, Content Blocks, email templates and webhook
//! templates, the read of all or one locale's translations, the read of the
//! source texts and the update of one locale. Each test pins the method,
//! path, complete query or JSON body and auth, and decodes the answer into
//! typed fields (the tag-id map included).

use crate::common;
use crate::contract_table::{self, Case, row, row_from_body};
use crate::table;

use braze_sdk::types;
use serde_json::{Value, json};

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
                "translation_map": {
                    "id_0": "¡Hola!",
                    "id_1": "Tu pedido está en camino"
                },
                "locale": {
                    "uuid": ES,
                    "name": "es-MX",
                    "country": "MX",
                    "language": "es",
                    "locale_key": "es-mx"
                }
            },
            {
                "locale": {
                    "uuid": FR,
                    "name": "fr-FR",
                    "country": "FR",
                    "language": "fr",
                    "locale_key": "fr-fr"
                },
                "translation_map": {
                    "id_0": "Bonjour !",
                    "id_1": "Votre commande est en route"
                }
            }
        ]
    })
}

fn source() -> Value {
    json!({
        "translations": {
            "translation_map": { "id_0": "Hello!", "id_1": "Your order is on its way" }
        },
        "message": "success"
    })
}

#[tokio::test]
async fn translations_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row(
            "campaign_translations_get_every_locale_sends_no_locale_id",
            |c| { c.campaign_translations_get(CAMPAIGN, VARIATION).send() }
        )
        .get("/campaigns/translations")
        .query(&[
            ("campaign_id", CAMPAIGN),
            ("message_variation_id", VARIATION),
        ])
        .answer(200, two_locales()),
        row("campaign_translations_get_one_locale_and_its_400", |c| {
            c.campaign_translations_get(CAMPAIGN, VARIATION)
                .locale_id(ES)
                .send()
        })
        .get("/campaigns/translations")
        .query(&[
            ("campaign_id", CAMPAIGN),
            ("message_variation_id", VARIATION),
            ("locale_id", ES),
        ])
        .answer(
            400,
            json!({
                "errors": [{ "message": "The provided locale code does not exist." }]
            })
        )
        .then_err(|err| {
            let body = err.error_body().expect("a decoded error");
            match &body.errors[0] {
                types::BrazeErrorDetail::BrazeErrorObject(e) => assert_eq!(
                    e.message.as_deref(),
                    Some("The provided locale code does not exist.")
                ),
                other => panic!("expected an error object, got {other:?}"),
            }
        }),
        row("campaign_translations_source_sends_draft_flag", |c| {
            c.campaign_translations_source(CAMPAIGN, VARIATION)
                .post_launch_draft_version(true)
                .send()
        })
        .get("/campaigns/translations/source")
        .query(&[
            ("campaign_id", CAMPAIGN),
            ("message_variation_id", VARIATION),
            ("post_launch_draft_version", "true"),
        ])
        .answer(200, source()),
        row_from_body(
            "campaign_translations_update_puts_the_locale_and_map",
            json!({
                "campaign_id": CAMPAIGN,
                "message_variation_id": VARIATION,
                "locale_id": ES,
                "translation_map": { "id_0": "¡Hola!", "id_1": "Tu pedido está en camino" }
            }),
            |c, body| {
                c.campaign_translations_update(common::typed::<
                    types::CampaignTranslationUpdateRequest,
                >(body))
                    .send()
            }
        )
        .put("/campaigns/translations")
        .answer(200, json!({ "message": "success" })),
        row(
            "canvas_translations_get_sends_workflow_step_and_variation",
            |c| {
                c.canvas_translations_get(VARIATION, STEP, CANVAS)
                    .locale_id(FR)
                    .post_launch_draft_version(false)
                    .send()
            }
        )
        .get("/canvas/translations")
        .query(&[
            ("workflow_id", CANVAS),
            ("step_id", STEP),
            ("message_variation_id", VARIATION),
            ("locale_id", FR),
            ("post_launch_draft_version", "false"),
        ])
        .answer(200, two_locales()),
        row("canvas_translations_source_decodes_the_source_map", |c| {
            c.canvas_translations_source(VARIATION, STEP, CANVAS).send()
        })
        .get("/canvas/translations/source")
        .query(&[
            ("workflow_id", CANVAS),
            ("step_id", STEP),
            ("message_variation_id", VARIATION),
        ])
        .answer(200, source()),
        row_from_body(
            "canvas_translations_update_puts_every_identifier",
            json!({
                "workflow_id": CANVAS,
                "step_id": STEP,
                "message_variation_id": VARIATION,
                "locale_id": FR,
                "translation_map": { "id_0": "Bonjour !" }
            }),
            |c, body| {
                c.canvas_translations_update(
                    common::typed::<types::CanvasTranslationUpdateRequest>(body),
                )
                .send()
            }
        )
        .put("/canvas/translations")
        .answer(200, json!({ "message": "success" })),
        row("content_block_translations_get_sends_the_block_id", |c| {
            c.content_block_translations_get(BLOCK).send()
        })
        .get("/content_blocks/translations")
        .query(&[("content_block_id", BLOCK)])
        .answer(200, two_locales()),
        row(
            "content_block_translations_source_sends_block_and_locale",
            |c| {
                c.content_block_translations_source(BLOCK)
                    .locale_id(ES)
                    .send()
            }
        )
        .get("/content_blocks/translations/source")
        .query(&[("content_block_id", BLOCK), ("locale_id", ES)])
        .answer(200, source()),
        row_from_body(
            "content_block_translations_update_puts_block_locale_and_map",
            json!({
                "content_block_id": BLOCK,
                "locale_id": ES,
                "translation_map": { "id_0": "Envío gratis a partir de 50 €" }
            }),
            |c, body| {
                c.content_block_translations_update(common::typed::<
                    types::ContentBlockTranslationUpdateRequest,
                >(body))
                    .send()
            }
        )
        .put("/content_blocks/translations")
        .answer(200, json!({ "message": "success" })),
        row(
            "email_template_translations_get_uses_the_chosen_path",
            |c| {
                c.email_template_translations_get(TEMPLATE)
                    .locale_id(ES)
                    .send()
            }
        )
        .get("/templates/email/translations")
        .query(&[("template_id", TEMPLATE), ("locale_id", ES)])
        .answer(200, two_locales()),
        row(
            "email_template_translations_source_sends_the_template_id",
            |c| { c.email_template_translations_source(TEMPLATE).send() }
        )
        .get("/templates/email/translations/source")
        .query(&[("template_id", TEMPLATE)])
        .answer(200, source()),
        row_from_body(
            "email_template_translations_update_sends_a_translations_array",
            json!({
                "template_id": TEMPLATE,
                "locale_id": ES,
                "translations": [{ "translation_map": { "id_0": "¡Hola!" } }]
            }),
            |c, body| {
                c.email_template_translations_update(common::typed::<
                    types::EmailTemplateTranslationUpdateRequest,
                >(body))
                    .send()
            }
        )
        .put("/templates/email/translations")
        .answer(200, json!({ "message": "success" })),
        row_from_body(
            "webhook_template_translations_update_accepts_an_empty_object",
            json!({
                "template_id": TEMPLATE,
                "locale_id": FR,
                "translation_map": {
                    "id_0": "Bonjour !",
                    "id_1": "Votre commande est en route"
                }
            }),
            |c, body| {
                c.webhook_template_translations_update(common::typed::<
                    types::WebhookTemplateTranslationUpdateRequest,
                >(body))
                    .send()
            }
        )
        .put("/templates/webhook/translations")
        .answer(200, json!({})),
        row_from_body(
            "email_template_translations_update_error_with_an_instance_id_decodes",
            json!({
                "template_id": TEMPLATE,
                "locale_id": ES,
                "translations": [{ "translation_map": { "id_0": "{{ broken" } }]
            }),
            |c, body| {
                c.email_template_translations_update(common::typed::<
                    types::EmailTemplateTranslationUpdateRequest,
                >(body))
                    .send()
            }
        )
        .put("/templates/email/translations")
        .answer(
            400,
            json!({
                "errors": [
                    {
                        "id": "1234567-abc-123-012345678",
                        "message": "The provided translations yielded errors when parsing."
                    }
                ]
            })
        )
        .then_err(|err| {
            match &err.error_body().expect("a decoded error body").errors[0] {
                types::BrazeErrorDetail::BrazeErrorObject(e) => {
                    let id = e.id.as_ref().expect("the id is kept");
                    assert_eq!(id.known(), None);
                    assert_eq!(id.to_string(), "1234567-abc-123-012345678");
                }
                other => panic!("expected an error object, got {other:?}"),
            }
        }),
        row("webhook_template_translations_get", |c| {
            c.webhook_template_translations_get(TEMPLATE).send()
        })
        .get("/templates/webhook/translations")
        .query(&[("template_id", TEMPLATE)])
        .answer(200, two_locales()),
        row(
            "webhook_template_translations_source_without_message",
            |c| { c.webhook_template_translations_source(TEMPLATE).send() }
        )
        .get("/templates/webhook/translations/source")
        .query(&[("template_id", TEMPLATE)])
        .answer(
            200,
            json!({
                "translations": {
                    "translation_map": { "id_0": "Hello!", "id_1": "Your order is on its way" }
                }
            }),
        ),
    ]
}

// Not a row: this checks the operation table (rate-limit bucket, paging
// style), with no call to make.
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
