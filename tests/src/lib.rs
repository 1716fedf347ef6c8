//! Test-only crate: the tests live in `tests/tests/`. This library holds the
//! helpers several test files share and that need unit tests of their own.

pub mod contract;
pub mod doc_examples;
#[allow(clippy::all)]
pub mod generated;
pub mod reference;
pub mod typed_examples;
