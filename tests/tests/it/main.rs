//! The one integration-test binary of the workspace (async-stripe's layout):
//! linking the 48k-line SDK once instead of once per test file. Each module is
//! one area; `common` holds the mock-server helpers the contract tests share.

mod breaking;
mod common;
mod contract_catalogs;
mod contract_dispatch;
mod contract_email;
mod contract_export;
mod contract_messaging;
mod contract_preference_center;
mod contract_scim;
mod contract_user_data;
mod doc_examples;
mod generated_code;
mod own_words;
mod pagination;
mod sdk_runtime;
mod spec_robustness;
mod spec_rules;
