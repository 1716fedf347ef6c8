//! Looks things up in the generated client, for the modules that add code
//! on top of it ([`crate::streams`], [`crate::batches`]).
//!
//! Those modules emit `impl` blocks on progenitor's builder and body types;
//! rather than guess how progenitor names a type or a field, they read the
//! names off the client it generated, and report an error when something
//! they need is not there.

use std::collections::HashMap;

use syn::{
    GenericArgument, ImplItem, ImplItemFn, Item, ItemStruct, PathArguments, ReturnType, Type,
};

/// The structs and methods of the generated `builder` and `types` modules.
pub struct CodeIndex<'a> {
    builders: HashMap<String, &'a ItemStruct>,
    builder_methods: HashMap<String, Vec<&'a ImplItemFn>>,
    types: HashMap<String, &'a ItemStruct>,
    enums: HashMap<String, &'a syn::ItemEnum>,
}

impl<'a> CodeIndex<'a> {
    pub fn new(file: &'a syn::File) -> Self {
        let mut index = Self {
            builders: HashMap::new(),
            builder_methods: HashMap::new(),
            types: HashMap::new(),
            enums: HashMap::new(),
        };
        for item in &file.items {
            let Item::Mod(m) = item else { continue };
            let Some((_, items)) = &m.content else {
                continue;
            };
            match m.ident.to_string().as_str() {
                "builder" => {
                    for item in items {
                        match item {
                            Item::Struct(s) => {
                                index.builders.insert(s.ident.to_string(), s);
                            }
                            Item::Impl(i) => {
                                let Some(name) = type_name(&i.self_ty) else {
                                    continue;
                                };
                                let methods = index.builder_methods.entry(name).or_default();
                                methods.extend(i.items.iter().filter_map(|it| match it {
                                    ImplItem::Fn(f) => Some(f),
                                    _ => None,
                                }));
                            }
                            _ => {}
                        }
                    }
                }
                "types" => {
                    for item in items {
                        match item {
                            Item::Struct(s) => {
                                index.types.insert(s.ident.to_string(), s);
                            }
                            Item::Enum(e) => {
                                index.enums.insert(e.ident.to_string(), e);
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        index
    }

    /// The builder struct of an operation (`campaigns_list` -> `CampaignsList`).
    pub fn builder(&self, operation_id: &str) -> Result<&'a ItemStruct, String> {
        let name = pascal_case(operation_id);
        self.builders
            .get(&name)
            .copied()
            .ok_or_else(|| format!("{operation_id}: no builder `{name}` in the generated client"))
    }

    /// A method of an operation's builder.
    pub fn builder_method(
        &self,
        operation_id: &str,
        method: &str,
    ) -> Result<&'a ImplItemFn, String> {
        let name = pascal_case(operation_id);
        self.builder_methods
            .get(&name)
            .and_then(|ms| ms.iter().copied().find(|m| m.sig.ident == method))
            .ok_or_else(|| format!("{operation_id}: builder `{name}` has no method `{method}`"))
    }

    /// The type a builder setter stores: `T` of a field
    /// `Result<Option<T>, String>` or `Result<T, String>`.
    pub fn builder_param_type(&self, operation_id: &str, field: &str) -> Result<&'a Type, String> {
        let builder = self.builder(operation_id)?;
        let ty = field_type(builder, field)
            .ok_or_else(|| format!("{operation_id}: builder has no field `{field}`"))?;
        let inner = generic_arg(ty, "Result", 0)
            .ok_or_else(|| format!("{operation_id}: builder field `{field}` is not a Result"))?;
        Ok(generic_arg(inner, "Option", 0).unwrap_or(inner))
    }

    /// `(success type name, error type)` of the builder's `send()`:
    /// `Result<ResponseValue<types::X>, Error<E>>`.
    pub fn send_types(&self, operation_id: &str) -> Result<(String, &'a Type), String> {
        let send = self.builder_method(operation_id, "send")?;
        let ReturnType::Type(_, ty) = &send.sig.output else {
            return Err(format!("{operation_id}: send() returns nothing"));
        };
        let bad = || format!("{operation_id}: send() does not return Result<ResponseValue<_>, _>");
        let ok = generic_arg(ty, "Result", 0).ok_or_else(bad)?;
        let err = generic_arg(ty, "Result", 1).ok_or_else(bad)?;
        let value = generic_arg(ok, "ResponseValue", 0).ok_or_else(bad)?;
        let name = type_name(value).ok_or_else(bad)?;
        Ok((name, err))
    }

    /// The body type of an operation: the last segment of the builder's
    /// `body` field (`Result<types::builder::X, String>` gives `X`), or else
    /// of `V: TryInto<types::X>` on its `body()` setter.
    pub fn body_type(&self, operation_id: &str) -> Result<String, String> {
        if let Ok(ty) = self.builder_param_type(operation_id, "body")
            && let Some(name) = type_name(ty)
        {
            return Ok(name);
        }
        let body = self.builder_method(operation_id, "body")?;
        let bad = || format!("{operation_id}: cannot tell the body type of the builder");
        let clause = body.sig.generics.where_clause.as_ref().ok_or_else(bad)?;
        let bound = clause.predicates.iter().find_map(|p| match p {
            syn::WherePredicate::Type(t) => t.bounds.iter().find_map(|b| match b {
                syn::TypeParamBound::Trait(t) => {
                    let last = t.path.segments.last()?;
                    matches!(last.ident.to_string().as_str(), "TryInto" | "Into")
                        .then_some(&last.arguments)
                }
                _ => None,
            }),
            _ => None,
        });
        match bound {
            Some(PathArguments::AngleBracketed(a)) => match a.args.first() {
                Some(GenericArgument::Type(t)) => type_name(t).ok_or_else(bad),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }

    /// A struct of the generated `types` module.
    pub fn type_struct(&self, name: &str) -> Result<&'a ItemStruct, String> {
        self.types
            .get(name)
            .copied()
            .ok_or_else(|| format!("no struct `types::{name}` in the generated client"))
    }
}

impl CodeIndex<'_> {
    /// For an enum of the `types` module with one variant holding a value
    /// and one holding a `Vec` of them (an untagged "one or a list"), the
    /// names of the enum, the single variant and the list variant.
    pub fn one_or_list(&self, ty: &Type) -> Option<(syn::Ident, syn::Ident, syn::Ident)> {
        let name = type_name(ty)?;
        let e = self.enums.get(&name)?;
        if e.variants.len() != 2 {
            return None;
        }
        let payload = |v: &syn::Variant| match &v.fields {
            syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => Some(f.unnamed[0].ty.clone()),
            _ => None,
        };
        let (a, b) = (&e.variants[0], &e.variants[1]);
        let (pa, pb) = (payload(a)?, payload(b)?);
        let (single, list) = if generic_arg(&pb, "Vec", 0).is_some() {
            (a, b)
        } else {
            (b, a)
        };
        let (ps, pl) = if single.ident == a.ident {
            (pa, pb)
        } else {
            (pb, pa)
        };
        let item = generic_arg(&pl, "Vec", 0)?;
        (quote::ToTokens::to_token_stream(item).to_string()
            == quote::ToTokens::to_token_stream(&ps).to_string())
        .then(|| (e.ident.clone(), single.ident.clone(), list.ident.clone()))
    }
}

/// The Rust field of `s` that (de)serialises as JSON key `key`.
pub fn json_field<'s>(s: &'s ItemStruct, key: &str) -> Option<&'s syn::Field> {
    s.fields.iter().find(|f| {
        let renamed = f.attrs.iter().find_map(|a| {
            if !a.path().is_ident("serde") {
                return None;
            }
            let mut rename = None;
            let _ = a.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                } else if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                Ok(())
            });
            rename
        });
        match renamed {
            Some(r) => r == key,
            None => f.ident.as_ref().is_some_and(|i| i == key),
        }
    })
}

fn field_type<'s>(s: &'s ItemStruct, field: &str) -> Option<&'s Type> {
    s.fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == field))
        .map(|f| &f.ty)
}

/// The last path segment's name of a path type (`types::X` -> `X`).
pub fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Generic argument `n` of `ty` when its last segment is `wrapper`
/// (`generic_arg(Vec<T>, "Vec", 0)` is `T`).
pub fn generic_arg<'t>(ty: &'t Type, wrapper: &str, n: usize) -> Option<&'t Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .nth(n)
}

/// How a JSON array property is held by a generated struct.
pub enum ListField<'t> {
    /// `Vec<T>`.
    Vec(&'t Type),
    /// `Option<Vec<T>>`.
    OptionVec(&'t Type),
}

impl<'t> ListField<'t> {
    pub fn of(ty: &'t Type) -> Option<Self> {
        if let Some(item) = generic_arg(ty, "Vec", 0) {
            return Some(ListField::Vec(item));
        }
        generic_arg(ty, "Option", 0)
            .and_then(|v| generic_arg(v, "Vec", 0))
            .map(ListField::OptionVec)
    }

    pub fn item(&self) -> &'t Type {
        match self {
            ListField::Vec(t) | ListField::OptionVec(t) => t,
        }
    }
}

/// `campaigns_list` -> `CampaignsList`, as progenitor names builders.
pub fn pascal_case(id: &str) -> String {
    id.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
