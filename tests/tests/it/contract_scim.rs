//! Contract tests of the SCIM operations (`spec/scim.yaml`), as rows of
//! [`crate::contract_table`]: each pins
//! the exact request the SDK sends - the SCIM token as bearer, the
//! `X-Request-Origin` header, method, path, query and body - and checks that
//! the documented response shape (or SCIM error body) decodes.

use crate::contract_table::{self, Case, row};
use crate::table;

use braze_sdk::types;
use serde_json::{Value, json};

/// The SCIM token the SCIM tests' client sends instead of a REST API key.
const SCIM_TOKEN: &str = "test-scim-token";
const ORIGIN: &str = "idp.example.com";
const USER_ID: &str = "6c1e9b20-4f1a7d3e-9a2b5c8d-0e3f6a91";

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
                                    "permissions": [
                                        "basic_access",
                                        "publish_cards"
                                    ]
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

/// What JSON equality cannot see in Jane's record: her department decodes as
/// a known value, not as one kept raw.
fn department_is_known(user: &types::ScimUser) {
    assert_eq!(
        user.department.as_ref().and_then(|d| d.known().copied()),
        Some(types::ScimDepartment::Marketing)
    );
}

/// A SCIM error body (RFC 7644 section 3.12), which Braze sends as text.
fn scim_error(status: u16, detail: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "detail": detail,
        "status": status
    })
}

#[tokio::test]
async fn scim_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row("scim_users_create_sends_scim_token_origin_and_user", |c| {
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
            c.scim_users_create(
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
        })
        .key(SCIM_TOKEN)
        .post("/scim/v2/Users")
        .header("x-request-origin", ORIGIN)
        .body(json!({
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
                        "team": [
                            {
                                "teamName": "Newsletter Team",
                                "teamPermissions": ["admin"]
                            }
                        ]
                    },
                    {
                        "appGroupName": "Staging",
                        "appGroupPermissionSets": [{ "appGroupPermissionSetName": "Read Only" }]
                    }
                ]
            }
        }))
        .answer(201, user_json())
        .then(|response| {
            department_is_known(response);
        }),
        row("scim_users_create_decodes_the_409_scim_error", |c| {
            c.scim_users_create(
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
        })
        .key(SCIM_TOKEN)
        .post("/scim/v2/Users")
        .body(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "jane.doe@example.com",
            "name": { "givenName": "Jane", "familyName": "Doe" },
            "department": "finance"
        }))
        .header("x-request-origin", ORIGIN)
        .answer_raw(
            409,
            &scim_error(409, "User already exists in the database.").to_string(),
            "text/json;charset=UTF-8",
        )
        .decodes_to(scim_error(409, "User already exists in the database.")),
        row("scim_users_search_sends_the_filter_query", |c| {
            c.scim_users_search("userName eq \"jane.doe@example.com\"", ORIGIN)
                .send()
        })
        .key(SCIM_TOKEN)
        .get("/scim/v2/Users")
        .raw_query("filter=userName+eq+%22jane.doe%40example.com%22")
        .query(&[("filter", "userName eq \"jane.doe@example.com\"")])
        .header("x-request-origin", ORIGIN)
        .answer(
            200,
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": 1,
                "Resources": [user_json()]
            })
        )
        .then(|response| {
            department_is_known(&response.resources[0]);
        }),
        row("scim_user_get_decodes_roles_and_permission_sets", |c| {
            c.scim_user_get(USER_ID, ORIGIN).send()
        })
        .key(SCIM_TOKEN)
        .get(format!("/scim/v2/Users/{USER_ID}"))
        .header("x-request-origin", ORIGIN)
        .answer(200, user_json())
        .then(|response| {
            department_is_known(response);
        }),
        row("scim_user_update_sends_put", |c| {
            c.scim_user_update(
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
        })
        .key(SCIM_TOKEN)
        .put(format!("/scim/v2/Users/{USER_ID}"))
        .header("x-request-origin", ORIGIN)
        .body(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "name": { "givenName": "Jane", "familyName": "Doe" },
            "department": "pm",
            "permissions": {
                "appGroup": [
                    {
                        "appGroupId": "5f2d8c3a91b7e6401a2b3c4d",
                        "appGroupPermissions": ["basic_access"]
                    }
                ]
            }
        }))
        .answer(200, user_json())
        .then(|response| {
            department_is_known(response);
        }),
        row("scim_user_delete_accepts_an_empty_204", |c| {
            c.scim_user_delete(USER_ID, ORIGIN).send()
        })
        .key(SCIM_TOKEN)
        .delete(format!("/scim/v2/Users/{USER_ID}"))
        .header("x-request-origin", ORIGIN)
        .answer_empty(204),
        row(
            "scim_user_delete_decodes_the_404_scim_error_sent_as_html",
            |c| { c.scim_user_delete("unknown-user", ORIGIN).send() }
        )
        .key(SCIM_TOKEN)
        .delete("/scim/v2/Users/unknown-user")
        .header("x-request-origin", ORIGIN)
        .answer_raw(
            404,
            &scim_error(404, "User not found").to_string(),
            "text/html; charset=UTF-8",
        )
        .decodes_to(scim_error(404, "User not found")),
    ]
}
