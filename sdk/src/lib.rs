#![doc = include_str!("../README.md")]

// Lets the generated code name the types' building blocks (`Nullable`,
// `IntoField`) through the paths the spec's lowering gives them.
extern crate self as braze_sdk;

#[allow(
    clippy::all,
    clippy::pedantic,
    unused_mut,
    unused_imports,
    dead_code,
    missing_docs,
    rustdoc::all
)]
// Formatted by prettyplease when generated; `cargo fmt` leaves them as
// written (see generator/src/format.rs).
mod generated {
    #[rustfmt::skip]
    pub mod batches;
    #[rustfmt::skip]
    pub mod client;
    #[rustfmt::skip]
    pub mod operations;
    #[rustfmt::skip]
    pub mod prepared;
    #[rustfmt::skip]
    pub mod streams;
}

// The clients of the generator's fixtures (tests/fixtures/lowering/golden/,
// golden files tests/tests/it/generator_fixtures.rs keeps fresh), each with
// its own types, compiled here against the runtime as the SDK's own client
// is.
#[cfg(test)]
#[allow(
    clippy::all,
    clippy::pedantic,
    unused_mut,
    unused_imports,
    dead_code,
    missing_docs
)]
#[rustfmt::skip]
#[path = "../../tests/fixtures/lowering/golden/clients.rs"]
mod golden_clients;

pub mod batch;
mod call_options;
mod client_builder;
pub mod error;
pub mod hook;
pub mod instance;
pub mod operation;
pub mod pagination;
pub mod prepared;
pub mod rate_limit;
pub mod retry;
pub mod runtime;
pub mod stream;
pub mod throttle;

pub use client_builder::{
    ApiKey, BuildError, ClientBuilder, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEADLINE, DEFAULT_USER_AGENT, tls_client_config,
};
// The spec's types and their building blocks live in braze-sdk-types (see
// its Cargo.toml for why); they are used from here by these paths.
pub use braze_sdk_types::{
    Checked, IntoField, MapNewtype, Nullable, Open, Rejected, Secret, StringList, StringNewtype,
    checked, field, timestamp, types,
};
pub use generated::client::{Client, builder, prelude};
pub use instance::Instance;
pub use operation::{Bucket, OperationId};
/// Re-exported: the HTTP client ([`ClientBuilder::http_client`]) and the
/// request a [`hook::Hook`] sees.
pub use reqwest;
/// Re-exported: the status and headers of responses and errors
/// (`err.status() == Some(StatusCode::TOO_MANY_REQUESTS)`).
pub use reqwest::StatusCode;
pub use reqwest::header::HeaderMap;
pub use retry::RetryPolicy;
pub use runtime::{CallReport, Clock, Error, ResponseValue};
pub use throttle::{BucketLimit, ThrottleConfig};

/// Re-exported: dates and times in generated types are chrono types.
pub use braze_sdk_types::chrono;
/// Re-exported: custom attributes and other free-form data are JSON values.
pub use braze_sdk_types::serde_json;
/// Re-exported: `StreamExt` / `TryStreamExt` to consume [`stream::Items`].
pub use futures_util;

/// The README's Rust examples, compiled as doctests (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The error type of every REST operation: [`Error`] with Braze's documented
/// error body ([`types::BrazeError`]).
pub type ApiError = Error<types::BrazeError>;
