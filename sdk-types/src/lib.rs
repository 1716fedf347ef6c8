//! The request and response types of [braze-sdk], generated from the
//! braze-openapi spec, and what they are made of ([`Nullable`], [`Open`],
//! [`Secret`], the setters' [`IntoField`] and [`Checked`]).
//!
//! Each type implements only the serde direction braze-sdk uses:
//! `Serialize` where a request carries it, `Deserialize` where a response
//! does (both where both do). The feature `serde-all` gives every type both
//! (to decode a request, as a mock server does, or print a response).
//!
//! Use them through braze-sdk, which re-exports all of this crate
//! (`braze_sdk::types`, `braze_sdk::Nullable`, ...) and whose features
//! enable the same features here. They are a crate of their own so that
//! cargo compiles them and braze-sdk's client side by side: rustc's front
//! end runs on one thread per crate, and each compiler holds only its part
//! of the SDK in memory.
//!
//! [braze-sdk]: https://docs.rs/braze-sdk

// The generated code names these items by the paths braze-sdk gives them
// (`::braze_sdk::Nullable`, ...); here they are this crate's own.
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
// Formatted by prettyplease when generated; `cargo fmt` leaves it as
// written (see generator/src/format.rs).
#[rustfmt::skip]
#[path = "generated/types.rs"]
pub mod types;

// The types of the generator's fixtures (tests/fixtures/lowering/golden/,
// golden files tests/tests/it/generator_fixtures.rs keeps fresh), compiled
// here as the SDK's own types are.
#[cfg(test)]
#[allow(
    clippy::all,
    unused_mut,
    unused_imports,
    dead_code,
    missing_docs
)]
#[rustfmt::skip]
#[path = "../../tests/fixtures/lowering/golden/mod.rs"]
mod generator_fixtures;

pub mod checked;
pub mod field;
mod nullable;
mod open;
mod secret;
pub mod timestamp;

pub use checked::{Checked, Rejected};
pub use field::{IntoField, MapNewtype, StringList, StringNewtype};
pub use nullable::Nullable;
pub use open::Open;
pub use secret::Secret;

/// Re-exported: dates and times in generated types are chrono types.
pub use chrono;
/// Re-exported: custom attributes and other free-form data are JSON values.
pub use serde_json;
