//! The end of every `send()` (hooks, execution, status dispatch) becomes one
//! call of a generic runtime function.
//!
//! progenitor writes the same tail in each of the 132 operations: `pre`,
//! `exec`, `post`, then a `match` on the status whose arms decode the
//! success type, decode the error type for each documented error status,
//! and turn anything else into `Error::UnexpectedResponse`. Type-checking
//! and borrow-checking 132 copies of that async code was a third of the
//! SDK's compile time. The rewrite reads the arms and replaces the tail by
//!
//! ```text
//! crate::runtime::finish(client, request, info, &[(400u16, 400u16), .., (500u16, 599u16)]).await
//! ```
//!
//! (`finish_empty` for a bodiless success), which the compiler checks once.
//! The status table keeps exactly the documented error statuses: those
//! decode as `Error::ErrorResponse`, others as `Error::UnexpectedResponse`
//! with the body read. Any statement or arm of another shape fails
//! generation, naming the operation.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, Pat, Stmt};

use super::compact;

pub fn apply(file: &mut syn::File) -> Result<usize, String> {
    super::each_send(file, rewrite)
}

fn rewrite(stmts: &mut Vec<Stmt>) -> Result<(), String> {
    // The tail is the last five statements: `pre`, the three below and the
    // `match` (only those are printed to be compared).
    let pre = stmts
        .len()
        .checked_sub(5)
        .filter(|&i| compact(&stmts[i]) == "client.pre(&mutrequest,&info).await?;")
        .ok_or("no `client.pre(&mut request, &info).await?;` fifth from the end")?;
    let tail = &stmts[pre + 1..];
    let expected = [
        "letresult=client.exec(request,&info).await;",
        "client.post(&result,&info).await?;",
        "letresponse=result?;",
    ];
    if tail.len() != expected.len() + 1
        || tail
            .iter()
            .zip(expected)
            .any(|(s, want)| compact(s) != want)
    {
        return Err(
            "the statements after `pre` are not exec, post, `let response = result?`, match".into(),
        );
    }
    let Stmt::Expr(Expr::Match(m), None) = &tail[expected.len()] else {
        return Err("the last statement is not a `match`".into());
    };
    if compact(&m.expr) != "response.status().as_u16()" {
        return Err("the match is not on `response.status().as_u16()`".into());
    }
    let mut success: Option<&str> = None;
    let mut errors: Vec<TokenStream> = Vec::new();
    let mut fallback = false;
    for arm in &m.arms {
        let body = compact(unblock(&arm.body));
        match (&arm.pat, body.as_str()) {
            (Pat::Range(r), "ResponseValue::from_response(response).await")
                if compact(r) == "200..=299" =>
            {
                success = Some("finish");
            }
            (Pat::Range(r), "Ok(ResponseValue::empty(response))") if compact(r) == "200..=299" => {
                success = Some("finish_empty");
            }
            (Pat::Wild(_), "Err(Error::UnexpectedResponse(response))") => fallback = true,
            (pat, "Err(Error::ErrorResponse(ResponseValue::from_response(response).await?,))")
            | (pat, "Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))") => {
                errors.push(status_range(pat)?);
            }
            (pat, body) => {
                return Err(format!("unexpected arm `{} => {body}`", compact(pat)));
            }
        }
    }
    let finish = success.ok_or("no `200..=299` success arm")?;
    if !fallback {
        return Err("no `_ => Err(Error::UnexpectedResponse(response))` arm".into());
    }
    let finish = quote::format_ident!("{finish}");
    stmts.truncate(pre);
    stmts.push(Stmt::Expr(
        syn::parse_quote!(crate::runtime::#finish(client, request, info, &[#(#errors),*]).await),
        None,
    ));
    Ok(())
}

/// `e` without braces around it: `{ x }` -> `x`.
fn unblock(e: &Expr) -> &Expr {
    match e {
        Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
            Stmt::Expr(inner, None) => unblock(inner),
            _ => e,
        },
        _ => e,
    }
}

/// `(lo, hi)` of an arm pattern `404u16` or `500u16..=599u16`.
fn status_range(pat: &Pat) -> Result<TokenStream, String> {
    let lit = |e: &Expr| match e {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<u16>().map_err(|e| e.to_string()),
        _ => Err(format!("`{}` is not a status literal", compact(e))),
    };
    let (lo, hi) = match pat {
        Pat::Lit(l) => {
            let n = lit(&Expr::Lit(l.clone()))?;
            (n, n)
        }
        Pat::Range(r) => match (&r.start, &r.end, &r.limits) {
            (Some(lo), Some(hi), syn::RangeLimits::Closed(_)) => (lit(lo)?, lit(hi)?),
            _ => return Err(format!("status range `{}` is not `lo..=hi`", compact(r))),
        },
        other => return Err(format!("status pattern `{}`", compact(other))),
    };
    Ok(quote!((#lo, #hi)))
}
