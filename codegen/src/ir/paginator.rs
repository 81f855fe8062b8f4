//! `smithy.api#paginated`: the service's trait gives defaults, the operation's trait
//! overrides them member by member, and the named members are resolved to Rust fields.

use serde_json::{Map, Value};

use super::{Field, RustType, Struct};
use crate::error::Error;
use crate::model::Shape;

const PAGINATED: &str = "smithy.api#paginated";

/// The fields that carry a paginated operation's tokens, page size and items (copies of
/// the operation's input and output fields).
#[derive(Clone, Debug, PartialEq)]
pub struct Paginator {
    /// The input field holding the token to continue from (a string).
    pub input_token: Field,
    /// The output field holding the next page's token (a string).
    pub output_token: Field,
    /// The output field listing the page's items (a list or map), when the trait names one.
    pub items: Option<Field>,
    /// The input field limiting the page size (an integer), when the trait names one.
    pub page_size: Option<Field>,
}

/// The operation's paginator, or `None` when the operation has no `smithy.api#paginated`.
pub(super) fn resolve<'s>(
    service: &Shape,
    operation: &Shape,
    input: &'s Struct,
    output: &'s Struct,
) -> Result<Option<Paginator>, Error> {
    let Some(own) = operation.traits.get(PAGINATED).and_then(Value::as_object) else {
        return Ok(None);
    };
    let mut merged: Map<String, Value> = service
        .traits
        .get(PAGINATED)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    merged.extend(own.clone());
    let error = |message: String| Error::Paginated {
        operation: operation.id.to_string(),
        message,
    };
    let member = |key: &str| -> Result<Option<&str>, Error> {
        match merged.get(key) {
            None => Ok(None),
            Some(Value::String(path)) if path.contains('.') => Err(error(format!(
                "`{key}` path `{path}` reaches into a nested member; only top-level members are supported"
            ))),
            Some(Value::String(name)) => Ok(Some(name)),
            Some(other) => Err(error(format!("`{key}` is {other}, not a member name"))),
        }
    };
    fn find<'s>(fields: &'s Struct, name: &str) -> Option<&'s Field> {
        fields.fields.iter().find(|f| f.member == name)
    }
    let field = |side: &'static str, fields: &'s Struct, key: &str, name: &str| {
        find(fields, name)
            .ok_or_else(|| error(format!("`{key}` names `{name}`, which the {side} lacks")))
    };
    let required = |key: &str| {
        member(key)?.ok_or_else(|| {
            error(format!(
                "neither the operation nor the service sets `{key}`"
            ))
        })
    };

    let input_token = field("input", input, "inputToken", required("inputToken")?)?;
    let output_token = field("output", output, "outputToken", required("outputToken")?)?;
    for (key, token) in [("inputToken", input_token), ("outputToken", output_token)] {
        if token.ty != RustType::String {
            return Err(error(format!(
                "`{key}` member `{}` is not a string",
                token.member
            )));
        }
    }
    let items = member("items")?
        .map(|name| field("output", output, "items", name))
        .transpose()?;
    if let Some(items) = items
        && !matches!(items.ty, RustType::List { .. } | RustType::Map { .. })
    {
        return Err(error(format!(
            "`items` member `{}` is not a list or map",
            items.member
        )));
    }
    let page_size = member("pageSize")?
        .map(|name| field("input", input, "pageSize", name))
        .transpose()?;
    if let Some(size) = page_size
        && !matches!(size.ty, RustType::I32 | RustType::I64)
    {
        return Err(error(format!(
            "`pageSize` member `{}` is not an integer",
            size.member
        )));
    }
    Ok(Some(Paginator {
        input_token: input_token.clone(),
        output_token: output_token.clone(),
        items: items.cloned(),
        page_size: page_size.cloned(),
    }))
}
