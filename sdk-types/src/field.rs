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
//! | a "one string or a list" type (`StringOrStringList50`) | `&str`, `String`, `Vec<String>`, `Vec<&str>`, `&[&str]` |
//! | a free-form object (`EventProperties`, `TriggerProperties`, ...), as `Checked<T>` in request types | a `serde_json::Value` (`json!({..})`) or a `serde_json::Map<String, Value>` |
//! | a free-form object declared in place (`serde_json::Map<String, Value>`: a Live Activity's `content_state`, an email's `extras`), as `Checked<T>` in request types | a `serde_json::Value` (`json!({..})`) or a `serde_json::Map`; `json!({..}).into()` in a `...Required` struct |
//! | exactly one free-form object in an array (`[Checked<CatalogItemFields>; 1]`, a catalog item request's `items`) | that object: a `serde_json::Value` (`json!({..})`), a `serde_json::Map` or the newtype |
//! | a non-zero count (`NonZeroU64`, e.g. `UserPurchase::quantity`), as `Checked<T>` in request types | any integer (`.quantity(2)`) or a `NonZeroU64` |
//!
//! A [`Checked`] field takes inputs that may not fit (`json!([1, 2])` is
//! not an object, `0` is not a non-zero count): the setter keeps such a
//! value with the reason, nothing panics, and braze-sdk's `send()` reports
//! it before sending, naming the field's JSON path and the reason.
//!
//! A constrained value (a length, pattern or range limit) is not converted
//! implicitly; the compiler's message says to build it with `try_from`:
//!
//! ```compile_fail,E0277
//! use braze_sdk_types::types;
//! let now = braze_sdk_types::chrono::Utc::now();
//! let currency = types::UserPurchaseCurrency::try_from("EUR").unwrap();
//! // error: `UserPurchaseProductId` has limits (a length or a pattern): a
//! // plain string does not convert into it
//! // = note: `UserPurchaseProductId::try_from("..")` checks the limits
//! let purchase = types::UserPurchase::new(currency, 9.99, "sku-1", now);
//! ```
//!
//! A trait of the SDK's own rather than `Into`: the standard library cannot
//! turn a `&str` into an `Option<ExternalId>`, and the orphan rule forbids
//! this crate from teaching it. Conversions that can fail (ids with a
//! length or pattern limit) are not here: build those with `TryFrom`, whose
//! error converts into braze-sdk's `Error` with `?`.

use std::num::NonZeroU64;

use crate::checked::json_kind;
use crate::{Checked, Nullable, Rejected};

/// A value a setter of a request type accepts for a field of type `F`.
/// See the [module documentation](self) for what converts into what.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be given for a field of type `{F}`",
    label = "not accepted by this setter",
    note = "a field with a length, pattern or range limit takes its own type, built with `TryFrom`: e.g. `types::UserPurchaseProductId::try_from(\"sku-1\")?` (the error converts into braze_sdk::Error with `?`)",
    note = "a `Checked<T>` field takes the value itself (`.quantity(2)`, `.properties(json!({{..}}))`), not `Some(..)`; `None` clears it",
    note = "see braze_sdk::IntoField for what each field type accepts"
)]
pub trait IntoField<F> {
    /// Converts into the field's type.
    fn into_field(self) -> F;
}

/// A generated type that holds any string: `ExternalId`, `BrazeId`, ...,
/// and the "one string or a list" types (`StringOrStringList50`).
/// Setters of fields of such a type also take `&str` and `String`.
/// Implemented by the generated code only; constrained ids (a length or
/// pattern limit) are not `StringNewtype`s, since their conversion can fail.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has limits (a length or a pattern): a plain string does not convert into it",
    label = "build this value with `{Self}::try_from(..)?`",
    note = "`{Self}::try_from(\"..\")` checks the limits; its error converts into braze_sdk::Error with `?`"
)]
pub trait StringNewtype: From<String> {}

/// A generated "one string or a list of strings" type
/// (`StringOrStringList50`, `EmailAddressOrList50`): its setters also take
/// a `Vec` of `String` or `&str`.
pub trait StringList: From<Vec<String>> {}

/// A generated newtype over a free-form JSON object (`EventProperties`,
/// `TriggerProperties`, ...): its setters also take a
/// `serde_json::Map<String, Value>` (`json!({..}).as_object()` or a map
/// built by hand).
pub trait MapNewtype: From<serde_json::Map<String, serde_json::Value>> {}

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

macro_rules! string_lists {
    ($($source:ty => $convert:expr;)*) => {$(
        impl<N: StringList> IntoField<N> for $source {
            fn into_field(self) -> N {
                N::from(self.into_iter().map($convert).collect())
            }
        }
        impl<N: StringList> IntoField<Option<N>> for $source {
            fn into_field(self) -> Option<N> {
                Some(N::from(self.into_iter().map($convert).collect()))
            }
        }
    )*};
}

string_lists! {
    Vec<String> => std::convert::identity;
    Vec<&str> => str::to_owned;
    &[&str] => |s: &&str| s.to_string();
}

type JsonMap = serde_json::Map<String, serde_json::Value>;

impl<N: MapNewtype> IntoField<N> for JsonMap {
    fn into_field(self) -> N {
        N::from(self)
    }
}

impl<N: MapNewtype> IntoField<Option<N>> for JsonMap {
    fn into_field(self) -> Option<N> {
        Some(N::from(self))
    }
}

/// A value that fits a checked field goes in as [`Checked::Valid`]
/// (`.properties(types::EventProperties::from(map))`, `.quantity(n)` with an
/// `n: NonZeroU64`).
impl<T> IntoField<Checked<T>> for T {
    fn into_field(self) -> Checked<T> {
        Checked::Valid(self)
    }
}

impl<T> IntoField<Option<Checked<T>>> for T {
    fn into_field(self) -> Option<Checked<T>> {
        Some(Checked::Valid(self))
    }
}

/// A JSON value for a free-form object: an object fits, anything else is
/// kept as rejected ("expected a JSON object, got an array"). `N` is a
/// generated newtype over a map or the map itself.
pub(crate) fn checked_map<N: From<JsonMap>>(value: serde_json::Value) -> Checked<N> {
    match value {
        serde_json::Value::Object(map) => Checked::Valid(N::from(map)),
        other => {
            let reason = format!("expected a JSON object, got {}", json_kind(&other));
            Checked::Rejected(Rejected::new(other, reason))
        }
    }
}

impl<N: MapNewtype> IntoField<Checked<N>> for serde_json::Value {
    fn into_field(self) -> Checked<N> {
        checked_map(self)
    }
}

impl<N: MapNewtype> IntoField<Option<Checked<N>>> for serde_json::Value {
    fn into_field(self) -> Option<Checked<N>> {
        Some(checked_map(self))
    }
}

impl<N: MapNewtype> IntoField<Checked<N>> for JsonMap {
    fn into_field(self) -> Checked<N> {
        Checked::Valid(N::from(self))
    }
}

impl<N: MapNewtype> IntoField<Option<Checked<N>>> for JsonMap {
    fn into_field(self) -> Option<Checked<N>> {
        Some(Checked::Valid(N::from(self)))
    }
}

/// A free-form object that is a plain `serde_json::Map` field (the
/// `content_state` of a Live Activity, an email's `extras`) takes a JSON
/// value too; a map goes in through the `Checked<T>` from `T` above.
impl IntoField<Checked<JsonMap>> for serde_json::Value {
    fn into_field(self) -> Checked<JsonMap> {
        checked_map(self)
    }
}

impl IntoField<Option<Checked<JsonMap>>> for serde_json::Value {
    fn into_field(self) -> Option<Checked<JsonMap>> {
        Some(checked_map(self))
    }
}

/// A field that holds exactly one free-form object in an array (the
/// `items` of a catalog item request, `[Checked<CatalogItemFields>; 1]`)
/// takes that one object: a JSON value (`json!({..})`, anything but an
/// object is kept as rejected at `items[0]`), a map or the newtype.
impl<N: MapNewtype> IntoField<[Checked<N>; 1]> for serde_json::Value {
    fn into_field(self) -> [Checked<N>; 1] {
        [checked_map(self)]
    }
}

impl<N: MapNewtype> IntoField<[Checked<N>; 1]> for JsonMap {
    fn into_field(self) -> [Checked<N>; 1] {
        [Checked::Valid(N::from(self))]
    }
}

impl<N: MapNewtype> IntoField<[Checked<N>; 1]> for N {
    fn into_field(self) -> [Checked<N>; 1] {
        [Checked::Valid(self)]
    }
}

/// Integers into a non-zero count: 0 and negative numbers are kept as
/// rejected. Every integer type converts, so a literal (`.quantity(2)`,
/// an `i32` to the compiler) does.
macro_rules! non_zero_from_integers {
    ($($source:ty),*) => {$(
        impl IntoField<Checked<NonZeroU64>> for $source {
            fn into_field(self) -> Checked<NonZeroU64> {
                match u64::try_from(self).ok().and_then(NonZeroU64::new) {
                    Some(n) => Checked::Valid(n),
                    None => Checked::Rejected(Rejected::new(
                        self,
                        format!("expected an integer of at least 1, got {self}"),
                    )),
                }
            }
        }
        impl IntoField<Option<Checked<NonZeroU64>>> for $source {
            fn into_field(self) -> Option<Checked<NonZeroU64>> {
                Some(IntoField::<Checked<NonZeroU64>>::into_field(self))
            }
        }
    )*};
}

non_zero_from_integers!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

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

    #[derive(Debug, PartialEq)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    impl From<String> for OneOrMany {
        fn from(s: String) -> Self {
            OneOrMany::One(s)
        }
    }
    impl From<Vec<String>> for OneOrMany {
        fn from(v: Vec<String>) -> Self {
            OneOrMany::Many(v)
        }
    }
    impl StringNewtype for OneOrMany {}
    impl StringList for OneOrMany {}

    #[derive(Debug, PartialEq)]
    struct Props(JsonMap);
    impl From<JsonMap> for Props {
        fn from(m: JsonMap) -> Self {
            Props(m)
        }
    }
    impl MapNewtype for Props {}

    #[test]
    fn one_string_or_a_list_takes_either() {
        assert_eq!(
            set::<Option<OneOrMany>>("user-1"),
            Some(OneOrMany::One("user-1".into()))
        );
        assert_eq!(
            set::<Option<OneOrMany>>("user-1".to_string()),
            Some(OneOrMany::One("user-1".into()))
        );
        assert_eq!(
            set::<Option<OneOrMany>>(vec!["a", "b"]),
            Some(OneOrMany::Many(vec!["a".into(), "b".into()]))
        );
        assert_eq!(
            set::<OneOrMany>(vec!["a".to_string()]),
            OneOrMany::Many(vec!["a".into()])
        );
        assert_eq!(
            set::<Option<OneOrMany>>(&["a", "b"][..]),
            Some(OneOrMany::Many(vec!["a".into(), "b".into()]))
        );
        // A plain Vec<String> field is still a Vec<String>.
        assert_eq!(
            set::<Option<Vec<String>>>(vec!["a".to_string()]),
            Some(vec!["a".into()])
        );
    }

    #[test]
    fn a_json_object_converts_into_a_map_newtype() {
        let object = serde_json::json!({"source": "web", "n": 2});
        let map = object.as_object().cloned().unwrap();
        assert_eq!(set::<Option<Props>>(map.clone()), Some(Props(map.clone())));
        assert_eq!(set::<Props>(map.clone()), Props(map));
    }

    #[test]
    fn a_json_value_converts_into_a_checked_map_newtype_or_is_kept_as_rejected() {
        let object = serde_json::json!({"source": "web"});
        let map = object.as_object().cloned().unwrap();
        assert_eq!(
            set::<Option<Checked<Props>>>(object),
            Some(Checked::Valid(Props(map.clone())))
        );
        assert_eq!(
            set::<Checked<Props>>(map.clone()),
            Checked::Valid(Props(map.clone()))
        );
        assert_eq!(
            set::<Option<Checked<Props>>>(Props(map.clone())),
            Some(Checked::Valid(Props(map)))
        );
        assert_eq!(set::<Option<Checked<Props>>>(None), None);
        for (value, kind) in [
            (serde_json::json!([1, 2]), "an array"),
            (serde_json::json!("web"), "a string"),
            (serde_json::json!(3), "a number"),
            (serde_json::json!(true), "a boolean"),
            (serde_json::Value::Null, "null"),
        ] {
            let Some(Checked::Rejected(r)) = set::<Option<Checked<Props>>>(value.clone()) else {
                panic!("{value} was not rejected");
            };
            assert_eq!(r.reason(), format!("expected a JSON object, got {kind}"));
            assert_eq!(r.value(), &value);
        }
    }

    #[test]
    fn a_json_value_converts_into_a_checked_plain_map_or_one_element_array() {
        let object = serde_json::json!({"stage": "shipped"});
        let map = object.as_object().cloned().unwrap();
        assert_eq!(
            set::<Checked<JsonMap>>(object.clone()),
            Checked::Valid(map.clone())
        );
        assert_eq!(
            set::<Checked<JsonMap>>(map.clone()),
            Checked::Valid(map.clone())
        );
        assert_eq!(
            set::<Option<Checked<JsonMap>>>(object.clone()),
            Some(Checked::Valid(map.clone()))
        );
        assert_eq!(
            Checked::<JsonMap>::from(object.clone()),
            Checked::Valid(map.clone())
        );
        assert_eq!(
            Checked::<Props>::from(object.clone()),
            Checked::Valid(Props(map.clone()))
        );
        assert_eq!(
            set::<[Checked<Props>; 1]>(object.clone()),
            [Checked::Valid(Props(map.clone()))]
        );
        assert_eq!(
            set::<[Checked<Props>; 1]>(map.clone()),
            [Checked::Valid(Props(map.clone()))]
        );
        assert_eq!(
            set::<[Checked<Props>; 1]>(Props(map.clone())),
            [Checked::Valid(Props(map))]
        );
        let array = serde_json::json!([{"stage": "shipped"}]);
        let Checked::Rejected(r) = set::<Checked<JsonMap>>(array.clone()) else {
            panic!("an array was not rejected");
        };
        assert_eq!(r.reason(), "expected a JSON object, got an array");
        assert_eq!(r.value(), &array);
        let Checked::Rejected(r) = Checked::<JsonMap>::from(serde_json::json!(7)) else {
            panic!("a number was not rejected");
        };
        assert_eq!(r.reason(), "expected a JSON object, got a number");
        let [Checked::Rejected(r)] = set::<[Checked<Props>; 1]>(array.clone()) else {
            panic!("an array was not rejected as the element");
        };
        assert_eq!(r.value(), &array);
    }

    #[test]
    fn only_a_valid_empty_map_counts_as_empty() {
        assert!(Checked::<JsonMap>::default().is_empty());
        assert!(!set::<Checked<JsonMap>>(serde_json::json!({"a": 1})).is_empty());
        assert!(!set::<Checked<JsonMap>>(serde_json::json!([])).is_empty());
        assert!(!set::<Checked<JsonMap>>(serde_json::Value::Null).is_empty());
    }

    #[test]
    fn integers_convert_into_a_checked_non_zero_count_or_are_kept_as_rejected() {
        let two = NonZeroU64::new(2).unwrap();
        assert_eq!(
            set::<Option<Checked<NonZeroU64>>>(2),
            Some(Checked::Valid(two))
        );
        assert_eq!(set::<Checked<NonZeroU64>>(2u8), Checked::Valid(two));
        assert_eq!(set::<Checked<NonZeroU64>>(2usize), Checked::Valid(two));
        assert_eq!(set::<Checked<NonZeroU64>>(two), Checked::Valid(two));
        assert_eq!(
            set::<Checked<NonZeroU64>>(u64::MAX),
            Checked::Valid(NonZeroU64::MAX)
        );
        assert_eq!(set::<Option<Checked<NonZeroU64>>>(None), None);
        for (value, shown) in [(0i64, "0"), (-3, "-3"), (i64::MIN, "-9223372036854775808")] {
            let Some(Checked::Rejected(r)) = set::<Option<Checked<NonZeroU64>>>(value) else {
                panic!("{value} was not rejected");
            };
            assert_eq!(
                r.reason(),
                format!("expected an integer of at least 1, got {shown}")
            );
            assert_eq!(r.value(), &serde_json::json!(value));
        }
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
