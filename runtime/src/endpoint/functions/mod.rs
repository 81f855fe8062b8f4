//! The rules-engine function library: Smithy's standard library and the AWS functions.
//! Each function lives in the module named after what it inspects; this module only checks
//! argument types and dispatches.

mod arn;
mod host;
mod partition;
mod region_pattern;
mod strings;
mod url;

pub use arn::parse_arn;
pub use host::{is_valid_host_label, is_virtual_hostable_s3_bucket};
pub use partition::{Partitions, PartitionsError};
pub use strings::{substring, uri_encode};
pub use url::parse_url;

use super::EndpointError;
use super::expr::{AttrPath, Function, PathSegment};
use super::value::Value;

/// `getAttr`: an unknown key, an index out of range or a path into a non-container is unset.
pub fn get_attr(value: &Value, path: &AttrPath) -> Option<Value> {
    path.segments
        .iter()
        .try_fold(value, |current, segment| match (segment, current) {
            (PathSegment::Key(key), Value::Object(fields)) => fields.get(key),
            (PathSegment::Index(index), Value::Array(items)) => items.get(*index),
            _ => None,
        })
        .cloned()
}

/// Applies `function` to already evaluated arguments (`None` = unset). Every function but
/// `isSet` yields unset when an argument is unset, which makes its condition fail.
pub fn call(function: &Function, args: Vec<Option<Value>>) -> Result<Option<Value>, EndpointError> {
    let Some(values) = args.into_iter().collect::<Option<Vec<Value>>>() else {
        return Ok(match function {
            Function::IsSet => Some(Value::Bool(false)),
            _ => None,
        });
    };
    let args = Args {
        function,
        values: &values,
    };
    Ok(match function {
        Function::IsSet => Some(Value::Bool(true)),
        Function::Not => Some(Value::Bool(!args.bool(0)?)),
        Function::BooleanEquals => Some(Value::Bool(args.bool(0)? == args.bool(1)?)),
        Function::StringEquals => Some(Value::Bool(args.str(0)? == args.str(1)?)),
        Function::GetAttr(path) => get_attr(&values[0], path),
        Function::Substring => {
            substring(args.str(0)?, args.index(1)?, args.index(2)?, args.bool(3)?).map(Value::from)
        }
        Function::UriEncode => Some(Value::String(uri_encode(args.str(0)?))),
        Function::ParseUrl => parse_url(args.str(0)?).map(|url| url.to_value()),
        Function::IsValidHostLabel => Some(Value::Bool(is_valid_host_label(
            args.str(0)?,
            args.bool(1)?,
        ))),
        Function::AwsPartition => Partitions::embedded()
            .map_err(|e| EndpointError::new(e.to_string()))?
            .lookup(args.str(0)?)
            .map(|outputs| outputs.to_value()),
        Function::AwsParseArn => parse_arn(args.str(0)?).map(|arn| arn.to_value()),
        Function::AwsIsVirtualHostableS3Bucket => Some(Value::Bool(is_virtual_hostable_s3_bucket(
            args.str(0)?,
            args.bool(1)?,
        ))),
    })
}

/// Typed access to a call's arguments; a mistyped argument is an error naming the function.
struct Args<'a> {
    function: &'a Function,
    values: &'a [Value],
}

impl Args<'_> {
    fn mistyped(&self, index: usize, expected: &str) -> EndpointError {
        let found = self.values.get(index).map_or("nothing", Value::type_name);
        EndpointError::new(format!(
            "argument {index} of `{}` must be a {expected}, found {found}",
            self.function.id()
        ))
    }

    fn bool(&self, index: usize) -> Result<bool, EndpointError> {
        self.values
            .get(index)
            .and_then(Value::as_bool)
            .ok_or_else(|| self.mistyped(index, "boolean"))
    }

    fn str(&self, index: usize) -> Result<&str, EndpointError> {
        self.values
            .get(index)
            .and_then(Value::as_str)
            .ok_or_else(|| self.mistyped(index, "string"))
    }

    fn index(&self, index: usize) -> Result<usize, EndpointError> {
        match self.values.get(index) {
            Some(Value::Int(i)) => {
                usize::try_from(*i).map_err(|_| self.mistyped(index, "non-negative integer"))
            }
            _ => Err(self.mistyped(index, "non-negative integer")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn call_with(function: Function, args: Vec<Option<Value>>) -> Option<Value> {
        call(&function, args).unwrap_or_else(|e| panic!("{e}"))
    }

    fn path(source: &str) -> AttrPath {
        AttrPath::parse(source).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn is_set_only_looks_at_absence() {
        assert_eq!(
            call_with(Function::IsSet, vec![Some(Value::Bool(false))]),
            Some(Value::Bool(true))
        );
        assert_eq!(
            call_with(Function::IsSet, vec![None]),
            Some(Value::Bool(false))
        );
    }

    #[test]
    fn boolean_functions() {
        let t = || Some(Value::Bool(true));
        let f = || Some(Value::Bool(false));
        assert_eq!(call_with(Function::Not, vec![t()]), f());
        assert_eq!(call_with(Function::BooleanEquals, vec![t(), t()]), t());
        assert_eq!(call_with(Function::BooleanEquals, vec![t(), f()]), f());
        let s = |text: &str| Some(Value::from(text));
        assert_eq!(call_with(Function::StringEquals, vec![s("a"), s("a")]), t());
        assert_eq!(call_with(Function::StringEquals, vec![s("a"), s("b")]), f());
    }

    #[test]
    fn unset_arguments_make_the_result_unset() {
        assert_eq!(call_with(Function::Not, vec![None]), None);
        assert_eq!(
            call_with(Function::StringEquals, vec![Some(Value::from("a")), None]),
            None
        );
    }

    #[test]
    fn mistyped_arguments_are_errors_naming_the_function() {
        let error = call(&Function::Not, vec![Some(Value::from("true"))]).err();
        assert_eq!(
            error.map(|e| e.message().to_owned()).as_deref(),
            Some("argument 0 of `not` must be a boolean, found string")
        );
        let negative = call(
            &Function::Substring,
            vec![
                Some(Value::from("abc")),
                Some(Value::Int(-1)),
                Some(Value::Int(2)),
                Some(Value::Bool(false)),
            ],
        );
        assert!(negative.is_err());
    }

    #[test]
    fn get_attr_follows_keys_and_indexes() {
        let value = Value::Object(BTreeMap::from([(
            "a".to_owned(),
            Value::Object(BTreeMap::from([(
                "b".to_owned(),
                Value::from(vec!["x".to_owned(), "y".to_owned()]),
            )])),
        )]));
        assert_eq!(get_attr(&value, &path("a.b[1]")), Some(Value::from("y")));
        assert_eq!(get_attr(&value, &path("a.b[2]")), None);
        assert_eq!(get_attr(&value, &path("a.c")), None);
        assert_eq!(get_attr(&value, &path("a[0]")), None);
        assert_eq!(
            get_attr(&Value::from(vec!["z".to_owned()]), &path("[0]")),
            Some(Value::from("z"))
        );
        assert_eq!(
            call_with(Function::GetAttr(path("a.b[0]")), vec![Some(value)]),
            Some(Value::from("x"))
        );
    }

    #[test]
    fn library_functions_dispatch() {
        let s = |text: &str| Some(Value::from(text));
        let partition = call_with(Function::AwsPartition, vec![s("eu-west-1")]);
        assert_eq!(
            partition.and_then(|p| get_attr(&p, &path("dnsSuffix"))),
            s("amazonaws.com")
        );
        let arn = call_with(Function::AwsParseArn, vec![s("arn:aws:s3:::bucket/key")]);
        assert_eq!(
            arn.and_then(|a| get_attr(&a, &path("resourceId[1]"))),
            s("key")
        );
        let url = call_with(Function::ParseUrl, vec![s("https://example.com/a")]);
        assert_eq!(
            url.and_then(|u| get_attr(&u, &path("normalizedPath"))),
            s("/a/")
        );
        assert_eq!(call_with(Function::UriEncode, vec![s("a/b")]), s("a%2Fb"));
        let sub = vec![
            s("abcdef"),
            Some(Value::Int(1)),
            Some(Value::Int(3)),
            Some(Value::Bool(false)),
        ];
        assert_eq!(call_with(Function::Substring, sub), s("bc"));
        let host = vec![s("a.b"), Some(Value::Bool(true))];
        assert_eq!(
            call_with(Function::IsValidHostLabel, host),
            Some(Value::Bool(true))
        );
        let bucket = vec![s("Bucket"), Some(Value::Bool(false))];
        assert_eq!(
            call_with(Function::AwsIsVirtualHostableS3Bucket, bucket),
            Some(Value::Bool(false))
        );
    }
}
