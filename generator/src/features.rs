//! One cargo feature per tag: a user who calls a few endpoint families
//! compiles only their operations and the types they use.
//!
//! Each operation belongs to its tag's feature (`User Data` -> `user-data`);
//! a type belongs to the features of every operation that reaches it
//! (through parameters, bodies, responses and errors, field by field). Every
//! feature is on by default (`full`), so the default build is the whole SDK.
//!
//! [`gate`] adds `#[cfg(..)]` to generated items by what they mention:
//!
//! * a type of `types` used by some features only gets
//!   `#[cfg(any(feature = "a", ..))]`; a type every feature uses, or that no
//!   operation reaches (kept for callers), is not gated;
//! * an item mentioning an operation builder (`builder::UsersTrack`, a
//!   `Client` method returning it, its `impl`s in other generated files) gets
//!   that operation's feature;
//! * any other item mentioning gated types gets `all(..)` of their sets;
//! * the methods of an inherent `impl` of an ungated type (`impl Client`)
//!   are gated one by one.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use syn::{Item, ItemImpl};

use crate::code_index::pascal_case;

/// Types the hand-written runtime names (`ApiError`, the default error body
/// of `stream::Items`, `batch::Report` and `prepared`, the non-fatal error
/// objects `batch` reads): compiled whatever the features, with everything
/// they name. Generation fails if one is missing from `types`.
pub const RUNTIME_TYPES: &[&str] = &["BrazeError"];

/// Which feature each builder belongs to and which features each type needs.
#[derive(Debug, Default)]
pub struct Plan {
    /// Builder struct name (`UsersTrack`) -> feature.
    pub builders: BTreeMap<String, String>,
    /// Type name -> features, for gated types only.
    pub types: BTreeMap<String, BTreeSet<String>>,
    /// Every feature, sorted.
    pub all: BTreeSet<String>,
}

/// The feature of a tag: lower case, words joined by `-`.
pub fn feature_of_tag(tag: &str) -> String {
    tag.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// Every feature of the spec: one per tag used by an operation.
pub fn features(document: &Value) -> Result<BTreeSet<String>, String> {
    crate::walk::operations(document)
        .iter()
        .map(|op| tag_feature(op.operation).map(|(_, f)| f))
        .collect()
}

fn tag_feature(operation: &Value) -> Result<(String, String), String> {
    let id = operation
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or("an operation has no operationId")?;
    let tag = operation
        .pointer("/tags/0")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{id}: no tag"))?;
    Ok((id.to_string(), feature_of_tag(tag)))
}

/// The plan for `client` (the rewritten client) and `document`.
pub fn plan(document: &Value, client: &syn::File) -> Result<Plan, String> {
    let mut plan = Plan::default();
    let builder_items = crate::postprocess::module(client, "builder")
        .ok_or("the client has no `builder` module")?;
    let types =
        crate::postprocess::module(client, "types").ok_or("the client has no `types` module")?;
    let refs = type_references(types);
    let mut reach: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for op in crate::walk::operations(document) {
        let (id, feature) = tag_feature(op.operation)?;
        let builder = pascal_case(&id);
        let mut roots = BTreeSet::new();
        let mut found = false;
        for item in builder_items {
            match item {
                Item::Struct(s) if s.ident == builder => idents(s, &mut roots),
                Item::Impl(i)
                    if crate::code_index::type_name(&i.self_ty).as_deref() == Some(&builder) =>
                {
                    idents(i, &mut roots)
                }
                _ => continue,
            };
            found = true;
        }
        if !found {
            return Err(format!(
                "{id}: no builder `{builder}` in the generated client"
            ));
        }
        for name in closure(&refs, roots) {
            reach.entry(name).or_default().insert(feature.clone());
        }
        plan.all.insert(feature.clone());
        plan.builders.insert(builder, feature);
    }
    // A type no operation reaches is kept for callers, and the runtime's
    // types are always needed: they and everything they name are compiled
    // whatever the features.
    let mut always: BTreeSet<String> = refs
        .keys()
        .filter(|t| !reach.contains_key(*t))
        .cloned()
        .collect();
    for name in RUNTIME_TYPES {
        if !refs.contains_key(*name) {
            return Err(format!(
                "`types::{name}`, which the SDK's runtime names, is not generated"
            ));
        }
        always.insert((*name).to_string());
    }
    for name in closure(&refs, always) {
        reach.insert(name, plan.all.clone());
    }
    plan.types = reach.into_iter().filter(|(_, s)| *s != plan.all).collect();
    Ok(plan)
}

/// For each type of `types`, the types of `types` its definition names.
fn type_references(types: &[Item]) -> BTreeMap<String, BTreeSet<String>> {
    let mut refs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in types {
        let mut named = BTreeSet::new();
        let name = match item {
            Item::Struct(s) => (s.ident.to_string(), idents(s, &mut named)).0,
            Item::Enum(e) => (e.ident.to_string(), idents(e, &mut named)).0,
            Item::Type(t) => (t.ident.to_string(), idents(t, &mut named)).0,
            _ => continue,
        };
        refs.insert(name, named);
    }
    let known: BTreeSet<String> = refs.keys().cloned().collect();
    for named in refs.values_mut() {
        named.retain(|n| known.contains(n));
    }
    refs
}

/// The types reachable from `roots` through `refs`.
fn closure(refs: &BTreeMap<String, BTreeSet<String>>, roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().filter(|r| refs.contains_key(r)).collect();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            todo.extend(refs[&name].iter().filter(|n| !seen.contains(*n)).cloned());
        }
    }
    seen
}

/// A syntax node whose identifiers [`idents`] collects.
trait Node {
    fn visit(&self, v: &mut Idents<'_>);
}

macro_rules! node {
    ($($ty:ty => $method:ident),* $(,)?) => {
        $(impl Node for $ty {
            fn visit(&self, v: &mut Idents<'_>) {
                syn::visit::Visit::$method(v, self)
            }
        })*
    };
}

node!(
    syn::Item => visit_item,
    syn::ItemStruct => visit_item_struct,
    syn::ItemEnum => visit_item_enum,
    syn::ItemType => visit_item_type,
    syn::ItemImpl => visit_item_impl,
    syn::ImplItem => visit_impl_item,
);

/// Every identifier in `node`, as its tokens would list them (also those
/// inside attribute arguments and macro calls, which syn keeps as tokens).
/// Walks the syntax tree instead of printing it to tokens first: that
/// printing and one allocation per identifier were most of the cost of
/// feature gating.
fn idents(node: &impl Node, out: &mut BTreeSet<String>) {
    node.visit(&mut Idents {
        buf: String::new(),
        out,
    });
}

struct Idents<'a> {
    buf: String,
    out: &'a mut BTreeSet<String>,
}

impl Idents<'_> {
    fn add(&mut self, i: &proc_macro2::Ident) {
        use std::fmt::Write;
        self.buf.clear();
        let _ = write!(self.buf, "{i}");
        if !self.out.contains(self.buf.as_str()) {
            self.out.insert(self.buf.clone());
        }
    }
    fn tokens(&mut self, tokens: &TokenStream) {
        for tt in tokens.clone() {
            match tt {
                proc_macro2::TokenTree::Ident(i) => self.add(&i),
                proc_macro2::TokenTree::Group(g) => self.tokens(&g.stream()),
                _ => {}
            }
        }
    }
}

impl<'ast> syn::visit::Visit<'ast> for Idents<'_> {
    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        self.add(i);
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        syn::visit::visit_macro(self, m);
        self.tokens(&m.tokens);
    }
    fn visit_meta_list(&mut self, m: &'ast syn::MetaList) {
        syn::visit::visit_meta_list(self, m);
        self.tokens(&m.tokens);
    }
    fn visit_item(&mut self, i: &'ast Item) {
        match i {
            Item::Verbatim(t) => self.tokens(t),
            _ => syn::visit::visit_item(self, i),
        }
    }
    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        match e {
            syn::Expr::Verbatim(t) => self.tokens(t),
            _ => syn::visit::visit_expr(self, e),
        }
    }
    fn visit_type(&mut self, t: &'ast syn::Type) {
        match t {
            syn::Type::Verbatim(v) => self.tokens(v),
            _ => syn::visit::visit_type(self, t),
        }
    }
}

/// Adds the `#[cfg]`s of `plan` to the items of `file`, recursively through
/// inline modules. Returns how many items it gated.
pub fn gate(file: &mut syn::File, plan: &Plan) -> usize {
    gate_items(&mut file.items, plan)
}

fn gate_items(items: &mut [Item], plan: &Plan) -> usize {
    let mut n = 0;
    for item in items {
        n += match item {
            Item::Mod(m) => match &mut m.content {
                Some((_, inner)) => gate_items(inner, plan),
                None => 0,
            },
            Item::Impl(imp) => gate_impl(imp, plan),
            Item::Macro(_) => 0,
            other => {
                let own = own_name(other);
                // `XRequired` (the named required fields of `X`, see
                // `postprocess::setters`) goes with `X`.
                let planned = own.as_deref().and_then(|n| {
                    plan.types.get(n).or_else(|| {
                        n.strip_suffix("Required")
                            .and_then(|base| plan.types.get(base))
                    })
                });
                // `OpRequired` (the named parameters of operation `Op`'s
                // `Client` method, see `postprocess::required_args`) goes
                // with the operation.
                let operation = own
                    .as_deref()
                    .and_then(|n| n.strip_suffix("Required"))
                    .and_then(|base| plan.builders.get(base));
                let cfg = match (planned, operation) {
                    (Some(set), _) => Some(any(set)),
                    (None, Some(feature)) => Some(quote!(feature = #feature)),
                    (None, None) => cfg_for(other, plan, own.as_deref()),
                };
                push_cfg(attrs_of(other), cfg)
            }
        };
    }
    n
}

fn gate_impl(imp: &mut ItemImpl, plan: &Plan) -> usize {
    let self_name = crate::code_index::type_name(&imp.self_ty);
    if let Some(set) = self_name.as_deref().and_then(|n| plan.types.get(n)) {
        return push_cfg(Some(&mut imp.attrs), Some(any(set)));
    }
    let self_is_builder = self_name
        .as_deref()
        .is_some_and(|n| plan.builders.contains_key(n));
    if imp.trait_.is_some() || self_is_builder {
        let cfg = cfg_for(&*imp, plan, None);
        return push_cfg(Some(&mut imp.attrs), cfg);
    }
    // An inherent impl of an ungated type (`impl Client`): gate each item.
    let mut n = 0;
    for inner in &mut imp.items {
        let cfg = cfg_for(inner, plan, None);
        n += match inner {
            syn::ImplItem::Fn(f) => push_cfg(Some(&mut f.attrs), cfg),
            syn::ImplItem::Const(c) => push_cfg(Some(&mut c.attrs), cfg),
            syn::ImplItem::Type(t) => push_cfg(Some(&mut t.attrs), cfg),
            _ => 0,
        };
    }
    n
}

/// The condition for an item that mentions `node`'s identifiers: its builder's feature
/// if it mentions an operation builder, else every gated type's set.
fn cfg_for(node: &impl Node, plan: &Plan, own: Option<&str>) -> Option<TokenStream> {
    let mut named = BTreeSet::new();
    idents(node, &mut named);
    let builders: BTreeSet<&String> = named.iter().filter_map(|n| plan.builders.get(n)).collect();
    if !builders.is_empty() {
        let parts = builders.iter().map(|f| quote!(feature = #f));
        return Some(if builders.len() == 1 {
            quote!(#(#parts)*)
        } else {
            quote!(all(#(#parts),*))
        });
    }
    let all: BTreeSet<&BTreeSet<String>> = named
        .iter()
        .filter(|n| Some(n.as_str()) != own)
        .filter_map(|n| plan.types.get(n))
        .collect();
    // A set that contains another is implied by it (any feature of the
    // smaller one is in the larger one): only the minimal sets are needed.
    let sets: BTreeSet<&BTreeSet<String>> = all
        .iter()
        .filter(|s| !all.iter().any(|t| t != *s && t.is_subset(s)))
        .copied()
        .collect();
    match sets.len() {
        0 => None,
        1 => sets.into_iter().next().map(any),
        _ => {
            let parts = sets.into_iter().map(any);
            Some(quote!(all(#(#parts),*)))
        }
    }
}

fn any(set: &BTreeSet<String>) -> TokenStream {
    let parts = set.iter().map(|f| quote!(feature = #f));
    if set.len() == 1 {
        quote!(#(#parts)*)
    } else {
        quote!(any(#(#parts),*))
    }
}

fn push_cfg(attrs: Option<&mut Vec<syn::Attribute>>, cfg: Option<TokenStream>) -> usize {
    match (attrs, cfg) {
        (Some(attrs), Some(cfg)) => {
            attrs.insert(0, syn::parse_quote!(#[cfg(#cfg)]));
            1
        }
        _ => 0,
    }
}

fn own_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

fn attrs_of(item: &mut Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        Item::Struct(i) => Some(&mut i.attrs),
        Item::Enum(i) => Some(&mut i.attrs),
        Item::Type(i) => Some(&mut i.attrs),
        Item::Fn(i) => Some(&mut i.attrs),
        Item::Const(i) => Some(&mut i.attrs),
        Item::Static(i) => Some(&mut i.attrs),
        Item::Trait(i) => Some(&mut i.attrs),
        Item::Use(i) => Some(&mut i.attrs),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_becomes_a_lower_case_feature() {
        assert_eq!(feature_of_tag("User Data"), "user-data");
        assert_eq!(feature_of_tag("SDK Authentication"), "sdk-authentication");
        assert_eq!(feature_of_tag("KPIs"), "kpis");
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn items_are_gated_by_what_they_mention() {
        let plan = Plan {
            builders: [("Track".to_string(), "user-data".to_string())].into(),
            types: [
                ("Attrs".to_string(), set(&["user-data"])),
                ("Shared".to_string(), set(&["catalogs", "user-data"])),
            ]
            .into(),
            all: set(&["catalogs", "scim", "user-data"]),
        };
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Attrs { pub s: Shared }
                pub struct Shared { pub n: u8 }
                pub struct Error { pub m: String }
                impl From<Attrs> for String { fn from(_: Attrs) -> String { todo!() } }
                impl Attrs { pub fn s(self) -> Self { self } }
            }
            impl Client {
                pub fn track(&self) -> builder::Track<'_> { todo!() }
                pub fn baseurl(&self) -> &str { todo!() }
            }
            pub mod builder {
                pub struct Track<'a> { body: Result<types::Attrs, String> }
            }
            pub fn uses_both(a: &types::Attrs, s: &types::Shared) {}
        };
        let n = gate(&mut file, &plan);
        let out = quote!(#file).to_string();
        assert!(
            out.contains("# [cfg (feature = \"user-data\")] pub struct Attrs"),
            "{out}"
        );
        assert!(
            out.contains(
                "# [cfg (any (feature = \"catalogs\" , feature = \"user-data\"))] pub struct Shared"
            ),
            "{out}"
        );
        assert!(out.contains("pub mod types { # [cfg"), "{out}");
        // Error is in no plan set (every feature uses it): no attribute.
        assert!(out.contains("pub n : u8 } pub struct Error"), "{out}");
        // A trait impl and an inherent impl of a gated type follow the type.
        assert!(
            out.contains("# [cfg (feature = \"user-data\")] impl From < Attrs > for String"),
            "{out}"
        );
        assert!(
            out.contains("# [cfg (feature = \"user-data\")] impl Attrs"),
            "{out}"
        );
        // impl Client: the operation's method only.
        assert!(
            out.contains("# [cfg (feature = \"user-data\")] pub fn track"),
            "{out}"
        );
        assert!(out.contains("} pub fn baseurl"), "{out}");
        assert!(
            out.contains("# [cfg (feature = \"user-data\")] pub struct Track"),
            "{out}"
        );
        // Shared ⊇ Attrs's set, so `user-data` alone implies both.
        assert!(
            out.contains("# [cfg (feature = \"user-data\")] pub fn uses_both"),
            "{out}"
        );
        assert_eq!(n, 7, "{out}");
    }
}
