//! The generated SDK matches the spec.
//!
//! * Snapshots of the generated API surface (operations and types): a spec
//!   change shows up as a readable diff to review (`cargo insta review`), and
//!   a spec change without regeneration fails.
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
                        let ty = tokens(&pt.ty);
                        let target = f
                            .sig
                            .generics
                            .where_clause
                            .as_ref()
                            .and_then(|w| {
                                w.predicates
                                    .iter()
                                    .map(tokens)
                                    .find(|p| p.starts_with(&format!("{ty} : ")))
                            })
                            .unwrap_or(ty);
                        Some(format!("{}: {target}", tokens(&pt.pat)))
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

/// The (variant, JSON name) pairs of the lean `Serialize` impl of enum
/// `ident` (`let (index, name) = match self { Self::V => (0u32, "v"), .. }`),
/// empty when it has none.
fn lean_variant_names(file: &syn::File, ident: &syn::Ident) -> Vec<(syn::Ident, String)> {
    let Some(imp) = module(file, "types").iter().find_map(|item| match item {
        syn::Item::Impl(i)
            if *ident == tokens(&i.self_ty)
                && i.trait_
                    .as_ref()
                    .is_some_and(|(p, _)| tokens(p) == ":: serde :: Serialize") =>
        {
            Some(i)
        }
        _ => None,
    }) else {
        return Vec::new();
    };
    let Some(syn::ImplItem::Fn(f)) = imp.items.first() else {
        return Vec::new();
    };
    let Some(syn::Stmt::Local(syn::Local {
        init: Some(init), ..
    })) = f.block.stmts.first()
    else {
        return Vec::new();
    };
    let syn::Expr::Match(m) = &*init.expr else {
        return Vec::new();
    };
    m.arms
        .iter()
        .filter_map(|arm| {
            let syn::Pat::Path(p) = &arm.pat else {
                return None;
            };
            // prettyplease puts a long arm in a block.
            let body = match &*arm.body {
                syn::Expr::Block(b) => match b.block.stmts.as_slice() {
                    [syn::Stmt::Expr(e, None)] => e,
                    _ => return None,
                },
                e => e,
            };
            let syn::Expr::Tuple(t) = body else {
                return None;
            };
            let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(json),
                ..
            })) = t.elems.last()
            else {
                return None;
            };
            Some((p.path.segments.last()?.ident.clone(), json.value()))
        })
        .collect()
}

/// Every type of the `types` module: struct fields and enum variants.
fn types_surface(file: &syn::File) -> String {
    let mut out = String::new();
    for item in module(file, "types") {
        match item {
            syn::Item::Struct(s) => {
                out.push_str(&format!("struct {}\n", s.ident));
                for f in &s.fields {
                    let name = f
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_else(|| "0".into());
                    // prettyplease's trailing commas depend on the line's
                    // indentation, not on the type.
                    let ty = tokens(&f.ty).replace(" , >", " >");
                    out.push_str(&format!("    {name}: {ty}\n"));
                }
            }
            syn::Item::Enum(e) => {
                out.push_str(&format!("enum {}\n", e.ident));
                let lean = lean_variant_names(file, &e.ident);
                for v in &e.variants {
                    let rename = match lean.iter().find(|(ident, _)| *ident == v.ident) {
                        // Written as the serde attribute it replaced.
                        Some((ident, json)) if *ident != json => {
                            format!("# [serde (rename = {json:?})]")
                        }
                        Some(_) => String::new(),
                        None => v
                            .attrs
                            .iter()
                            .filter(|a| a.path().is_ident("serde"))
                            .map(tokens)
                            .collect::<Vec<_>>()
                            .join(" "),
                    };
                    out.push_str(&format!("    {}{} {rename}\n", v.ident, tokens(&v.fields)));
                }
            }
            _ => {}
        }
    }
    out
}

/// What a lean serde rewrite left behind in `types`: the names of the types
/// it could handle that still derive (`would_rewrite`), how many impls of
/// `trait_path` there are (those whose tokens contain `marker`, when
/// given), and how many types still derive `derive`.
fn lean_and_derived(
    types: &[syn::Item],
    would_rewrite: fn(&syn::Item) -> bool,
    trait_path: &str,
    marker: Option<&str>,
    derive: &str,
) -> (Vec<String>, usize, usize) {
    let left = types
        .iter()
        .filter(|item| would_rewrite(item))
        .map(|item| match item {
            syn::Item::Struct(s) => s.ident.to_string(),
            syn::Item::Enum(e) => e.ident.to_string(),
            _ => String::new(),
        })
        .collect();
    let lean = types
        .iter()
        .filter(|item| {
            matches!(item, syn::Item::Impl(i)
                if i.trait_.as_ref().is_some_and(|(p, _)| tokens(p) == trait_path)
                && marker.is_none_or(|m| tokens(i).contains(m)))
        })
        .count();
    let derived = types
        .iter()
        .filter(|item| {
            let attrs = match item {
                syn::Item::Struct(s) => &s.attrs,
                syn::Item::Enum(e) => &e.attrs,
                _ => return false,
            };
            attrs
                .iter()
                .any(|a| a.path().is_ident("derive") && tokens(a).contains(derive))
        })
        .count();
    (left, lean, derived)
}

/// The lean `Deserialize` rewrite left no struct or enum it could handle
/// on serde_derive, and handled most of them: if it stopped applying, the
/// SDK would still build, only slower.
#[test]
fn no_type_keeps_serde_derive_that_the_lean_rewrite_handles() {
    let file = client_file();
    let (left, lean, derived) = lean_and_derived(
        module(&file, "types"),
        generator::postprocess::lean_deserialize_would_rewrite,
        ":: serde :: Deserialize < 'de >",
        Some("lean_de"),
        "Deserialize",
    );
    assert!(left.is_empty(), "still on serde_derive: {left:?}");
    assert!(
        lean > derived * 3,
        "{lean} lean impls, {derived} serde_derive ones"
    );
}

/// The same for `Serialize`: no type the lean rewrite handles keeps
/// serde_derive, and most types are on the lean impls.
#[test]
fn no_type_keeps_serialize_derive_that_the_lean_rewrite_handles() {
    let file = client_file();
    let (left, lean, derived) = lean_and_derived(
        module(&file, "types"),
        generator::postprocess::lean_serialize_would_rewrite,
        ":: serde :: Serialize",
        None,
        "Serialize",
    );
    assert!(left.is_empty(), "still on serde_derive: {left:?}");
    assert!(
        lean > derived * 10,
        "{lean} lean impls, {derived} serde_derive ones"
    );
}

#[test]
fn snapshot_of_generated_operations() {
    insta::assert_snapshot!("operations", operations_surface(&client_file()));
}

#[test]
fn snapshot_of_generated_types() {
    insta::assert_snapshot!("types", types_surface(&client_file()));
}

#[test]
fn operations_table_covers_every_generated_operation() {
    let file = client_file();
    let builders: Vec<String> = module(&file, "builder")
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
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
