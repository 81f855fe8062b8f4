//! The trait impls every generated enum shares, written once.
//!
//! A generated string enum defines its variants, `as_str`, `values` and `From<&str>` (the
//! parts that depend on the model) and then invokes
//! [`string_enum_impls!`](crate::string_enum_impls); an `intEnum` defines `value` and
//! `From<i32>` and invokes [`int_enum_impls!`](crate::int_enum_impls). The macros add parsing,
//! `Display`, the `Default` used by Smithy error correction, and serde as the wire value.

/// `FromStr` (infallible), `Display`, `Default` (`Unknown("")`) and serde as a string, for a
/// type with `as_str(&self) -> &str`, `From<&str>` and an `Unknown(String)` variant.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum_impls {
    ($name:ident) => {
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// URI labels, query parameters and headers carry the wire value.
        impl $crate::protocol::http_binding::ParamValue for $name {
            fn to_param(&self) -> ::std::string::String {
                self.as_str().to_owned()
            }

            fn quoted_in_lists(&self) -> bool {
                true
            }
        }

        impl $crate::protocol::http_binding::FromHeader for $name {
            fn from_header(
                value: &str,
                _: $crate::datetime::Format,
            ) -> ::std::result::Result<Self, ::std::string::String> {
                Ok(Self::from(value))
            }
        }

        /// The empty unknown value, so that a structure can default a missing member.
        impl ::std::default::Default for $name {
            fn default() -> Self {
                Self::Unknown(::std::string::String::new())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as $crate::serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                Ok(Self::from(value.as_str()))
            }
        }
    };
}

/// `Display`, `Default` (the variant for 0, else `Unknown(0)`) and serde as an integer, for a
/// type with `value(self) -> i32` and `From<i32>`.
#[doc(hidden)]
#[macro_export]
macro_rules! int_enum_impls {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }

        /// URI labels, query parameters and headers carry the integer value.
        impl $crate::protocol::http_binding::ParamValue for $name {
            fn to_param(&self) -> ::std::string::String {
                self.value().to_string()
            }
        }

        impl $crate::protocol::http_binding::FromHeader for $name {
            fn from_header(
                value: &str,
                _: $crate::datetime::Format,
            ) -> ::std::result::Result<Self, ::std::string::String> {
                value
                    .trim()
                    .parse::<i32>()
                    .map(Self::from)
                    .map_err(|e| e.to_string())
            }
        }

        /// Zero, so that a structure can default a missing member.
        impl ::std::default::Default for $name {
            fn default() -> Self {
                Self::from(0)
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i32(self.value())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                <i32 as $crate::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[derive(Clone, Debug, PartialEq)]
    enum Color {
        Red,
        Unknown(String),
    }

    impl Color {
        fn as_str(&self) -> &str {
            match self {
                Self::Red => "red",
                Self::Unknown(value) => value,
            }
        }
    }

    impl From<&str> for Color {
        fn from(value: &str) -> Self {
            match value {
                "red" => Self::Red,
                other => Self::Unknown(other.to_owned()),
            }
        }
    }

    string_enum_impls!(Color);

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Level {
        One,
        Unknown(i32),
    }

    impl Level {
        fn value(self) -> i32 {
            match self {
                Self::One => 1,
                Self::Unknown(value) => value,
            }
        }
    }

    impl From<i32> for Level {
        fn from(value: i32) -> Self {
            match value {
                1 => Self::One,
                other => Self::Unknown(other),
            }
        }
    }

    int_enum_impls!(Level);

    #[test]
    fn string_enum_round_trips_known_and_unknown_values() {
        assert_eq!("red".parse::<Color>(), Ok(Color::Red));
        assert_eq!(Color::default(), Color::Unknown(String::new()));
        let parsed: Vec<Color> = serde_json::from_str(r#"["red","violet"]"#).unwrap();
        assert_eq!(parsed, [Color::Red, Color::Unknown("violet".into())]);
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            r#"["red","violet"]"#
        );
        assert_eq!(Color::Unknown("violet".into()).to_string(), "violet");
    }

    #[test]
    fn int_enum_round_trips_known_and_unknown_values() {
        let parsed: Vec<Level> = serde_json::from_str("[1,7]").unwrap();
        assert_eq!(parsed, [Level::One, Level::Unknown(7)]);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "[1,7]");
        assert_eq!(Level::default(), Level::Unknown(0));
        assert_eq!(Level::One.to_string(), "1");
    }
}
