//! Contract tests of the SCIM operations (`spec/scim.yaml`): each test pins
//! the exact request the SDK sends - the SCIM token as bearer, the
//! `X-Request-Origin` header, method, path, query and body - and checks that
//! the documented response shape (or SCIM error body) decodes.

use crate::common;

use braze_sdk::types;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

/// The SCIM token the SCIM tests' client sends instead of a REST API key.
const SCIM_TOKEN: &str = "test-scim-token";
const ORIGIN: &str = "idp.example.com";
const USER_ID: &str = "6c1e9b20-4f1a7d3e-9a2b5c8d-0e3f6a91";

fn scim_auth() -> String {
    common::bearer(SCIM_TOKEN)
}

fn user_schema() -> Vec<String> {
    vec!["urn:ietf:params:scim:schemas:core:2.0:User".to_string()]
}

fn jane() -> types::ScimName {
    types::ScimName {
        given_name: "Jane".to_string(),
        family_name: "Doe".to_string(),
    }
}

/// A dashboard user as Braze returns it, with workspace, team and role
/// permissions.
fn user_json() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": USER_ID,
        "userName": "jane.doe@example.com",
        "name": { "givenName": "Jane", "familyName": "Doe" },
        "department": "marketing",
        "lastSignInAt": "Monday, March 4, 2024 9:12:45 AM",
        "createdAt": "Tuesday, January 9, 2024 3:30:00 PM",
        "permissions": {
            "companyPermissions": ["manage_company_settings"],
            "roles": [
                {
                    "roleName": "Campaign Editor",
                    "roleId": "65d4c3b2a1f0e9d8c7b6a5f4",
                    "appGroup": [
                        {
                            "appGroupId": "5f2d8c3a91b7e6401a2b3c4d",
                            "appGroupName": "Production",
                            "appGroupPermissionSets": [
                                {
                                    "appGroupPermissionSetName": "Editors",
                                    "appGroupPermissionSetId": "64f0e1d2c3b4a5968778695a",
                                    "permissions": ["basic_access", "publish_cards"]
                                }
                            ]
                        }
                    ]
                }
            ],
            "appGroup": [
                {
                    "appGroupId": "5f2d8c3a91b7e6401a2b3c4d",
                    "appGroupName": "Production",
                    "appGroupPermissions": ["basic_access", "send_campaigns_canvases"],
                    "team": [
                        {
                            "teamId": "61a0b9c8d7e6f5a4b3c2d1e0",
                            "teamName": "Newsletter Team",
                            "teamPermissions": ["admin"]
                        }
                    ]
                }
            ]
        }
    })
}

fn assert_is_jane(user: &types::ScimUser) {
    assert_eq!(user.id, USER_ID);
    assert_eq!(user.user_name, "jane.doe@example.com");
    assert_eq!(
        user.name.as_ref().map(|n| n.given_name.as_str()),
        Some("Jane")
    );
    assert_eq!(
        user.department.as_ref().and_then(|d| d.known().copied()),
        Some(types::ScimDepartment::Marketing)
    );
    assert_eq!(
        user.last_sign_in_at.as_deref(),
        Some("Monday, March 4, 2024 9:12:45 AM")
    );
    let permissions = user.permissions.as_ref().expect("permissions");
    assert_eq!(
        permissions.company_permissions,
        vec!["manage_company_settings".to_string()]
    );
    let workspace = &permissions.app_group[0];
    assert_eq!(workspace.app_group_name.as_deref(), Some("Production"));
    assert_eq!(
        workspace.app_group_permissions,
        vec![
            "basic_access".to_string(),
            "send_campaigns_canvases".to_string()
        ]
    );
    assert_eq!(
        workspace.team[0].team_name.as_deref(),
        Some("Newsletter Team")
    );
    assert_eq!(
        workspace.team[0].team_permissions,
        vec!["admin".to_string()]
    );
    let role = &permissions.roles[0];
    assert_eq!(role.role_id.as_deref(), Some("65d4c3b2a1f0e9d8c7b6a5f4"));
    let set = &role.app_group[0].app_group_permission_sets[0];
    assert_eq!(
        set.app_group_permission_set_id.as_deref(),
        Some("64f0e1d2c3b4a5968778695a")
    );
    assert_eq!(
        set.permissions,
        vec!["basic_access".to_string(), "publish_cards".to_string()]
    );
}

#[tokio::test]
async fn scim_users_create_sends_scim_token_origin_and_user() {
    let (server, client) = common::setup_with_key(SCIM_TOKEN).await;
    Mock::given(method("POST"))
        .and(path("/scim/v2/Users"))
        .and(header("authorization", scim_auth()))
        .and(header("x-request-origin", ORIGIN))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "jane.doe@example.com",
            "name": { "givenName": "Jane", "familyName": "Doe" },
            "department": "marketing",
            "permissions": {
                "companyPermissions": ["manage_company_settings"],
                "roles": [{ "roleName": "Campaign Editor" }],
                "appGroup": [
                    {
                        "appGroupName": "Production",
                        "appGroupPermissions": ["basic_access", "send_campaigns_canvases"],
                        "team": [{ "teamName": "Newsletter Team", "teamPermissions": ["admin"] }]
                    },
                    {
                        "appGroupName": "Staging",
                        "appGroupPermissionSets": [{ "appGroupPermissionSetName": "Read Only" }]
                    }
                ]
            }
        })))
        .respond_with(common::json_response(201, user_json()))
        .expect(1)
        .mount(&server)
        .await;

    let permissions = types::ScimPermissions {
        company_permissions: vec!["manage_company_settings".to_string()],
        roles: vec![types::ScimRole {
            role_name: Some("Campaign Editor".to_string()),
            ..Default::default()
        }],
        app_group: vec![
            types::ScimWorkspacePermissions {
                app_group_name: Some("Production".to_string()),
                app_group_permissions: vec![
                    "basic_access".to_string(),
                    "send_campaigns_canvases".to_string(),
                ],
                team: vec![types::ScimTeamPermissions {
                    team_name: Some("Newsletter Team".to_string()),
                    team_id: None,
                    team_permissions: vec!["admin".to_string()],
                }],
                ..Default::default()
            },
            types::ScimWorkspacePermissions {
                app_group_name: Some("Staging".to_string()),
                app_group_permission_sets: vec![types::ScimWorkspacePermissionSet {
                    app_group_permission_set_name: Some("Read Only".to_string()),
                    ..Default::default()
                }],
                ..Default::default()
            },
        ],
    };
    let response = client
        .scim_users_create(
            ORIGIN,
            types::ScimUsersCreateRequest {
                schemas: user_schema(),
                user_name: "jane.doe@example.com".to_string(),
                name: jane(),
                department: types::ScimDepartment::Marketing,
                permissions: Some(permissions),
            },
        )
        .send()
        .await
        .expect("a 201 answer decodes");
    assert_eq!(response.status().as_u16(), 201);
    assert_is_jane(&response);
    common::assert_no_api_version_header(&server).await;
}

#[tokio::test]
async fn scim_users_create_decodes_the_409_scim_error() {
    let (server, client) = common::setup_with_key(SCIM_TOKEN).await;
    Mock::given(method("POST"))
        .and(path("/scim/v2/Users"))
        .respond_with(
            ResponseTemplate::new(409)
                .insert_header("content-type", "text/json;charset=UTF-8")
                .set_body_raw(
                    r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"User already exists in the database.","status":409}"#,
                    "text/json;charset=UTF-8",
                ),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = client
        .scim_users_create(
            ORIGIN,
            types::ScimUsersCreateRequest {
                schemas: user_schema(),
                user_name: "jane.doe@example.com".to_string(),
                name: jane(),
                department: types::ScimDepartment::Finance,
                permissions: None,
            },
        )
        .send()
        .await
        .expect_err("a 409 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    let body = err.error_body().expect("a SCIM error body");
    assert_eq!(body.status, Some(409));
    assert_eq!(
        body.detail.as_deref(),
        Some("User already exists in the database.")
    );
    assert_eq!(
        body.schemas,
        vec!["urn:ietf:params:scim:api:messages:2.0:Error".to_string()]
    );
}

#[tokio::test]
async fn scim_users_search_sends_the_filter_query() {
    let (server, client) = common::setup_with_key(SCIM_TOKEN).await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .and(query_param(
            "filter",
            "userName eq \"jane.doe@example.com\"",
        ))
        .and(header("authorization", scim_auth()))
        .and(header("x-request-origin", ORIGIN))
        .respond_with(common::json_response(
            200,
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": 1,
                "Resources": [user_json()]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .scim_users_search("userName eq \"jane.doe@example.com\"", ORIGIN)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.total_results, Some(1));
    assert_eq!(response.resources.len(), 1);
    assert_is_jane(&response.resources[0]);
    let requests = server
        .received_requests()
        .await
        .expect("requests are recorded");
    let query = requests[0].url.query().expect("a query string");
    assert!(
        query.starts_with("filter=userName"),
        "the filter is sent URL-encoded: {query}"
    );
    assert!(
        !query.contains(' ') && !query.contains('"'),
        "the filter is sent URL-encoded: {query}"
    );
}

#[tokio::test]
async fn scim_user_get_decodes_roles_and_permission_sets() {
    let (server, client) = common::setup_with_key(SCIM_TOKEN).await;
    Mock::given(method("GET"))
        .and(path(format!("/scim/v2/Users/{USER_ID}")))
        .and(header("authorization", scim_auth()))
        .and(header("x-request-origin", ORIGIN))
        .respond_with(common::json_response(200, user_json()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .scim_user_get(USER_ID, ORIGIN)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_is_jane(&response);
    assert_eq!(
        response.created_at.as_deref(),
        Some("Tuesday, January 9, 2024 3:30:00 PM")
    );
    assert_eq!(response.schemas, user_schema());
}

#[tokio::test]
async fn scim_user_update_sends_put() {
    let (server, client) = common::setup_with_key(SCIM_TOKEN).await;
    Mock::given(method("PUT"))
        .and(path(format!("/scim/v2/Users/{USER_ID}")))
        .and(header("authorization", scim_auth()))
        .and(header("x-request-origin", ORIGIN))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "name": { "givenName": "Jane", "familyName": "Doe" },
            "department": "pm",
            "permissions": {
                "appGroup": [
                    { "appGroupId": "5f2d8c3a91b7e6401a2b3c4d", "appGroupPermissions": ["basic_access"] }
                ]
            }
        })))
        .respond_with(common::json_response(200, user_json()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .scim_user_update(
            USER_ID,
            ORIGIN,
            types::ScimUserUpdateRequest {
                schemas: user_schema(),
                name: jane(),
                department: types::ScimDepartment::Pm,
                permissions: types::ScimPermissions {
                    company_permissions: vec![],
                    roles: vec![],
                    app_group: vec![types::ScimWorkspacePermissions {
                        app_group_id: Some("5f2d8c3a91b7e6401a2b3c4d".to_string()),
                        app_group_permissions: vec!["basic_access".to_string()],
                        ..Default::default()
                    }],
                },
            },
        )
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_is_jane(&response);
}

#[tokio::test]
async fn scim_user_delete_accepts_an_empty_204() {
    let (server, client) = common::setup_with_key(SCIM_TOKEN).await;
    Mock::given(method("DELETE"))
        .and(path(format!("/scim/v2/Users/{USER_ID}")))
        .and(header("authorization", scim_auth()))
        .and(header("x-request-origin", ORIGIN))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .scim_user_delete(USER_ID, ORIGIN)
        .send()
        .await
        .expect("an empty 204 is a success");
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(response.into_inner(), ());
}

#[tokio::test]
async fn scim_user_delete_decodes_the_404_scim_error_sent_as_html() {
    let (server, client) = common::setup_with_key(SCIM_TOKEN).await;
    Mock::given(method("DELETE"))
        .and(path("/scim/v2/Users/unknown-user"))
        .and(header("x-request-origin", ORIGIN))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"User not found","status":404}"#,
            "text/html; charset=UTF-8",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let err = client
        .scim_user_delete("unknown-user", ORIGIN)
        .send()
        .await
        .expect_err("a 404 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let body = err.error_body().expect("a SCIM error body");
    assert_eq!(body.detail.as_deref(), Some("User not found"));
    assert_eq!(body.status, Some(404));
}
