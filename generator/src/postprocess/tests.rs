//! One test per rewrite: what it changes, and that it fails loudly when its
//! target is missing or changed.

use super::*;
use quote::quote;

fn text(file: &syn::File) -> String {
    quote!(#file).to_string()
}

/// A minimal file shaped like progenitor's output: request types (one with
/// a flattened map, one with a required field, one newtype over any
/// string), a response-only type, typify's builders, two operation
/// builders (one whose body has required fields), the client's
/// constructors.
fn sample() -> syn::File {
    syn::parse_quote! {
        use progenitor_client::{encode_path, ClientHooks};
        const _: () = {
            #[allow(dead_code)]
            fn assert_client_hooks() where Client: ClientHooks<()> {}
        };
        pub mod types {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Attrs {
                #[doc = "The caller's own identifier of the user."]
                #[serde(skip_serializing_if = "Option::is_none")]
                pub external_id: Option<Id>,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tags: ::std::vec::Vec<String>,
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
            #[derive(Clone, Debug)]
            pub struct Event {
                pub name: String,
                pub properties: Option<Attrs>,
                pub labels: ::std::vec::Vec<String>,
            }
            #[doc = "An identifier of a thing."]
            #[derive(Clone, Debug)]
            pub struct Id(pub ::std::string::String);
            impl ::std::convert::From<::std::string::String> for Id {
                fn from(value: ::std::string::String) -> Self { Self(value) }
            }
            #[derive(::serde::Deserialize, Clone, Debug)]
            pub struct Reply { pub message: Option<String> }
            impl Attrs { pub fn builder() -> builder::Attrs { Default::default() } }
            impl Event { pub fn builder() -> builder::Event { Default::default() } }
            impl Reply { pub fn builder() -> builder::Reply { Default::default() } }
            pub mod builder {
                pub struct Attrs { external_id: Result<Option<super::Id>, String> }
            }
        }
        pub struct Client;
        impl Client {
            pub fn new(baseurl: &str, inner: State) -> Self { todo!() }
            pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: State) -> Self { todo!() }
        }
        impl Client {
            #[doc = "Track a thing\n\n```ignore\nlet response = client.track()\n    .id(id)\n    .note(note)\n    .body(body)\n    .send()\n    .await;\n```"]
            pub fn track(&self) -> builder::Track<'_> { builder::Track::new(self) }
            pub fn log(&self) -> builder::Log<'_> { builder::Log::new(self) }
        }
        pub mod builder {
            pub struct Track<'a> {
                client: &'a super::Client,
                id: Result<types::Id, String>,
                note: Result<Option<String>, String>,
                body: Result<types::builder::Attrs, String>,
            }
            impl<'a> Track<'a> {
                pub fn new(client: &'a super::Client) -> Self {
                    Self {
                        client: client,
                        id: Err("id was not initialized".to_string()),
                        note: Ok(None),
                        body: Ok(::std::default::Default::default()),
                    }
                }
                pub fn id<V>(mut self, value: V) -> Self
                where V: std::convert::TryInto<types::Id> {
                    self.id = value.try_into().map_err(|_| "conversion to `Id` for id failed".to_string());
                    self
                }
                pub fn note<V>(mut self, value: V) -> Self
                where V: std::convert::TryInto<String> {
                    self.note = value.try_into().map(Some).map_err(|_| "conversion to `String` for note failed".to_string());
                    self
                }
                pub fn body_map<F>(mut self, f: F) -> Self
                where F: std::ops::FnOnce(types::builder::Attrs) -> types::builder::Attrs {
                    self.body = self.body.map(f);
                    self
                }
                pub async fn send(self) -> Result<ResponseValue<types::Reply>, Error<types::Reply>> {
                    let Self { client, body } = self;
                    let body = body
                        .and_then(|v| types::Attrs::try_from(v).map_err(|e| e.to_string()))
                        .map_err(Error::InvalidRequest)?;
                    let url = format!("{}/things/{}/track", client.baseurl, encode_path(&id.to_string()),);
                    let mut header_map = HeaderMap::with_capacity(2usize);
                    header_map.append(::reqwest::header::HeaderName::from_static("api-version"), HeaderValue::from_static(super::Client::api_version()));
                    header_map.append(::reqwest::header::HeaderName::from_static("x-request-origin"), v);
                    let mut request = client.client.post(url).json(&body).headers(header_map).build()?;
                    let info = OperationInfo { operation_id: "track" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    client.post(&result, &info).await?;
                    let response = result?;
                    match response.status().as_u16() {
                        200..=299 => ResponseValue::from_response(response).await,
                        400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        500u16..=599u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
            pub struct Log<'a> {
                client: &'a super::Client,
                body: Result<types::builder::Event, String>,
            }
            impl<'a> Log<'a> {
                pub fn new(client: &'a super::Client) -> Self {
                    Self { client: client, body: Ok(::std::default::Default::default()) }
                }
                pub fn body_map<F>(mut self, f: F) -> Self
                where F: std::ops::FnOnce(types::builder::Event) -> types::builder::Event {
                    self.body = self.body.map(f);
                    self
                }
                pub async fn send(self) -> Result<ResponseValue<()>, Error<types::Reply>> {
                    let Self { client, body } = self;
                    let body = body
                        .and_then(|v| types::Event::try_from(v).map_err(|e| e.to_string()))
                        .map_err(Error::InvalidRequest)?;
                    let url = format!("{}/log", client.baseurl,);
                    let mut header_map = HeaderMap::with_capacity(1usize);
                    header_map.append(::reqwest::header::HeaderName::from_static("api-version"), HeaderValue::from_static(super::Client::api_version()));
                    #[allow(unused_mut)]
                    let mut request = client.client.post(url).json(&body).headers(header_map).build()?;
                    let info = OperationInfo { operation_id: "log" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    client.post(&result, &info).await?;
                    let response = result?;
                    match response.status().as_u16() {
                        200..=299 => Ok(ResponseValue::empty(response)),
                        404u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
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
    // The runtime offers no `ClientHooks`: the name and progenitor's check
    // that `Client` implements it are gone.
    assert!(
        out.contains("use crate :: runtime :: { encode_path }"),
        "{out}"
    );
    assert!(!out.contains("ClientHooks"), "{out}");
    assert!(!out.contains("assert_client_hooks"), "{out}");
    assert!(out.contains("x-request-origin"), "{out}");
    assert!(!out.contains("pub fn new (baseurl"), "{out}");
    assert!(out.contains("pub (crate) fn new_with_client"), "{out}");
    let counts: Vec<(&str, usize)> = report.counts.clone();
    assert_eq!(
        counts,
        [
            ("imports", 1),
            ("setters", 2),
            ("type_builders", 2),
            ("required_args", 2),
            ("send_tail", 2),
            ("request_parts", 2),
            ("constructors", 2),
            ("field_decoders", 0),
            ("lean_deserialize", 2),
            // The sample's serialised types have a flattened map or a
            // shortened predicate path: see the test of the rewrite.
            ("lean_serialize", 0),
            // The usage snippet of `Client::track`.
            ("docs", 1),
        ]
    );
}

#[test]
fn request_types_get_setters_default_or_new_and_response_types_nothing() {
    let mut file = sample();
    apply(&mut file).expect("rewrites");
    let out = text(&file);
    // Attrs: every field optional -> Default, one setter per field, extra_value.
    assert!(
        out.contains(
            "# [derive (:: serde :: Serialize , Clone , Debug , Default)] pub struct Attrs"
        ),
        "{out}"
    );
    assert!(
        out.contains("pub fn external_id (mut self , value : impl :: braze_sdk :: IntoField < Option < Id > >) -> Self"),
        "{out}"
    );
    assert!(out.contains("pub fn tags (mut self"), "{out}");
    assert!(out.contains("pub fn extra_value (mut self"), "{out}");
    // Event: `name` and `labels` (a Vec without serde default) are required.
    assert!(
        out.contains("# [derive (Clone , Debug)] pub struct Event"),
        "{out}"
    );
    assert!(
        out.contains("pub fn new (name : impl :: braze_sdk :: IntoField < String > , labels : impl :: braze_sdk :: IntoField < :: std :: vec :: Vec < String > >) -> Self"),
        "{out}"
    );
    assert!(
        out.contains("properties : :: std :: default :: Default :: default ()"),
        "{out}"
    );
    // Id holds any string.
    assert!(
        out.contains("impl :: braze_sdk :: StringNewtype for Id { }"),
        "{out}"
    );
    // Reply is only ever received: no setters, no Default.
    assert!(!out.contains("pub fn message ("), "{out}");
    assert!(
        out.contains("# [derive (Clone , Debug)] pub struct Reply"),
        "{out}"
    );
}

#[test]
fn typify_builders_are_gone_and_bodies_hold_the_type_itself() {
    let mut file = sample();
    apply(&mut file).expect("rewrites");
    let out = text(&file);
    assert!(!out.contains("builder :: Attrs"), "{out}");
    assert!(!out.contains("fn builder ()"), "{out}");
    assert!(!out.contains("try_from"), "{out}");
    assert!(
        out.contains("body : Result < types :: Attrs , String >"),
        "{out}"
    );
    assert!(
        out.contains("F : std :: ops :: FnOnce (types :: Attrs) -> types :: Attrs"),
        "{out}"
    );
    // Every body is an argument of the client method (`required_args`).
    assert!(
        out.contains("pub fn log (& self , body : types :: Event) -> builder :: Log"),
        "{out}"
    );
}

#[test]
fn required_inputs_are_client_method_arguments_and_builders_own_the_client() {
    let mut file = sample();
    apply(&mut file).expect("rewrites");
    let out = text(&file);
    // The required parameter and the body are arguments, in that order; the
    // optional parameter stays a setter.
    assert!(
        out.contains("pub fn track < P0 > (& self , id : P0 , body : types :: Attrs) -> builder :: Track where P0 : :: std :: convert :: TryInto < types :: Id > , < P0 as :: std :: convert :: TryInto < types :: Id > > :: Error : :: std :: fmt :: Display"),
        "{out}"
    );
    assert!(!out.contains("pub fn id <"), "{out}");
    assert!(!out.contains("pub fn body <"), "{out}");
    assert!(out.contains("pub fn note < V >"), "{out}");
    // The conversion's reason is kept, for arguments and setters alike.
    assert!(
        out.contains("map_err (| e | format ! (\"invalid `id` (Id): {}\" , e))"),
        "{out}"
    );
    assert!(
        out.contains("map_err (| e | format ! (\"invalid `note` (String): {}\" , e))"),
        "{out}"
    );
    assert!(!out.contains("was not initialized"), "{out}");
    // No lifetime: the builder holds a clone of the client.
    assert!(
        out.contains("pub struct Track { client : super :: Client ,"),
        "{out}"
    );
    assert!(
        out.contains("client : :: std :: clone :: Clone :: clone (client)"),
        "{out}"
    );
    assert!(!out.contains("'a"), "{out}");
    // The usage snippet calls the method with its arguments.
    assert!(out.contains("client.track(id, body)"), "{out}");
    assert!(!out.contains(".id(id)"), "{out}");
    assert!(out.contains(".note(note)"), "{out}");
}

#[test]
fn a_builder_without_its_client_method_fails_generation() {
    let mut file = sample();
    for item in &mut file.items {
        if let syn::Item::Impl(imp) = item
            && quote!(#imp).to_string().contains("fn log")
        {
            imp.items.pop();
        }
    }
    let problems = apply(&mut file).unwrap_err().join("\n");
    assert!(
        problems.contains(
            "rewrite `required_args`: 2 operation builders, but 1 `Client` methods return one"
        ),
        "{problems}"
    );
}

#[test]
fn send_tails_become_one_generic_call_with_the_documented_statuses() {
    let mut file = sample();
    apply(&mut file).expect("rewrites");
    let out = text(&file);
    assert!(
        out.contains("crate :: runtime :: finish (client , request , info , & [(400u16 , 400u16) , (500u16 , 599u16)]) . await"),
        "{out}"
    );
    assert!(
        out.contains("crate :: runtime :: finish_empty (client , request , info , & [(404u16 , 404u16)]) . await"),
        "{out}"
    );
    assert!(!out.contains("match response"), "{out}");
}

#[test]
fn the_api_version_header_goes_and_urls_are_concatenated() {
    let mut file = sample();
    apply(&mut file).expect("rewrites");
    let out = text(&file);
    assert!(!out.contains("api-version"), "{out}");
    // Track keeps its map for X-Request-Origin; Log had nothing else in it.
    assert!(out.contains("x-request-origin"), "{out}");
    assert_eq!(out.matches("let mut header_map").count(), 1, "{out}");
    assert_eq!(out.matches(". headers (header_map)").count(), 1, "{out}");
    assert!(
        out.contains("let url = [client . baseurl . as_str () , \"/things/\" , & * (encode_path (& id . to_string ())) , \"/track\"] . concat () ;"),
        "{out}"
    );
    assert!(
        out.contains("let url = [client . baseurl . as_str () , \"/log\"] . concat () ;"),
        "{out}"
    );
    assert!(!out.contains("format ! (\"{}"), "{out}");
}

#[test]
fn a_url_format_with_a_named_placeholder_fails_generation() {
    let file = sample();
    let changed = quote!(#file)
        .to_string()
        .replace("\"{}/log\"", "\"{}/log/{id}\"");
    let mut file: syn::File = syn::parse_str(&changed).expect("parses");
    let problems = apply(&mut file).unwrap_err().join("\n");
    assert!(
        problems.contains("rewrite `request_parts`: `Log::send`: URL template `{}/log/{id}`"),
        "{problems}"
    );
}

#[test]
fn a_rewrite_that_finds_nothing_fails_generation() {
    // No progenitor_client import, no typify builders, no send tail, no
    // public constructor. (`setters` finds no request type, which is fine.)
    let mut file: syn::File = syn::parse_quote! {
        pub mod types { pub struct A { pub a: Option<String> } }
        pub struct Client;
        impl Client { pub fn new_with_client() -> Self { todo!() } }
        pub mod builder {
            impl<'a> DoIt<'a> { pub async fn send(self) -> Result<(), ()> { Ok(()) } }
        }
    };
    let problems = apply(&mut file).unwrap_err().join("\n");
    for name in [
        "imports",
        "type_builders",
        "send_tail",
        "request_parts",
        "constructors",
    ] {
        assert!(
            problems.contains(&format!("rewrite `{name}`")),
            "{name}: {problems}"
        );
    }
}

#[test]
fn a_send_tail_of_another_shape_fails_generation_naming_the_operation() {
    let mut file = sample();
    let syn::Item::Mod(ops) = file.items.last_mut().unwrap() else {
        panic!("builder")
    };
    let text_before = quote!(#ops).to_string();
    let changed = text_before.replace(
        "_ => Err (Error :: UnexpectedResponse (response)) ,",
        "_ => todo ! () ,",
    );
    *ops = syn::parse_str(&changed).expect("still parses");
    let problems = apply(&mut file).unwrap_err().join("\n");
    assert!(
        problems.contains("rewrite `send_tail`: `Track::send`: unexpected arm `_ => todo!()`"),
        "{problems}"
    );
}

#[test]
fn a_setter_that_would_shadow_clone_fails_generation() {
    let file = sample();
    let text_before = quote!(#file).to_string();
    let changed = text_before.replace("pub tags :", "pub clone :");
    let mut file: syn::File = syn::parse_str(&changed).expect("still parses");
    let problems = apply(&mut file).unwrap_err().join("\n");
    assert!(
        problems.contains("`Attrs.clone`: a setter named `clone` would shadow"),
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

#[test]
fn a_from_setter_is_refused_only_beside_a_from_impl() {
    let file = sample();
    let renamed = quote!(#file)
        .to_string()
        .replace("pub tags :", "pub from :");
    // Without a `From` impl on Attrs, `from` is a fine setter name.
    let mut plain: syn::File = syn::parse_str(&renamed).expect("parses");
    apply(&mut plain).expect("rewrites");
    assert!(text(&plain).contains("pub fn from (mut self"));
    // With one, the setter would shadow `Attrs::from`.
    let with_impl = renamed.replace(
        "pub struct Reply",
        "impl From < u8 > for Attrs { fn from (_ : u8) -> Self { todo ! () } } pub struct Reply",
    );
    let mut file: syn::File = syn::parse_str(&with_impl).expect("parses");
    let problems = apply(&mut file).unwrap_err().join("\n");
    assert!(
        problems.contains("`Attrs.from`: a setter named `from` would shadow `Attrs::from`"),
        "{problems}"
    );
}

#[test]
fn structs_decode_through_the_lean_impl_unless_an_attribute_is_unknown() {
    let mut file: syn::File = syn::parse_quote! {
        pub mod types {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            #[serde(deny_unknown_fields)]
            pub struct Lean {
                #[serde(rename = "type", default)]
                pub type_: Option<String>,
                #[serde(default, deserialize_with = "::braze_sdk::timestamp::deserialize_option")]
                pub at: Option<Stamp>,
                pub name: String,
                pub note: ::std::option::Option<String>,
            }
            #[derive(::serde::Deserialize, Clone)]
            pub struct Flat {
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
            #[derive(::serde::Deserialize, Clone)]
            pub struct Aliased {
                #[serde(alias = "old")]
                pub name: String,
            }
            #[derive(::serde::Deserialize, Clone)]
            pub enum Kind { #[serde(rename = "a")] A, B }
            #[derive(::serde::Deserialize, Clone)]
            #[serde(untagged)]
            pub enum Either { A(String), B(u8) }
        }
    };
    assert_eq!(lean_deserialize::apply(&mut file), Ok(3));
    let out = text(&file);
    // The derive goes, the other derives and the serde attributes stay.
    assert!(out.contains("# [derive (:: serde :: Serialize , Clone)] # [serde (deny_unknown_fields)] pub struct Lean"), "{out}");
    assert!(
        out.contains(
            "const FIELDS : & 'static [& 'static str] = & [\"type\" , \"at\" , \"name\" , \"note\"]"
        ),
        "{out}"
    );
    assert!(out.contains("Unknown :: Deny"), "{out}");
    assert!(
        out.contains("type_ : field0 . unwrap_or_default ()"),
        "{out}"
    );
    assert!(out.contains("type Value = Option < Stamp >"), "{out}");
    assert!(
        out.contains(":: braze_sdk :: timestamp :: deserialize_option (deserializer)"),
        "{out}"
    );
    assert!(
        out.contains("name : l :: required (field2 , \"name\") ?"),
        "{out}"
    );
    // A missing Option is None without asking `required`.
    assert!(
        out.contains("note : field3 . unwrap_or_default ()"),
        "{out}"
    );
    // One `?` after the match of the keys, none per arm.
    assert!(out.contains("(match key { l :: Field :: Known (0usize) => l :: slot (& mut field0 , & mut map , \"type\") ,"), "{out}");
    assert!(out.contains("_ => l :: skip (& mut map) , }) ? ;"), "{out}");
    assert!(
        out.contains("l :: Field :: Other (key) => l :: keep (& mut extra , key , & mut map) ,"),
        "{out}"
    );
    assert!(out.contains("Unknown :: Keep"), "{out}");
    assert!(out.contains("use :: braze_sdk :: lean_de as l ;"), "{out}");
    // The visitor is lean_de's; a flattened map reads the struct as a map.
    assert!(
        out.contains("impl :: braze_sdk :: lean_de :: Struct for Lean { const NAME : & 'static str = \"Lean\" ;"),
        "{out}"
    );
    assert!(
        out.contains(":: braze_sdk :: lean_de :: deserialize_struct (deserializer)"),
        "{out}"
    );
    assert!(
        out.contains(":: braze_sdk :: lean_de :: deserialize_map (deserializer)"),
        "{out}"
    );
    // A unit enum: names, then index -> variant.
    assert!(
        out.contains("const VARIANTS : & [& str] = & [\"a\" , \"B\"]"),
        "{out}"
    );
    assert!(
        out.contains("0usize => Self :: A , _ => Self :: B"),
        "{out}"
    );
    // Unknown attributes and other enums keep serde_derive.
    assert!(
        out.contains("# [derive (:: serde :: Deserialize , Clone)] pub struct Aliased"),
        "{out}"
    );
    assert!(
        out.contains(
            "# [derive (:: serde :: Deserialize , Clone)] # [serde (untagged)] pub enum Either"
        ),
        "{out}"
    );
    assert_eq!(
        out.matches("impl < \'de > :: serde :: Deserialize < \'de > for")
            .count(),
        3,
        "{out}"
    );
}

#[test]
fn types_encode_through_the_lean_impl_unless_an_attribute_is_unknown() {
    let mut file: syn::File = syn::parse_quote! {
        pub mod types {
            #[derive(::serde::Serialize, Clone)]
            #[serde(deny_unknown_fields)]
            pub struct Lean {
                #[serde(rename = "type", default, skip_serializing_if = "::std::option::Option::is_none")]
                pub type_: Option<String>,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tags: Vec<String>,
                #[serde(default, skip_serializing_if = ":: std :: collections :: HashMap::is_empty")]
                pub counts: ::std::collections::HashMap<String, u8>,
                #[serde(default, deserialize_with = "::braze_sdk::timestamp::deserialize_option")]
                pub at: Option<Stamp>,
                pub name: String,
            }
            #[derive(::serde::Serialize, Clone)]
            pub struct Required { pub a: u8 }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            pub enum Kind { #[serde(rename = "a")] A, B }
            #[derive(::serde::Serialize, Clone)]
            #[serde(transparent)]
            pub struct Id(pub String);
            #[derive(::serde::Serialize, Clone)]
            pub struct Flat {
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
            #[derive(::serde::Serialize, Clone)]
            pub struct Shortened {
                #[serde(skip_serializing_if = "Option::is_none")]
                pub a: Option<u8>,
            }
            #[derive(::serde::Serialize, Clone)]
            #[serde(untagged)]
            pub enum Either { A(String), B(u8) }
        }
    };
    assert_eq!(lean_serialize::apply(&mut file), Ok(4));
    let out = text(&file);
    assert!(
        out.contains("# [derive (Clone)] # [serde (deny_unknown_fields)] pub struct Lean"),
        "{out}"
    );
    // Two fields always written, two that may be skipped.
    assert!(
        out.contains("l :: begin (serializer , \"Lean\" , 2usize + l :: count (& [self . type_ . is_some () , ! self . tags . is_empty () , ! self . counts . is_empty ()]))"),
        "{out}"
    );
    assert!(
        out.contains(". opt (\"type\" , & self . type_) . vec (\"tags\" , & self . tags) . hash_map (\"counts\" , & self . counts) . field (\"at\" , & self . at) . field (\"name\" , & self . name) . end ()"),
        "{out}"
    );
    assert!(
        out.contains(
            "l :: begin (serializer , \"Required\" , 1usize) . field (\"a\" , & self . a) . end ()"
        ),
        "{out}"
    );
    assert!(
        out.contains("Self :: A => (0u32 , \"a\") , Self :: B => (1u32 , \"B\") ,"),
        "{out}"
    );
    assert!(
        out.contains("serialize_unit_variant (serializer , \"Kind\" , index , name)"),
        "{out}"
    );
    assert!(
        out.contains(":: serde :: Serialize :: serialize (& self . 0 , serializer)"),
        "{out}"
    );
    // Unknown attributes and predicates keep serde_derive.
    for kept in [
        "pub struct Flat",
        "pub struct Shortened",
        "# [serde (untagged)] pub enum Either",
    ] {
        assert!(
            out.contains(&format!(
                "# [derive (:: serde :: Serialize , Clone)] {kept}"
            )),
            "{kept}: {out}"
        );
    }
    assert_eq!(
        out.matches("impl :: serde :: Serialize for").count(),
        4,
        "{out}"
    );

    // Then the types left with no serde derive lose their serde
    // attributes (Lean and Id; Required has none); Kind (still deriving
    // Deserialize) and the kept ones keep theirs.
    assert_eq!(lean_serialize::strip_serde_attrs(&mut file), 2);
    let out = text(&file);
    assert!(
        out.contains(
            "# [derive (Clone)] pub struct Lean { pub type_ : Option < String > , pub tags"
        ),
        "{out}"
    );
    assert!(
        out.contains("# [derive (Clone)] pub struct Id (pub String)"),
        "{out}"
    );
    assert!(out.contains("# [derive (:: serde :: Deserialize , Clone)] pub enum Kind { # [serde (rename = \"a\")] A"), "{out}");
    assert!(out.contains("# [serde (flatten)]"), "{out}");
    assert!(
        out.contains("# [serde (skip_serializing_if = \"Option::is_none\")]"),
        "{out}"
    );
}

#[test]
fn a_type_deriving_serialize_twice_is_refused() {
    let mut file: syn::File = syn::parse_quote! {
        pub mod types {
            #[derive(::serde::Serialize)]
            #[derive(::serde::Serialize)]
            pub struct Twice { pub a: u8 }
        }
    };
    let problem = lean_serialize::apply(&mut file).unwrap_err();
    assert!(
        problem.contains("`Twice`: 2 derives of Serialize"),
        "{problem}"
    );
}

#[test]
fn setters_carry_the_field_description_else_the_type_s() {
    let mut file = sample();
    apply(&mut file).expect("rewrites");
    let out = text(&file);
    // The field's own description.
    assert!(
        out.contains("# [doc = \" The caller's own identifier of the user.\"] pub fn external_id"),
        "{out}"
    );
    // No description: "Sets" and nothing invented.
    assert!(
        out.contains("# [doc = \" Sets `tags`.\"] pub fn tags"),
        "{out}"
    );
    // The Client's rustdoc shows usage, not the spec's description.
    assert!(out.contains("The Braze REST API client"), "{out}");
}
