//! An operation's waiters: for each, a mode type for the operation's fluent builder and the
//! builder's `wait` in that mode, whose acceptors are the waiter's, compiled (JMESPath
//! included) into one closure. The polling loop lives once in `leansdk_runtime::waiter`.
//!
//! Expressions follow the kinds of `ir::waiter`: `One` tokens are `Option<&T>`, `Many`
//! tokens `Vec<&T>`, `Value` tokens a `jmespath::Value` (the runtime's, imported under that
//! name in each `wait`).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::waiter::{
    Acceptor, AcceptorState, Comparator, Expr, Kind, Matcher, Node, Root, Waiter,
};
use crate::ir::{NamedKind, Operation, Presence, RustType, Struct};
use crate::jmespath::Comparison;
use crate::tokens::{doc_attrs, ident};

/// The waiters of `op`, or nothing. `structure` finds a structure by type name, for the
/// member counts of structures turned into JMESPath objects.
pub fn emit<'a>(op: &'a Operation, structure: &dyn Fn(&str) -> Option<&'a Struct>) -> TokenStream {
    let waiters = op
        .waiters
        .iter()
        .map(|waiter| emit_one(op, waiter, structure));
    quote!(#(#waiters)*)
}

/// The `Client` method that starts `waiter` of `op`.
pub fn client_method(op: &Operation, waiter: &Waiter) -> TokenStream {
    let method = ident(&waiter.method);
    let module = ident(&op.module);
    let builder = format_ident!("{}", op.names.builder);
    let mode = format_ident!("{}", waiter.name);
    let docs = doc_attrs(&format!(
        "{}\n\nPolls `{}`: set the input's members, then `wait(max_wait)`.",
        first_paragraph(&waiter.docs, &waiter.name),
        op.name
    ));
    let deprecated = waiter.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #deprecated
        pub fn #method(&self) -> crate::operation::#module::#builder<crate::operation::#module::#mode> {
            crate::operation::#module::#builder::new(self.clone())
        }
    }
}

fn first_paragraph(docs: &str, name: &str) -> String {
    let text = docs.split("\n\n").next().unwrap_or_default().trim();
    if text.is_empty() {
        format!("Waits until `{name}`.")
    } else {
        text.to_owned()
    }
}

fn emit_one<'a>(
    op: &'a Operation,
    waiter: &Waiter,
    structure: &dyn Fn(&str) -> Option<&'a Struct>,
) -> TokenStream {
    let mode = format_ident!("{}", waiter.name);
    let builder = format_ident!("{}", op.names.builder);
    let output = format_ident!("{}", op.names.output);
    let error = format_ident!("{}", op.names.error);
    let mode_docs = format!(
        " The mode of [`{}`] that waits for `{}`: made by \
         [`Client::{}`](crate::client::Client::{}), it polls with [`wait`]({}::wait).",
        op.names.builder, waiter.name, waiter.method, waiter.method, op.names.builder
    );
    let acceptor_docs: Vec<String> = waiter.acceptors.iter().map(describe).collect();
    let wait_docs = doc_attrs(&format!(
        "{}\n\nPolls `{}` until an acceptor decides, for at most `max_wait`, with delays of {} \
         s to {} s between attempts (exponential backoff with jitter). The acceptors, first \
         match wins:\n\n{}\n\nA result no acceptor matches is polled again when it succeeded, \
         and ends the wait with [`WaiterError::OperationFailed`](leansdk_runtime::waiter::WaiterError::OperationFailed) \
         when it failed.",
        first_paragraph(&waiter.docs, &waiter.name),
        op.name,
        waiter.min_delay,
        waiter.max_delay,
        acceptor_docs.join("\n")
    ));
    let emitter = Emitter { structure, op };
    let uses_values = waiter
        .acceptors
        .iter()
        .any(|a| matches!(a.matcher, Matcher::Path { .. }));
    let import = uses_values.then(|| {
        quote!(
            use leansdk_runtime::waiter::value as jmespath;
        )
    });
    let branches = waiter.acceptors.iter().map(|acceptor| {
        let condition = emitter.condition(&acceptor.matcher);
        let state = match acceptor.state {
            AcceptorState::Success => quote!(Success),
            AcceptorState::Failure => quote!(Failure),
            AcceptorState::Retry => quote!(Retry),
        };
        quote!(if #condition { return Some(AcceptorState::#state); })
    });
    let (min, max) = (
        Literal::u64_unsuffixed(waiter.min_delay),
        Literal::u64_unsuffixed(waiter.max_delay),
    );
    quote! {
        #[doc = #mode_docs]
        #[derive(Clone, Copy, Debug)]
        pub struct #mode;

        impl #builder<#mode> {
            #wait_docs
            pub async fn wait(
                self,
                max_wait: ::std::time::Duration,
            ) -> Result<
                leansdk_runtime::waiter::FinalPoll<#output, leansdk_runtime::error::SdkError<#error>>,
                leansdk_runtime::waiter::WaiterError<#output, #error>,
            > {
                #import
                use leansdk_runtime::waiter::AcceptorState;
                let Self { client, input, .. } = self;
                let delays = leansdk_runtime::waiter::Delays::new(
                    ::std::time::Duration::from_secs(#min),
                    ::std::time::Duration::from_secs(#max),
                );
                leansdk_runtime::waiter::wait(
                    client.config().sleep_impl().as_ref(),
                    delays,
                    max_wait,
                    || input.clone().send_with(&client),
                    |result| {
                        #(#branches)*
                        None
                    },
                )
                .await
            }
        }
    }
}

/// A line of the `wait` docs for `acceptor`.
fn describe(acceptor: &Acceptor) -> String {
    let state = match acceptor.state {
        AcceptorState::Success => "success",
        AcceptorState::Failure => "failure",
        AcceptorState::Retry => "retry",
    };
    let when = match &acceptor.matcher {
        Matcher::Path {
            source,
            comparator,
            expected,
            ..
        } => {
            let how = match comparator {
                Comparator::StringEquals => "is",
                Comparator::BooleanEquals => "is",
                Comparator::AllStringEquals => "are all",
                Comparator::AnyStringEquals => "include",
            };
            format!("`{source}` {how} `{expected}`")
        }
        Matcher::Success(true) => "the call succeeds".to_owned(),
        Matcher::Success(false) => "the call fails".to_owned(),
        Matcher::ErrorType { code, .. } => format!("the error is `{code}`"),
    };
    format!("- {state} when {when}")
}

struct Emitter<'s, 'a> {
    structure: &'s dyn Fn(&str) -> Option<&'a Struct>,
    op: &'a Operation,
}

impl Emitter<'_, '_> {
    /// Whether `result` (the attempt's `&Result<Output, SdkError<Error>>`) matches.
    fn condition(&self, matcher: &Matcher) -> TokenStream {
        match matcher {
            Matcher::Path {
                path,
                comparator,
                expected,
                ..
            } => {
                let value = self.value(path);
                // An `inputOutput` path may read the input only.
                let output = if reads_output(path) {
                    quote!(output)
                } else {
                    quote!(_output)
                };
                let comparator = match comparator {
                    Comparator::StringEquals => quote!(StringEquals),
                    Comparator::BooleanEquals => quote!(BooleanEquals),
                    Comparator::AllStringEquals => quote!(AllStringEquals),
                    Comparator::AnyStringEquals => quote!(AnyStringEquals),
                };
                quote! {
                    result.as_ref().is_ok_and(|#output| {
                        jmespath::Comparator::#comparator.matches(&#value, #expected)
                    })
                }
            }
            Matcher::Success(true) => quote!(result.is_ok()),
            Matcher::Success(false) => quote!(result.is_err()),
            Matcher::ErrorType { code, variant } => {
                let test = match variant {
                    Some(variant) => {
                        let error = format_ident!("{}", self.op.names.error);
                        let variant = format_ident!("{}", variant);
                        quote!(matches!(error, #error::#variant(_)))
                    }
                    None => quote! {
                        leansdk_runtime::error::ProvideErrorMetadata::meta(error).code() == Some(#code)
                    },
                };
                quote! {
                    result
                        .as_ref()
                        .err()
                        .and_then(leansdk_runtime::error::SdkError::as_service_error)
                        .is_some_and(|error| #test)
                }
            }
        }
    }

    /// `expr` in its own kind's representation.
    fn tokens(&self, expr: &Expr) -> TokenStream {
        match &expr.node {
            Node::Root(Root::Output) => quote!(Some(output)),
            Node::Root(Root::Input) => quote!(Some(&input)),
            Node::Item => quote!(Some(item)),
            Node::Field { of, field } => {
                let of = self.tokens(of);
                let name = ident(&field.name);
                let boxed = matches!(field.ty, RustType::Named { boxed: true, .. });
                match (field.presence == Presence::Optional, boxed) {
                    (true, true) => quote!(#of.and_then(|v| v.#name.as_deref())),
                    (true, false) => quote!(#of.and_then(|v| v.#name.as_ref())),
                    (false, true) => quote!(#of.map(|v| &*v.#name)),
                    (false, false) => quote!(#of.map(|v| &v.#name)),
                }
            }
            Node::MapKey { of, key } => {
                let of = self.tokens(of);
                quote!(#of.and_then(|m| m.get(#key)))
            }
            Node::Index { of, index } => {
                let items = self.tokens(of);
                match of.kind {
                    Kind::Many(_) => quote!(jmespath::index(&#items, #index).copied()),
                    _ => quote!(#items.and_then(|v| jmespath::index(v, #index))),
                }
            }
            Node::Flatten(of) => {
                if of.kind == Kind::Value {
                    let value = self.tokens(of);
                    return quote!(#value.flatten());
                }
                let items = self.items(of);
                match item_type(&of.kind) {
                    Some(RustType::List { sparse, .. }) => {
                        let sparse = sparse.then(|| quote!(.flatten()));
                        quote!(#items.flat_map(|v| v.iter() #sparse).collect::<Vec<_>>())
                    }
                    _ => quote!(#items.collect::<Vec<_>>()),
                }
            }
            Node::Project { of, filter, then } => {
                let items = self.items(of);
                let filter = filter.as_ref().map(|condition| {
                    let condition = self.value(condition);
                    quote!(.filter(|&item| #condition.is_truthy()))
                });
                match (&expr.kind, &then.node) {
                    (Kind::Many(_), Node::Item) => quote!(#items #filter .collect::<Vec<_>>()),
                    (Kind::Many(_), _) => {
                        let then = self.tokens(then);
                        quote!(#items #filter .filter_map(|item| #then).collect::<Vec<_>>())
                    }
                    _ => {
                        let then = self.value(then);
                        quote! {
                            jmespath::Value::Array(
                                #items #filter .map(|item| #then).filter(|v| !v.is_null()).collect(),
                            )
                        }
                    }
                }
            }
            Node::NonNull(of) => {
                let of = self.tokens(of);
                quote!(#of.non_null())
            }
            Node::Literal(value) => literal(value),
            Node::Compare(op, left, right) => {
                let (left, right) = (self.value(left), self.value(right));
                let op = match op {
                    Comparison::Equal => quote!(Equal),
                    Comparison::NotEqual => quote!(NotEqual),
                    Comparison::Less => quote!(Less),
                    Comparison::LessOrEqual => quote!(LessOrEqual),
                    Comparison::Greater => quote!(Greater),
                    Comparison::GreaterOrEqual => quote!(GreaterOrEqual),
                };
                quote!(#left.compare(jmespath::Comparison::#op, &#right))
            }
            Node::And(left, right) => {
                let (left, right) = (self.value(left), self.value(right));
                quote!(#left.and(#right))
            }
            Node::Or(left, right) => {
                let (left, right) = (self.value(left), self.value(right));
                quote!(#left.or(#right))
            }
            Node::Not(inner) => {
                let inner = self.value(inner);
                quote!(#inner.not())
            }
            Node::List(items) => {
                let items = items.iter().map(|item| self.value(item));
                quote!(jmespath::Value::Array(Vec::from([#(#items),*])))
            }
            Node::Length(inner) => {
                let inner = self.value(inner);
                quote!(#inner.length())
            }
            Node::Contains(subject, search) => {
                let (subject, search) = (self.value(subject), self.value(search));
                quote!(#subject.contains(&#search))
            }
        }
    }

    /// An iterator over the items of `collection` (`One` list or map, or `Many`).
    fn items(&self, collection: &Expr) -> TokenStream {
        let of = self.tokens(collection);
        match &collection.kind {
            Kind::One(RustType::List { sparse, .. }) => {
                let sparse = sparse.then(|| quote!(.flatten()));
                quote!(#of.into_iter().flat_map(|v| v.iter() #sparse))
            }
            Kind::One(RustType::Map { sparse, .. }) => {
                let sparse = sparse.then(|| quote!(.flatten()));
                quote!(#of.into_iter().flat_map(|m| m.values() #sparse))
            }
            _ => quote!(#of.into_iter()),
        }
    }

    /// `expr` as a `jmespath::Value`.
    fn value(&self, expr: &Expr) -> TokenStream {
        let tokens = self.tokens(expr);
        match &expr.kind {
            Kind::Value => tokens,
            Kind::One(ty) => {
                let convert = self.convert(ty);
                quote!(#tokens.map_or(jmespath::Value::Null, #convert))
            }
            Kind::Many(ty) => {
                let convert = self.convert(ty);
                quote!(jmespath::Value::Array(#tokens.into_iter().map(#convert).collect()))
            }
        }
    }

    /// A closure from `&T` to its `jmespath::Value`.
    fn convert(&self, ty: &RustType) -> TokenStream {
        match ty {
            RustType::Bool => quote!(|v| jmespath::Value::Bool(*v)),
            RustType::I8 | RustType::I16 | RustType::I32 | RustType::F32 => {
                quote!(|v| jmespath::Value::Number(f64::from(*v)))
            }
            RustType::I64 => quote!(|v| jmespath::Value::Number(*v as f64)),
            RustType::F64 => quote!(|v| jmespath::Value::Number(*v)),
            RustType::String
            | RustType::Named {
                kind: NamedKind::Enum,
                ..
            } => quote!(|v| jmespath::Value::String(v.as_str())),
            RustType::List { item, sparse, .. } => {
                let convert = self.convert(item);
                let item = if *sparse {
                    quote!(|v| v.as_ref().map_or(jmespath::Value::Null, #convert))
                } else {
                    convert
                };
                quote!(|v| jmespath::Value::Array(v.iter().map(#item).collect()))
            }
            RustType::Map { .. } => quote!(|v| jmespath::Value::Object(v.len())),
            RustType::Named { name, .. } => {
                // A structure: as many members as are present (the typer lets no other
                // named type through).
                let fields = (self.structure)(name).map_or(&[][..], |s| &s.fields[..]);
                let always = fields
                    .iter()
                    .filter(|f| f.presence != Presence::Optional)
                    .count();
                let optional: Vec<_> = fields
                    .iter()
                    .filter(|f| f.presence == Presence::Optional)
                    .map(|f| {
                        let name = ident(&f.name);
                        quote!(usize::from(v.#name.is_some()))
                    })
                    .collect();
                match optional.as_slice() {
                    [] => quote!(|_| jmespath::Value::Object(#always)),
                    [first, rest @ ..] if always == 0 => {
                        quote!(|v| jmespath::Value::Object(#first #(+ #rest)*))
                    }
                    all => quote!(|v| jmespath::Value::Object(#always #(+ #all)*)),
                }
            }
            // The typer refuses paths reaching other types.
            _ => quote!(|_| jmespath::Value::Null),
        }
    }
}

/// Whether `expr` reads the operation's output.
fn reads_output(expr: &Expr) -> bool {
    match &expr.node {
        Node::Root(root) => *root == Root::Output,
        Node::Item | Node::Literal(_) => false,
        Node::Field { of, .. }
        | Node::MapKey { of, .. }
        | Node::Index { of, .. }
        | Node::Flatten(of)
        | Node::NonNull(of)
        | Node::Not(of)
        | Node::Length(of) => reads_output(of),
        Node::Project { of, filter, then } => {
            reads_output(of) || filter.as_deref().is_some_and(reads_output) || reads_output(then)
        }
        Node::Compare(_, a, b) | Node::And(a, b) | Node::Or(a, b) | Node::Contains(a, b) => {
            reads_output(a) || reads_output(b)
        }
        Node::List(items) => items.iter().any(reads_output),
    }
}

/// The item type of a `One` list or a `Many`.
fn item_type(kind: &Kind) -> Option<&RustType> {
    match kind {
        Kind::One(RustType::List { item, .. }) => Some(item),
        Kind::Many(item) => Some(item),
        _ => None,
    }
}

fn literal(value: &serde_json::Value) -> TokenStream {
    use serde_json::Value as Json;
    match value {
        Json::Null => quote!(jmespath::Value::Null),
        Json::Bool(b) => quote!(jmespath::Value::Bool(#b)),
        Json::Number(n) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            quote!(jmespath::Value::Number(#n))
        }
        Json::String(s) => quote!(jmespath::Value::String(#s)),
        Json::Array(items) => {
            let items = items.iter().map(literal);
            quote!(jmespath::Value::Array(Vec::from([#(#items),*])))
        }
        // The typer refuses object literals.
        Json::Object(_) => quote!(jmespath::Value::Null),
    }
}
