//! Test tables written by `cargo xtask generate` (see each file's header).
//! The hand-written helpers they use are in [`crate::typed_examples`].

pub mod example_codecs;

pub use crate::typed_examples::{ExampleCodecs, codec};
