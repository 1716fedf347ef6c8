//! Three per-request parts of progenitor's `send()` that the SDK does not
//! want, changed at generation time:
//!
//! * the `api-version` header: progenitor sends the spec's `info.version`
//!   as `api-version` on every request; Braze defines no such header. The
//!   `header_map.append(api-version, ..)` statement is dropped, and when the
//!   map then holds nothing else, so are `let mut header_map = ..` and
//!   `.headers(header_map)`. (The runtime used to remove the header from
//!   every request: about 1,600 instructions a call.)
//! * the URL: `format!("{}/catalogs/{}", client.baseurl, encode_path(..))`
//!   becomes `[client.baseurl.as_str(), "/catalogs/", &encode_path(..)].concat()`:
//!   one allocation of the right size, no formatting machinery.
//! * the body: `.json(&body)` becomes
//!   `.header(CONTENT_TYPE, "application/json").body(crate::runtime::json_body(&body)?)`:
//!   reqwest's `json` turns an encoding failure into an opaque "builder
//!   error"; `json_body` reports a value a setter kept as rejected
//!   (`braze_sdk::Checked`) as `Error::RejectedValue` with the field's path.
//!
//! Each `send()` must have exactly one `api-version` append, one
//! `let url = format!(..)` with only `{}` placeholders and at most one
//! `.json(&body)`; anything else fails generation, naming the operation.

use syn::{Expr, Stmt};

use super::compact;

pub fn apply(file: &mut syn::File) -> Result<usize, String> {
    super::each_send(file, |stmts| {
        drop_api_version(stmts)?;
        concat_url(stmts)?;
        encode_body(stmts)
    })
}

/// Replaces `.json(&body)` in the request-building chain by an explicit
/// content type and `crate::runtime::json_body(&body)?`.
fn encode_body(stmts: &mut [Stmt]) -> Result<(), String> {
    fn rewrite(e: &mut Expr) -> usize {
        match e {
            Expr::MethodCall(call) => {
                let inner = rewrite(&mut call.receiver);
                if call.method == "json" && compact(&call.args) == "&body" {
                    let receiver = &call.receiver;
                    *e = syn::parse_quote! {
                        #receiver
                            .header(
                                ::reqwest::header::CONTENT_TYPE,
                                ::reqwest::header::HeaderValue::from_static("application/json"),
                            )
                            .body(crate::runtime::json_body(&body)?)
                    };
                    inner + 1
                } else {
                    inner
                }
            }
            Expr::Try(t) => rewrite(&mut t.expr),
            _ => 0,
        }
    }
    let mut found = 0;
    for s in stmts.iter_mut() {
        if let Stmt::Local(local) = s
            && let Some(init) = &mut local.init
        {
            found += rewrite(&mut init.expr);
        }
    }
    if found > 1 {
        return Err(format!(
            "found {found} `.json(&body)` calls, expected at most 1"
        ));
    }
    Ok(())
}

fn drop_api_version(stmts: &mut Vec<Stmt>) -> Result<(), String> {
    // Statements are told apart by their shape first and printed only when
    // they are `header_map.append(..)` calls: printing every statement (the
    // request-building one is long) was most of this rewrite's time.
    let is_append = |s: &Stmt| {
        matches!(s, Stmt::Expr(Expr::MethodCall(c), _)
            if c.method == "append" && compact(&c.receiver) == "header_map")
    };
    let api = stmts
        .iter()
        .position(|s| is_append(s) && compact(s).contains("from_static(\"api-version\")"))
        .ok_or("no `header_map.append(\"api-version\", ..)`")?;
    stmts.remove(api);
    // Another append anywhere, also nested (an optional header parameter's
    // `if let Some(..) { header_map.append(..) }`), keeps the map.
    if stmts.iter().any(appends_to_header_map) {
        return Ok(());
    }
    // Nothing else goes into the map: drop it and its use.
    let decl = stmts
        .iter()
        .position(|s| {
            matches!(s, Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(p)
                if p.ident == "header_map" && p.mutability.is_some()))
        })
        .ok_or("no `let mut header_map = ..`")?;
    stmts.remove(decl);
    let mut removed = 0;
    for s in stmts.iter_mut() {
        if let Stmt::Local(local) = s
            && let Some(init) = &mut local.init
        {
            removed += drop_headers_call(&mut init.expr);
        }
    }
    if removed != 1 {
        return Err(format!(
            "found {removed} `.headers(header_map)` calls, expected 1"
        ));
    }
    Ok(())
}

/// Whether `s` calls `header_map.append(..)` anywhere inside it.
fn appends_to_header_map(s: &Stmt) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
            if c.method == "append"
                && matches!(&*c.receiver, Expr::Path(p) if p.path.is_ident("header_map"))
            {
                self.0 = true;
            }
            syn::visit::visit_expr_method_call(self, c);
        }
    }
    let mut find = Find(false);
    syn::visit::Visit::visit_stmt(&mut find, s);
    find.0
}

/// Removes `.headers(header_map)` from a method-call chain; returns how many.
fn drop_headers_call(e: &mut Expr) -> usize {
    match e {
        Expr::MethodCall(call) => {
            if call.method == "headers" && compact(&call.args) == "header_map" {
                *e = (*call.receiver).clone();
                1 + drop_headers_call(e)
            } else {
                drop_headers_call(&mut call.receiver)
            }
        }
        Expr::Try(t) => drop_headers_call(&mut t.expr),
        _ => 0,
    }
}

fn concat_url(stmts: &mut [Stmt]) -> Result<(), String> {
    let local = stmts
        .iter_mut()
        .find_map(|s| match s {
            Stmt::Local(l) if compact(&l.pat) == "url" => Some(l),
            _ => None,
        })
        .ok_or("no `let url = ..`")?;
    let init = local.init.as_mut().ok_or("`let url` has no value")?;
    let Expr::Macro(m) = &*init.expr else {
        return Err("`let url` is not a `format!`".into());
    };
    if !m.mac.path.is_ident("format") {
        return Err("`let url` is not a `format!`".into());
    }
    let args: Vec<Expr> = m
        .mac
        .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        .map_err(|e| format!("the URL's format! does not parse: {e}"))?
        .into_iter()
        .collect();
    let (template, values) = args.split_first().ok_or("an empty format!")?;
    let Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(template),
        ..
    }) = template
    else {
        return Err("the URL's format string is not a literal".into());
    };
    let template = template.value();
    let pieces: Vec<&str> = template.split("{}").collect();
    if pieces.iter().any(|p| p.contains('{') || p.contains('}')) || pieces.len() != values.len() + 1
    {
        return Err(format!(
            "URL template `{template}` is not plain `{{}}`s matching its arguments"
        ));
    }
    if compact(&values[0]) != "client.baseurl" || !pieces[0].is_empty() {
        return Err(format!(
            "URL template `{template}` does not start with the base URL"
        ));
    }
    let mut parts: Vec<Expr> = vec![syn::parse_quote!(client.baseurl.as_str())];
    for (i, piece) in pieces.iter().enumerate().skip(1) {
        if !piece.is_empty() {
            parts.push(syn::parse_quote!(#piece));
        }
        if let Some(v) = values.get(i) {
            parts.push(syn::parse_quote!(&*(#v)));
        }
    }
    *init.expr = syn::parse_quote!([#(#parts),*].concat());
    Ok(())
}
