//! Rust names for Smithy names: case conversion, keywords and deterministic de-duplication.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Every Rust keyword, strict and reserved, up to edition 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "crate", "super"];

/// Type names a shape must not take: std prelude names (a `types::*` import would shadow
/// them) and names the generated crate defines itself.
const RESERVED_TYPE_NAMES: &[&str] = &[
    // std prelude
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
    // defined by the generated crate
    "Client",
    "Config",
    "Error",
];

/// Suffix that moves a shape name out of the way of a reserved one.
const RESERVED_SUFFIX: &str = "Shape";

fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// A field, variable or module-safe identifier: `self` -> `self_`, `type` -> `r#type`.
pub fn escape_ident(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if is_keyword(name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// A module (file) name: keywords get a trailing `_` so the file name stays plain.
pub fn module_name(type_name: &str) -> String {
    let snake = type_name.to_snake_case();
    if is_keyword(&snake) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// UpperCamelCase that is always a valid identifier start.
pub fn upper_camel(name: &str) -> String {
    let camel = name.to_upper_camel_case();
    match camel.chars().next() {
        None => "Empty".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("V{camel}"),
        Some(_) => camel,
    }
}

pub fn snake(name: &str) -> String {
    let snake = name.to_snake_case();
    match snake.chars().next() {
        None => "empty".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("v{snake}"),
        Some(_) => snake,
    }
}

/// Hands out names unique within one scope; later claimants of a taken name get `2`, `3`...
/// Names are compared in snake case so that `FooBar` and `foo_bar` (same module file) collide.
#[derive(Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|n| n.to_snake_case()).collect(),
        }
    }

    fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(&name.to_snake_case())
    }

    /// Claims the first free name among `candidates`, then `candidates[0]` plus a number.
    pub fn claim(&mut self, candidates: &[String], separator: &str) -> String {
        let chosen = candidates
            .iter()
            .find(|c| self.is_free(c))
            .cloned()
            .unwrap_or_else(|| {
                let base = candidates.first().map_or("Name", String::as_str);
                (2..)
                    .map(|n| format!("{base}{separator}{n}"))
                    .find(|c| self.is_free(c))
                    .unwrap_or_default()
            });
        self.taken.insert(chosen.to_snake_case());
        chosen
    }
}

/// Names generated types. `namespace` is the shape's namespace, used to disambiguate
/// shapes with the same name in different namespaces.
pub fn type_name(scope: &mut Scope, namespace: &str, name: &str) -> String {
    let mut camel = upper_camel(name);
    if RESERVED_TYPE_NAMES.contains(&camel.as_str()) {
        camel.push_str(RESERVED_SUFFIX);
    }
    let ns = namespace.rsplit('.').next().unwrap_or(namespace);
    let qualified = format!("{}{camel}", upper_camel(ns));
    scope.claim(&[camel, qualified], "")
}

/// The prefix of an operation's type names (`<Op>Input`...): its UpperCamelCase name,
/// qualified by its namespace in the rare model that repeats one.
pub fn operation_name(scope: &mut Scope, namespace: &str, name: &str) -> String {
    let camel = upper_camel(name);
    let ns = namespace.rsplit('.').next().unwrap_or(namespace);
    let qualified = format!("{}{camel}", upper_camel(ns));
    scope.claim(&[camel, qualified], "")
}

/// Names a struct field from a member name.
pub fn field_name(scope: &mut Scope, member: &str) -> String {
    escape_ident(&scope.claim(&[snake(member)], "_"))
}

/// Names an enum or union variant; `Unknown` is taken by the catch-all variant.
pub fn variant_name(scope: &mut Scope, name: &str) -> String {
    let camel = upper_camel(name);
    let camel = if camel == "Self" || camel == super::UNKNOWN_VARIANT {
        format!("{camel}Value")
    } else {
        camel
    };
    scope.claim(&[camel], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords() {
        assert_eq!(escape_ident("type"), "r#type");
        assert_eq!(escape_ident("self"), "self_");
        assert_eq!(escape_ident("crate"), "crate_");
        assert_eq!(module_name("Type"), "type_");
        let mut scope = Scope::default();
        assert_eq!(field_name(&mut scope, "Self"), "self_");
        assert_eq!(field_name(&mut scope, "async"), "r#async");
    }

    #[test]
    fn field_collisions_are_numbered_in_member_order() {
        let mut scope = Scope::default();
        assert_eq!(field_name(&mut scope, "fooBar"), "foo_bar");
        assert_eq!(field_name(&mut scope, "FooBar"), "foo_bar_2");
        assert_eq!(field_name(&mut scope, "foo_bar"), "foo_bar_3");
    }

    #[test]
    fn type_names_avoid_reserved_and_each_other() {
        let mut scope = Scope::default();
        assert_eq!(type_name(&mut scope, "a.b", "Option"), "OptionShape");
        assert_eq!(type_name(&mut scope, "a.b", "Error"), "ErrorShape");
        assert_eq!(type_name(&mut scope, "a.b", "Widget"), "Widget");
        assert_eq!(type_name(&mut scope, "other.ns", "Widget"), "NsWidget");
        assert_eq!(type_name(&mut scope, "third.ns", "Widget"), "Widget2");
        assert_eq!(type_name(&mut scope, "a.b", "widget_"), "BWidget");
        assert_eq!(type_name(&mut scope, "a.b", "WIDGET"), "Widget3");
    }

    #[test]
    fn variants() {
        let mut scope = Scope::default();
        assert_eq!(variant_name(&mut scope, "UNKNOWN"), "UnknownValue");
        assert_eq!(variant_name(&mut scope, "2XX"), "V2xx");
        assert_eq!(variant_name(&mut scope, "self"), "SelfValue");
        assert_eq!(variant_name(&mut scope, "ALL"), "All");
        assert_eq!(variant_name(&mut scope, "all"), "All2");
        assert_eq!(variant_name(&mut scope, "*"), "Empty");
    }
}
