//! Builders of types with a flattened map of extra keys (custom attributes,
//! catalog fields) start with an empty map instead of demanding one.
//!
//! typify treats the `#[serde(flatten)]` map like a required field, so its
//! builder's `Default` starts it as `Err("no value supplied ...")` and
//! `try_into()` fails unless the caller sets it. The rewrite finds the
//! flattened fields by their attribute in `types`, then exactly those fields
//! in the builders' `Default` impls: a declared property that happens to be
//! called `extra` is untouched and stays required.

use std::collections::BTreeSet;

use syn::{Expr, ExprCall};

/// `#[serde(flatten)]` (or `flatten` among other serde options): a bare
/// `flatten` identifier at the top level of a `serde(...)` list.
fn is_serde_flatten(attr: &syn::Attribute) -> bool {
    let syn::Meta::List(list) = &attr.meta else {
        return false;
    };
    list.path.is_ident("serde")
        && list
            .tokens
            .clone()
            .into_iter()
            .any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "flatten"))
}

pub fn apply(file: &mut syn::File) -> Result<usize, String> {
    let Some(types) = super::module_items_mut(&mut file.items, "types") else {
        return Err("no `types` module".into());
    };
    let mut flattened: BTreeSet<(String, String)> = BTreeSet::new();
    for item in types.iter() {
        let syn::Item::Struct(s) = item else { continue };
        for field in &s.fields {
            let is_flatten = field.attrs.iter().any(is_serde_flatten);
            if let (true, Some(ident)) = (is_flatten, &field.ident) {
                flattened.insert((s.ident.to_string(), ident.to_string()));
            }
        }
    }
    let Some(builders) = super::module_items_mut(types, "builder") else {
        return Err("no `types::builder` module".into());
    };
    let mut changed = BTreeSet::new();
    let mut problems = Vec::new();
    for item in builders.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some((trait_path, _)) = &imp.trait_ else {
            continue;
        };
        if trait_path
            .segments
            .last()
            .is_none_or(|s| s.ident != "Default")
        {
            continue;
        }
        let syn::Type::Path(ty) = &*imp.self_ty else {
            continue;
        };
        let Some(name) = ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        for i in &mut imp.items {
            let syn::ImplItem::Fn(f) = i else { continue };
            for stmt in &mut f.block.stmts {
                let syn::Stmt::Expr(Expr::Struct(init), _) = stmt else {
                    continue;
                };
                for fv in &mut init.fields {
                    let syn::Member::Named(field) = &fv.member else {
                        continue;
                    };
                    let key = (name.clone(), field.to_string());
                    if !flattened.contains(&key) {
                        continue;
                    }
                    match &fv.expr {
                        Expr::Call(ExprCall { func, .. })
                            if matches!(&**func, Expr::Path(p) if p.path.is_ident("Err")) =>
                        {
                            fv.expr = syn::parse_quote!(Ok(Default::default()));
                            changed.insert(key);
                        }
                        _ => problems.push(format!(
                            "the builder default of `{name}.{field}` is no longer `Err(..)`: typify may handle flattened maps now; remove the rewrite"
                        )),
                    }
                }
            }
        }
    }
    for (name, field) in flattened.difference(&changed) {
        problems.push(format!(
            "no builder default found for the flattened map `{name}.{field}`"
        ));
    }
    if problems.is_empty() {
        Ok(changed.len())
    } else {
        Err(problems.join("; "))
    }
}
