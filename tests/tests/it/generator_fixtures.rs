//! Each fixture of `tests/fixtures/lowering/` through the whole generator:
//! a golden snapshot of what it generates, and the property its rule exists
//! for (see that folder's README).

use std::path::PathBuf;

use braze_openapi_generator::{self as generator, load};
use braze_tests::reference::repo_root;

const ROOT: &str =
    "openapi: 3.0.3\ninfo: {title: t, version: '1.0.0'}\ntags: [{name: T}]\npaths: {}\n";

/// One fixture merged with the minimal root.
fn load_fixture(name: &str) -> generator::LoadedSpec {
    let path = repo_root().join(format!("tests/fixtures/lowering/{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    load::load_sources(&[
        (PathBuf::from("spec/openapi.yaml"), ROOT.to_string()),
        (PathBuf::from(format!("spec/{name}.yaml")), text),
    ])
    .unwrap_or_else(|d| panic!("{d}"))
}

/// The generated client for one fixture, as text.
fn generate(name: &str) -> String {
    let spec = load_fixture(name);
    let file = generator::client_syntax(&spec).unwrap_or_else(|d| panic!("{name}: {d}"));
    generator::format::format_file(&file).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The `types` module's structs and enums (without builders and impls), and
/// the operation builders' `send` bodies: the part a rule changes. The
/// serde attributes are shown as the lean (de)serialise impls read them:
/// `generate_sdk` drops them from the emitted client where no serde derive
/// is left to accept them.
fn surface(client: &str) -> String {
    let file = syn::parse_file(client).expect("parses");
    let mut out = String::new();
    for item in &file.items {
        let syn::Item::Mod(m) = item else { continue };
        let Some((_, items)) = &m.content else {
            continue;
        };
        for item in items {
            let keep = match (m.ident.to_string().as_str(), item) {
                ("types", syn::Item::Struct(_) | syn::Item::Enum(_)) => true,
                ("builder", syn::Item::Impl(imp)) => imp
                    .items
                    .iter()
                    .any(|f| matches!(f, syn::ImplItem::Fn(f) if f.sig.ident == "send")),
                _ => false,
            };
            if keep {
                let mut item = item.clone();
                strip_docs(&mut item);
                out.push_str(&prettyplease_item(&item));
            }
        }
    }
    out
}

fn strip_docs(item: &mut syn::Item) {
    use syn::visit_mut::VisitMut;
    struct NoDocs;
    impl VisitMut for NoDocs {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
            attrs.retain(|a| !a.path().is_ident("doc"));
        }
    }
    NoDocs.visit_item_mut(item);
}

/// One item as token text, one field or statement per line.
fn prettyplease_item(item: &syn::Item) -> String {
    quote::quote!(#item)
        .to_string()
        .replace(" ; ", ";\n")
        .replace(" , ", ",\n")
        + "\n"
}

#[test]
fn extra_is_a_declared_property() {
    let problems = match generator::check_loaded(load_fixture("extra_is_a_declared_property")) {
        Ok(_) => String::new(),
        Err(d) => d.to_string(),
    };
    assert!(
        problems.contains(
            "spec/extra_is_a_declared_property.yaml#/components/schemas/Thing/properties: a property named `extra` beside `additionalProperties`"
        ),
        "{problems}"
    );
}

#[test]
fn flattened_extra_keys() {
    let client = generate("flattened_extra_keys");
    insta::assert_snapshot!(surface(&client));
    // The declared required `id` is the constructor's one argument...
    assert!(
        client
            .contains("pub fn new(id: impl ::braze_sdk::IntoField<::std::string::String>) -> Self"),
        "{client}"
    );
    // ...while the flattened map starts empty and takes keys one by one.
    assert!(
        client.contains("extra: ::std::default::Default::default()"),
        "{client}"
    );
    assert!(client.contains("pub fn extra_value("), "{client}");
    assert!(client.contains("#[serde(flatten)]"), "{client}");
    assert!(!client.contains("Default)]"), "{client}");
}

#[test]
fn open_enum_in_responses() {
    let client = generate("open_enum_in_responses");
    insta::assert_snapshot!(surface(&client));
    let surface = surface(&client);
    assert!(surface.contains("pub struct FieldReceived"), "{surface}");
    assert!(
        surface.contains(":: braze_sdk :: Open < FieldKind >"),
        "{surface}"
    );
    // The request type keeps the closed enum, its limit and no read-only key.
    let request = surface
        .split("pub struct FieldReceived")
        .next()
        .unwrap_or_default();
    assert!(request.contains("pub kind : FieldKind"), "{request}");
    assert!(!request.contains("usage"), "{request}");
    // Any 2xx is decoded by the runtime's `finish`; the fixture documents no
    // error status.
    assert!(
        surface.contains("crate :: runtime :: finish (client,"),
        "{surface}"
    );
}

#[test]
fn nullable_fields() {
    let client = generate("nullable_fields");
    let surface = surface(&client);
    insta::assert_snapshot!(surface);
    assert!(
        surface.contains("Nullable < :: std :: string :: String >"),
        "{surface}"
    );
    assert!(surface.contains("Nullable < i64 >"), "{surface}");
    assert!(
        surface.contains("timestamp::deserialize_option"),
        "{surface}"
    );
    assert!(
        surface.contains("Nullable::deserialize_present"),
        "{surface}"
    );
    assert!(
        surface.contains(":: braze_sdk :: Open < State >"),
        "{surface}"
    );
}
