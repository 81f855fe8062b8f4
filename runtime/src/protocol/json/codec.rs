//! serde codecs that generated types use for JSON wire formats serde cannot derive:
//! timestamps in a chosen format, base64 blobs, floats with `NaN`/`Infinity` strings,
//! structures read only from objects, and unions with unknown members.
//!
//! A [`Codec`] describes one leaf format; [`Opt`], [`List`] and [`Map`] lift it to
//! `Option`, `Vec` and `BTreeMap`; [`With`] turns any codec into the module-like path
//! `#[serde(with = "...")]` expects:
//! `#[serde(with = "leansdk_runtime::protocol::json::codec::With::<Opt<EpochSeconds>>")]`.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::DateTime;
use crate::protocol::base64;

/// One way of writing a value of type `Value` to the wire and reading it back.
pub trait Codec {
    type Value;
    fn serialize<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error>;
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error>;
}

/// The path serde's `with` attribute calls: `With::<C>::serialize` / `With::<C>::deserialize`.
pub struct With<C>(PhantomData<C>);

impl<C: Codec> With<C> {
    pub fn serialize<S: Serializer>(value: &C::Value, serializer: S) -> Result<S::Ok, S::Error> {
        C::serialize(value, serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<C::Value, D::Error> {
        C::deserialize(deserializer)
    }
}

/// Borrows a value so that it serializes through codec `C`.
struct Ser<'a, C: Codec>(&'a C::Value);

impl<C: Codec> Serialize for Ser<'_, C> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        C::serialize(self.0, serializer)
    }
}

/// Holds a value read through codec `C`.
struct De<C: Codec>(C::Value);

impl<'de, C: Codec> Deserialize<'de> for De<C> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        C::deserialize(deserializer).map(De)
    }
}

/// `Option<C::Value>`; `null` reads as `None`.
pub struct Opt<C>(PhantomData<C>);

impl<C: Codec> Codec for Opt<C> {
    type Value = Option<C::Value>;

    fn serialize<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.serialize_some(&Ser::<C>(v)),
            None => serializer.serialize_none(),
        }
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error> {
        Ok(Option::<De<C>>::deserialize(deserializer)?.map(|v| v.0))
    }
}

/// `Vec<C::Value>`.
pub struct List<C>(PhantomData<C>);

impl<C: Codec> Codec for List<C> {
    type Value = Vec<C::Value>;

    fn serialize<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(value.len()))?;
        for item in value {
            seq.serialize_element(&Ser::<C>(item))?;
        }
        seq.end()
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error> {
        let items = Vec::<De<C>>::deserialize(deserializer)?;
        Ok(items.into_iter().map(|v| v.0).collect())
    }
}

/// `BTreeMap<String, C::Value>` of a sparse map (`C` is an [`Opt`], so `null` values stay).
pub struct Map<C>(PhantomData<C>);

impl<C: Codec> Codec for Map<C> {
    type Value = BTreeMap<String, C::Value>;

    fn serialize<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(value.len()))?;
        for (key, item) in value {
            map.serialize_entry(key, &Ser::<C>(item))?;
        }
        map.end()
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error> {
        let entries = BTreeMap::<String, De<C>>::deserialize(deserializer)?;
        Ok(entries.into_iter().map(|(k, v)| (k, v.0)).collect())
    }
}

/// `BTreeMap<String, C::Value>` of a dense map: a `null` value, which a service may send
/// although the map is dense, drops its entry, as Smithy asks of clients.
pub struct DenseMap<C>(PhantomData<C>);

impl<C: Codec> Codec for DenseMap<C> {
    type Value = BTreeMap<String, C::Value>;

    fn serialize<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        Map::<C>::serialize(value, serializer)
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error> {
        let entries = BTreeMap::<String, Option<De<C>>>::deserialize(deserializer)?;
        Ok(entries
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?.0)))
            .collect())
    }
}

/// A value written and read by its own serde impls: the leaf of a chain whose combinators
/// need a codec when the leaf does not (a dense map of structures, say).
pub struct Serde<T>(PhantomData<T>);

impl<T: Serialize + de::DeserializeOwned> Codec for Serde<T> {
    type Value = T;

    fn serialize<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

/// A structure, read only from a JSON object. serde's derive also reads a structure from an
/// array, member by member in declaration order, which no AWS protocol sends: a response
/// shaped that way is malformed, and must not fill members by position.
pub struct Object<T>(PhantomData<T>);

impl<T: Serialize + de::DeserializeOwned> Codec for Object<T> {
    type Value = T;

    fn serialize<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_map(ObjectVisitor(PhantomData))
    }
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: de::DeserializeOwned> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map))
    }
}

/// Reads a JSON number (integer or fractional) or a string, for the numeric codecs.
struct NumberVisitor<T> {
    expecting: &'static str,
    from_f64: fn(f64) -> T,
    from_i64: fn(i64) -> T,
    from_str: fn(&str) -> Option<T>,
}

impl<T> Visitor<'_> for NumberVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Ok((self.from_i64)(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        match i64::try_from(v) {
            Ok(v) => Ok((self.from_i64)(v)),
            Err(_) => Ok((self.from_f64)(v as f64)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Ok((self.from_f64)(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.from_str)(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

thread_local! {
    static TIMESTAMPS_AS_RFC3339: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (a serialisation) with every timestamp written as an RFC 3339 string, whatever
/// its wire format: how the AWS CLI prints them. Serialisation is synchronous, so a
/// thread-local switch reaches every nested codec without a serializer of our own.
pub fn with_rfc3339_timestamps<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            TIMESTAMPS_AS_RFC3339.set(self.0);
        }
    }
    let _restore = Restore(TIMESTAMPS_AS_RFC3339.replace(true));
    f()
}

fn rfc3339_requested() -> bool {
    TIMESTAMPS_AS_RFC3339.get()
}

/// Timestamps as seconds since the epoch, a JSON number with a fraction when needed
/// (the restJson1 body default).
pub struct EpochSeconds;

impl Codec for EpochSeconds {
    type Value = DateTime;

    fn serialize<S: Serializer>(value: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
        if rfc3339_requested() {
            serializer.serialize_str(&value.to_rfc3339())
        } else if value.subsec_nanos() == 0 {
            serializer.serialize_i64(value.secs())
        } else {
            serializer.serialize_f64(value.as_fractional_secs())
        }
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime, D::Error> {
        let time = deserializer.deserialize_any(NumberVisitor {
            expecting: "epoch seconds",
            from_f64: DateTime::from_fractional_secs,
            from_i64: DateTime::from_secs,
            from_str: |s| DateTime::parse_epoch_seconds(s).ok(),
        })?;
        match time.is_in_rfc3339_range() {
            true => Ok(time),
            false => Err(de::Error::custom(
                "epoch seconds outside the years 0001 to 9999",
            )),
        }
    }
}

/// Reads a string and parses it, reporting the parser's error.
fn parse_string<'de, D, T, E: fmt::Display>(
    deserializer: D,
    parse: fn(&str) -> Result<T, E>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
    parse(&text).map_err(de::Error::custom)
}

/// Timestamps as RFC 3339 strings (`date-time`).
pub struct DateTimeString;

impl Codec for DateTimeString {
    type Value = DateTime;

    fn serialize<S: Serializer>(value: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_rfc3339())
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime, D::Error> {
        parse_string(deserializer, DateTime::parse_rfc3339)
    }
}

/// Timestamps as IMF-fixdate strings (`http-date`).
pub struct HttpDate;

impl Codec for HttpDate {
    type Value = DateTime;

    fn serialize<S: Serializer>(value: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
        if rfc3339_requested() {
            serializer.serialize_str(&value.to_rfc3339())
        } else {
            serializer.serialize_str(&value.to_http_date())
        }
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime, D::Error> {
        parse_string(deserializer, DateTime::parse_http_date)
    }
}

/// Blobs as standard base64 strings with padding.
pub struct Base64;

impl Codec for Base64 {
    type Value = Vec<u8>;

    fn serialize<S: Serializer>(value: &Vec<u8>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::encode(value))
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        parse_string(deserializer, base64::decode)
    }
}

fn float_from_str(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

fn serialize_float<S: Serializer>(value: f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.is_nan() {
        serializer.serialize_str("NaN")
    } else if value.is_infinite() {
        serializer.serialize_str(if value > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        serializer.serialize_f64(value)
    }
}

/// `double` values; JSON has no NaN or infinities, so Smithy writes them as strings.
pub struct F64;

impl Codec for F64 {
    type Value = f64;

    fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_float(*value, serializer)
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        deserializer.deserialize_any(NumberVisitor {
            expecting: "a number, \"NaN\", \"Infinity\" or \"-Infinity\"",
            from_f64: |v| v,
            from_i64: |v| v as f64,
            from_str: float_from_str,
        })
    }
}

/// `float` values, written like [`F64`].
pub struct F32;

impl Codec for F32 {
    type Value = f32;

    fn serialize<S: Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_float(f64::from(*value), serializer)
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f32, D::Error> {
        F64::deserialize(deserializer).map(|v| v as f32)
    }
}

/// Reads a union: a JSON object with exactly one non-null member. `pick` maps the member
/// name and value to a variant and returns the union's `Unknown` variant for names it does
/// not know, so new service-side members do not break old clients. A `__type` member is the
/// service naming the union's shape (restJson1 says to ignore it), never a variant.
pub fn deserialize_union<'de, D, T>(
    deserializer: D,
    pick: impl FnOnce(&str, serde_json::Value) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let object = serde_json::Map::deserialize(deserializer)?;
    let mut set = object
        .into_iter()
        .filter(|(name, v)| !v.is_null() && name != "__type");
    match (set.next(), set.next()) {
        (Some((name, value)), None) => pick(&name, value).map_err(de::Error::custom),
        (None, _) => Err(de::Error::custom(
            "a union must have exactly one member set, found none",
        )),
        (Some(_), Some(_)) => Err(de::Error::custom(
            "a union must have exactly one member set, found several",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn to_json<C: Codec>(value: &C::Value) -> serde_json::Value {
        With::<C>::serialize(value, serde_json::value::Serializer).unwrap()
    }

    fn from_json<C: Codec>(value: serde_json::Value) -> Result<C::Value, serde_json::Error> {
        With::<C>::deserialize(value)
    }

    #[test]
    fn dense_maps_drop_null_values_and_sparse_maps_keep_them() {
        let body = json!({"a": [1], "b": null});
        let dense = from_json::<DenseMap<Serde<Vec<i32>>>>(body.clone()).unwrap();
        assert_eq!(dense, BTreeMap::from([("a".to_owned(), vec![1])]));
        let sparse = from_json::<Map<Opt<Serde<Vec<i32>>>>>(body).unwrap();
        assert_eq!(sparse.len(), 2);
        assert_eq!(sparse["b"], None);
        assert_eq!(
            to_json::<DenseMap<Serde<Vec<i32>>>>(&dense),
            json!({"a": [1]})
        );
    }

    #[test]
    fn blobs_are_base64_strings() {
        assert_eq!(to_json::<Base64>(&b"foo".to_vec()), json!("Zm9v"));
        assert_eq!(from_json::<Base64>(json!("Zm9v")).unwrap(), b"foo");
        assert!(from_json::<Base64>(json!("***")).is_err());
    }

    #[test]
    fn epoch_seconds() {
        assert_eq!(
            to_json::<EpochSeconds>(&DateTime::from_secs(1_700_000_000)),
            json!(1_700_000_000)
        );
        assert_eq!(
            to_json::<EpochSeconds>(&DateTime::from_secs_and_nanos(1, 500_000_000)),
            json!(1.5)
        );
        let t = from_json::<EpochSeconds>(json!(1398796238.123)).unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1398796238, 123_000_000));
        assert_eq!(
            from_json::<EpochSeconds>(json!(5)).unwrap(),
            DateTime::from_secs(5)
        );
        assert!(from_json::<EpochSeconds>(json!(true)).is_err());
        for out_of_range in [
            json!(1e300),
            json!(-1e300),
            json!(253_402_300_800_i64),
            json!(u64::MAX),
        ] {
            let error = from_json::<EpochSeconds>(out_of_range).unwrap_err();
            assert!(error.to_string().contains("0001 to 9999"), "{error}");
        }
    }

    #[test]
    fn date_time_and_http_date() {
        let t = DateTime::from_secs(0);
        assert_eq!(to_json::<DateTimeString>(&t), json!("1970-01-01T00:00:00Z"));
        assert_eq!(
            to_json::<HttpDate>(&t),
            json!("Thu, 01 Jan 1970 00:00:00 GMT")
        );
        assert_eq!(
            from_json::<DateTimeString>(json!("1970-01-01T00:00:00Z")).unwrap(),
            t
        );
        assert_eq!(
            from_json::<HttpDate>(json!("Thu, 01 Jan 1970 00:00:00 GMT")).unwrap(),
            t
        );
        let err = from_json::<DateTimeString>(json!("yesterday")).unwrap_err();
        assert!(err.to_string().contains("yesterday"), "{err}");
    }

    #[test]
    fn combinators() {
        let v = Some(DateTime::from_secs(2));
        assert_eq!(to_json::<Opt<EpochSeconds>>(&v), json!(2));
        assert_eq!(to_json::<Opt<EpochSeconds>>(&None), json!(null));
        assert_eq!(from_json::<Opt<EpochSeconds>>(json!(null)).unwrap(), None);
        let list = vec![Some(1.0), None];
        assert_eq!(to_json::<List<Opt<F64>>>(&list), json!([1.0, null]));
        let map = from_json::<Map<Base64>>(json!({"k": "aGk="})).unwrap();
        assert_eq!(map["k"], b"hi");
    }

    #[test]
    fn floats_with_special_values() {
        assert_eq!(to_json::<F64>(&f64::NAN), json!("NaN"));
        assert_eq!(to_json::<F64>(&f64::INFINITY), json!("Infinity"));
        assert_eq!(to_json::<F32>(&f32::NEG_INFINITY), json!("-Infinity"));
        assert_eq!(to_json::<F64>(&1.25), json!(1.25));
        assert!(from_json::<F64>(json!("NaN")).unwrap().is_nan());
        assert_eq!(
            from_json::<F64>(json!("-Infinity")).unwrap(),
            f64::NEG_INFINITY
        );
        assert_eq!(from_json::<F32>(json!(3)).unwrap(), 3.0);
        assert!(from_json::<F64>(json!("nan")).is_err());
    }

    #[test]
    fn unions() {
        let pick = |name: &str, value: serde_json::Value| -> Result<String, serde_json::Error> {
            Ok(format!("{name}={value}"))
        };
        assert_eq!(
            deserialize_union(json!({"a": 1, "b": null}), pick).unwrap(),
            "a=1"
        );
        assert_eq!(
            deserialize_union(json!({"__type": "ns#U", "a": 1}), pick).unwrap(),
            "a=1"
        );
        assert!(deserialize_union(json!({}), pick).is_err());
        assert!(deserialize_union(json!({"a": 1, "b": 2}), pick).is_err());
        assert!(deserialize_union(json!([1]), pick).is_err());
    }
}
