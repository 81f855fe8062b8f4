//! A matcher for the regular-expression subset of partitions' `regionRegex`, e.g.
//! `^(us|eu|ap)\-\w+\-\d+$`: anchors, literals, `\`-escapes, `\w`, `\d`, `+` and
//! `(a|b)` groups. Anything else is rejected when the pattern is parsed, so a new construct in
//! future partitions data fails loudly (in this crate's tests) instead of matching wrongly.

use std::fmt;

/// A parsed, fully anchored pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionPattern {
    items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
struct Item {
    atom: Atom,
    one_or_more: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Atom {
    Char(char),
    /// `\w`: ASCII letter, digit or underscore.
    Word,
    /// `\d`: ASCII digit.
    Digit,
    /// `(a|b|...)`
    Group(Vec<Vec<Item>>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    pattern: String,
    reason: &'static str,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unsupported region pattern `{}`: {}",
            self.pattern, self.reason
        )
    }
}

impl std::error::Error for PatternError {}

impl RegionPattern {
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        let error = |reason| PatternError {
            pattern: pattern.to_owned(),
            reason,
        };
        let body = pattern
            .strip_prefix('^')
            .and_then(|p| p.strip_suffix('$'))
            .ok_or_else(|| error("must be anchored with `^` and `$`"))?;
        let mut chars = body.chars().collect::<Vec<_>>().into_iter().peekable();
        let (alternatives, closed) = parse_alternatives(&mut chars).map_err(error)?;
        match (closed, <[_; 1]>::try_from(alternatives)) {
            (false, Ok([items])) => Ok(Self { items }),
            (true, _) => Err(error("unbalanced `)`")),
            (false, Err(_)) => Err(error("top-level `|` needs a group")),
        }
    }

    pub fn is_match(&self, input: &str) -> bool {
        let input: Vec<char> = input.chars().collect();
        match_items(&self.items, &input, 0, &|end| end == input.len())
    }
}

type Chars = std::iter::Peekable<std::vec::IntoIter<char>>;

/// Parses `a|b|...` up to a `)` (consumed; reported as `true`) or the end of input.
fn parse_alternatives(chars: &mut Chars) -> Result<(Vec<Vec<Item>>, bool), &'static str> {
    let mut alternatives = vec![Vec::new()];
    while let Some(c) = chars.next() {
        let atom = match c {
            ')' => return Ok((alternatives, true)),
            '|' => {
                alternatives.push(Vec::new());
                continue;
            }
            '(' => match parse_alternatives(chars)? {
                (group, true) => Atom::Group(group),
                (_, false) => return Err("unclosed `(`"),
            },
            '\\' => match chars.next() {
                Some('w') => Atom::Word,
                Some('d') => Atom::Digit,
                Some(c) if c.is_ascii_punctuation() => Atom::Char(c),
                _ => return Err("unsupported escape"),
            },
            '+' => return Err("`+` without anything to repeat"),
            '*' | '?' | '{' | '}' | '[' | ']' | '.' | '^' | '$' => {
                return Err("unsupported operator");
            }
            c => Atom::Char(c),
        };
        let one_or_more = chars.next_if_eq(&'+').is_some();
        if let Some(current) = alternatives.last_mut() {
            current.push(Item { atom, one_or_more });
        }
    }
    Ok((alternatives, false))
}

/// Backtracking match of `items` at `pos`; `rest` decides whether what follows matches.
fn match_items(items: &[Item], input: &[char], pos: usize, rest: &dyn Fn(usize) -> bool) -> bool {
    let Some((item, tail)) = items.split_first() else {
        return rest(pos);
    };
    let after_item = |end: usize| match_items(tail, input, end, rest);
    if item.one_or_more {
        match_repeated(&item.atom, input, pos, &after_item)
    } else {
        match_atom(&item.atom, input, pos, &after_item)
    }
}

/// `atom+`: greedy, trying one more repetition before handing over to `rest`.
fn match_repeated(atom: &Atom, input: &[char], pos: usize, rest: &dyn Fn(usize) -> bool) -> bool {
    match_atom(atom, input, pos, &|end| {
        (end > pos && match_repeated(atom, input, end, rest)) || rest(end)
    })
}

fn match_atom(atom: &Atom, input: &[char], pos: usize, rest: &dyn Fn(usize) -> bool) -> bool {
    let single = |accepts: fn(&char) -> bool| input.get(pos).is_some_and(accepts) && rest(pos + 1);
    match atom {
        Atom::Char(expected) => input.get(pos) == Some(expected) && rest(pos + 1),
        Atom::Word => single(|c| c.is_ascii_alphanumeric() || *c == '_'),
        Atom::Digit => single(char::is_ascii_digit),
        Atom::Group(alternatives) => alternatives
            .iter()
            .any(|items| match_items(items, input, pos, rest)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, input: &str) -> bool {
        RegionPattern::parse(pattern)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_match(input)
    }

    #[test]
    fn literals_escapes_and_classes() {
        assert!(matches(r"^cn\-\w+\-\d+$", "cn-north-1"));
        assert!(matches(r"^cn\-\w+\-\d+$", "cn-north_west-12"));
        assert!(!matches(r"^cn\-\w+\-\d+$", "cn-north-"));
        assert!(!matches(r"^cn\-\w+\-\d+$", "cn--1"));
        assert!(!matches(r"^cn\-\w+\-\d+$", "xcn-north-1"));
        assert!(!matches(r"^cn\-\w+\-\d+$", "cn-north-1x"));
    }

    #[test]
    fn plus_backtracks_into_what_follows() {
        // `\w+` must give back characters for the literal `1` to match.
        assert!(matches(r"^\w+1$", "ab11"));
        assert!(matches(r"^\d+\d$", "12"));
        assert!(!matches(r"^\d+\d$", "1"));
    }

    #[test]
    fn groups_and_alternation() {
        let pattern = r"^(us|eu|ap)\-\w+\-\d+$";
        assert!(matches(pattern, "us-east-1"));
        assert!(matches(pattern, "ap-southeast-7"));
        assert!(!matches(pattern, "cn-north-1"));
        assert!(matches(r"^eusc\-(de)\-\w+\-\d+$", "eusc-de-east-1"));
        assert!(matches(r"^(a|ab)+c$", "abababc"));
    }

    #[test]
    fn rejects_unsupported_syntax() {
        for pattern in [
            r"us-\w+", r"^a*$", r"^[a-z]$", r"^a.b$", r"^(a$", r"^a)$", r"^a|b$", r"^\s$", r"^+$",
        ] {
            assert!(RegionPattern::parse(pattern).is_err(), "{pattern}");
        }
    }
}
