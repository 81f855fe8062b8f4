//! `smithy.waiters#waitable`: an operation's waiters, their acceptors, and each acceptor's
//! JMESPath `path` typed against the operation's input and output, so that `emit::waiter`
//! writes plain Rust over those types. An expression that cannot be typed (a member the
//! shape lacks, a function or form the generator does not compile) fails generation naming
//! the waiter.
//!
//! A typed expression ([`Expr`]) is one of three kinds: model values it reaches by members,
//! indexes and keys (`One`: `Option<&T>` in Rust), model values a projection collects
//! (`Many`: `Vec<&T>`), and computed JMESPath values (`Value`: literals, comparisons, logic,
//! functions; `leansdk_runtime::waiter::value::Value`).

use heck::ToSnakeCase;
use serde_json::Value;

use super::{Field, NamedKind, OperationError, RustType, Struct, TypeDef, TypeKind};
use crate::error::Error;
use crate::jmespath::{self, Ast, Comparison};
use crate::model::Shape;

const WAITABLE: &str = "smithy.waiters#waitable";

/// One waiter of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiter {
    /// As in the model, e.g. `FunctionActive`: the mode type's name.
    pub name: String,
    /// `wait_until_function_active`: the client method.
    pub method: String,
    pub docs: String,
    /// Seconds.
    pub min_delay: u64,
    /// Seconds.
    pub max_delay: u64,
    pub deprecated: bool,
    pub acceptors: Vec<Acceptor>,
}

/// An acceptor: the state it moves the waiter to when its matcher matches.
#[derive(Clone, Debug, PartialEq)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: Matcher,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Matcher {
    /// `output` and `inputOutput`: `path` (typed with the output, or with `input` and
    /// `output` as its two members) compared with `expected`.
    Path {
        /// The expression as the model writes it.
        source: String,
        path: Box<Expr>,
        comparator: Comparator,
        expected: String,
    },
    /// `success: true` matches any output, `success: false` any error.
    Success(bool),
    /// `errorType`: an error of the operation's (`variant` of its error enum) or, for a
    /// name the operation does not list, any error with that code.
    ErrorType {
        code: String,
        variant: Option<String>,
    },
}

/// The acceptors' comparators, as the runtime matches them.
pub use leansdk_runtime::waiter::value::Comparator;

/// A typed JMESPath expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub node: Node,
    pub kind: Kind,
}

/// What an expression evaluates to (see the module docs). `RustType`s here are never
/// boxed: boxed members are dereferenced when read.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    One(RustType),
    Many(RustType),
    Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// The operation's input or output.
    Root(Root),
    /// The item in scope of the innermost enclosing projection.
    Item,
    /// A structure member.
    Field {
        of: Box<Expr>,
        field: Box<Field>,
    },
    /// A map value by key.
    MapKey {
        of: Box<Expr>,
        key: String,
    },
    /// A list item; negative indexes count from the end.
    Index {
        of: Box<Expr>,
        index: i64,
    },
    /// The items of `of` (a list, or what a projection collected), lists among them spliced.
    Flatten(Box<Expr>),
    /// `then` for each item of `of` (a list's items, a map's values, or what a projection
    /// collected) that passes `filter`, nulls dropped.
    Project {
        of: Box<Expr>,
        filter: Option<Box<Expr>>,
        then: Box<Expr>,
    },
    /// The non-null items of a computed list (a projection of it with nothing after).
    NonNull(Box<Expr>),
    Literal(Value),
    Compare(Comparison, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// A multi-select list.
    List(Vec<Expr>),
    Length(Box<Expr>),
    Contains(Box<Expr>, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    Input,
    Output,
}

/// The waiters of `operation`, in the model's order (empty without the trait).
pub(super) fn resolve(
    types: &[TypeDef],
    operation: &Shape,
    io: Io<'_>,
    errors: &[OperationError],
) -> Result<Vec<Waiter>, Error> {
    let Some(waiters) = operation.traits.get(WAITABLE).and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    let mut resolved = Vec::new();
    for (name, waiter) in waiters {
        let error = |message: String| Error::Waiter {
            operation: operation.id.to_string(),
            waiter: name.clone(),
            message,
        };
        resolved.push(waiter_of(types, io, errors, name, waiter).map_err(error)?);
    }
    Ok(resolved)
}

/// The operation's input and output structures, with their Rust type names.
#[derive(Clone, Copy)]
pub(super) struct Io<'a> {
    pub input: &'a Struct,
    pub input_name: &'a str,
    pub output: &'a Struct,
    pub output_name: &'a str,
}

fn waiter_of(
    types: &[TypeDef],
    io: Io<'_>,
    errors: &[OperationError],
    name: &str,
    waiter: &Value,
) -> Result<Waiter, String> {
    let seconds = |key: &str, default: u64| match waiter.get(key) {
        None => Ok(default),
        Some(value) => value
            .as_u64()
            .filter(|s| *s >= 1)
            .ok_or_else(|| format!("`{key}` is {value}, not a whole number of seconds >= 1")),
    };
    let min_delay = seconds("minDelay", 2)?;
    let max_delay = seconds("maxDelay", 120)?;
    if max_delay < min_delay {
        return Err(format!(
            "`maxDelay` {max_delay} is less than `minDelay` {min_delay}"
        ));
    }
    let acceptors = waiter
        .get("acceptors")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or("no `acceptors`")?;
    let typer = Typer { types, io };
    let acceptors = acceptors
        .iter()
        .enumerate()
        .map(|(i, a)| {
            typer
                .acceptor(a, errors)
                .map_err(|e| format!("acceptor {i}: {e}"))
        })
        .collect::<Result<_, _>>()?;
    Ok(Waiter {
        name: name.to_owned(),
        method: format!("wait_until_{}", name.to_snake_case()),
        docs: waiter
            .get("documentation")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        min_delay,
        max_delay,
        deprecated: waiter.get("deprecated").and_then(Value::as_bool) == Some(true),
        acceptors,
    })
}

/// What `@` is while typing: a typed expression, or the root of an `inputOutput` path
/// (from which only `input` and `output` can be read).
enum Scope {
    Of(Box<Expr>),
    InputOutput,
}

impl Scope {
    fn of(expr: Expr) -> Self {
        Self::Of(Box::new(expr))
    }
}

struct Typer<'a> {
    types: &'a [TypeDef],
    io: Io<'a>,
}

impl Typer<'_> {
    fn acceptor(&self, acceptor: &Value, errors: &[OperationError]) -> Result<Acceptor, String> {
        let state = match acceptor.get("state").and_then(Value::as_str) {
            Some("success") => AcceptorState::Success,
            Some("failure") => AcceptorState::Failure,
            Some("retry") => AcceptorState::Retry,
            other => return Err(format!("unknown state {other:?}")),
        };
        let matcher = acceptor
            .get("matcher")
            .and_then(Value::as_object)
            .filter(|m| m.len() == 1)
            .and_then(|m| m.iter().next())
            .map(|(kind, value)| (kind.as_str(), value))
            .ok_or("the matcher must have exactly one member")?;
        let matcher = match matcher {
            ("success", Value::Bool(success)) => Matcher::Success(*success),
            ("errorType", Value::String(name)) => {
                let code = name.rsplit('#').next().unwrap_or(name).to_owned();
                let variant = errors
                    .iter()
                    .find(|e| e.codes.contains(&code))
                    .map(|e| e.type_name.clone());
                Matcher::ErrorType { code, variant }
            }
            ("output", path) => self.path_matcher(path, &Scope::of(self.output_root()))?,
            ("inputOutput", path) => self.path_matcher(path, &Scope::InputOutput)?,
            (kind, _) => return Err(format!("unsupported matcher `{kind}`")),
        };
        Ok(Acceptor { state, matcher })
    }

    fn output_root(&self) -> Expr {
        root(Root::Output, self.io.output_name)
    }

    fn path_matcher(&self, matcher: &Value, root: &Scope) -> Result<Matcher, String> {
        let text = |key: &str| {
            matcher
                .get(key)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("no `{key}` string"))
        };
        let path_text = text("path")?;
        let expected = text("expected")?.to_owned();
        let comparator = match text("comparator")? {
            "stringEquals" => Comparator::StringEquals,
            "booleanEquals" if matches!(expected.as_str(), "true" | "false") => {
                Comparator::BooleanEquals
            }
            "booleanEquals" => return Err(format!("booleanEquals expects `{expected}`")),
            "allStringEquals" => Comparator::AllStringEquals,
            "anyStringEquals" => Comparator::AnyStringEquals,
            other => return Err(format!("unknown comparator `{other}`")),
        };
        let ast = jmespath::parse(path_text).map_err(|e| format!("path `{path_text}`: {e}"))?;
        let path = self
            .expr(&ast, root)
            .and_then(|path| self.value(path))
            .map_err(|e| format!("path `{path_text}`: {e}"))?;
        Ok(Matcher::Path {
            source: path_text.to_owned(),
            path: Box::new(path),
            comparator,
            expected,
        })
    }

    /// Types `ast` with `scope` as `@`.
    fn expr(&self, ast: &Ast, scope: &Scope) -> Result<Expr, String> {
        // Only `input` and `output` are read from the root of an `inputOutput` path.
        let current = || match scope {
            Scope::Of(current) => Ok(&**current),
            Scope::InputOutput => {
                Err("an inputOutput path reads `input.` or `output.` first".to_owned())
            }
        };
        Ok(match ast {
            Ast::Current => current()?.clone(),
            Ast::Field(name) => match scope {
                Scope::Of(current) => self.field(current, name)?,
                Scope::InputOutput if name == "input" => root(Root::Input, self.io.input_name),
                Scope::InputOutput if name == "output" => self.output_root(),
                Scope::InputOutput => {
                    return Err(format!(
                        "`{name}`: an inputOutput path reads `input` or `output`"
                    ));
                }
            },
            Ast::Sub(left, right) => self.expr(right, &Scope::of(self.expr(left, scope)?))?,
            Ast::Index(index) => {
                let current = current()?;
                let item = match &current.kind {
                    Kind::One(RustType::List { item, sparse, .. }) => {
                        if *sparse {
                            return Err("indexes into sparse lists are not supported".into());
                        }
                        (**item).clone()
                    }
                    Kind::Many(item) => item.clone(),
                    other => return Err(format!("`[{index}]` on {}", describe(other))),
                };
                Expr {
                    node: Node::Index {
                        of: Box::new(current.clone()),
                        index: *index,
                    },
                    kind: Kind::One(item),
                }
            }
            Ast::Flatten(inner) => {
                let inner = self.expr(inner, scope)?;
                let item = items_of(&inner.kind, false)?;
                let kind = match item {
                    ItemKind::Model(RustType::List { item, .. }) => Kind::Many(*item),
                    ItemKind::Model(item) => Kind::Many(item),
                    ItemKind::Value => Kind::Value,
                };
                Expr {
                    node: Node::Flatten(Box::new(inner)),
                    kind,
                }
            }
            Ast::ListProjection(left, right) => self.projection(scope, left, None, right, false)?,
            Ast::ObjectProjection(left, right) => {
                self.projection(scope, left, None, right, true)?
            }
            Ast::FilterProjection {
                left,
                condition,
                right,
            } => self.projection(scope, left, Some(condition), right, false)?,
            Ast::Comparison(op, left, right) => {
                let operand = |ast| {
                    let value = self.expr(ast, scope)?;
                    if has_objects(&value.kind) {
                        return Err(format!(
                            "comparing {} is not supported (JMESPath compares objects member \
                             by member)",
                            describe(&value.kind)
                        ));
                    }
                    self.value(value)
                };
                computed(Node::Compare(
                    *op,
                    Box::new(operand(left)?),
                    Box::new(operand(right)?),
                ))
            }
            Ast::And(left, right) => computed(Node::And(
                Box::new(self.value_of(left, scope)?),
                Box::new(self.value_of(right, scope)?),
            )),
            Ast::Or(left, right) => computed(Node::Or(
                Box::new(self.value_of(left, scope)?),
                Box::new(self.value_of(right, scope)?),
            )),
            Ast::Not(inner) => computed(Node::Not(Box::new(self.value_of(inner, scope)?))),
            Ast::Literal(value) => {
                if has_object_literal(value) {
                    return Err(format!("object literal {value} is not supported"));
                }
                computed(Node::Literal(value.clone()))
            }
            Ast::MultiSelectList(items) => computed(Node::List(
                items
                    .iter()
                    .map(|item| self.value_of(item, scope))
                    .collect::<Result<_, _>>()?,
            )),
            Ast::Function(name, args) => match (name.as_str(), args.as_slice()) {
                ("length", [arg]) => computed(Node::Length(Box::new(self.value_of(arg, scope)?))),
                ("contains", [subject, search]) => computed(Node::Contains(
                    Box::new(self.value_of(subject, scope)?),
                    Box::new(self.value_of(search, scope)?),
                )),
                ("length" | "contains", _) => {
                    return Err(format!("`{name}` called with {} argument(s)", args.len()));
                }
                _ => return Err(format!("function `{name}` is not supported")),
            },
            Ast::Slice => return Err("slices are not supported".into()),
            Ast::MultiSelectHash => return Err("multi-select hashes are not supported".into()),
            Ast::ExpressionRef => return Err("expression references are not supported".into()),
        })
    }

    fn field(&self, current: &Expr, name: &str) -> Result<Expr, String> {
        let kind = match &current.kind {
            Kind::One(RustType::Named {
                name: type_name,
                kind: NamedKind::Structure,
                ..
            }) => {
                let structure = self
                    .structure(type_name)
                    .ok_or_else(|| format!("structure `{type_name}` not found"))?;
                let field = structure
                    .fields
                    .iter()
                    .find(|f| f.member == name)
                    .ok_or_else(|| format!("`{type_name}` has no member `{name}`"))?;
                return Ok(Expr {
                    kind: Kind::One(unboxed(&field.ty)),
                    node: Node::Field {
                        of: Box::new(current.clone()),
                        field: Box::new(field.clone()),
                    },
                });
            }
            Kind::One(RustType::Map { value, sparse, .. }) => {
                if *sparse {
                    return Err("keys of sparse maps are not supported".into());
                }
                return Ok(Expr {
                    kind: Kind::One((**value).clone()),
                    node: Node::MapKey {
                        of: Box::new(current.clone()),
                        key: name.to_owned(),
                    },
                });
            }
            other => other,
        };
        Err(format!(
            "`{name}` is read from {}, which has no members",
            describe(kind)
        ))
    }

    /// `left[*].right` (`objects`: `left.*.right`), filtered by `condition` when given.
    fn projection(
        &self,
        scope: &Scope,
        left: &Ast,
        condition: Option<&Ast>,
        right: &Ast,
        objects: bool,
    ) -> Result<Expr, String> {
        let of = self.expr(left, scope)?;
        let item = match items_of(&of.kind, objects)? {
            ItemKind::Model(item) => item,
            // `[...][]`: the items of a computed list, e.g. of a multi-select per item.
            ItemKind::Value if condition.is_none() && *right == Ast::Current => {
                return Ok(computed(Node::NonNull(Box::new(of))));
            }
            ItemKind::Value => {
                return Err("filtering or projecting computed values is not supported".into());
            }
        };
        let item = Expr {
            node: Node::Item,
            kind: Kind::One(item),
        };
        let item = Scope::of(item);
        let filter = condition
            .map(|condition| self.value_of(condition, &item).map(Box::new))
            .transpose()?;
        let then = self.expr(right, &item)?;
        let kind = match &then.kind {
            Kind::One(ty) => Kind::Many(ty.clone()),
            _ => Kind::Value,
        };
        let then = if kind == Kind::Value {
            self.value(then)?
        } else {
            then
        };
        Ok(Expr {
            node: Node::Project {
                of: Box::new(of),
                filter,
                then: Box::new(then),
            },
            kind,
        })
    }

    fn value_of(&self, ast: &Ast, scope: &Scope) -> Result<Expr, String> {
        self.value(self.expr(ast, scope)?)
    }

    /// `expr` as a computed value: checks that its model types have a JMESPath value.
    fn value(&self, expr: Expr) -> Result<Expr, String> {
        match &expr.kind {
            Kind::One(ty) | Kind::Many(ty) => self.has_value(ty)?,
            Kind::Value => {}
        }
        Ok(expr)
    }

    fn has_value(&self, ty: &RustType) -> Result<(), String> {
        match ty {
            RustType::Bool
            | RustType::I8
            | RustType::I16
            | RustType::I32
            | RustType::I64
            | RustType::F32
            | RustType::F64
            | RustType::String
            | RustType::Map { .. } => Ok(()),
            RustType::Named {
                kind: NamedKind::Enum | NamedKind::Structure,
                ..
            } => Ok(()),
            RustType::List { item, .. } => self.has_value(item),
            other => Err(format!(
                "{} members are not supported in paths",
                describe_type(other)
            )),
        }
    }

    fn structure(&self, name: &str) -> Option<&Struct> {
        if name == self.io.input_name {
            return Some(self.io.input);
        }
        if name == self.io.output_name {
            return Some(self.io.output);
        }
        self.types.iter().find_map(|def| match &def.kind {
            TypeKind::Struct(s) if def.name == name => Some(s),
            _ => None,
        })
    }
}

fn root(root: Root, type_name: &str) -> Expr {
    Expr {
        node: Node::Root(root),
        kind: Kind::One(RustType::Named {
            name: type_name.to_owned(),
            boxed: false,
            kind: NamedKind::Structure,
        }),
    }
}

fn computed(node: Node) -> Expr {
    Expr {
        node,
        kind: Kind::Value,
    }
}

enum ItemKind {
    Model(RustType),
    Value,
}

/// What iterating a value of `kind` yields: a list's items (`objects`: a map's values) or
/// what a projection collected.
fn items_of(kind: &Kind, objects: bool) -> Result<ItemKind, String> {
    match (kind, objects) {
        (Kind::One(RustType::List { item, .. }), false) => Ok(ItemKind::Model((**item).clone())),
        (Kind::One(RustType::Map { value, .. }), true) => Ok(ItemKind::Model((**value).clone())),
        (Kind::Many(item), false) => Ok(ItemKind::Model(item.clone())),
        (Kind::Value, false) => Ok(ItemKind::Value),
        (other, true) => Err(format!(
            "`*` projects a map's values, not {} (structures' members are not supported)",
            describe(other)
        )),
        (other, false) => Err(format!("`[]` projects a list, not {}", describe(other))),
    }
}

fn unboxed(ty: &RustType) -> RustType {
    match ty {
        RustType::Named { name, kind, .. } => RustType::Named {
            name: name.clone(),
            boxed: false,
            kind: *kind,
        },
        other => other.clone(),
    }
}

/// Whether values of `kind` can hold structures or maps (which comparisons refuse).
fn has_objects(kind: &Kind) -> bool {
    fn of_type(ty: &RustType) -> bool {
        match ty {
            RustType::Map { .. }
            | RustType::Named {
                kind: NamedKind::Structure,
                ..
            } => true,
            RustType::List { item, .. } => of_type(item),
            _ => false,
        }
    }
    match kind {
        Kind::One(ty) | Kind::Many(ty) => of_type(ty),
        Kind::Value => false,
    }
}

fn has_object_literal(value: &Value) -> bool {
    match value {
        Value::Object(_) => true,
        Value::Array(items) => items.iter().any(has_object_literal),
        _ => false,
    }
}

fn describe(kind: &Kind) -> String {
    match kind {
        Kind::One(ty) => format!("a {}", describe_type(ty)),
        Kind::Many(_) => "a projection (a list)".into(),
        Kind::Value => "a computed value".into(),
    }
}

fn describe_type(ty: &RustType) -> &'static str {
    match ty {
        RustType::Bool => "boolean",
        RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => "integer",
        RustType::F32 | RustType::F64 => "floating-point",
        RustType::String => "string",
        RustType::BigNumber => "big number",
        RustType::Blob | RustType::ByteStream => "blob",
        RustType::EventReceiver { .. } | RustType::EventSender { .. } => "event stream",
        RustType::Timestamp(_) => "timestamp",
        RustType::Document => "document",
        RustType::Named { kind, .. } => match kind {
            NamedKind::Structure => "structure",
            NamedKind::Union => "union",
            NamedKind::Enum => "enum",
            NamedKind::IntEnum => "intEnum",
        },
        RustType::List { .. } => "list",
        RustType::Map { .. } => "map",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{Kind, Matcher, Node};
    use crate::error::Error;
    use crate::ir::{Crate, RustType};
    use crate::model::Model;

    /// A service with one operation, `Get`, carrying `waiters`.
    fn build(waiters: Value) -> Result<Crate, Error> {
        let json = json!({
            "smithy": "2.0",
            "shapes": {
                "ex#Service": {
                    "type": "service",
                    "operations": [{"target": "ex#Get"}],
                    "traits": {"aws.protocols#restJson1": {}}
                },
                "ex#Get": {
                    "type": "operation",
                    "input": {"target": "ex#GetInput"},
                    "output": {"target": "ex#GetOutput"},
                    "errors": [{"target": "ex#Missing"}],
                    "traits": {"smithy.waiters#waitable": waiters}
                },
                "ex#GetInput": {"type": "structure", "members": {
                    "id": {"target": "smithy.api#String"}
                }},
                "ex#GetOutput": {"type": "structure", "members": {
                    "status": {"target": "smithy.api#String"},
                    "created": {"target": "smithy.api#Timestamp"},
                    "parts": {"target": "ex#Parts"}
                }},
                "ex#Parts": {"type": "list", "member": {"target": "ex#Part"}},
                "ex#Part": {"type": "structure", "members": {
                    "state": {"target": "smithy.api#String"}
                }},
                "ex#Missing": {"type": "structure", "members": {},
                    "traits": {"smithy.api#error": "client"}}
            }
        });
        Crate::build(&Model::from_json(&json.to_string()).unwrap(), None)
    }

    fn path_waiter(path: &str) -> Value {
        json!({"Ready": {"acceptors": [{"state": "success", "matcher": {"output": {
            "path": path, "expected": "x", "comparator": "stringEquals"
        }}}]}})
    }

    fn failure(waiters: Value) -> String {
        match build(waiters) {
            Err(error @ Error::Waiter { .. }) => error.to_string(),
            other => panic!("expected a waiter error: {other:?}"),
        }
    }

    #[test]
    fn a_projection_is_typed_through_the_output() {
        let krate = build(path_waiter("parts[].state")).unwrap();
        let waiter = &krate.operations[0].waiters[0];
        assert_eq!(
            (waiter.method.as_str(), waiter.min_delay, waiter.max_delay),
            ("wait_until_ready", 2, 120),
            "the specification's default delays"
        );
        let Matcher::Path { path, .. } = &waiter.acceptors[0].matcher else {
            panic!("{:?}", waiter.acceptors[0]);
        };
        assert_eq!(path.kind, Kind::Many(RustType::String));
        let Node::Project {
            of,
            then,
            filter: None,
        } = &path.node
        else {
            panic!("{path:?}");
        };
        assert!(matches!(of.node, Node::Flatten(_)));
        assert!(matches!(&then.node, Node::Field { field, .. } if field.member == "state"));
    }

    #[test]
    fn error_types_resolve_to_the_operations_errors_or_stay_codes() {
        let krate = build(json!({"Gone": {"acceptors": [
            {"state": "success", "matcher": {"errorType": "ex#Missing"}},
            {"state": "retry", "matcher": {"errorType": "Throttled"}}
        ]}}))
        .unwrap();
        let matchers: Vec<_> = krate.operations[0].waiters[0]
            .acceptors
            .iter()
            .map(|a| &a.matcher)
            .collect();
        assert_eq!(
            matchers,
            [
                &Matcher::ErrorType {
                    code: "Missing".into(),
                    variant: Some("Missing".into())
                },
                &Matcher::ErrorType {
                    code: "Throttled".into(),
                    variant: None
                }
            ]
        );
    }

    #[test]
    fn what_cannot_be_compiled_fails_generation_naming_the_waiter() {
        for (path, says) in [
            ("nope", "`GetOutput` has no member `nope`"),
            ("status.inner", "`inner` is read from a string"),
            ("created", "timestamp members are not supported"),
            ("parts[0:1]", "slices are not supported"),
            ("sort(parts[].state)", "function `sort` is not supported"),
            (
                "length(parts, status)",
                "`length` called with 2 argument(s)",
            ),
            ("parts == parts", "comparing a list is not supported"),
            ("status.*", "`*` projects a map's values"),
            ("{a: status}", "multi-select hashes"),
            ("status ==", "unexpected"),
            ("input.id", "no member `input`"),
        ] {
            let message = failure(path_waiter(path));
            assert!(
                message.contains("waiter `Ready` of `ex#Get`") && message.contains(says),
                "{path}: {message}"
            );
        }
    }

    #[test]
    fn malformed_waiters_say_what_is_wrong() {
        for (waiters, says) in [
            (json!({"W": {"acceptors": []}}), "no `acceptors`"),
            (
                json!({"W": {"minDelay": 10, "maxDelay": 5, "acceptors": [
                    {"state": "success", "matcher": {"success": true}}]}}),
                "`maxDelay` 5 is less than `minDelay` 10",
            ),
            (
                json!({"W": {"minDelay": 0, "acceptors": [
                    {"state": "success", "matcher": {"success": true}}]}}),
                "`minDelay` is 0",
            ),
            (
                json!({"W": {"acceptors": [{"state": "done", "matcher": {"success": true}}]}}),
                "unknown state",
            ),
            (
                json!({"W": {"acceptors": [{"state": "success", "matcher": {"output": {
                    "path": "status", "expected": "yes", "comparator": "booleanEquals"}}}]}}),
                "booleanEquals expects `yes`",
            ),
            (
                json!({"W": {"acceptors": [{"state": "success", "matcher": {"inputOutput": {
                    "path": "status", "expected": "x", "comparator": "stringEquals"}}}]}}),
                "`status`: an inputOutput path reads `input` or `output`",
            ),
        ] {
            let message = failure(waiters);
            assert!(message.contains(says), "{message}");
        }
    }
}
