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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::error::Error;
    use crate::ir::Crate;
    use crate::model::Model;

    /// A service with its own `smithy.api#paginated`, a `List` operation with another one
    /// (the two are merged), and `Watch`, whose output is an event stream.
    fn model(service_paginated: serde_json::Value, list_paginated: serde_json::Value) -> Model {
        let json = json!({
            "smithy": "2.0",
            "shapes": {
                "ex#Service": {
                    "type": "service",
                    "operations": [{"target": "ex#List"}, {"target": "ex#Watch"}],
                    "traits": {"smithy.api#paginated": service_paginated}
                },
                "ex#List": {
                    "type": "operation",
                    "input": {"target": "ex#ListInput"},
                    "output": {"target": "ex#ListOutput"},
                    "traits": {"smithy.api#paginated": list_paginated}
                },
                "ex#ListInput": {"type": "structure", "members": {
                    "token": {"target": "smithy.api#String"},
                    "limit": {"target": "smithy.api#Integer"}
                }},
                "ex#ListOutput": {"type": "structure", "members": {
                    "next": {"target": "smithy.api#String"},
                    "things": {"target": "ex#Things"}
                }},
                "ex#Things": {"type": "list", "member": {"target": "smithy.api#String"}},
                "ex#Watch": {
                    "type": "operation",
                    "output": {"target": "ex#WatchOutput"}
                },
                "ex#WatchOutput": {"type": "structure", "members": {
                    "events": {"target": "ex#Events"}
                }},
                "ex#Events": {
                    "type": "union",
                    "members": {"tick": {"target": "smithy.api#Unit"}},
                    "traits": {"smithy.api#streaming": {}}
                }
            }
        });
        Model::from_json(&json.to_string()).unwrap()
    }

    #[test]
    fn the_operation_trait_extends_the_service_defaults() {
        let model = model(
            json!({"inputToken": "token", "outputToken": "next"}),
            json!({"items": "things", "pageSize": "limit"}),
        );
        let krate = Crate::build(&model, None).unwrap();
        let [list] = krate.operations.as_slice() else {
            panic!("one generated operation expected: {:?}", krate.operations);
        };
        let paginator = list.paginator.as_ref().unwrap();
        assert_eq!(paginator.input_token.name, "token");
        assert_eq!(paginator.output_token.name, "next");
        assert_eq!(paginator.items.as_ref().unwrap().name, "things");
        assert_eq!(paginator.page_size.as_ref().unwrap().name, "limit");
    }

    #[test]
    fn event_stream_operations_are_skipped_with_the_reason() {
        let model = model(
            json!({}),
            json!({"inputToken": "token", "outputToken": "next"}),
        );
        let krate = Crate::build(&model, None).unwrap();
        let [watch] = krate.skipped_operations.as_slice() else {
            panic!(
                "one skipped operation expected: {:?}",
                krate.skipped_operations
            );
        };
        assert_eq!(watch.name, "Watch");
        assert!(watch.reason.contains("event stream"), "{}", watch.reason);
        assert!(watch.reason.contains("ex#Events"), "{}", watch.reason);
    }

    #[test]
    fn unusable_traits_are_errors_naming_the_operation() {
        for (list, expected) in [
            (
                json!({"outputToken": "next"}),
                "neither the operation nor the service sets `inputToken`",
            ),
            (
                json!({"inputToken": "nope", "outputToken": "next"}),
                "names `nope`, which the input lacks",
            ),
            (
                json!({"inputToken": "limit", "outputToken": "next"}),
                "is not a string",
            ),
            (
                json!({"inputToken": "token", "outputToken": "a.b"}),
                "nested member",
            ),
            (
                json!({"inputToken": "token", "outputToken": "next", "items": "next"}),
                "not a list or map",
            ),
        ] {
            let error = Crate::build(&model(json!({}), list), None).unwrap_err();
            assert!(matches!(error, Error::Paginated { .. }), "{error}");
            let message = error.to_string();
            assert!(
                message.contains("ex#List") && message.contains(expected),
                "{message}"
            );
        }
    }
}
