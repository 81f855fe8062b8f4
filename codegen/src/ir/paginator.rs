//! `smithy.api#paginated`: the service's trait gives defaults, the operation's trait
//! overrides them member by member, and the named members are resolved to Rust fields:
//! tokens of any type (DynamoDB's are maps), output members at any depth
//! (`DistributionList.NextMarker`).

use serde_json::{Map, Value};

use super::{Field, RustType, Struct, TypeDef, TypeKind};
use crate::error::Error;
use crate::model::Shape;

const PAGINATED: &str = "smithy.api#paginated";

/// The fields that carry a paginated operation's tokens, page size and items (copies of
/// the operation's input and output fields, and of the structures on the way).
#[derive(Clone, Debug, PartialEq)]
pub struct Paginator {
    /// The input field holding the token to continue from.
    pub input_token: Field,
    /// Where the output holds the next page's token, of the input token's type.
    pub output_token: TokenPath,
    /// Where the output lists the page's items (a list or map), when the trait names them.
    pub items: Option<TokenPath>,
    /// The input field limiting the page size (an integer), when the trait names one.
    pub page_size: Option<Field>,
}

/// A member of the output reached through nested structures: `A.B.C` is the output's field
/// `A`, then `B` of its structure (`via`), then `C` of that one (`field`, the value).
#[derive(Clone, Debug, PartialEq)]
pub struct TokenPath {
    pub via: Vec<Field>,
    pub field: Field,
}

impl TokenPath {
    /// The member names joined as in the trait, e.g. `DistributionList.NextMarker`.
    pub fn display(&self) -> String {
        let members: Vec<&str> = self
            .via
            .iter()
            .chain([&self.field])
            .map(|f| f.member.as_str())
            .collect();
        members.join(".")
    }
}

/// The operation's paginator, or `None` when the operation has no `smithy.api#paginated`.
/// `types` are the crate's data types, through which nested paths are followed.
pub(super) fn resolve(
    types: &[TypeDef],
    service: &Shape,
    operation: &Shape,
    input: &Struct,
    output: &Struct,
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
            Some(Value::String(name)) => Ok(Some(name)),
            Some(other) => Err(error(format!("`{key}` is {other}, not a member name"))),
        }
    };
    let required = |key: &str| {
        member(key)?.ok_or_else(|| {
            error(format!(
                "neither the operation nor the service sets `{key}`"
            ))
        })
    };
    // Input members are top-level (Smithy allows no paths there).
    let input_field = |key: &str, name: &str| {
        if name.contains('.') {
            return Err(error(format!(
                "`{key}` `{name}` is a path; input members must be top-level"
            )));
        }
        input
            .fields
            .iter()
            .find(|f| f.member == name)
            .cloned()
            .ok_or_else(|| error(format!("`{key}` names `{name}`, which the input lacks")))
    };
    let output_path = |key: &str, path: &str| {
        follow(types, output, path)
            .map_err(|missing| error(format!("`{key}` path `{path}`: {missing}")))
    };

    let input_token = input_field("inputToken", required("inputToken")?)?;
    let output_token = output_path("outputToken", required("outputToken")?)?;
    if output_token.field.ty != input_token.ty {
        return Err(error(format!(
            "`outputToken` `{}` is not of the type of `inputToken` `{}`",
            output_token.display(),
            input_token.member
        )));
    }
    let items = member("items")?
        .map(|path| output_path("items", path))
        .transpose()?;
    if let Some(items) = &items
        && !matches!(items.field.ty, RustType::List { .. } | RustType::Map { .. })
    {
        return Err(error(format!(
            "`items` member `{}` is not a list or map",
            items.display()
        )));
    }
    let page_size = member("pageSize")?
        .map(|name| input_field("pageSize", name))
        .transpose()?;
    if let Some(size) = &page_size
        && !matches!(size.ty, RustType::I32 | RustType::I64)
    {
        return Err(error(format!(
            "`pageSize` member `{}` is not an integer",
            size.member
        )));
    }
    Ok(Some(Paginator {
        input_token,
        output_token,
        items,
        page_size,
    }))
}

/// The fields of `path` (`A.B.C`) from `output` down through the structures in `types`;
/// `Err` says which member is missing or not a structure.
fn follow(types: &[TypeDef], output: &Struct, path: &str) -> Result<TokenPath, String> {
    let mut via = Vec::new();
    let mut current = output;
    let mut members = path.split('.');
    let mut name = members.next().unwrap_or_default();
    loop {
        let field = current
            .fields
            .iter()
            .find(|f| f.member == name)
            .ok_or_else(|| format!("no member `{name}`"))?;
        let Some(next) = members.next() else {
            return Ok(TokenPath {
                via,
                field: field.clone(),
            });
        };
        let RustType::Named {
            name: type_name, ..
        } = &field.ty
        else {
            return Err(format!("`{name}` is not a structure"));
        };
        current = types
            .iter()
            .find(|def| &def.name == type_name)
            .and_then(|def| match &def.kind {
                TypeKind::Struct(structure) => Some(structure),
                _ => None,
            })
            .ok_or_else(|| format!("`{name}` is not a structure"))?;
        via.push(field.clone());
        name = next;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::error::Error;
    use crate::ir::Crate;
    use crate::model::Model;

    /// A service with its own `smithy.api#paginated` and a `List` operation with another one
    /// (the two are merged).
    fn model(service_paginated: serde_json::Value, list_paginated: serde_json::Value) -> Model {
        let json = json!({
            "smithy": "2.0",
            "shapes": {
                "ex#Service": {
                    "type": "service",
                    "operations": [{"target": "ex#List"}],
                    "traits": {
                        "smithy.api#paginated": service_paginated,
                        "aws.protocols#restJson1": {}
                    }
                },
                "ex#List": {
                    "type": "operation",
                    "input": {"target": "ex#ListInput"},
                    "output": {"target": "ex#ListOutput"},
                    "traits": {"smithy.api#paginated": list_paginated}
                },
                "ex#ListInput": {"type": "structure", "members": {
                    "token": {"target": "smithy.api#String"},
                    "key": {"target": "ex#Key"},
                    "limit": {"target": "smithy.api#Integer"}
                }},
                "ex#ListOutput": {"type": "structure", "members": {
                    "next": {"target": "smithy.api#String"},
                    "things": {"target": "ex#Things"},
                    "page": {"target": "ex#Page"},
                    "lastKey": {"target": "ex#Key"}
                }},
                "ex#Page": {"type": "structure", "members": {
                    "marker": {"target": "smithy.api#String"},
                    "entries": {"target": "ex#Things"}
                }},
                "ex#Key": {"type": "map",
                    "key": {"target": "smithy.api#String"},
                    "value": {"target": "smithy.api#Integer"}},
                "ex#Things": {"type": "list", "member": {"target": "smithy.api#String"}}
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
        assert_eq!(paginator.output_token.field.name, "next");
        assert!(paginator.output_token.via.is_empty());
        assert_eq!(paginator.items.as_ref().unwrap().field.name, "things");
        assert_eq!(paginator.page_size.as_ref().unwrap().name, "limit");
    }

    fn paginator(list: serde_json::Value) -> super::Paginator {
        let krate = Crate::build(&model(json!({}), list), None).unwrap();
        krate.operations[0].paginator.clone().unwrap()
    }

    #[test]
    fn output_members_are_reached_through_nested_structures() {
        let paginator = paginator(json!({
            "inputToken": "token", "outputToken": "page.marker", "items": "page.entries"
        }));
        assert_eq!(paginator.output_token.display(), "page.marker");
        let via: Vec<&str> = paginator
            .output_token
            .via
            .iter()
            .map(|f| f.member.as_str())
            .collect();
        assert_eq!(via, ["page"]);
        assert_eq!(paginator.output_token.field.member, "marker");
        assert_eq!(paginator.items.unwrap().display(), "page.entries");
    }

    #[test]
    fn tokens_may_be_maps() {
        let paginator = paginator(json!({"inputToken": "key", "outputToken": "lastKey"}));
        assert!(matches!(
            paginator.input_token.ty,
            crate::ir::RustType::Map { .. }
        ));
        assert_eq!(paginator.output_token.field.ty, paginator.input_token.ty);
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
                "is not of the type of `inputToken`",
            ),
            (
                json!({"inputToken": "token", "outputToken": "a.b"}),
                "path `a.b`: no member `a`",
            ),
            (
                json!({"inputToken": "token", "outputToken": "next.b"}),
                "`next` is not a structure",
            ),
            (
                json!({"inputToken": "page.marker", "outputToken": "next"}),
                "input members must be top-level",
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
