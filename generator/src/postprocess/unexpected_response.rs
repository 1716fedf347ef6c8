//! `Error::UnexpectedResponse(response)` -> `Error::from_unexpected(response).await`:
//! the runtime reads the body so that the error owns the status, headers and
//! body instead of an unread `reqwest::Response`.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprCall};

pub fn apply(file: &mut syn::File) -> usize {
    let mut v = Unexpected(0);
    v.visit_file_mut(file);
    v.0
}

struct Unexpected(usize);

impl VisitMut for Unexpected {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Call(call) = expr
            && is_unexpected_response(call)
        {
            let response = call.args.first().cloned();
            *expr = syn::parse_quote!(Error::from_unexpected(#response).await);
            self.0 += 1;
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

fn is_unexpected_response(call: &ExprCall) -> bool {
    let Expr::Path(p) = &*call.func else {
        return false;
    };
    super::segments(&p.path) == ["Error", "UnexpectedResponse"] && call.args.len() == 1
}
