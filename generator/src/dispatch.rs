//! The contract dispatcher: one generated function that calls any operation
//! of braze-sdk by its operationId, from JSON inputs.
//!
//! The Prism contract run (`cargo xtask publish-check --only contract`) calls
//! every operation of the exported spec through the SDK with the spec's own
//! request examples. Doing that generically needs per-operation code: which
//! builder method sets which parameter, what Rust type each takes, which type
//! the body deserialises into and what `send()` returns. This module reads
//! those facts off the generated client (its `builder::<Operation>` structs
//! and their setters) and the spec's parameter lists, and emits
//! [`FILE`] for the tests crate, where
//! `braze_tests::contract` supplies the helpers it calls.
//!
//! An operation it cannot call (a spec parameter with no builder setter, no
//! builder at all) is listed in the generated `UNCALLABLE` table with the
//! reason, never left out silently.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};
use serde_json::Value;
use syn::visit_mut::VisitMut;

/// Where the dispatcher goes, relative to the repository root.
pub const FILE: &str = "tests/src/generated/dispatch.rs";

/// One crate's copy of the dispatcher: where it goes, which module supplies
/// its helpers, and whether it also gets the list walks (`stream`) and the
/// bulk senders (`bulk`) the `braze` command line needs. Both copies come
/// from the same per-operation code ([`dispatcher_for`]), so a change in
/// how an operation is called reaches the tests and the CLI alike.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub file: &'static str,
    /// The module path of the helpers (`crate::contract`).
    pub helpers: &'static str,
    /// Also emit `stream` and `bulk` (the CLI).
    pub cli: bool,
}

/// The Prism contract run's dispatcher, in the tests crate.
pub const TESTS: Target = Target {
    file: FILE,
    helpers: "crate::contract",
    cli: false,
};

/// The `braze` command line's dispatcher, in the cli crate.
pub const CLI: Target = Target {
    file: "cli/src/generated/dispatch.rs",
    helpers: "crate::call",
    cli: true,
};

/// What `send()` of an operation returns on success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Returns {
    Json,
    Unit,
    Stream,
}

/// A builder's setters (method name -> the type its argument converts into)
/// and what its `send()` returns.
#[derive(Default)]
struct Builder {
    setters: BTreeMap<String, syn::Type>,
    /// The required inputs, arguments of the `Client` method (name, the
    /// type the argument converts into, whether it is the body), in order.
    args: Vec<(String, syn::Type, bool)>,
    /// The struct the `Client` method takes its parameters in, by name
    /// (`builder::CatalogItemGetRequired`), when it takes them so.
    named: Option<Ident>,
    returns: Option<Returns>,
}

/// `users_track` -> `UsersTrack`, as progenitor names builder structs.
fn camel(id: &str) -> String {
    id.split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Letters and digits only, lower-cased: how a spec parameter name and a
/// builder setter are matched (`X-Request-Origin` ~ `x_request_origin`).
fn normal(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `T` of a `where V: std::convert::TryInto<T>` bound.
fn try_into_target(generics: &syn::Generics) -> Option<syn::Type> {
    let wc = generics.where_clause.as_ref()?;
    for pred in &wc.predicates {
        let syn::WherePredicate::Type(pt) = pred else {
            continue;
        };
        // Only the bound on the type parameter itself (`V: TryInto<T>`).
        if !matches!(&pt.bounded_ty, syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1)
        {
            continue;
        }
        for bound in &pt.bounds {
            let syn::TypeParamBound::Trait(tb) = bound else {
                continue;
            };
            let last = tb.path.segments.last()?;
            if last.ident != "TryInto" {
                continue;
            }
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments
                && let Some(syn::GenericArgument::Type(t)) = args.args.first()
            {
                return Some(t.clone());
            }
        }
    }
    None
}

fn returns_of(sig: &syn::Signature) -> Option<Returns> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let text = ty.to_token_stream().to_string().replace(' ', "");
    let ok = text.strip_prefix("Result<ResponseValue<")?;
    Some(if ok.starts_with("()>") {
        Returns::Unit
    } else if ok.starts_with("ByteStream>") {
        Returns::Stream
    } else {
        Returns::Json
    })
}

/// The builder structs of the generated client, by struct name.
fn builders(client: &syn::File) -> BTreeMap<String, Builder> {
    let mut out: BTreeMap<String, Builder> = BTreeMap::new();
    for item in &client.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        for item in m.content.iter().flat_map(|(_, items)| items) {
            let syn::Item::Impl(imp) = item else { continue };
            let syn::Type::Path(tp) = &*imp.self_ty else {
                continue;
            };
            let Some(name) = tp.path.segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            let b = out.entry(name).or_default();
            for it in &imp.items {
                let syn::ImplItem::Fn(f) = it else { continue };
                let method = f.sig.ident.to_string();
                if method == "send" {
                    b.returns = returns_of(&f.sig);
                } else if let Some(t) = try_into_target(&f.sig.generics) {
                    b.setters.insert(method, t);
                }
            }
        }
    }
    // The structs of named parameters: name -> (field, its type parameter).
    let mut named: BTreeMap<String, Vec<(String, Ident)>> = BTreeMap::new();
    for item in &client.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        for item in m.content.iter().flat_map(|(_, items)| items) {
            let syn::Item::Struct(st) = item else {
                continue;
            };
            if !st.ident.to_string().ends_with("Required") {
                continue;
            }
            let fields = st
                .fields
                .iter()
                .filter_map(|f| {
                    let syn::Type::Path(p) = &f.ty else {
                        return None;
                    };
                    Some((f.ident.as_ref()?.to_string(), p.path.get_ident()?.clone()))
                })
                .collect();
            named.insert(st.ident.to_string(), fields);
        }
    }
    // The `Client` methods: `fn op<P0>(&self, param: P0, body: types::X)
    // -> builder::Op where P0: TryInto<T>`, or
    // `fn op<P0, P1>(&self, required: builder::OpRequired<P0, P1>, ..)`.
    for item in &client.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some()
            || !matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
        {
            continue;
        }
        for it in &imp.items {
            let syn::ImplItem::Fn(f) = it else { continue };
            let syn::ReturnType::Type(_, ret) = &f.sig.output else {
                continue;
            };
            let syn::Type::Path(rp) = &**ret else {
                continue;
            };
            let Some(name) = rp.path.segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            let Some(b) = out.get_mut(&name) else {
                continue;
            };
            for input in &f.sig.inputs {
                let syn::FnArg::Typed(pt) = input else {
                    continue;
                };
                let syn::Pat::Ident(pi) = &*pt.pat else {
                    continue;
                };
                let arg = pi.ident.to_string();
                if let syn::Type::Path(tp) = &*pt.ty
                    && let [m, st] = tp.path.segments.iter().collect::<Vec<_>>().as_slice()
                    && m.ident == "builder"
                    && let Some(fields) = named.get(&st.ident.to_string())
                {
                    b.named = Some(st.ident.clone());
                    for (field, g) in fields {
                        if let Some(t) = bound_target(&f.sig.generics, g) {
                            b.args.push((field.clone(), t, false));
                        }
                    }
                    continue;
                }
                let generic =
                    f.sig.generics.type_params().find(
                        |g| matches!(&*pt.ty, syn::Type::Path(p) if p.path.is_ident(&g.ident)),
                    );
                match generic {
                    Some(g) => {
                        let Some(t) = bound_target(&f.sig.generics, &g.ident) else {
                            continue;
                        };
                        b.args.push((arg, t, false));
                    }
                    None => b.args.push((arg, (*pt.ty).clone(), true)),
                }
            }
        }
    }
    out
}

/// `T` of a `where G: TryInto<T>` bound on the type parameter `g`.
fn bound_target(generics: &syn::Generics, g: &Ident) -> Option<syn::Type> {
    let wc = generics.where_clause.as_ref()?;
    wc.predicates.iter().find_map(|pred| {
        let syn::WherePredicate::Type(pt) = pred else {
            return None;
        };
        if !matches!(&pt.bounded_ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident(g))
        {
            return None;
        }
        pt.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(tb) = bound else {
                return None;
            };
            let last = tb.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            match &last.arguments {
                syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                },
                _ => None,
            }
        })
    })
}

/// Rewrites `::chrono::...` and `::serde_json::...` paths to the SDK's
/// re-exports, so the tests crate needs no extra dependency for them.
struct ReExports;

impl VisitMut for ReExports {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_some()
            && path
                .segments
                .first()
                .is_some_and(|s| s.ident == "chrono" || s.ident == "serde_json")
        {
            path.leading_colon = None;
            path.segments.insert(
                0,
                syn::PathSegment::from(Ident::new("braze_sdk", Span::call_site())),
            );
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

fn sdk_type(t: &syn::Type) -> syn::Type {
    let mut t = t.clone();
    ReExports.visit_type_mut(&mut t);
    t
}

/// One operation of the spec: its id and its parameter names.
struct SpecOperation {
    id: String,
    params: Vec<String>,
    has_body: bool,
    /// The spec pages it (`x-braze-pagination`): the builder has `stream()`.
    list: bool,
}

fn spec_operations(doc: &Value) -> Vec<SpecOperation> {
    let mut ops: Vec<SpecOperation> = crate::walk::operations(doc)
        .into_iter()
        .filter(|op| !op.id().is_empty())
        .map(|op| SpecOperation {
            id: op.id().to_string(),
            params: op
                .parameters(doc)
                .into_iter()
                .filter_map(|p| p.get("name").and_then(Value::as_str))
                .map(str::to_string)
                .collect(),
            has_body: op.operation.get("requestBody").is_some(),
            list: op.operation.get("x-braze-pagination").is_some(),
        })
        .collect();
    ops.sort_by(|a, b| a.id.cmp(&b.id));
    ops
}

/// The tests' dispatcher for the exported spec `doc` and the generated
/// client `client`.
pub fn dispatcher(doc: &Value, client: &syn::File) -> TokenStream {
    dispatcher_for(doc, client, &TESTS)
}

/// The dispatcher of `target` for the exported spec `doc` and the generated
/// client `client`.
pub fn dispatcher_for(doc: &Value, client: &syn::File, target: &Target) -> TokenStream {
    let builders = builders(client);
    let mut arms = Vec::new();
    let mut body_arms = Vec::new();
    let mut stream_arms = Vec::new();
    let mut bulk_arms = Vec::new();
    let mut callable = Vec::new();
    let mut uncallable: Vec<(String, String)> = Vec::new();
    for op in spec_operations(doc) {
        let Some(b) = builders.get(&camel(&op.id)) else {
            uncallable.push((op.id, "no builder in the generated client".into()));
            continue;
        };
        let Some(returns) = b.returns else {
            uncallable.push((op.id, "its builder has no send()".into()));
            continue;
        };
        let setters: BTreeMap<String, (&String, &syn::Type)> = b
            .setters
            .iter()
            .filter(|(m, _)| m.as_str() != "body")
            .map(|(m, t)| (normal(m.trim_start_matches("r#")), (m, t)))
            .collect();
        let id = &op.id;
        // The required inputs, as the method's arguments.
        let mut args = Vec::new();
        // The same, with a bulk piece (`piece`) as the body.
        let mut piece_args = Vec::new();
        let mut missing = Vec::new();
        let mut body_ty = None;
        for (name, ty, is_body) in &b.args {
            let ty = sdk_type(ty);
            if *is_body {
                args.push(quote!(required_body::<#ty>(#id, call)?));
                piece_args.push(quote!(piece));
                body_ty = Some(ty);
                continue;
            }
            let Some(p) = op
                .params
                .iter()
                .find(|p| normal(p) == normal(name.trim_start_matches("r#")))
            else {
                missing.push(name.clone());
                continue;
            };
            args.push(quote!(required_arg::<#ty>(#id, #p, call)?));
            piece_args.push(quote!(required_arg::<#ty>(#id, #p, call)?));
        }
        if let Some(n) = &b.named {
            // The parameters by name, in one struct, before the body.
            let group = |list: &mut Vec<TokenStream>| {
                let names = b
                    .args
                    .iter()
                    .filter(|(_, _, body)| !body)
                    .map(|(name, _, _)| {
                        syn::parse_str::<Ident>(name).unwrap_or_else(|_| {
                            Ident::new_raw(name.trim_start_matches("r#"), Span::call_site())
                        })
                    });
                let params: Vec<TokenStream> = b
                    .args
                    .iter()
                    .zip(list.iter())
                    .filter(|((_, _, body), _)| !body)
                    .map(|(_, v)| v.clone())
                    .collect();
                let rest: Vec<TokenStream> = b
                    .args
                    .iter()
                    .zip(list.iter())
                    .filter(|((_, _, body), _)| *body)
                    .map(|(_, v)| v.clone())
                    .collect();
                let names: Vec<Ident> = names.collect();
                *list = std::iter::once(quote!(braze_sdk::builder::#n { #(#names: #params),* }))
                    .chain(rest)
                    .collect();
            };
            if missing.is_empty() {
                group(&mut args);
                group(&mut piece_args);
            }
        }
        let mut sets = Vec::new();
        for p in &op.params {
            if b.args
                .iter()
                .any(|(n, _, body)| !body && normal(n.trim_start_matches("r#")) == normal(p))
            {
                continue;
            }
            match setters.get(&normal(p)) {
                Some((method, ty)) => {
                    let method = syn::parse_str::<syn::Ident>(method)
                        .unwrap_or_else(|_| Ident::new_raw(method, Span::call_site()));
                    let ty = sdk_type(ty);
                    sets.push(quote! {
                        if let Some(v) = call.param(#p) {
                            b = b.#method(arg::<#ty>(#p, v)?);
                        }
                    });
                }
                None => missing.push(p.clone()),
            }
        }
        if !missing.is_empty() {
            uncallable.push((
                op.id,
                format!(
                    "no builder argument or setter for parameter(s) {}",
                    missing.join(", ")
                ),
            ));
            continue;
        }
        if op.has_body {
            let Some(body_ty) = body_ty else {
                uncallable.push((
                    op.id,
                    "the spec has a body, the client method no body argument".into(),
                ));
                continue;
            };
            body_arms.push(quote! {
                #id => reencode::<#body_ty>(#id, json).map(Some),
            });
            if target.cli && crate::batches::BATCHED_OPERATIONS.contains(&id.as_str()) {
                let method = Ident::new(id, Span::call_site());
                bulk_arms.push(quote! {
                    #id => bulk_op::<#body_ty, _>(#id, move |piece: #body_ty| {
                        #[allow(unused_mut)]
                        let mut b = client.#method(#(#piece_args),*);
                        #(#sets)*
                        let sent: PieceFuture<'_> = Box::pin(async move { reply_piece(b.send().await) });
                        Ok(sent)
                    }),
                });
            }
        }
        let method = Ident::new(id, Span::call_site());
        if target.cli && op.list {
            stream_arms.push(quote! {
                #id => {
                    #[allow(unused_mut)]
                    let mut b = client.#method(#(#args),*);
                    #(#sets)*
                    Ok(items(b.stream()))
                }
            });
        }
        // Each operation's future is boxed: unboxed, the 132 arms' futures
        // and results each took a slot of the dispatcher's (unoptimised)
        // poll frame, close to a test thread's 2 MB stack.
        let reply = match returns {
            Returns::Json => quote! { reply_json(Box::pin(b.send()).await) },
            Returns::Unit => quote! { reply_unit(Box::pin(b.send()).await) },
            Returns::Stream => quote! { reply_stream(Box::pin(b.send()).await).await },
        };
        arms.push(quote! {
            #id => {
                #[allow(unused_mut)]
                let mut b = client.#method(#(#args),*);
                #(#sets)*
                #reply
            }
        });
        callable.push(op.id);
    }
    // Import only the reply helpers some arm uses (a spec with no streaming
    // operation needs no `reply_stream`).
    let code = quote!(#(#arms)*).to_string();
    let helpers: Vec<Ident> = ["reply_json", "reply_stream", "reply_unit"]
        .into_iter()
        .filter(|h| code.contains(h))
        .map(|h| Ident::new(h, Span::call_site()))
        .collect();
    let un_ids = uncallable.iter().map(|(i, _)| i);
    let un_why = uncallable.iter().map(|(_, w)| w);
    let helpers_path: syn::Path = match syn::parse_str(target.helpers) {
        Ok(p) => p,
        Err(e) => return syn::Error::new(Span::call_site(), e).to_compile_error(),
    };
    if target.cli {
        return quote! {
            //! Calls any braze-sdk operation by operationId from JSON inputs,
            //! for the `braze` command line (see `crate::call`): one call, a
            //! list walked page after page, or a bulk body sent piece by piece.
            //! Generated from the SDK's builders by `generator::dispatch`, like
            //! the tests' contract dispatcher.

            use braze_sdk::{Client, types};
            use braze_sdk::serde_json::Value;

            use #helpers_path::{
                arg, bulk_op, items, reencode, #(#helpers,)* reply_piece, required_arg,
                required_body, BulkOp, Call, CallError, JsonItems, PieceFuture, Reply,
            };

            /// Every operation [`call`] can call.
            pub const CALLABLE: &[&str] = &[#(#callable),*];

            /// Operations [`call`] cannot call, with the reason.
            pub const UNCALLABLE: &[(&str, &str)] = &[#((#un_ids, #un_why)),*];

            /// Calls `operation` through the SDK with the parameters and body of
            /// `call`; the reply holds the decoded response re-encoded as JSON.
            pub async fn call(client: &Client, operation: &str, call: &Call) -> Result<Reply, CallError> {
                match operation {
                    #(#arms)*
                    other => Err(CallError::UnknownOperation(other.to_string())),
                }
            }

            /// The JSON body the SDK sends for `json` as the body of `operation`.
            /// `None` for an operation without a body.
            pub fn encode_body(operation: &str, json: &Value) -> Result<Option<Value>, CallError> {
                match operation {
                    #(#body_arms)*
                    _ => Ok(None),
                }
            }

            /// Every item of list operation `operation`, page after page, as JSON.
            pub fn stream(client: &Client, operation: &str, call: &Call) -> Result<JsonItems<'static>, CallError> {
                match operation {
                    #(#stream_arms)*
                    other => Err(CallError::NotAList(other.to_string())),
                }
            }

            /// A sender of pieces of the batchable body of `operation`.
            pub fn bulk<'a>(client: &'a Client, operation: &str, call: &'a Call) -> Result<BulkOp<'a>, CallError> {
                match operation {
                    #(#bulk_arms)*
                    other => Err(CallError::NotBatchable(other.to_string())),
                }
            }
        };
    }
    quote! {
        //! Calls any braze-sdk operation by operationId from JSON inputs, for
        //! the Prism contract run (see `braze_tests::contract`). Generated
        //! from the SDK's builders by `generator::dispatch`.

        use braze_sdk::{Client, types};
        use braze_sdk::serde_json::Value;

        use #helpers_path::{arg, reencode, #(#helpers,)* required_arg, required_body, Call, CallError, Reply};

        /// Every operation [`call`] can call.
        pub const CALLABLE: &[&str] = &[#(#callable),*];

        /// Operations [`call`] cannot call, with the reason.
        pub const UNCALLABLE: &[(&str, &str)] = &[#((#un_ids, #un_why)),*];

        /// Calls `operation` through the SDK with the parameters and body of
        /// `call`; the reply holds the decoded response re-encoded as JSON.
        pub async fn call(client: &Client, operation: &str, call: &Call) -> Result<Reply, CallError> {
            match operation {
                #(#arms)*
                other => Err(CallError::UnknownOperation(other.to_string())),
            }
        }

        /// The JSON body the SDK sends for `json` as the body of `operation`:
        /// `json` deserialised into the typed body and serialised again, as
        /// the SDK's `send()` does. `None` for an operation without a body.
        pub fn encode_body(operation: &str, json: &Value) -> Result<Option<Value>, CallError> {
            match operation {
                #(#body_arms)*
                _ => Ok(None),
            }
        }
    }
}
