//! The one integration-test binary of the workspace (async-stripe's layout):
//! linking the 48k-line SDK once instead of once per test file. Each module is
//! one area; `common` holds the mock-server helpers the tests share, and
//! `contract_table` the table form and runner of the `contract_*` tests.

mod batch;
mod breaking;
mod common;
mod contract_catalogs;
mod contract_cdi;
mod contract_data_objects;
mod contract_dispatch;
mod contract_email;
mod contract_export;
mod contract_extra_catalogs;
mod contract_extra_export;
mod contract_extra_messaging;
mod contract_extra_user_data;
mod contract_media_library;
mod contract_messaging;
mod contract_preference_center;
mod contract_push_credentials;
mod contract_scim;
mod contract_sdk_authentication;
mod contract_table;
mod contract_translations;
mod contract_user_data;
mod coverage;
mod doc_examples;
mod features;
mod generated_code;
mod generator_fixtures;
mod lowering_soundness;
mod mock_contract;
mod own_words;
mod pagination;
mod prepared;
mod redis_server;
mod response_decoding;
mod sdk_errors;
mod sdk_faults;
mod sdk_hooks;
mod sdk_runtime;
mod sdk_surface;
mod sdk_throttle;
mod sdk_tls;
mod sdk_tracing;
mod seven_programs;
mod spec_examples;
mod spec_robustness;
mod spec_rules;
mod success_status;
mod throttle_fleet;
mod throttle_redis;
