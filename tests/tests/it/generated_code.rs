//! The generated SDK matches the spec.
//!
//! * A snapshot of the operations' surface (each builder's setters and what
//!   `send()` returns): a spec change shows up as a short diff to review
//!   (`cargo insta review`). The types are not snapshotted: they are the
//!   committed `sdk-types/src/generated/types.rs`, whose diff is the review.
//! * The committed generated files are byte-identical to a fresh generation,
//!   and generating twice gives the same bytes.

use braze_openapi_generator as generator;
use braze_tests::reference::{repo_root, spec_dir};
use quote::ToTokens;
use std::sync::OnceLock;

/// Every output of `generator::generate`, generated once per test run and
/// shared by every module that reads it (the SDK is generated once, not once
/// per test).
pub fn generated() -> &'static [generator::Output] {
    static OUTPUTS: OnceLock<Vec<generator::Output>> = OnceLock::new();
    OUTPUTS.get_or_init(|| {
        generator::generate(&spec_dir())
            .unwrap_or_else(|d| panic!("the spec does not generate:\n{d}"))
    })
}

/// This run's generation equals the committed files, which an earlier,
/// independent run wrote (`cargo xtask generate`, and CI's `cargo xtask
/// check` is a third): generation is fresh and deterministic.
#[test]
fn committed_generated_files_are_fresh_and_generation_is_deterministic() {
    let outputs = generated();
    assert!(outputs.len() >= 8, "only {} outputs", outputs.len());
    for output in outputs {
        let path = repo_root().join(&output.path);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == output.content,
            "{} is stale (or generation is not deterministic): run `cargo xtask generate` and review the snapshot diff",
            output.path.display()
        );
        // JSON has no comments; every other output carries the marker.
        let is_json = output.path.extension().is_some_and(|e| e == "json");
        assert!(
            is_json || output.content.contains("@generated"),
            "{} lacks the @generated marker",
            output.path.display()
        );
    }
}

/// The generated client's source (from the shared generation), with the
/// `types` module back in place: the generator writes it to its own crate
/// (braze-sdk-types) and leaves a `pub use` in the client.
pub fn generated_client_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let output = |path: &str| {
            &generated()
                .iter()
                .find(|o| o.path == std::path::Path::new(path))
                .unwrap_or_else(|| panic!("{path} is generated"))
                .content
        };
        let client = output(generator::CLIENT_FILE);
        let types = output(generator::TYPES_FILE);
        let placeholder = "pub use ::braze_sdk_types::types;";
        assert_eq!(client.matches(placeholder).count(), 1, "{placeholder}");
        client.replace(placeholder, &format!("pub mod types {{\n{types}\n}}"))
    })
}

/// The generated client, parsed (syntax trees cannot be shared between test
/// threads, so each test parses its own).
fn client_file() -> syn::File {
    syn::parse_file(generated_client_source()).expect("generated client parses")
}

pub fn module<'a>(file: &'a syn::File, name: &str) -> &'a [syn::Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => {
                m.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no `{name}` module in the generated client"))
}

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

/// One line per operation builder: its setters and what `send` returns.
fn operations_surface(file: &syn::File) -> String {
    // Builder -> the `Client` method returning it, with its arguments (the
    // required inputs; a generic one shown as the type it converts into).
    let mut methods = std::collections::BTreeMap::new();
    // The structs of named required parameters: name -> (name, [(field, type parameter)]).
    let named: std::collections::BTreeMap<String, (String, Vec<(String, String)>)> =
        module(file, "builder")
            .iter()
            .filter_map(|i| match i {
                syn::Item::Struct(s) if !s.generics.params.is_empty() => Some((
                    s.ident.to_string(),
                    (
                        s.ident.to_string(),
                        s.fields
                            .iter()
                            .filter_map(|f| Some((f.ident.as_ref()?.to_string(), tokens(&f.ty))))
                            .collect(),
                    ),
                )),
                _ => None,
            })
            .collect();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || tokens(&imp.self_ty) != "Client" {
            continue;
        }
        for f in &imp.items {
            let syn::ImplItem::Fn(f) = f else { continue };
            let syn::ReturnType::Type(_, ret) = &f.sig.output else {
                continue;
            };
            let args: Vec<String> = f
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    syn::FnArg::Typed(pt) => {
                        let target = |ty: String| {
                            f.sig
                                .generics
                                .where_clause
                                .as_ref()
                                .and_then(|w| {
                                    w.predicates
                                        .iter()
                                        .map(tokens)
                                        .find(|p| p.starts_with(&format!("{ty} : ")))
                                })
                                .unwrap_or(ty)
                        };
                        // Named parameters (`builder::OpRequired<P0, ..>`):
                        // each field with the type it converts into.
                        let named = match &*pt.ty {
                            syn::Type::Path(p) => p
                                .path
                                .segments
                                .last()
                                .filter(|_| p.path.segments.len() == 2)
                                .and_then(|last| named.get(&last.ident.to_string())),
                            _ => None,
                        };
                        Some(match named {
                            Some((name, fields)) => {
                                let fields: Vec<String> = fields
                                    .iter()
                                    .map(|(field, g)| format!("{field}: {}", target(g.clone())))
                                    .collect();
                                format!("{name} {{ {} }}", fields.join(", "))
                            }
                            None => format!("{}: {}", tokens(&pt.pat), target(tokens(&pt.ty))),
                        })
                    }
                    _ => None,
                })
                .collect();
            methods.insert(
                tokens(ret).replace("builder :: ", ""),
                format!("client.{}({})", f.sig.ident, args.join(", ")),
            );
        }
    }
    let mut out = String::new();
    for item in module(file, "builder") {
        let syn::Item::Impl(imp) = item else { continue };
        let name = tokens(&imp.self_ty);
        if let Some(method) = methods.get(&name) {
            out.push_str(&format!("{method}\n"));
        }
        let mut setters = Vec::new();
        let mut send = String::new();
        for f in &imp.items {
            let syn::ImplItem::Fn(f) = f else { continue };
            let fname = f.sig.ident.to_string();
            match fname.as_str() {
                "new" => {}
                "send" => send = tokens(&f.sig.output),
                _ => {
                    let bound = f
                        .sig
                        .generics
                        .where_clause
                        .as_ref()
                        .and_then(|w| w.predicates.first())
                        .map(tokens)
                        .unwrap_or_default();
                    setters.push(format!("    .{fname}({bound})"));
                }
            }
        }
        out.push_str(&format!("{name}\n"));
        for setter in setters {
            out.push_str(&format!("{setter}\n"));
        }
        out.push_str(&format!("    .send() {send}\n"));
    }
    out
}

/// Each type derives the serde direction its use needs, and only that one
/// unless `serde-all` is on (`postprocess::serde_directions`): most of the
/// types carry one direction only. If the rewrite stopped applying, the SDK
/// would still build, only slower; this fails instead.
#[test]
fn most_types_derive_one_serde_direction() {
    let file = client_file();
    let (mut one_way, mut both, mut neither) = (Vec::new(), 0, Vec::new());
    for item in module(&file, "types") {
        let (attrs, ident) = match item {
            syn::Item::Struct(s) => (&s.attrs, &s.ident),
            syn::Item::Enum(e) => (&e.attrs, &e.ident),
            _ => continue,
        };
        let derives = |name: &str| {
            attrs.iter().any(|a| {
                a.path().is_ident("derive") && tokens(a).contains(&format!(":: serde :: {name}"))
            })
        };
        let gated = attrs.iter().any(|a| {
            a.path().is_ident("cfg_attr") && tokens(a).contains("feature = \"serde-all\"")
        });
        let hand_written = module(&file, "types").iter().any(|i| {
            matches!(i, syn::Item::Impl(imp)
                if *ident == tokens(&imp.self_ty)
                && imp.trait_.as_ref().is_some_and(|(p, _)| tokens(p).contains("serde ::")))
        });
        match (derives("Serialize"), derives("Deserialize"), gated) {
            (true, false, true) | (false, true, true) => one_way.push(ident.to_string()),
            (true, true, false) => both += 1,
            _ if hand_written => {}
            // Not a wire type (the client's `..Required` argument structs).
            _ if !tokens(item).contains("# [serde") => {}
            _ => neither.push(ident.to_string()),
        }
    }
    assert!(
        neither.is_empty(),
        "types without a serde direction: {neither:?}"
    );
    assert!(
        one_way.len() > both * 2,
        "{} types derive one direction, {both} derive both",
        one_way.len()
    );
}

#[test]
fn snapshot_of_generated_operations() {
    insta::assert_snapshot!("operations", operations_surface(&client_file()));
}

#[test]
fn operations_table_covers_every_generated_operation() {
    let file = client_file();
    // Operation builders hold the client; the module also has the structs
    // of named required parameters (`CatalogItemGetRequired`).
    let builders: Vec<String> = module(&file, "builder")
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s)
                if s.fields
                    .iter()
                    .any(|f| f.ident.as_ref().is_some_and(|i| i == "client")) =>
            {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let table = &braze_sdk::operation::OPERATIONS;
    assert_eq!(
        builders.len(),
        table.len(),
        "one operations-table row per generated operation"
    );
    for op in table.iter() {
        let pascal: String = op
            .id
            .split('_')
            .map(|w| w[..1].to_uppercase() + &w[1..])
            .collect();
        assert!(
            builders.contains(&pascal),
            "no builder `{pascal}` for operation {}",
            op.id
        );
    }
}
