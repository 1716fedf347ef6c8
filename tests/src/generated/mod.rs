//! Test tables and code written by `cargo xtask generate` (see each file's
//! header). The hand-written helpers they use are in
//! [`crate::typed_examples`] and [`crate::contract`].

// Formatted by prettyplease when generated; `cargo fmt` leaves them as
// written (see generator/src/format.rs).
#[rustfmt::skip]
pub mod dispatch;
#[rustfmt::skip]
pub mod example_codecs;

pub use crate::typed_examples::{ExampleCodecs, codec};
