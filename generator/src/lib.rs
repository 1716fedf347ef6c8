//! Loads and checks the braze-openapi spec, then drives progenitor to
//! generate the `braze-sdk` crate's generated modules.
//!
//! ```text
//! spec/*.yaml --load--> merged JSON --rules--> checked --lower--> progenitor's copy
//!      --progenitor_run--> tokens --postprocess--> syn::File --split_types, format--> client.rs, types.rs
//!                                       |
//!                                       +--> metadata, streams, batches, prepared,
//!                                            example_codecs, dispatch (tables read
//!                                            off the spec and the generated client)
//! merged JSON --published--export_spec (yaml_emit)--> spec/dist/braze.{json,yaml}
//! xtask writes every output atomically; nothing here touches the disk.
//! ```
//!
//! | module | holds |
//! | --- | --- |
//! | [`load`] | reading `spec/openapi.yaml` and the fragments, merging them, remembering which file defined what |
//! | [`walk`] | walking the document: operations, request/response/parameter schemas, reachable components, `$ref`s |
//! | [`extensions`] | the typed model of every `x-braze-*` extension |
//! | [`rules`] | the project's rules, each violation with its file and JSON pointer |
//! | [`lower`] | the copy of the spec progenitor sees (open enums, nulls, extra keys, any 2xx, shared-component split, secrets) |
//! | [`progenitor_run`] | running progenitor without ever panicking |
//! | [`postprocess`] | structural rewrites of progenitor's output, counted and checked |
//! | [`format`](mod@format) | prettyplease (no rustfmt: see the module), the `@generated` header |
//! | [`metadata`], [`streams`], [`batches`], [`prepared`] | the SDK's generated tables: operations, list streams, batch limits, prepared bodies |
//! | [`code_index`] | finding builders, fields and types in the generated client |
//! | [`example_codecs`], [`dispatch`] | generated test tables: the types every example must decode into, the call-any-operation dispatcher (one copy for the tests, one for the CLI) |
//! | [`cli`] | the `braze` command line's table of commands and flags |
//! | [`yaml_emit`] | the YAML export every loader (YAML 1.1 and 1.2) reads the same |
//! | [`published`] | what the exported spec spells out for other toolchains: the `2XX` range beside each success code, open enums in responses |
//! | [`breaking`] | comparing two exported specs for breaking changes |
//! | [`conventions`] | what Braze's responses share: the rate-limit headers, the standard errors |
//! | [`standard_responses`] | `x-braze-responses: standard`, expanded when the fragments are merged |
//! | [`diagnostics`] | `file#/json/pointer: message` errors |
//!
//! Nothing here writes files: [`generate`] returns every output in memory,
//! and the caller (xtask) writes them atomically.

pub mod batches;
pub mod breaking;
pub mod cli;
pub mod code_index;
pub mod conventions;
pub mod diagnostics;
pub mod dispatch;
pub mod example_codecs;
pub mod extensions;
pub mod external_examples;
pub mod features;
pub mod format;
pub mod load;
pub mod lower;
pub mod metadata;
pub mod postprocess;
pub mod prepared;
pub mod progenitor_run;
pub mod published;
pub mod rules;
pub mod standard_responses;
pub mod streams;
pub mod walk;
pub mod yaml_emit;

use proc_macro2::TokenStream;
use std::path::{Path, PathBuf};

pub use diagnostics::{Diagnostic, Diagnostics};
pub use load::LoadedSpec;

/// Where generated SDK sources go, relative to the repository root.
pub const CLIENT_FILE: &str = "sdk/src/generated/client.rs";
/// The `types` module of the client, in a crate of its own (see
/// [`split_types`]).
pub const TYPES_FILE: &str = "sdk-types/src/generated/types.rs";
/// The operations table, relative to the repository root.
pub const OPERATIONS_FILE: &str = "sdk/src/generated/operations.rs";
/// `stream()` / `collect_all()` of the list operations (see [`streams`]).
pub const STREAMS_FILE: &str = "sdk/src/generated/streams.rs";
/// `Batchable` bodies of the bulk operations (see [`batches`]).
pub const BATCHES_FILE: &str = "sdk/src/generated/batches.rs";
/// Constructors of prepared requests (see [`prepared`]).
pub const PREPARED_FILE: &str = "sdk/src/generated/prepared.rs";
/// The exported spec, relative to the repository root.
pub const EXPORT_JSON: &str = "spec/dist/braze.json";
/// The exported spec as YAML, relative to the repository root.
pub const EXPORT_YAML: &str = "spec/dist/braze.yaml";
/// Where the published document and the files it references
/// ([`external_examples`]) are written.
pub const EXPORT_DIR: &str = "spec/dist";

/// One output file: a path relative to the repository root and its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub path: PathBuf,
    pub content: String,
}

/// Loads the spec in `spec_dir` and checks every rule, and that the merged
/// document deserialises into openapiv3's types (progenitor's input).
/// Returns the merged spec when it is clean. It does not run progenitor:
/// what progenitor refuses or panics on is reported by [`generate`] (see
/// [`progenitor_run`]).
pub fn check(spec_dir: &Path) -> Result<LoadedSpec, Diagnostics> {
    let spec = load::load_dir(spec_dir)?;
    check_loaded(spec)
}

/// Checks an already merged spec (see [`load::load_sources`]).
pub fn check_loaded(spec: LoadedSpec) -> Result<LoadedSpec, Diagnostics> {
    check_rules(&spec)?;
    Ok(spec)
}

/// Every rule, and that openapiv3's types (progenitor's input) accept the
/// merged document.
fn check_rules(spec: &LoadedSpec) -> Result<(), Diagnostics> {
    let problems = rules::check(spec);
    if !problems.is_empty() {
        return Err(problems);
    }
    progenitor_run::to_openapi(&spec.document, &spec.origins)?;
    Ok(())
}

/// The value of a scoped thread; its panic, if it panicked, continues here
/// (a panic in the generator is a bug, reported where it happened).
pub(crate) fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    match handle.join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Generates the SDK sources from a checked spec.
///
/// The client's syntax tree cannot leave this thread (proc-macro2's tokens
/// are not `Send`), so the smaller outputs derived from it are handed to a
/// second thread as source text, to be parsed, gated and pretty-printed
/// there while this one gates and prints the client.
pub fn generate_sdk(spec: &LoadedSpec) -> Result<Vec<Output>, Diagnostics> {
    let fail = |message: String| Diagnostics::at_root(spec.origins.root(), "", [message]);
    let mut file = client_syntax(spec)?;
    let root = spec.origins.root();
    // The tables and impls derived from the client are read off the client
    // before it is gated by feature; those in the SDK are gated like it.
    let plan = features::plan(&spec.document, &file).map_err(fail)?;
    let codecs = example_codecs::example_codecs(&spec.document, &file)
        .map_err(|problems| Diagnostics::at_root(root, "/paths", problems))?;
    let table = metadata::operations_table(&spec.document)
        .map_err(|problems| Diagnostics::at_root(root, "", problems))?;
    // (path, source text, gated by feature)
    let jobs: Vec<(&str, TokenStream, bool)> = vec![
        (
            dispatch::FILE,
            dispatch::dispatcher(&spec.document, &file),
            false,
        ),
        (
            dispatch::CLI.file,
            dispatch::dispatcher_for(&spec.document, &file, &dispatch::CLI),
            false,
        ),
        (
            cli::FILE,
            cli::commands(&spec.document).map_err(fail)?,
            false,
        ),
        (example_codecs::EXAMPLE_CODECS_FILE, codecs, false),
        (OPERATIONS_FILE, table, false),
        (
            STREAMS_FILE,
            streams::streams(&spec.document, &file).map_err(fail)?,
            true,
        ),
        (
            BATCHES_FILE,
            batches::batches(&spec.document, &file).map_err(fail)?,
            true,
        ),
        (
            PREPARED_FILE,
            prepared::prepared(&spec.document, &file).map_err(fail)?,
            true,
        ),
    ];
    let jobs: Vec<(&str, String, bool)> = jobs
        .into_iter()
        .map(|(path, tokens, gated)| (path, tokens.to_string(), gated))
        .collect();
    let plan = &plan;
    let (client, others) = std::thread::scope(|scope| {
        let others = scope.spawn(move || {
            jobs.into_iter()
                .map(|(path, text, gated)| {
                    let mut f = syn::parse_file(&text)
                        .map_err(|e| format!("{path}: generated code does not parse: {e}"))?;
                    if gated {
                        features::gate(&mut f, plan);
                    }
                    Ok(Output {
                        path: path.into(),
                        content: format::format_file(&f)?,
                    })
                })
                .collect::<Result<Vec<Output>, String>>()
        });
        features::gate(&mut file, plan);
        let client = split_types(&mut file)
            .and_then(|types| Ok((format::format_file(&file)?, format::format_file(&types)?)));
        (client, joined(others))
    });
    let mut outputs = others.map_err(fail)?;
    let (client, types) = client.map_err(fail)?;
    outputs.insert(
        2,
        Output {
            path: CLIENT_FILE.into(),
            content: client,
        },
    );
    outputs.insert(
        3,
        Output {
            path: TYPES_FILE.into(),
            content: types,
        },
    );
    Ok(outputs)
}

/// Moves the `types` module out of the client into a file of its own (the
/// crate braze-sdk-types), leaving `pub use ::braze_sdk_types::types;` in
/// its place so the client's paths (`types::X`, `super::types`) still
/// resolve. One crate per part lets cargo run two compilers side by side,
/// each holding half of the SDK (issue 15).
pub fn split_types(file: &mut syn::File) -> Result<syn::File, String> {
    let at = file
        .items
        .iter()
        .position(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"))
        .ok_or("the client has no `types` module")?;
    match std::mem::replace(
        &mut file.items[at],
        syn::parse_quote!(
            pub use ::braze_sdk_types::types;
        ),
    ) {
        syn::Item::Mod(syn::ItemMod {
            content: Some((_, items)),
            ..
        }) => {
            let mut types: syn::File = syn::parse_quote! {};
            types.items = items;
            Ok(types)
        }
        _ => Err("the `types` module is not inline".into()),
    }
}

/// The generated client's syntax tree: lowering, progenitor, rewrites. The
/// tables derived from it (streams, batches, ...) are built by
/// [`generate_sdk`]; fixtures of a single rule need only this.
pub fn client_syntax(spec: &LoadedSpec) -> Result<syn::File, Diagnostics> {
    let lowered = lower::lower(&spec.document);
    let tokens = progenitor_run::generate(&lowered, &spec.origins)?;
    let fail = |message: String| Diagnostics::at_root(spec.origins.root(), "", [message]);
    let mut file = postprocess::parse(tokens).map_err(fail)?;
    postprocess::apply(&mut file)
        .map_err(|problems| Diagnostics::at_root(spec.origins.root(), "", problems))?;
    Ok(file)
}

/// The merged spec as pretty JSON and YAML, for other toolchains, in its
/// published form (see [`published`]).
pub fn export_spec(spec: &LoadedSpec) -> Result<Vec<Output>, Diagnostics> {
    let fail = |message: String| Diagnostics::at_root(spec.origins.root(), "", [message]);
    let mut document = published::published(&spec.document);
    let externals = external_examples::move_out(&mut document);
    let json = serde_json::to_string_pretty(&document).map_err(|e| fail(e.to_string()))? + "\n";
    let yaml = yaml_emit::to_yaml(&document);
    let yaml = format!(
        "# @generated by `cargo xtask spec` from spec/*.yaml - do not edit by hand.\n{yaml}"
    );
    let mut outputs = vec![
        Output {
            path: EXPORT_JSON.into(),
            content: json,
        },
        Output {
            path: EXPORT_YAML.into(),
            content: yaml,
        },
    ];
    for e in externals {
        outputs.push(Output {
            path: format!("{EXPORT_DIR}/{}", e.path).into(),
            content: serde_json::to_string_pretty(&e.example).map_err(|e| fail(e.to_string()))?
                + "\n",
        });
    }
    Ok(outputs)
}

/// Everything `cargo xtask generate` writes: the SDK sources and the
/// exported spec.
pub fn generate(spec_dir: &Path) -> Result<Vec<Output>, Diagnostics> {
    let spec = load::load_dir(spec_dir)?;
    // The checks and the export read only the JSON document; the SDK is
    // built from syntax trees that cannot leave their thread. They run side
    // by side, and the checks' verdict comes first: a spec that breaks a
    // rule reports that, not what generating from it tripped over.
    let (checked, sdk) = std::thread::scope(|scope| {
        let checked = scope.spawn(|| check_rules(&spec).and_then(|()| export_spec(&spec)));
        let sdk = generate_sdk(&spec);
        (joined(checked), sdk)
    });
    let export = checked?;
    let mut outputs = sdk?;
    outputs.extend(export);
    Ok(outputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_types_moves_the_module_and_leaves_a_use() {
        let mut file: syn::File = syn::parse_quote! {
            use crate::runtime::Error;
            pub mod types {
                pub struct A;
                pub mod error { pub struct ConversionError; }
            }
            pub struct Client;
        };
        let types = split_types(&mut file).expect("splits");
        let text = |f: &syn::File| quote::quote!(#f).to_string();
        assert_eq!(
            text(&types),
            "pub struct A ; pub mod error { pub struct ConversionError ; }"
        );
        assert_eq!(
            text(&file),
            "use crate :: runtime :: Error ; pub use :: braze_sdk_types :: types ; pub struct Client ;"
        );
        // A client without the module is an error, not an empty crate.
        let problem = split_types(&mut file).err();
        assert_eq!(problem.as_deref(), Some("the client has no `types` module"));
    }
}
