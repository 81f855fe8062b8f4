//! The values JMESPath computes with, for the waiters' compiled expressions.
//!
//! The generator turns member access, indexes, projections and filters into plain Rust over
//! the output's own types; what is left (literals, comparisons, `&&`/`||`/`!`, `length`,
//! `contains`, multi-select lists and the acceptors' comparators) works on [`Value`],
//! borrowed from the output, with the semantics of the JMESPath specification.

/// A JMESPath value. Objects (structures and maps) are only ever counted, for truthiness and
/// `length`: the generator refuses expressions that compare or search them.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// `null`: an absent member, an index past the end, a projection of nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number (every JMESPath number is a double).
    Number(f64),
    /// A string, or an enum's value.
    String(&'a str),
    /// A list, or a projection's results.
    Array(Vec<Value<'a>>),
    /// A structure or map with this many members present.
    Object(usize),
}

/// A comparison operator of a JMESPath expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// `==`
    Equal,
    /// `!=`
    NotEqual,
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
}

/// An acceptor's `comparator`: how the expression's value is matched against `expected`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparator {
    /// The value is the string `expected`.
    StringEquals,
    /// The value is the boolean `expected` (`"true"` or `"false"`).
    BooleanEquals,
    /// The value is a non-empty list whose items are all the string `expected`.
    AllStringEquals,
    /// The value is a list with at least one item that is the string `expected`.
    AnyStringEquals,
}

impl Comparator {
    /// Whether `value` matches `expected` under this comparator.
    pub fn matches(self, value: &Value<'_>, expected: &str) -> bool {
        match (self, value) {
            (Self::StringEquals, Value::String(s)) => *s == expected,
            (Self::BooleanEquals, Value::Bool(b)) => expected == if *b { "true" } else { "false" },
            (Self::AllStringEquals, Value::Array(items)) => {
                !items.is_empty() && items.iter().all(|i| *i == Value::String(expected))
            }
            (Self::AnyStringEquals, Value::Array(items)) => {
                items.contains(&Value::String(expected))
            }
            _ => false,
        }
    }
}

impl<'a> Value<'a> {
    /// JMESPath truthiness: `false`, `null`, empty strings, lists and objects are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Self::Null => false,
            Self::Bool(b) => *b,
            Self::Number(_) => true,
            Self::String(s) => !s.is_empty(),
            Self::Array(items) => !items.is_empty(),
            Self::Object(members) => *members > 0,
        }
    }

    /// `a && b`: `a` when it is falsy, else `b`.
    pub fn and(self, other: Self) -> Self {
        if self.is_truthy() { other } else { self }
    }

    /// `a || b`: `a` when it is truthy, else `b`.
    pub fn or(self, other: Self) -> Self {
        if self.is_truthy() { self } else { other }
    }

    /// `!a`.
    pub fn not(&self) -> Self {
        Self::Bool(!self.is_truthy())
    }

    /// `a <op> b`: equality of any two values (objects are never equal: the generator does
    /// not let them be compared), ordering of numbers only (`null` for anything else).
    pub fn compare(&self, op: Comparison, other: &Self) -> Self {
        match op {
            Comparison::Equal => Self::Bool(self == other),
            Comparison::NotEqual => Self::Bool(self != other),
            _ => match (self, other) {
                (Self::Number(a), Self::Number(b)) => Self::Bool(match op {
                    Comparison::Less => a < b,
                    Comparison::LessOrEqual => a <= b,
                    Comparison::Greater => a > b,
                    _ => a >= b,
                }),
                _ => Self::Null,
            },
        }
    }

    /// `length(a)`: characters of a string, items of a list, members of an object; `null`
    /// for other values (where JMESPath raises an invalid-type error, which no acceptor can
    /// match either).
    pub fn length(&self) -> Self {
        match self {
            Self::String(s) => Self::Number(s.chars().count() as f64),
            Self::Array(items) => Self::Number(items.len() as f64),
            Self::Object(members) => Self::Number(*members as f64),
            _ => Self::Null,
        }
    }

    /// `contains(a, b)`: whether list `a` has an item equal to `b`, or string `a` contains
    /// string `b`; `null` when `a` is neither.
    pub fn contains(&self, search: &Self) -> Self {
        match (self, search) {
            (Self::Array(items), search) => Self::Bool(items.contains(search)),
            (Self::String(s), Self::String(needle)) => Self::Bool(s.contains(needle)),
            (Self::String(_), _) => Self::Bool(false),
            _ => Self::Null,
        }
    }

    /// `a[]` on a computed list: items that are lists are spliced in; `null` for non-lists.
    pub fn flatten(self) -> Self {
        match self {
            Self::Array(items) => Self::Array(
                items
                    .into_iter()
                    .flat_map(|item| match item {
                        Self::Array(inner) => inner,
                        other => vec![other],
                    })
                    .collect(),
            ),
            _ => Self::Null,
        }
    }

    /// `a[*]` on a computed list: its non-null items; `null` for non-lists.
    pub fn non_null(self) -> Self {
        match self {
            Self::Array(items) => Self::Array(items.into_iter().filter(|i| !i.is_null()).collect()),
            _ => Self::Null,
        }
    }

    /// Whether this is `null` (projections drop such results).
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }
}

/// `list[index]`, negative indexes counting from the end.
pub fn index<T>(items: &[T], index: i64) -> Option<&T> {
    let position = if index < 0 {
        items
            .len()
            .checked_sub(usize::try_from(index.unsigned_abs()).ok()?)?
    } else {
        usize::try_from(index).ok()?
    };
    items.get(position)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truthiness_follows_the_specification() {
        let falsy = [
            Value::Null,
            Value::Bool(false),
            Value::String(""),
            Value::Array(vec![]),
            Value::Object(0),
        ];
        assert!(falsy.iter().all(|v| !v.is_truthy()));
        let truthy = [
            Value::Bool(true),
            Value::Number(0.0),
            Value::String("x"),
            Value::Array(vec![Value::Null]),
            Value::Object(1),
        ];
        assert!(truthy.iter().all(Value::is_truthy));
        assert_eq!(Value::Null.and(Value::Bool(true)), Value::Null);
        assert_eq!(
            Value::String("a").and(Value::Number(1.0)),
            Value::Number(1.0)
        );
        assert_eq!(Value::String("").or(Value::String("b")), Value::String("b"));
        assert_eq!(Value::Array(vec![]).not(), Value::Bool(true));
    }

    #[test]
    fn ordering_is_for_numbers_only() {
        let one = Value::Number(1.0);
        let two = Value::Number(2.0);
        assert_eq!(one.compare(Comparison::Less, &two), Value::Bool(true));
        assert_eq!(
            two.compare(Comparison::LessOrEqual, &one),
            Value::Bool(false)
        );
        assert_eq!(
            two.compare(Comparison::GreaterOrEqual, &two),
            Value::Bool(true)
        );
        assert_eq!(
            Value::String("a").compare(Comparison::Less, &Value::String("b")),
            Value::Null
        );
        assert_eq!(
            Value::Null.compare(Comparison::Equal, &Value::Null),
            Value::Bool(true)
        );
        assert_eq!(
            one.compare(Comparison::NotEqual, &Value::String("1")),
            Value::Bool(true)
        );
    }

    #[test]
    fn functions_and_flatten() {
        let list = Value::Array(vec![
            Value::String("a"),
            Value::Array(vec![Value::Bool(true)]),
        ]);
        assert_eq!(list.length(), Value::Number(2.0));
        assert_eq!(Value::String("héllo").length(), Value::Number(5.0));
        assert_eq!(Value::Object(3).length(), Value::Number(3.0));
        assert_eq!(Value::Bool(true).length(), Value::Null);
        assert_eq!(
            list.clone().flatten(),
            Value::Array(vec![Value::String("a"), Value::Bool(true)])
        );
        assert_eq!(list.contains(&Value::String("a")), Value::Bool(true));
        assert_eq!(
            Value::Array(vec![Value::Null, Value::Number(1.0)]).non_null(),
            Value::Array(vec![Value::Number(1.0)])
        );
        assert_eq!(Value::String("a").non_null(), Value::Null);
        assert_eq!(
            Value::String("InService").contains(&Value::String("Serv")),
            Value::Bool(true)
        );
        assert_eq!(Value::Null.contains(&Value::Null), Value::Null);
        assert_eq!(index(&[1, 2, 3], -1), Some(&3));
        assert_eq!(index(&[1, 2, 3], 3), None);
        assert_eq!(index(&[1, 2, 3], -4), None);
    }

    #[test]
    fn comparators_match_as_the_specification_says() {
        let states =
            |s: &[&'static str]| Value::Array(s.iter().map(|s| Value::String(s)).collect());
        use Comparator::*;
        assert!(StringEquals.matches(&Value::String("ACTIVE"), "ACTIVE"));
        assert!(!StringEquals.matches(&Value::Null, "ACTIVE"));
        assert!(BooleanEquals.matches(&Value::Bool(false), "false"));
        assert!(!BooleanEquals.matches(&Value::Null, "false"));
        assert!(AllStringEquals.matches(&states(&["a", "a"]), "a"));
        assert!(
            !AllStringEquals.matches(&states(&[]), "a"),
            "empty lists never match"
        );
        assert!(!AllStringEquals.matches(&states(&["a", "b"]), "a"));
        assert!(AnyStringEquals.matches(&states(&["b", "a"]), "a"));
        assert!(!AnyStringEquals.matches(&states(&[]), "a"));
    }
}
