//! One test per rewrite: what it changes, and that it fails loudly when its
//! target is missing or changed.

use super::*;
use quote::quote;

fn text(file: &syn::File) -> String {
    quote!(#file).to_string()
}

/// A minimal file shaped like progenitor's output: one type with a
/// flattened map, one operation builder, the client's constructors.
fn sample() -> syn::File {
    syn::parse_quote! {
        use progenitor_client::{encode_path, ClientHooks};
        pub mod types {
            pub struct Attrs {
                #[serde(skip_serializing_if = "Option::is_none")]
                pub extra_id: Option<String>,
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
            pub struct Declared {
                pub extra: String,
            }
            pub mod builder {
                impl ::std::default::Default for Attrs {
                    fn default() -> Self {
                        Self {
                            extra_id: Ok(Default::default()),
                            extra: Err("no value supplied for extra".to_string()),
                        }
                    }
                }
                impl ::std::default::Default for Declared {
                    fn default() -> Self {
                        Self { extra: Err("no value supplied for extra".to_string()) }
                    }
                }
            }
        }
        pub struct Client;
        impl Client {
            pub fn new(baseurl: &str, inner: State) -> Self { todo!() }
            pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: State) -> Self { todo!() }
        }
        pub mod builder {
            impl<'a> DoIt<'a> {
                pub async fn send(self) -> Result<(), ()> {
                    let mut header_map = HeaderMap::with_capacity(1usize);
                    header_map.append(::reqwest::header::HeaderName::from_static("api-version"), HeaderValue::from_static("1"));
                    header_map.append(::reqwest::header::HeaderName::from_static("x-request-origin"), v);
                    match s { _ => Err(Error::UnexpectedResponse(response)) }
                }
            }
        }
    }
}

#[test]
fn every_rewrite_applies_to_the_sample_and_reports_its_count() {
    let mut file = sample();
    let report = apply(&mut file).expect("the sample rewrites");
    let out = text(&file);
    assert!(
        out.contains("use crate :: runtime :: { encode_path , ClientHooks }"),
        "{out}"
    );
    assert!(out.contains("x-request-origin"), "{out}");
    assert!(
        out.contains("Error :: from_unexpected (response) . await"),
        "{out}"
    );
    assert!(!out.contains("pub fn new ("), "{out}");
    assert!(out.contains("pub (crate) fn new_with_client"), "{out}");
    let counts: Vec<(&str, usize)> = report.counts.clone();
    assert_eq!(
        counts,
        [
            ("imports", 1),
            ("flatten_defaults", 1),
            ("unexpected_response", 1),
            ("constructors", 2),
            ("field_decoders", 0),
            ("docs", 0),
        ]
    );
}

#[test]
fn only_the_flattened_map_gets_an_empty_default_a_declared_extra_stays_required() {
    let mut file = sample();
    apply(&mut file).expect("rewrites");
    let out = text(&file);
    // Attrs.extra (the flattened map) starts empty...
    assert!(out.contains("extra : Ok (Default :: default ())"), "{out}");
    // ...Declared.extra (a declared required property) still must be set.
    assert_eq!(
        out.matches("no value supplied for extra").count(),
        1,
        "{out}"
    );
}

#[test]
fn a_rewrite_that_finds_nothing_fails_generation() {
    // No progenitor_client import, no unexpected arm, no public constructor.
    let mut file: syn::File = syn::parse_quote! {
        pub mod types { pub mod builder {} }
        pub struct Client;
        impl Client { pub fn new_with_client() -> Self { todo!() } }
        pub mod builder {
            impl<'a> DoIt<'a> { pub async fn send(self) -> Result<(), ()> { Ok(()) } }
        }
    };
    let problems = apply(&mut file).unwrap_err().join("\n");
    for name in ["imports", "unexpected_response", "constructors"] {
        assert!(
            problems.contains(&format!("rewrite `{name}`")),
            "{name}: {problems}"
        );
    }
}

#[test]
fn a_flattened_map_whose_builder_changed_fails_generation() {
    let mut file = sample();
    let syn::Item::Mod(types) = &mut file.items[1] else {
        panic!("types")
    };
    let items = &mut types.content.as_mut().unwrap().1;
    let syn::Item::Mod(builder) = items.last_mut().unwrap() else {
        panic!("builder")
    };
    builder.content.as_mut().unwrap().1.remove(0);
    let problems = apply(&mut file).unwrap_err().join("\n");
    assert!(
        problems.contains("no builder default found for the flattened map `Attrs.extra`"),
        "{problems}"
    );
}

#[test]
fn multi_line_docs_become_one_attribute_per_line() {
    let mut file: syn::File = syn::parse_quote! {
        #[doc = "Summary\n\nDetails here.\n```ignore\nlet x = y;\n```"]
        pub struct S { #[doc = "one line"] pub a: u8 }
    };
    assert_eq!(docs::apply(&mut file), 1);
    let out = text(&file);
    assert!(
        out.contains("# [doc = \" Summary\"] # [doc = \"\"] # [doc = \" Details here.\"]"),
        "{out}"
    );
    assert!(out.contains("# [doc = \"one line\"]"), "{out}");
    assert!(
        out.contains("# [doc = \" ```text\"] # [doc = \" let x = y;\"]"),
        "{out}"
    );
}

#[test]
fn nullable_and_date_time_fields_get_their_decoders() {
    let mut file: syn::File = syn::parse_quote! {
        pub struct S {
            pub a: ::std::option::Option<::braze_sdk::Nullable<String>>,
            pub b: ::std::option::Option<String>,
            c: Result<::std::option::Option<::braze_sdk::Nullable<String>>, String>,
            pub d: ::chrono::DateTime<::chrono::offset::Utc>,
            pub e: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
            pub f: ::std::option::Option<::braze_sdk::Nullable<::chrono::DateTime<::chrono::offset::Utc>>>,
        }
    };
    assert_eq!(field_decoders::apply(&mut file), 4);
    let out = text(&file);
    assert_eq!(
        out.matches("Nullable::deserialize_present").count(),
        1,
        "{out}"
    );
    assert!(out.contains("timestamp::deserialize\""), "{out}");
    assert!(out.contains("timestamp::deserialize_option"), "{out}");
    assert!(
        out.contains("timestamp::deserialize_nullable_present"),
        "{out}"
    );
}
