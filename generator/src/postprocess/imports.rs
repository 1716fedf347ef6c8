//! `use progenitor_client::{...}` -> `use crate::runtime::{...}`: the SDK's
//! runtime keeps the status and body of every failed response and drives
//! retries and rate limits; progenitor-client's does neither.

use syn::UseTree;
use syn::visit_mut::{self, VisitMut};

pub fn apply(file: &mut syn::File) -> usize {
    let mut v = Imports(0);
    v.visit_file_mut(file);
    v.0
}

struct Imports(usize);

impl VisitMut for Imports {
    fn visit_use_tree_mut(&mut self, tree: &mut UseTree) {
        if let UseTree::Path(p) = tree
            && p.ident == "progenitor_client"
        {
            let rest = (*p.tree).clone();
            *tree = syn::parse_quote!(crate::runtime::#rest);
            self.0 += 1;
            return;
        }
        visit_mut::visit_use_tree_mut(self, tree);
    }
}
