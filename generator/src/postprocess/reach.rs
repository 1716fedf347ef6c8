//! Which types of `types` a request or a response can carry, read off the
//! generated client: the roots are the operation builders' fields (what a
//! request is made of) and what their `send()` returns (the success and
//! error bodies), and a type reaches every type named in its fields.

use std::collections::{BTreeMap, BTreeSet};

use syn::Item;
use syn::visit::Visit;

/// Every type named in a field of an operation builder (its parameters and
/// body), by last path segment.
pub fn request_roots(file: &syn::File) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for item in super::module_items(&file.items, "builder")
        .into_iter()
        .flatten()
    {
        if let Item::Struct(s) = item {
            for field in &s.fields {
                if field.ident.as_ref().is_some_and(|i| i != "client") {
                    Idents(&mut names).visit_type(&field.ty);
                }
            }
        }
    }
    names
}

/// Every type named in what an operation's `send()` returns (success and
/// error bodies), by last path segment.
pub fn response_roots(file: &syn::File) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for item in super::module_items(&file.items, "builder")
        .into_iter()
        .flatten()
    {
        let Item::Impl(imp) = item else { continue };
        for f in &imp.items {
            if let syn::ImplItem::Fn(f) = f
                && f.sig.ident == "send"
            {
                Idents(&mut names).visit_return_type(&f.sig.output);
            }
        }
    }
    names
}

/// For each struct, enum and type alias of `types`: the other types of
/// `types` its fields (or its alias) name.
pub fn type_references(types: &[Item]) -> BTreeMap<String, BTreeSet<String>> {
    let mut refs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in types {
        let mut named = BTreeSet::new();
        let name = match item {
            Item::Struct(s) => {
                s.fields
                    .iter()
                    .for_each(|f| Idents(&mut named).visit_type(&f.ty));
                s.ident.to_string()
            }
            Item::Enum(e) => {
                e.variants
                    .iter()
                    .flat_map(|v| v.fields.iter())
                    .for_each(|f| Idents(&mut named).visit_type(&f.ty));
                e.ident.to_string()
            }
            Item::Type(t) => {
                Idents(&mut named).visit_type(&t.ty);
                t.ident.to_string()
            }
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

/// The types reachable from `roots` through `refs` (roots included, when
/// they are types of `refs`).
pub fn closure(
    refs: &BTreeMap<String, BTreeSet<String>>,
    roots: BTreeSet<String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().filter(|r| refs.contains_key(r)).collect();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            todo.extend(refs[&name].iter().filter(|n| !seen.contains(*n)).cloned());
        }
    }
    seen
}

/// Collects the identifier of every path segment it visits (generic
/// arguments included).
struct Idents<'a>(&'a mut BTreeSet<String>);

impl<'ast> Visit<'ast> for Idents<'_> {
    fn visit_path_segment(&mut self, seg: &'ast syn::PathSegment) {
        self.0.insert(seg.ident.to_string());
        syn::visit::visit_path_segment(self, seg);
    }
}
