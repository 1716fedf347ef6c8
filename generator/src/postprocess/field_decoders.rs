//! Field decoders: optional nullable fields (`Option<Nullable<T>>`) decode an
//! explicit `null` as `Some(Nullable::Null)` rather than `None`, so that a
//! response that says "no value" is told apart from one that says nothing;
//! response date-times decode through `braze_sdk::timestamp`, which reads
//! every form Braze sends.
//!
//! Only fields of exactly these types are touched (builder fields are
//! `Result<..>` and so never match).

use syn::visit_mut::{self, VisitMut};

pub fn apply(file: &mut syn::File) -> usize {
    let mut v = Decoders(0);
    v.visit_file_mut(file);
    v.0
}

struct Decoders(usize);

impl VisitMut for Decoders {
    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        let attr: Option<syn::Attribute> = match date_time_field(&field.ty) {
            Some(DateTimeField::Plain) => Some(syn::parse_quote!(
                #[serde(deserialize_with = "::braze_sdk::timestamp::deserialize")]
            )),
            Some(DateTimeField::Optional) => Some(syn::parse_quote!(
                #[serde(default, deserialize_with = "::braze_sdk::timestamp::deserialize_option")]
            )),
            Some(DateTimeField::OptionalNullable) => Some(syn::parse_quote!(
                #[serde(default, deserialize_with = "::braze_sdk::timestamp::deserialize_nullable_present")]
            )),
            None if is_optional_nullable(&field.ty) => Some(syn::parse_quote!(
                #[serde(default, deserialize_with = "::braze_sdk::Nullable::deserialize_present")]
            )),
            None => None,
        };
        if let Some(attr) = attr {
            field.attrs.push(attr);
            self.0 += 1;
        }
        visit_mut::visit_field_mut(self, field);
    }
}

/// The shapes of date-time fields that decode through `braze_sdk::timestamp`.
enum DateTimeField {
    Plain,
    Optional,
    OptionalNullable,
}

/// Whether `ty` is `DateTime<Utc>`, `Option<DateTime<Utc>>` or
/// `Option<Nullable<DateTime<Utc>>>` (by the paths typify writes).
fn date_time_field(ty: &syn::Type) -> Option<DateTimeField> {
    let text = quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(' ', "");
    const DT: &str = "::chrono::DateTime<::chrono::offset::Utc>";
    if text == DT {
        Some(DateTimeField::Plain)
    } else if text == format!("::std::option::Option<{DT}>") {
        Some(DateTimeField::Optional)
    } else if text == format!("::std::option::Option<::braze_sdk::Nullable<{DT}>>") {
        Some(DateTimeField::OptionalNullable)
    } else {
        None
    }
}

/// `Option<::braze_sdk::Nullable<T>>`: an optional nullable field.
fn is_optional_nullable(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    if last.ident != "Option" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    args.args.iter().any(|a| match a {
        syn::GenericArgument::Type(syn::Type::Path(inner)) => {
            let names: Vec<String> = inner
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            names.ends_with(&["braze_sdk".to_string(), "Nullable".to_string()])
        }
        _ => false,
    })
}
