//! Running progenitor on the lowered document, without ever panicking.
//!
//! progenitor 0.15 panics on several constructs (two success types, two error
//! kinds, ...). The project rules catch the known ones first; this module is
//! the safety net for the rest: a panic is caught, and the operations that
//! cause it are found by generating them one at a time.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Origins;
use crate::walk::operations;

/// The settings the SDK is generated with: builder interface, one `Client`,
/// hooks implemented by the SDK's runtime, and the SDK's own crate allowed in
/// `x-rust-type` (see [`crate::lower`]).
pub fn settings() -> GenerationSettings {
    let mut s = GenerationSettings::new();
    s.with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::runtime::ClientState))
        .with_crate("braze-sdk", progenitor_impl::CrateVers::Any, None)
        .with_derive("PartialEq");
    s
}

thread_local! {
    /// Set while this thread runs progenitor: panics are recorded, not printed.
    static CAPTURE: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Installs (once) a panic hook that stays silent for panics caught by
/// [`run_progenitor`] on the current thread and defers to the previous hook
/// for every other panic.
fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let captured = CAPTURE.with(|c| {
                let mut c = c.borrow_mut();
                if let Some(slot) = c.as_mut() {
                    *slot = info.to_string();
                    true
                } else {
                    false
                }
            });
            if !captured {
                previous(info);
            }
        }));
    });
}

/// Outcome of one progenitor run.
enum Run {
    Ok(TokenStream),
    Failed(String),
    Panicked(String),
}

fn run_progenitor(spec: &OpenAPI) -> Run {
    install_hook();
    CAPTURE.with(|c| *c.borrow_mut() = Some(String::new()));
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(&settings());
        generator.generate_tokens(spec)
    }));
    let message = CAPTURE.with(|c| c.borrow_mut().take()).unwrap_or_default();
    match result {
        Ok(Ok(tokens)) => Run::Ok(tokens),
        Ok(Err(e)) => Run::Failed(e.to_string()),
        Err(_) => Run::Panicked(message),
    }
}

/// Deserialises `document` into openapiv3 types, with the JSON pointer of
/// any mismatch: the merged spec when checking it ([`crate::check`]), the
/// lowered copy before running progenitor ([`generate`]).
pub fn to_openapi(document: &Value, origins: &Origins) -> Result<OpenAPI, Diagnostics> {
    // The plain decoder first; the path-tracking one (about twice as slow:
    // it copies every key) only to explain a failure.
    if let Ok(spec) = <OpenAPI as serde::Deserialize>::deserialize(document) {
        return Ok(spec);
    }
    serde_path_to_error::deserialize(document).map_err(|e| {
        let ptr = crate::diagnostics::pointer_of_path(e.path());
        Diagnostics(vec![origins.diagnostic(
            &ptr,
            format!("not a valid OpenAPI 3.0 document here: {}", e.inner()),
        )])
    })
}

/// Generates the client's tokens from the lowered document.
pub fn generate(lowered: &Value, origins: &Origins) -> Result<TokenStream, Diagnostics> {
    let spec = to_openapi(lowered, origins)?;
    match run_progenitor(&spec) {
        Run::Ok(tokens) => Ok(tokens),
        Run::Failed(message) => {
            Err(Diagnostics(vec![origins.diagnostic(
                "/paths",
                format!("progenitor refused the spec: {message}"),
            )]))
        }
        Run::Panicked(message) => Err(blame_operations(lowered, origins, &message)),
    }
}

/// Generates each operation alone to find the ones progenitor panics on.
fn blame_operations(lowered: &Value, origins: &Origins, whole_message: &str) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for op in operations(lowered) {
        let mut single = lowered.clone();
        let mut item = serde_json::Map::new();
        if let Some(params) = op.path_item.get("parameters") {
            item.insert("parameters".into(), params.clone());
        }
        item.insert(op.method.to_string(), op.operation.clone());
        let mut paths = serde_json::Map::new();
        paths.insert(op.path.to_string(), Value::Object(item));
        single["paths"] = Value::Object(paths);
        let Ok(spec) = serde_json::from_value::<OpenAPI>(single) else {
            continue;
        };
        match run_progenitor(&spec) {
            Run::Panicked(message) => diags.push(origins.diagnostic(
                &op.pointer,
                format!(
                    "progenitor panics on this operation: {}",
                    panic_summary(&message)
                ),
            )),
            Run::Failed(message) => diags.push(origins.diagnostic(
                &op.pointer,
                format!("progenitor refused this operation: {message}"),
            )),
            Run::Ok(_) => {}
        }
    }
    if diags.is_empty() {
        diags.push(Diagnostic::new(
            origins.root(),
            "/paths",
            format!(
                "progenitor panicked on the whole spec but on no single operation: {}",
                panic_summary(whole_message)
            ),
        ));
    }
    diags
}

/// A panic message on one line: its first two lines (where it panicked,
/// then what it said), joined.
fn panic_summary(s: &str) -> String {
    s.lines().take(2).collect::<Vec<_>>().join(" ")
}
