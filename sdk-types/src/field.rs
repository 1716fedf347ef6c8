//! What the setters of request types accept.
//!
//! Every request type has one setter per field (`UserAttributes::default()
//! .external_id("user-1234").first_name("Ada")`), generated from the spec.
//! A setter takes `impl IntoField<F>`, where `F` is the field's own type
//! (often `Option<T>` or `Option<Nullable<T>>`), so a caller passes the value
//! they have and the setter wraps it:
//!
//! | field type | accepts |
//! | --- | --- |
//! | `T` | a `T`; `&str` or `String` when `T` is `String` or a plain string id (`ExternalId`, ...) |
//! | `Option<T>` | all of the above, wrapped in `Some`; an `Option<T>` as is (`None` clears the field) |
//! | `Option<Nullable<T>>` | all of the above, wrapped in `Some(Nullable::Value(..))`; `Nullable::Null` sends an explicit `null` (unsets the attribute in Braze) |
//!
//! A trait of the SDK's own rather than `Into`: the standard library cannot
//! turn a `&str` into an `Option<ExternalId>`, and the orphan rule forbids
//! this crate from teaching it. Conversions that can fail (ids with a
//! length or pattern limit) are not here: build those with `TryFrom`, whose
//! error converts into braze-sdk's `Error` with `?`.

use crate::Nullable;

/// A value a setter of a request type accepts for a field of type `F`.
/// See the [module documentation](self) for what converts into what.
pub trait IntoField<F> {
    /// Converts into the field's type.
    fn into_field(self) -> F;
}

/// A generated newtype that holds any string: `ExternalId`, `BrazeId`, ...
/// Setters of fields of such a type also take `&str` and `String`.
/// Implemented by the generated code only; constrained ids (a length or
/// pattern limit) are not `StringNewtype`s, since their conversion can fail.
pub trait StringNewtype: From<String> {}

impl<T> IntoField<T> for T {
    fn into_field(self) -> T {
        self
    }
}

impl<T> IntoField<Option<T>> for T {
    fn into_field(self) -> Option<T> {
        Some(self)
    }
}

impl<T> IntoField<Option<Nullable<T>>> for T {
    fn into_field(self) -> Option<Nullable<T>> {
        Some(Nullable::Value(self))
    }
}

/// Strings: `&str` into `String` fields, and `&str` / `String` into plain
/// string ids, each bare, optional and optional-nullable.
macro_rules! strings {
    ($($source:ty => $convert:expr;)*) => {$(
        impl IntoField<String> for $source {
            fn into_field(self) -> String {
                $convert(self)
            }
        }
        impl IntoField<Option<String>> for $source {
            fn into_field(self) -> Option<String> {
                Some($convert(self))
            }
        }
        impl IntoField<Option<Nullable<String>>> for $source {
            fn into_field(self) -> Option<Nullable<String>> {
                Some(Nullable::Value($convert(self)))
            }
        }
    )*};
}

strings! {
    &str => str::to_owned;
    &String => String::clone;
}

macro_rules! string_newtypes {
    ($($source:ty => $convert:expr;)*) => {$(
        impl<N: StringNewtype> IntoField<N> for $source {
            fn into_field(self) -> N {
                N::from($convert(self))
            }
        }
        impl<N: StringNewtype> IntoField<Option<N>> for $source {
            fn into_field(self) -> Option<N> {
                Some(N::from($convert(self)))
            }
        }
        impl<N: StringNewtype> IntoField<Option<Nullable<N>>> for $source {
            fn into_field(self) -> Option<Nullable<N>> {
                Some(Nullable::Value(N::from($convert(self))))
            }
        }
    )*};
}

string_newtypes! {
    &str => str::to_owned;
    &String => String::clone;
    String => std::convert::identity;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Id(String);
    impl From<String> for Id {
        fn from(s: String) -> Self {
            Id(s)
        }
    }
    impl StringNewtype for Id {}

    fn set<F>(v: impl IntoField<F>) -> F {
        v.into_field()
    }

    #[test]
    fn plain_values_are_wrapped_to_the_fields_type() {
        assert_eq!(set::<String>("a"), "a");
        assert_eq!(set::<Option<String>>("a"), Some("a".to_string()));
        assert_eq!(set::<Option<String>>(None), None);
        assert_eq!(set::<Option<i64>>(3), Some(3));
        assert_eq!(
            set::<Option<Nullable<String>>>("Ada"),
            Some(Nullable::Value("Ada".to_string()))
        );
        assert_eq!(
            set::<Option<Nullable<String>>>(Nullable::Null),
            Some(Nullable::Null)
        );
        assert_eq!(
            set::<Option<Nullable<f64>>>(1.5),
            Some(Nullable::Value(1.5))
        );
        assert_eq!(set::<Option<Nullable<bool>>>(None), None);
    }

    #[test]
    fn strings_convert_into_plain_string_ids() {
        assert_eq!(set::<Id>("u"), Id("u".into()));
        assert_eq!(set::<Option<Id>>("u".to_string()), Some(Id("u".into())));
        assert_eq!(set::<Option<Id>>(&"u".to_string()), Some(Id("u".into())));
        assert_eq!(
            set::<Option<Nullable<Id>>>("u"),
            Some(Nullable::Value(Id("u".into())))
        );
        assert_eq!(set::<Option<Id>>(Id("u".into())), Some(Id("u".into())));
    }
}
