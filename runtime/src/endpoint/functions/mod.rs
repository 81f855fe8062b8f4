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
