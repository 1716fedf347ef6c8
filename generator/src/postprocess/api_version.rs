//! Drops `header_map.append(HeaderName::from_static("api-version"), ..)`:
//! progenitor sends the spec's version as a header on every request; Braze
//! defines no such header.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprCall, ExprLit, ExprMethodCall, Lit, Stmt};

pub fn apply(file: &mut syn::File) -> usize {
    let mut v = ApiVersion(0);
    v.visit_file_mut(file);
    v.0
}

struct ApiVersion(usize);

impl VisitMut for ApiVersion {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !is_api_version_append(stmt));
        self.0 += before - block.stmts.len();
        visit_mut::visit_block_mut(self, block);
    }
}

/// `<map>.append(HeaderName::from_static("api-version"), <value>);`
fn is_api_version_append(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::MethodCall(ExprMethodCall { method, args, .. }), _) = stmt else {
        return false;
    };
    let Some(Expr::Call(ExprCall {
        func, args: name, ..
    })) = args.first()
    else {
        return false;
    };
    let Expr::Path(f) = &**func else { return false };
    method == "append"
        && super::segments(&f.path).ends_with(&["HeaderName".into(), "from_static".into()])
        && matches!(
            name.first(),
            Some(Expr::Lit(ExprLit { lit: Lit::Str(s), .. })) if s.value() == "api-version"
        )
}
