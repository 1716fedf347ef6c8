//! Multi-line `#[doc = "..."]` attributes become one attribute per line.
//! prettyplease prints a multi-line doc as an indented `/** */` block, whose
//! indented lines rustdoc then reads as code blocks. progenitor's usage
//! snippets (```` ```ignore ````) are fragments with free variables, not
//! programs: they become ```` ```text ```` so rustdoc neither compiles nor
//! counts them.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprLit, Lit};

/// Returns how many doc attributes were split.
pub fn apply(file: &mut syn::File) -> usize {
    let mut v = Docs(0);
    v.visit_file_mut(file);
    v.0
}

struct Docs(usize);

impl VisitMut for Docs {
    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        let attrs = match item {
            syn::Item::Struct(i) => Some(&mut i.attrs),
            syn::Item::Enum(i) => Some(&mut i.attrs),
            syn::Item::Fn(i) => Some(&mut i.attrs),
            syn::Item::Mod(i) => Some(&mut i.attrs),
            syn::Item::Impl(i) => Some(&mut i.attrs),
            syn::Item::Type(i) => Some(&mut i.attrs),
            syn::Item::Const(i) => Some(&mut i.attrs),
            syn::Item::Static(i) => Some(&mut i.attrs),
            syn::Item::Trait(i) => Some(&mut i.attrs),
            _ => None,
        };
        if let Some(attrs) = attrs {
            self.0 += split_doc_lines(attrs);
        }
        visit_mut::visit_item_mut(self, item);
    }

    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        self.0 += split_doc_lines(&mut field.attrs);
        visit_mut::visit_field_mut(self, field);
    }

    fn visit_variant_mut(&mut self, variant: &mut syn::Variant) {
        self.0 += split_doc_lines(&mut variant.attrs);
        visit_mut::visit_variant_mut(self, variant);
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        self.0 += split_doc_lines(&mut f.attrs);
        visit_mut::visit_impl_item_fn_mut(self, f);
    }
}

/// Replaces each multi-line `#[doc = "..."]` by one `#[doc = " line"]` per
/// line, so that it prints as `///` comments.
fn split_doc_lines(attrs: &mut Vec<syn::Attribute>) -> usize {
    let mut split = 0;
    let mut out = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        let text = match &attr.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => {
                    let text = s.value();
                    if !text.contains('\n') {
                        out.push(attr);
                        continue;
                    }
                    text
                }
                _ => {
                    out.push(attr);
                    continue;
                }
            },
            _ => {
                out.push(attr);
                continue;
            }
        };
        split += 1;
        for line in text.lines() {
            let line = match line {
                "" => String::new(),
                "```ignore" => " ```text".to_string(),
                _ => format!(" {line}"),
            };
            out.push(doc_attribute(&line));
        }
    }
    *attrs = out;
    split
}

/// `#[doc = "line"]`, built directly: `parse_quote!` would print and parse
/// tokens for each of the thousands of lines (a sixth of the rewrites' time).
fn doc_attribute(line: &str) -> syn::Attribute {
    let span = proc_macro2::Span::call_site();
    syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: syn::Meta::NameValue(syn::MetaNameValue {
            path: syn::Ident::new("doc", span).into(),
            eq_token: Default::default(),
            value: Expr::Lit(ExprLit {
                attrs: Vec::new(),
                lit: Lit::Str(syn::LitStr::new(line, span)),
            }),
        }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_built_doc_attribute_is_the_quoted_one() {
        for line in ["", " plain", " \"quoted\" \\ and ```text", " ünïcode"] {
            let quoted: syn::Attribute = syn::parse_quote!(#[doc = #line]);
            let built = super::doc_attribute(line);
            assert_eq!(
                quote::quote!(#built).to_string(),
                quote::quote!(#quoted).to_string(),
                "{line:?}"
            );
        }
    }
}
