//! `stream()` and `collect_all()` for every list operation.
//!
//! Emits `sdk/src/generated/streams.rs`: for each operation with
//! `x-braze-pagination`, an `impl` block on its builder that walks the list
//! with the SDK's driver for the operation's style (`braze_sdk::stream`).
//! Each page is requested from a clone of the caller's builder with only the
//! page parameter changed, so every filter the caller set applies to every
//! page. Names (builder fields, response fields, item types) are read off
//! the generated client, not guessed.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::code_index::{CodeIndex, ListField, json_field};
use crate::extensions::Pagination;
use crate::walk::operations;

/// Tokens of the streams module.
pub fn streams(document: &Value, client: &syn::File) -> Result<TokenStream, String> {
    let index = CodeIndex::new(client);
    let mut impls = Vec::new();
    for op in operations(document) {
        let ext = crate::extensions::operation_extensions(op.operation).map_err(|p| {
            p.into_iter()
                .map(|(at, m)| format!("{}{at}: {m}", op.pointer))
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let Some(paging) = ext.pagination else {
            continue;
        };
        let id = op
            .operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        impls.push(stream_impl(&index, id, &paging).map_err(|e| format!("{}: {e}", op.pointer))?);
    }
    Ok(quote! {
        //! `stream()` and `collect_all()` on the builder of every list
        //! operation, from the spec's `x-braze-pagination`.
        #[allow(unused_imports)]
        use crate::types::*;
        use crate::types;
        use crate::runtime::Error;
        use crate::stream::Items;

        #(#impls)*
    })
}

fn stream_impl(
    index: &CodeIndex<'_>,
    id: &str,
    paging: &Pagination,
) -> Result<TokenStream, String> {
    let builder = format_ident!("{}", index.builder(id)?.ident.to_string());
    let (response, error) = index.send_types(id)?;
    let response_struct = index.type_struct(&response)?;
    let items_key = paging.items();
    let field = json_field(response_struct, items_key)
        .ok_or_else(|| format!("{response} has no field for `{items_key}`"))?;
    let field_name = field.ident.clone().ok_or("tuple struct response")?;
    let list = ListField::of(&field.ty)
        .ok_or_else(|| format!("{response}.{field_name} is not a Vec or Option<Vec>"))?;
    let item = list.item();
    let items_of = match list {
        ListField::Vec(_) => quote!(response.into_inner().#field_name),
        ListField::OptionVec(_) => quote!(response.into_inner().#field_name.unwrap_or_default()),
    };
    let error_body = crate::code_index::generic_arg(error, "Error", 0)
        .ok_or_else(|| format!("{id}: send() error is not Error<_>"))?;
    let (walk, doc) = match paging {
        Pagination::Page {
            param, page_size, ..
        } => {
            let param = param.as_str();
            let size = u64::from(page_size.get());
            let setter = format_ident!("{param}");
            let ty = index.builder_param_type(id, param)?;
            let walk = quote! {
                crate::stream::by_page(#size, move |page| {
                    let request = crate::stream::position::<#ty, _>(page, #param)
                        .map(|page| self.clone().#setter(page));
                    async move {
                        let response = request?.send().await?;
                        Ok(#items_of)
                    }
                })
            };
            let doc = format!(
                "Every item of the list, requesting pages of {size} with `{param}` = 0, 1, 2... \
                 until a page holds fewer; the other parameters set on this builder apply to \
                 every page (a `{param}` set on it is ignored)."
            );
            (walk, doc)
        }
        Pagination::Offset {
            offset_param,
            limit_param,
            max_limit,
            ..
        } => {
            let (offset, limit) = (offset_param.as_str(), limit_param.as_str());
            let max = u64::from(max_limit.get());
            let (offset_setter, limit_setter) =
                (format_ident!("{offset}"), format_ident!("{limit}"));
            let offset_ty = index.builder_param_type(id, offset)?;
            let limit_ty = index.builder_param_type(id, limit)?;
            let walk = quote! {
                crate::stream::by_offset(#max, move |offset, limit| {
                    let request = crate::stream::position::<#offset_ty, _>(offset, #offset)
                        .and_then(|offset| Ok((offset, crate::stream::position::<#limit_ty, _>(limit, #limit)?)))
                        .map(|(offset, limit)| self.clone().#offset_setter(offset).#limit_setter(limit));
                    async move {
                        let response = request?.send().await?;
                        Ok(#items_of)
                    }
                })
            };
            let doc = format!(
                "Every item of the list, requesting windows of {max} (`{limit}`, the largest \
                 Braze allows) at `{offset}` 0, {max}, ... until a window holds fewer; the other \
                 parameters set on this builder apply to every window (an `{offset}` or \
                 `{limit}` set on it is ignored)."
            );
            (walk, doc)
        }
        Pagination::Cursor { param, header, .. } => {
            let param = param.as_str();
            if !header.eq_ignore_ascii_case("link") {
                return Err(format!("cursor header `{header}` is not `Link`"));
            }
            let setter = format_ident!("{param}");
            let walk = quote! {
                crate::stream::by_cursor(move |cursor: Option<String>| {
                    let request = match cursor {
                        Some(cursor) => self.clone().#setter(cursor),
                        None => self.clone(),
                    };
                    async move {
                        let response = request.send().await?;
                        let next = crate::pagination::link_cursor(response.headers(), "next", #param);
                        Ok((#items_of, next))
                    }
                })
            };
            let doc = format!(
                "Every item of the list, following the `Link` header's `rel=\"next\"` \
                 `{param}` from page to page until a page has none; the other parameters set \
                 on this builder apply to every page."
            );
            (walk, doc)
        }
    };
    let stream_doc = format!(
        "{doc}\n\nThe stream requests a page only once the previous one is consumed; an error \
         is yielded as its last item."
    );
    let collect_doc = format!(
        "The whole list of `{id}` in memory: [`Self::stream`] collected; the first error is \
         returned instead."
    );
    let stream_doc = doc_lines(&stream_doc);
    let collect_doc = doc_lines(&collect_doc);
    Ok(quote! {
        impl crate::builder::#builder {
            #(#[doc = #stream_doc])*
            // Compiled where it is called: the stream instantiates the
            // operation's request and decoder, which braze-sdk need not
            // build for every list a user never walks (issue 15).
            #[inline]
            pub fn stream(self) -> Items<'static, #item, #error_body> {
                #walk
            }

            #(#[doc = #collect_doc])*
            pub async fn collect_all(self) -> Result<Vec<#item>, Error<#error_body>> {
                self.stream().collect_all().await
            }
        }
    })
}

/// `text` as `///` lines of at most 76 columns (paragraphs split on blank
/// lines), so rustdoc and rustfmt see ordinary line comments.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for (i, paragraph) in text.split("\n\n").enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > 76 {
                lines.push(std::mem::take(&mut line));
            }
            line.push(' ');
            line.push_str(word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}
