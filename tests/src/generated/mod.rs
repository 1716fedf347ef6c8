//! Test tables and code written by `cargo xtask generate` (see each file's
//! header). The hand-written helpers they use are in
//! [`crate::typed_examples`] and [`crate::contract`].

pub mod dispatch;
pub mod example_codecs;

pub use crate::typed_examples::{ExampleCodecs, codec};
