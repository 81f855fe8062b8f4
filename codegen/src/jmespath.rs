//! JMESPath text to a syntax tree: the language of waiters' `path`s
//! (<https://jmespath.org/specification.html>). Parsing only; what an expression means for
//! an operation's types is `ir::waiter`'s job.
//!
//! A Pratt parser with the binding powers of the reference implementation (jmespath.py), so
//! that projections stop where the specification says (at `|`, `||`, `&&`, comparisons and
//! flatten).

use serde_json::Value;

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Ast {
    /// `@`, and the implicit current node of a projection's right-hand side.
    Current,
    /// `name` or `"name"`.
    Field(String),
    /// `left.right`, `left[0]` (right is `Index`), `left | right` (pipe: the same in
    /// meaning here, as waiters project nothing across it).
    Sub(Box<Ast>, Box<Ast>),
    /// `[n]` applied to the current node.
    Index(i64),
    /// `[start:stop:step]`, refused by the generator.
    Slice,
    /// `left[*].right`, and `left[].right` with `left` a `Flatten`.
    ListProjection(Box<Ast>, Box<Ast>),
    /// `left.*.right`: the values of an object.
    ObjectProjection(Box<Ast>, Box<Ast>),
    /// `left[?condition].right`.
    FilterProjection {
        left: Box<Ast>,
        condition: Box<Ast>,
        right: Box<Ast>,
    },
    /// `left[]` before projecting.
    Flatten(Box<Ast>),
    /// `left <op> right`.
    Comparison(Comparison, Box<Ast>, Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
    Not(Box<Ast>),
    /// `` `json` `` or `'raw string'`.
    Literal(Value),
    /// `[a, b]`.
    MultiSelectList(Vec<Ast>),
    /// `{k: a}`, refused by the generator.
    MultiSelectHash,
    /// `name(args...)`.
    Function(String, Vec<Ast>),
    /// `&expr`, refused by the generator.
    ExpressionRef,
}

/// The comparison operators, as the runtime evaluates them.
pub use leansdk_runtime::waiter::value::Comparison;

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Identifier(String),
    QuotedIdentifier(String),
    Literal(Value),
    Number(i64),
    Dot,
    Star,
    Flatten,
    Filter,
    LeftBracket,
    RightBracket,
    LeftBrace,
    RightBrace,
    LeftParen,
    RightParen,
    Comma,
    Colon,
    At,
    Ampersand,
    Pipe,
    Or,
    And,
    Not,
    Compare(Comparison),
    End,
}

impl Token {
    /// Left binding power, as in jmespath.py.
    fn power(&self) -> u8 {
        match self {
            Token::Pipe => 1,
            Token::Or => 2,
            Token::And => 3,
            Token::Compare(_) => 5,
            Token::Flatten => 9,
            Token::Star => 20,
            Token::Filter => 21,
            Token::Dot => 40,
            Token::Not => 45,
            Token::LeftBrace => 50,
            Token::LeftBracket => 55,
            Token::LeftParen => 60,
            _ => 0,
        }
    }
}

/// Below this power a token ends a projection's right-hand side.
const PROJECTION_STOP: u8 = 10;

/// Parses `text`; `Err` says what is wrong and at which character.
pub fn parse(text: &str) -> Result<Ast, String> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        tokens,
        position: 0,
    };
    let ast = parser.expression(0)?;
    match parser.peek() {
        Token::End => Ok(ast),
        other => Err(format!("unexpected {other:?} after a complete expression")),
    }
}

fn lex(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let next_is = |i: usize, c: char| chars.get(i + 1) == Some(&c);
    while i < chars.len() {
        let c = chars[i];
        let (token, width) = match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                let end = (i..chars.len())
                    .find(|&j| !(chars[j].is_ascii_alphanumeric() || chars[j] == '_'))
                    .unwrap_or(chars.len());
                (Token::Identifier(chars[i..end].iter().collect()), end - i)
            }
            '0'..='9' | '-' => {
                let digits_from = if c == '-' { i + 1 } else { i };
                let end = (digits_from..chars.len())
                    .find(|&j| !chars[j].is_ascii_digit())
                    .unwrap_or(chars.len());
                if end == digits_from {
                    return Err(format!("`-` without digits at character {i}"));
                }
                let digits: String = chars[i..end].iter().collect();
                let number = digits
                    .parse()
                    .map_err(|_| format!("number `{digits}` out of range"))?;
                (Token::Number(number), end - i)
            }
            '"' => {
                let (raw, width) = delimited(&chars, i, '"')?;
                let name: String = serde_json::from_str(&format!("\"{raw}\""))
                    .map_err(|e| format!("quoted identifier at character {i}: {e}"))?;
                (Token::QuotedIdentifier(name), width)
            }
            '\'' => {
                let (raw, width) = delimited(&chars, i, '\'')?;
                (
                    Token::Literal(Value::String(raw.replace("\\'", "'"))),
                    width,
                )
            }
            '`' => {
                let (raw, width) = delimited(&chars, i, '`')?;
                let json = raw.replace("\\`", "`");
                let value = serde_json::from_str(&json)
                    .map_err(|e| format!("literal `{json}` at character {i}: {e}"))?;
                (Token::Literal(value), width)
            }
            '.' => (Token::Dot, 1),
            '*' => (Token::Star, 1),
            '[' if next_is(i, ']') => (Token::Flatten, 2),
            '[' if next_is(i, '?') => (Token::Filter, 2),
            '[' => (Token::LeftBracket, 1),
            ']' => (Token::RightBracket, 1),
            '{' => (Token::LeftBrace, 1),
            '}' => (Token::RightBrace, 1),
            '(' => (Token::LeftParen, 1),
            ')' => (Token::RightParen, 1),
            ',' => (Token::Comma, 1),
            ':' => (Token::Colon, 1),
            '@' => (Token::At, 1),
            '&' if next_is(i, '&') => (Token::And, 2),
            '&' => (Token::Ampersand, 1),
            '|' if next_is(i, '|') => (Token::Or, 2),
            '|' => (Token::Pipe, 1),
            '!' if next_is(i, '=') => (Token::Compare(Comparison::NotEqual), 2),
            '!' => (Token::Not, 1),
            '=' if next_is(i, '=') => (Token::Compare(Comparison::Equal), 2),
            '<' if next_is(i, '=') => (Token::Compare(Comparison::LessOrEqual), 2),
            '<' => (Token::Compare(Comparison::Less), 1),
            '>' if next_is(i, '=') => (Token::Compare(Comparison::GreaterOrEqual), 2),
            '>' => (Token::Compare(Comparison::Greater), 1),
            other => return Err(format!("unexpected `{other}` at character {i}")),
        };
        tokens.push(token);
        i += width;
    }
    tokens.push(Token::End);
    Ok(tokens)
}

/// The text between `chars[start]` (the delimiter) and its unescaped closing twin, and the
/// width of the whole token.
fn delimited(chars: &[char], start: usize, delimiter: char) -> Result<(String, usize), String> {
    let mut j = start + 1;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 2,
            c if c == delimiter => {
                return Ok((chars[start + 1..j].iter().collect(), j + 1 - start));
            }
            _ => j += 1,
        }
    }
    Err(format!("unclosed {delimiter} from character {start}"))
}

struct Parser {
    tokens: Vec<Token>,
    position: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.position]
    }

    fn peek_at(&self, offset: usize) -> &Token {
        self.tokens
            .get(self.position + offset)
            .unwrap_or(&Token::End)
    }

    fn advance(&mut self) -> Token {
        let token = self.tokens[self.position].clone();
        if token != Token::End {
            self.position += 1;
        }
        token
    }

    fn expect(&mut self, expected: &Token) -> Result<(), String> {
        let token = self.advance();
        if &token == expected {
            Ok(())
        } else {
            Err(format!("expected {expected:?}, found {token:?}"))
        }
    }

    fn expression(&mut self, power: u8) -> Result<Ast, String> {
        let token = self.advance();
        let mut left = self.prefix(token)?;
        while power < self.peek().power() {
            let token = self.advance();
            left = self.infix(token, left)?;
        }
        Ok(left)
    }

    fn prefix(&mut self, token: Token) -> Result<Ast, String> {
        Ok(match token {
            Token::Literal(value) => Ast::Literal(value),
            Token::Identifier(name) => Ast::Field(name),
            Token::QuotedIdentifier(name) => {
                if *self.peek() == Token::LeftParen {
                    return Err(format!(
                        "quoted identifier \"{name}\" cannot name a function"
                    ));
                }
                Ast::Field(name)
            }
            Token::Star => {
                let right = if *self.peek() == Token::RightBracket {
                    Ast::Current
                } else {
                    self.projection_rhs(Token::Star.power())?
                };
                Ast::ObjectProjection(Box::new(Ast::Current), Box::new(right))
            }
            Token::Filter => self.filter(Ast::Current)?,
            Token::LeftBrace => self.multi_select_hash()?,
            Token::LeftParen => {
                let inner = self.expression(0)?;
                self.expect(&Token::RightParen)?;
                inner
            }
            Token::Flatten => {
                let right = self.projection_rhs(Token::Flatten.power())?;
                Ast::ListProjection(
                    Box::new(Ast::Flatten(Box::new(Ast::Current))),
                    Box::new(right),
                )
            }
            Token::Not => Ast::Not(Box::new(self.expression(Token::Not.power())?)),
            Token::LeftBracket => match (self.peek(), self.peek_at(1)) {
                (Token::Number(_) | Token::Colon, _) => self.index(Ast::Current)?,
                (Token::Star, Token::RightBracket) => {
                    self.advance();
                    self.advance();
                    let right = self.projection_rhs(Token::Star.power())?;
                    Ast::ListProjection(Box::new(Ast::Current), Box::new(right))
                }
                _ => self.multi_select_list()?,
            },
            Token::At => Ast::Current,
            Token::Ampersand => {
                self.expression(0)?;
                Ast::ExpressionRef
            }
            other => {
                return Err(format!(
                    "unexpected {other:?} at the start of an expression"
                ));
            }
        })
    }

    fn infix(&mut self, token: Token, left: Ast) -> Result<Ast, String> {
        Ok(match token {
            Token::Dot => {
                if *self.peek() == Token::Star {
                    self.advance();
                    let right = self.projection_rhs(Token::Dot.power())?;
                    Ast::ObjectProjection(Box::new(left), Box::new(right))
                } else {
                    let right = self.dot_rhs(Token::Dot.power())?;
                    Ast::Sub(Box::new(left), Box::new(right))
                }
            }
            Token::Pipe => Ast::Sub(
                Box::new(left),
                Box::new(self.expression(Token::Pipe.power())?),
            ),
            Token::Or => Ast::Or(
                Box::new(left),
                Box::new(self.expression(Token::Or.power())?),
            ),
            Token::And => Ast::And(
                Box::new(left),
                Box::new(self.expression(Token::And.power())?),
            ),
            Token::LeftParen => {
                let Ast::Field(name) = left else {
                    return Err("only a name can be called as a function".to_owned());
                };
                let mut args = Vec::new();
                while *self.peek() != Token::RightParen {
                    args.push(self.expression(0)?);
                    if *self.peek() == Token::Comma {
                        self.advance();
                    }
                }
                self.expect(&Token::RightParen)?;
                Ast::Function(name, args)
            }
            Token::Filter => self.filter(left)?,
            Token::Flatten => {
                let right = self.projection_rhs(Token::Flatten.power())?;
                Ast::ListProjection(Box::new(Ast::Flatten(Box::new(left))), Box::new(right))
            }
            Token::Compare(op) => Ast::Comparison(
                op,
                Box::new(left),
                Box::new(self.expression(Token::Compare(op).power())?),
            ),
            Token::LeftBracket => match self.peek() {
                Token::Number(_) | Token::Colon => self.index(left)?,
                _ => {
                    self.expect(&Token::Star)?;
                    self.expect(&Token::RightBracket)?;
                    let right = self.projection_rhs(Token::Star.power())?;
                    Ast::ListProjection(Box::new(left), Box::new(right))
                }
            },
            other => return Err(format!("unexpected {other:?} after an expression")),
        })
    }

    /// After `[?`: the condition, `]`, and the projection's right-hand side.
    fn filter(&mut self, left: Ast) -> Result<Ast, String> {
        let condition = self.expression(0)?;
        self.expect(&Token::RightBracket)?;
        let right = if *self.peek() == Token::Flatten {
            Ast::Current
        } else {
            self.projection_rhs(Token::Filter.power())?
        };
        Ok(Ast::FilterProjection {
            left: Box::new(left),
            condition: Box::new(condition),
            right: Box::new(right),
        })
    }

    /// After `[` followed by a number or `:`: an index or a slice of `left`.
    fn index(&mut self, left: Ast) -> Result<Ast, String> {
        if let (Token::Number(n), Token::RightBracket) = (self.peek().clone(), self.peek_at(1)) {
            self.advance();
            self.advance();
            return Ok(Ast::Sub(Box::new(left), Box::new(Ast::Index(n))));
        }
        while !matches!(self.peek(), Token::RightBracket | Token::End) {
            self.advance();
        }
        self.expect(&Token::RightBracket)?;
        Ok(Ast::Slice)
    }

    fn projection_rhs(&mut self, power: u8) -> Result<Ast, String> {
        match self.peek() {
            token if token.power() < PROJECTION_STOP => Ok(Ast::Current),
            Token::LeftBracket | Token::Filter => self.expression(power),
            Token::Dot => {
                self.advance();
                self.dot_rhs(power)
            }
            other => Err(format!("unexpected {other:?} after a projection")),
        }
    }

    fn dot_rhs(&mut self, power: u8) -> Result<Ast, String> {
        match self.peek() {
            Token::Identifier(_) | Token::QuotedIdentifier(_) | Token::Star => {
                self.expression(power)
            }
            Token::LeftBracket => {
                self.advance();
                self.multi_select_list()
            }
            Token::LeftBrace => {
                self.advance();
                self.multi_select_hash()
            }
            other => Err(format!("unexpected {other:?} after `.`")),
        }
    }

    fn multi_select_list(&mut self) -> Result<Ast, String> {
        let mut items = vec![self.expression(0)?];
        while *self.peek() == Token::Comma {
            self.advance();
            items.push(self.expression(0)?);
        }
        self.expect(&Token::RightBracket)?;
        Ok(Ast::MultiSelectList(items))
    }

    fn multi_select_hash(&mut self) -> Result<Ast, String> {
        loop {
            match self.advance() {
                Token::Identifier(_) | Token::QuotedIdentifier(_) => {}
                other => return Err(format!("expected a key in `{{...}}`, found {other:?}")),
            }
            self.expect(&Token::Colon)?;
            self.expression(0)?;
            match self.advance() {
                Token::Comma => {}
                Token::RightBrace => return Ok(Ast::MultiSelectHash),
                other => return Err(format!("expected `,` or `}}`, found {other:?}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(name: &str) -> Box<Ast> {
        Box::new(Ast::Field(name.to_owned()))
    }

    #[test]
    fn fields_and_subexpressions() {
        assert_eq!(
            parse("Table.TableStatus").unwrap(),
            Ast::Sub(field("Table"), field("TableStatus"))
        );
        assert_eq!(parse("\"quoted name\"").unwrap(), *field("quoted name"));
        assert_eq!(
            parse("a[0]").unwrap(),
            Ast::Sub(field("a"), Box::new(Ast::Index(0)))
        );
        assert_eq!(parse("a[-1:]").unwrap(), Ast::Slice);
    }

    #[test]
    fn projections_stop_where_the_specification_says() {
        // `a[].b[].c`: flatten ends the first projection, a second starts.
        let inner = Ast::ListProjection(Box::new(Ast::Flatten(field("a"))), field("b"));
        assert_eq!(
            parse("a[].b[].c").unwrap(),
            Ast::ListProjection(Box::new(Ast::Flatten(Box::new(inner))), field("c"))
        );
        // A comparison ends the projection: `length(...)` is compared, not projected.
        assert_eq!(
            parse("length(Reservations[]) > `0`").unwrap(),
            Ast::Comparison(
                Comparison::Greater,
                Box::new(Ast::Function(
                    "length".into(),
                    vec![Ast::ListProjection(
                        Box::new(Ast::Flatten(field("Reservations"))),
                        Box::new(Ast::Current)
                    )]
                )),
                Box::new(Ast::Literal(json!(0)))
            )
        );
        assert_eq!(
            parse("Attrs.*.Status").unwrap(),
            Ast::ObjectProjection(field("Attrs"), field("Status"))
        );
        assert_eq!(
            parse("a[*].b").unwrap(),
            Ast::ListProjection(field("a"), field("b"))
        );
    }

    #[test]
    fn filters_literals_and_logic() {
        let parsed = parse(
            "length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`",
        );
        let Ok(Ast::Comparison(Comparison::Equal, left, right)) = parsed else {
            panic!("{parsed:?}");
        };
        assert_eq!(*right, Ast::Literal(json!(0)));
        let Ast::Function(name, args) = *left else {
            panic!("{left:?}");
        };
        assert_eq!(name, "length");
        let [
            Ast::FilterProjection {
                left,
                condition,
                right,
            },
        ] = args.as_slice()
        else {
            panic!("{args:?}");
        };
        assert_eq!(**left, Ast::Field("services".into()));
        assert_eq!(**right, Ast::Current);
        assert!(matches!(**condition, Ast::Not(ref inner) if matches!(**inner, Ast::And(..))));
        assert_eq!(
            parse("State == 'InService'").unwrap(),
            Ast::Comparison(
                Comparison::Equal,
                field("State"),
                Box::new(Ast::Literal(json!("InService")))
            )
        );
        assert_eq!(parse("a || b").unwrap(), Ast::Or(field("a"), field("b")));
        assert_eq!(
            parse("a.[b, c]").unwrap(),
            Ast::Sub(
                field("a"),
                Box::new(Ast::MultiSelectList(vec![*field("b"), *field("c")]))
            )
        );
    }

    #[test]
    fn bad_expressions_say_what_is_wrong() {
        for (text, says) in [
            ("a.", "after `.`"),
            ("a[", "expected"),
            ("`{`", "literal"),
            ("a ^ b", "unexpected `^`"),
            ("\"unterminated", "unclosed"),
            ("a b", "after a complete expression"),
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.contains(says), "{text}: {error}");
        }
    }
}
