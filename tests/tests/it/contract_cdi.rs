//! Contract tests of the Cloud Data Ingestion operations (`spec/cdi.yaml`):
//! the exact request each sends (method, path, query, no body, auth) and
//! that the documented answers - pages linked by a `Link` header, sync-run
//! outcomes, the "another job is in progress" 429 - decode into typed fields.

use crate::contract_table::{self, Case, row};
use crate::table;

use braze_sdk::types;
use serde_json::{Value, json};

const INTEGRATION: &str = "5f8c9d2e-4b1a-4c3d-9e7f-0a1b2c3d4e5f";

/// One sync job of the integration, ended in `status`.
fn job_run(status: &str) -> Value {
    json!({
        "job_status": status,
        "sync_start_time": "2024-05-02T03:00:04Z",
        "sync_finish_time": "2024-05-02T03:07:41Z",
        "last_timestamp_synced": "2024-05-02T02:59:58Z",
        "rows_synced": 18234,
        "rows_failed_with_errors": 12
    })
}

#[tokio::test]
async fn cdi_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row(
            "cdi_integrations_list_first_page_sends_no_cursor_and_decodes_results",
            |c| { c.cdi_integrations_list().send() }
        )
        .get("/cdi/integrations")
        .query(&[])
        .answer(
            200,
            json!({
                "results": [
                    {
                        "integration_id": INTEGRATION,
                        "app_group_id": "3a9b7c2d-1e4f-4a5b-8c6d-7e8f9a0b1c2d",
                        "integration_name": "Snowflake user attributes",
                        "integration_type": "user_attributes",
                        "integration_status": "active",
                        "contact_emails": "data-team@example.com",
                        "last_updated_at": "2024-05-02T03:00:00Z",
                        "warehouse_type": "snowflake",
                        "last_job_start_time": "2024-05-02T03:00:04Z",
                        "last_job_status": "success",
                        "next_scheduled_run": null
                    }
                ],
                "message": "success"
            })
        )
        .answer_header(
            "link",
            r#"</cdi/integrations?cursor=c2tpcDoxMA==>; rel="next""#
        )
        .then(|response| {
            assert_eq!(
                response.headers().get("link").and_then(|v| v.to_str().ok()),
                Some(r#"</cdi/integrations?cursor=c2tpcDoxMA==>; rel="next""#)
            );
            let integration = &response.results[0];
            assert_eq!(
                integration
                    .last_job_status
                    .as_ref()
                    .and_then(|s| s.as_ref())
                    .map(String::as_str),
                Some("success")
            );
        }),
        row("cdi_integrations_list_next_page_sends_the_cursor", |c| {
            c.cdi_integrations_list().cursor("c2tpcDoxMA==").send()
        })
        .get("/cdi/integrations")
        .query(&[("cursor", "c2tpcDoxMA==")])
        .answer(200, json!({ "results": [], "message": "success" })),
        row("cdi_job_sync_status_list_decodes_every_outcome", |c| {
            c.cdi_job_sync_status_list(INTEGRATION)
                .cursor("c2tpcDow")
                .send()
        })
        .get(format!("/cdi/integrations/{INTEGRATION}/job_sync_status"))
        .query(&[("cursor", "c2tpcDow")])
        .answer(
            200,
            json!({
                "results": [
                    job_run("running"),
                    job_run("success"),
                    job_run("partial"),
                    job_run("error"),
                    job_run("config_error"),
                    job_run("cancelled")
                ],
                "message": "success"
            })
        )
        .then(|response| {
            use types::CdiJobStatus as S;
            let statuses: Vec<Option<S>> = response
                .results
                .iter()
                .map(|r| r.job_status.as_ref().and_then(|s| s.known().copied()))
                .collect();
            assert_eq!(
                statuses,
                vec![
                    Some(S::Running),
                    Some(S::Success),
                    Some(S::Partial),
                    Some(S::Error),
                    Some(S::ConfigError),
                    None
                ],
                "a status Braze adds later stays decodable"
            );
            assert_eq!(response.results[2].rows_failed_with_errors, Some(12));
        }),
        row(
            "cdi_integration_sync_posts_without_body_and_decodes_202",
            |c| { c.cdi_integration_sync(INTEGRATION).send() }
        )
        .post(format!("/cdi/integrations/{INTEGRATION}/sync"))
        .answer(202, json!({ "message": "success" })),
        row(
            "cdi_integration_sync_job_in_progress_is_a_decoded_429",
            |c| { c.cdi_integration_sync(INTEGRATION).send() }
        )
        .post(format!("/cdi/integrations/{INTEGRATION}/sync"))
        .answer(429, json!({ "message": "Another job is in progress" }))
        .then_err(|err| {
            assert_eq!(
                err.error_body().and_then(|b| b.message.as_deref()),
                Some("Another job is in progress")
            );
        }),
    ]
}

// Not a row: this checks the operation table (rate-limit bucket, paging
// style), with no call to make.
#[test]
fn cdi_lists_page_by_link_cursor_and_have_their_own_limits() {
    use braze_sdk::operation::{Pagination, RateLimit, find};
    for (id, requests, bucket) in [
        ("cdi_integrations_list", 50, "cdi-integrations-list"),
        ("cdi_job_sync_status_list", 100, "cdi-job-sync-status"),
        ("cdi_integration_sync", 20, "cdi-sync"),
    ] {
        let op = find(id).unwrap_or_else(|| panic!("{id} is in the spec"));
        assert_eq!(
            op.rate_limit,
            RateLimit::Limited {
                requests,
                window_seconds: 60,
                bucket
            },
            "{id}"
        );
        assert_eq!(op.tag, "Cloud Data Ingestion");
    }
    for id in ["cdi_integrations_list", "cdi_job_sync_status_list"] {
        assert!(
            matches!(
                find(id).unwrap().pagination,
                Some(Pagination::Cursor { .. })
            ),
            "{id} pages by cursor"
        );
    }
}
