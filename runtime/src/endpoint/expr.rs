//! Expressions of a rule set: literals, templates, references and function calls.
//!
//! Everything a rule set can say is checked here, when it is parsed: an unknown function, a
//! wrong argument count or a malformed template or `getAttr` path is a parse error naming the
//! culprit, so the generator rejects a bad model instead of shipping a resolver that fails later.

use std::collections::BTreeMap;
use std::fmt;

/// An expression as it appears in `argv`, an endpoint's `url`/`headers`/`properties` or an
/// `error` rule. Strings are always templates; a plain string is a template without holes.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    String(Template),
    Bool(bool),
    Int(i64),
    Array(Vec<Expr>),
    Object(BTreeMap<String, Expr>),
    Ref(String),
    Call(Call),
}

impl TryFrom<serde_json::Value> for Expr {
    type Error = String;

    fn try_from(value: serde_json::Value) -> Result<Self, String> {
        use serde_json::Value as Json;
        match value {
            Json::String(s) => Template::parse(&s).map(Expr::String),
            Json::Bool(b) => Ok(Expr::Bool(b)),
            Json::Number(n) => n
                .as_i64()
                .map(Expr::Int)
                .ok_or_else(|| format!("only integer numbers are supported, found {n}")),
            Json::Array(items) => items
                .into_iter()
                .map(Expr::try_from)
                .collect::<Result<_, _>>()
                .map(Expr::Array),
            Json::Object(mut fields) => {
                if let Some(name) = fields.remove("ref") {
                    return match name {
                        Json::String(name) => Ok(Expr::Ref(name)),
                        other => Err(format!("`ref` must name a parameter, found {other}")),
                    };
                }
                if let Some(function) = fields.remove("fn") {
                    let Json::String(function) = function else {
                        return Err(format!("`fn` must be a function name, found {function}"));
                    };
                    let args = match fields.remove("argv") {
                        Some(Json::Array(args)) => args
                            .into_iter()
                            .map(Expr::try_from)
                            .collect::<Result<Vec<_>, _>>()?,
                        _ => return Err(format!("call of `{function}` has no `argv` array")),
                    };
                    return Call::new(&function, args).map(Expr::Call);
                }
                fields
                    .into_iter()
                    .map(|(key, value)| Ok((key, Expr::try_from(value)?)))
                    .collect::<Result<_, String>>()
                    .map(Expr::Object)
            }
            Json::Null => Err("`null` is not a rule-set expression".to_owned()),
        }
    }
}

/// A call of one of the functions this engine implements.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub function: Function,
    pub args: Vec<Expr>,
}

impl Call {
    /// Resolves `name` to a known function and checks the argument count. `getAttr`'s path is
    /// a literal in every valid rule set, so it is parsed here, once, into the function itself.
    pub fn new(name: &str, mut args: Vec<Expr>) -> Result<Self, String> {
        let function = match name {
            "isSet" => Function::IsSet,
            "not" => Function::Not,
            "booleanEquals" => Function::BooleanEquals,
            "stringEquals" => Function::StringEquals,
            "getAttr" => {
                let path = match args.pop() {
                    Some(Expr::String(template)) if args.len() == 1 => {
                        template.as_literal().map(AttrPath::parse).ok_or_else(|| {
                            "`getAttr` path must be a literal string without `{`".to_owned()
                        })??
                    }
                    _ => return Err("`getAttr` takes a value and a literal path".to_owned()),
                };
                Function::GetAttr(path)
            }
            "substring" => Function::Substring,
            "uriEncode" => Function::UriEncode,
            "parseURL" => Function::ParseUrl,
            "isValidHostLabel" => Function::IsValidHostLabel,
            "aws.partition" => Function::AwsPartition,
            "aws.parseArn" => Function::AwsParseArn,
            "aws.isVirtualHostableS3Bucket" => Function::AwsIsVirtualHostableS3Bucket,
            unknown => return Err(format!("unknown function `{unknown}`")),
        };
        if args.len() != function.arity() {
            return Err(format!(
                "`{}` takes {} argument(s), found {}",
                function.id(),
                function.arity(),
                args.len()
            ));
        }
        Ok(Self { function, args })
    }
}

/// The standard library (Smithy rules engine) and the AWS library functions.
#[derive(Clone, Debug, PartialEq)]
pub enum Function {
    IsSet,
    Not,
    BooleanEquals,
    StringEquals,
    /// The path argument, already parsed; the value is the call's only argument.
    GetAttr(AttrPath),
    Substring,
    UriEncode,
    ParseUrl,
    IsValidHostLabel,
    AwsPartition,
    AwsParseArn,
    AwsIsVirtualHostableS3Bucket,
}

impl Function {
    /// The function's name in a rule set's `fn`.
    pub fn id(&self) -> &'static str {
        match self {
            Function::IsSet => "isSet",
            Function::Not => "not",
            Function::BooleanEquals => "booleanEquals",
            Function::StringEquals => "stringEquals",
            Function::GetAttr(_) => "getAttr",
            Function::Substring => "substring",
            Function::UriEncode => "uriEncode",
            Function::ParseUrl => "parseURL",
            Function::IsValidHostLabel => "isValidHostLabel",
            Function::AwsPartition => "aws.partition",
            Function::AwsParseArn => "aws.parseArn",
            Function::AwsIsVirtualHostableS3Bucket => "aws.isVirtualHostableS3Bucket",
        }
    }

    /// Argument count after parsing (`getAttr`'s path is not counted: it lives in the variant).
    fn arity(&self) -> usize {
        match self {
            Function::IsSet
            | Function::Not
            | Function::GetAttr(_)
            | Function::UriEncode
            | Function::ParseUrl
            | Function::AwsPartition
            | Function::AwsParseArn => 1,
            Function::BooleanEquals
            | Function::StringEquals
            | Function::IsValidHostLabel
            | Function::AwsIsVirtualHostableS3Bucket => 2,
            Function::Substring => 4,
        }
    }
}

/// A templated string such as `https://svc.{Region}.{PartitionResult#dnsSuffix}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    /// `{Name}`
    Ref(String),
    /// `{Name#path}`: shorthand for `getAttr(Name, "path")`.
    Attr(String, AttrPath),
}

impl Template {
    pub fn parse(source: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let mut hole = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => hole.push(c),
                            None => return Err(format!("unclosed `{{` in template `{source}`")),
                        }
                    }
                    if !literal.is_empty() {
                        parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(match hole.split_once('#') {
                        Some((name, path)) => {
                            TemplatePart::Attr(name.to_owned(), AttrPath::parse(path)?)
                        }
                        None => TemplatePart::Ref(hole),
                    });
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() || parts.is_empty() {
            parts.push(TemplatePart::Literal(literal));
        }
        Ok(Self { parts })
    }

    /// The text of a template without holes.
    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [TemplatePart::Literal(text)] => Some(text),
            _ => None,
        }
    }
}

/// A parsed `getAttr` path such as `resourceId[0]` or `a.b[2]`.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrPath {
    pub segments: Vec<PathSegment>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

impl AttrPath {
    /// Split on `.`; a part may end in `[n]`, with or without a key before it.
    pub fn parse(source: &str) -> Result<Self, String> {
        let invalid = || format!("invalid `getAttr` path `{source}`");
        let mut segments = Vec::new();
        for part in source.split('.') {
            let (key, index) = match part.split_once('[') {
                Some((key, rest)) => {
                    let digits = rest.strip_suffix(']').ok_or_else(invalid)?;
                    (key, Some(digits.parse::<usize>().map_err(|_| invalid())?))
                }
                None => (part, None),
            };
            if !key.is_empty() {
                segments.push(PathSegment::Key(key.to_owned()));
            } else if index.is_none() {
                return Err(invalid());
            }
            segments.extend(index.map(PathSegment::Index));
        }
        Ok(Self { segments })
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                PathSegment::Key(key) if i == 0 => f.write_str(key)?,
                PathSegment::Key(key) => write!(f, ".{key}")?,
                PathSegment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(text: &str) -> TemplatePart {
        TemplatePart::Literal(text.to_owned())
    }

    fn parse(json: serde_json::Value) -> Result<Expr, String> {
        Expr::try_from(json)
    }

    #[test]
    fn templates_split_into_literals_and_holes() {
        let template = Template::parse("https://svc.{Region}.{Partition#dnsSuffix}/").ok();
        let expected = vec![
            literal("https://svc."),
            TemplatePart::Ref("Region".to_owned()),
            literal("."),
            TemplatePart::Attr(
                "Partition".to_owned(),
                AttrPath {
                    segments: vec![PathSegment::Key("dnsSuffix".to_owned())],
                },
            ),
            literal("/"),
        ];
        assert_eq!(template.map(|t| t.parts), Some(expected));
    }

    #[test]
    fn doubled_braces_are_literal_braces() {
        let template = Template::parse("{{not a hole}} }").ok();
        assert_eq!(
            template.map(|t| t.parts),
            Some(vec![literal("{not a hole} }")])
        );
        assert_eq!(
            Template::parse("")
                .ok()
                .and_then(|t| t.as_literal().map(str::to_owned)),
            Some(String::new())
        );
    }

    #[test]
    fn unclosed_hole_is_an_error() {
        let error = Template::parse("https://{Region").err().unwrap_or_default();
        assert!(error.contains("unclosed"), "{error}");
    }

    #[test]
    fn attr_paths_have_keys_and_trailing_indexes() {
        let path = AttrPath::parse("a.b[2]").ok();
        let expected = vec![
            PathSegment::Key("a".to_owned()),
            PathSegment::Key("b".to_owned()),
            PathSegment::Index(2),
        ];
        assert_eq!(path.map(|p| p.segments), Some(expected));
        let index_only = AttrPath::parse("[0]").ok();
        assert_eq!(
            index_only.map(|p| p.segments),
            Some(vec![PathSegment::Index(0)])
        );
        for bad in ["", "a..b", "a[x]", "a[1", "a[-1]"] {
            assert!(AttrPath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn expressions_of_every_form() {
        use serde_json::json;
        assert_eq!(parse(json!(true)), Ok(Expr::Bool(true)));
        assert_eq!(parse(json!(3)), Ok(Expr::Int(3)));
        assert_eq!(
            parse(json!({"ref": "Region"})),
            Ok(Expr::Ref("Region".to_owned()))
        );
        let object = parse(json!({"authSchemes": [{"name": "sigv4"}]}));
        assert!(matches!(object, Ok(Expr::Object(fields)) if fields.contains_key("authSchemes")));
        let call = parse(json!({"fn": "getAttr", "argv": [{"ref": "P"}, "name"]}));
        assert!(matches!(
            call,
            Ok(Expr::Call(Call { function: Function::GetAttr(_), ref args })) if args.len() == 1
        ));
        assert!(parse(json!(1.5)).is_err());
        assert!(parse(json!(null)).is_err());
    }

    #[test]
    fn unknown_functions_are_named() {
        let error = Call::new("aws.frobnicate", vec![])
            .err()
            .unwrap_or_default();
        assert_eq!(error, "unknown function `aws.frobnicate`");
    }

    #[test]
    fn argument_counts_are_checked() {
        let error = Call::new("not", vec![Expr::Bool(true), Expr::Bool(false)]).err();
        assert_eq!(error.as_deref(), Some("`not` takes 1 argument(s), found 2"));
        let templated_path = Call::new(
            "getAttr",
            vec![
                Expr::Ref("P".to_owned()),
                Expr::String(Template::parse("{X}").unwrap_or_else(|e| panic!("{e}"))),
            ],
        );
        assert!(templated_path.is_err());
    }
}
