//! `use progenitor_client::{...}` -> `use crate::runtime::{...}`: the SDK's
//! runtime keeps the status and body of every failed response and drives
//! retries and rate limits; progenitor-client's does neither.
//!
//! The names the SDK's runtime does not offer are dropped from the imports
//! (see `sdk/src/runtime/mod.rs`, "The contract"): progenitor's
//! `ClientHooks` (the SDK runs its own hooks, `braze_sdk::hook`, inside the
//! call loop; the generated `send()` calls `runtime::finish` instead of the
//! hooks: see `send_tail`), `RequestBuilderExt` (form bodies: the spec has
//! none) and `ByteStream` (no operation returns a byte stream). So is the
//! `assert_client_hooks` check progenitor emits for `HooksMode::Expected`.
//! Should a spec change make the generated code use one of them, it stops
//! compiling, naming it.

use syn::UseTree;
use syn::visit_mut::{self, VisitMut};

/// progenitor's runtime names the SDK's runtime does not provide.
const DROPPED: [&str; 3] = ["ClientHooks", "RequestBuilderExt", "ByteStream"];

pub fn apply(file: &mut syn::File) -> usize {
    let mut v = Imports(0);
    v.visit_file_mut(file);
    file.items.retain(|item| !is_hooks_check(item));
    v.0
}

struct Imports(usize);

impl VisitMut for Imports {
    fn visit_use_tree_mut(&mut self, tree: &mut UseTree) {
        if let UseTree::Path(p) = tree
            && p.ident == "progenitor_client"
        {
            let mut rest = (*p.tree).clone();
            drop_names(&mut rest);
            *tree = syn::parse_quote!(crate::runtime::#rest);
            self.0 += 1;
            return;
        }
        // The builder module's `use super::{encode_path, ClientHooks, ..}`.
        if let UseTree::Path(p) = tree
            && p.ident == "super"
        {
            drop_names(&mut p.tree);
            return;
        }
        visit_mut::visit_use_tree_mut(self, tree);
    }
}

/// Removes [`DROPPED`] from an import group.
fn drop_names(tree: &mut UseTree) {
    if let UseTree::Group(group) = tree {
        group.items = group
            .items
            .iter()
            .filter(|t| !matches!(t, UseTree::Name(n) if DROPPED.iter().any(|d| n.ident == *d)))
            .cloned()
            .collect();
    }
}

/// `const _: () = { fn assert_client_hooks() where Client: ClientHooks<..> {} };`
fn is_hooks_check(item: &syn::Item) -> bool {
    let syn::Item::Const(c) = item else {
        return false;
    };
    let syn::Expr::Block(block) = &*c.expr else {
        return false;
    };
    block.block.stmts.iter().any(|stmt| {
        matches!(stmt, syn::Stmt::Item(syn::Item::Fn(f)) if f.sig.ident == "assert_client_hooks")
    })
}
