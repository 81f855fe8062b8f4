//! XML bodies in generated code: `FromXml` (every XML protocol's responses) and `ToXml`
//! (restXml requests) impls for structures and unions, reading and writing each member by
//! its `smithy.api#xmlName`, as an attribute (`smithy.api#xmlAttribute`), or as wrapped or
//! flattened (`smithy.api#xmlFlattened`) lists and maps, with `smithy.api#xmlNamespace`
//! declared where the model puts it. The runtime side is `leansdk_runtime::protocol::xml`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{Field, NamedKind, Presence, RustType, Struct, Union, XmlName, XmlNamespace};
use crate::model::TimestampFormat;
use crate::tokens::{compiled_where_used, ident};

/// The name of an element as a string literal (its prefix dropped for reading).
fn read_name(name: &XmlName) -> &str {
    name.name
        .rsplit_once(':')
        .map_or(&name.name, |(_, local)| local)
}

/// `Some((prefix, uri))` or `None`, as the runtime's writer takes a namespace.
pub(super) fn namespace(namespace: Option<&XmlNamespace>) -> TokenStream {
    match namespace {
        None => quote!(None),
        Some(XmlNamespace { prefix, uri }) => {
            let prefix = match prefix {
                Some(prefix) => quote!(Some(#prefix)),
                None => quote!(None),
            };
            quote!(Some((#prefix, #uri)))
        }
    }
}

/// The `Format` variant of a timestamp format.
pub(super) fn format(format: TimestampFormat) -> TokenStream {
    match format {
        TimestampFormat::DateTime => quote!(leansdk_runtime::datetime::Format::DateTime),
        TimestampFormat::HttpDate => quote!(leansdk_runtime::datetime::Format::HttpDate),
        TimestampFormat::EpochSeconds => quote!(leansdk_runtime::datetime::Format::EpochSeconds),
    }
}

/// The function (`fn(&Element) -> Result<T, XmlError>`) that reads a `ty`, when one does
/// it alone (so that readers of list items and map values can be passed by name).
fn reader_fn(ty: &RustType) -> Option<TokenStream> {
    match ty {
        RustType::Bool
        | RustType::I8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::F32
        | RustType::F64
        | RustType::String
        | RustType::BigNumber => Some(from_xml(crate::tokens::rust_type(ty))),
        RustType::Blob => Some(quote!(leansdk_runtime::protocol::xml::blob)),
        RustType::Named {
            name,
            boxed: false,
            kind: NamedKind::Structure | NamedKind::Union,
        } => Some(from_xml(type_path(name))),
        _ => None,
    }
}

/// `<T as FromXml>::from_xml`.
fn from_xml(ty: TokenStream) -> TokenStream {
    quote!(<#ty as leansdk_runtime::protocol::xml::FromXml>::from_xml)
}

fn type_path(name: &str) -> TokenStream {
    let name = quote::format_ident!("{}", name);
    quote!(crate::types::#name)
}

/// An expression reading a `ty` from `element` (an `&Element`): `Result<T, XmlError>`.
fn read(ty: &RustType, element: TokenStream) -> TokenStream {
    let xml = quote!(leansdk_runtime::protocol::xml);
    match ty {
        RustType::Bool
        | RustType::I8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::F32
        | RustType::F64
        | RustType::String
        | RustType::BigNumber => {
            let reader = from_xml(crate::tokens::rust_type(ty));
            quote!(#reader(#element))
        }
        RustType::Blob => quote!(#xml::blob(#element)),
        RustType::Timestamp(timestamp) => {
            let format = format(*timestamp);
            quote!(#xml::timestamp(#element, #format))
        }
        RustType::Document => {
            quote!(Err(#xml::XmlError::new("documents have no XML form")))
        }
        // Only ever HTTP payloads, which the XML codecs skip.
        RustType::ByteStream | RustType::EventReceiver { .. } | RustType::EventSender { .. } => {
            quote!(Err(#xml::XmlError::new("streams are not read from XML")))
        }
        RustType::Named { name, boxed, kind } => {
            let path = type_path(name);
            let value = match kind {
                NamedKind::Enum => quote!(Ok(#path::from((#element).text()))),
                NamedKind::IntEnum => {
                    quote!(<i32 as #xml::FromXml>::from_xml(#element).map(#path::from))
                }
                NamedKind::Structure | NamedKind::Union => {
                    let reader = from_xml(path);
                    quote!(#reader(#element))
                }
            };
            if *boxed {
                quote!(#value.map(Box::new))
            } else {
                value
            }
        }
        RustType::List {
            item,
            sparse,
            member,
        } => {
            let member = read_name(member);
            let item = element_reader(item, *sparse);
            quote!(#xml::list(#element, #member, #item))
        }
        RustType::Map {
            value,
            sparse,
            key,
            value_name,
        } => {
            let (key, value_name) = (read_name(key), read_name(value_name));
            let value = element_reader(value, *sparse);
            quote!(#xml::map(#element, #key, #value_name, #value))
        }
    }
}

/// A reader of list items or map values to pass to the runtime: the reading function
/// itself, or a closure.
fn element_reader(ty: &RustType, sparse: bool) -> TokenStream {
    match reader_fn(ty) {
        Some(reader) if !sparse => reader,
        _ => {
            let value = element_read(ty, sparse);
            quote!(|element| #value)
        }
    }
}

/// Reads a list item or map value from `element`, wrapped in `Some` when `sparse`.
fn element_read(ty: &RustType, sparse: bool) -> TokenStream {
    let value = read(ty, quote!(element));
    if sparse {
        quote!(#value.map(Some))
    } else {
        value
    }
}

/// `FromXml` for a structure: each body member from the child (or attribute) of its name;
/// unknown children are skipped. HTTP-bound members are read elsewhere.
pub(super) fn struct_from_xml(name: &Ident, structure: &Struct) -> TokenStream {
    let where_used = compiled_where_used();
    let xml = quote!(leansdk_runtime::protocol::xml);
    let body: Vec<&Field> = structure
        .fields
        .iter()
        .filter(|f| !f.is_http_bound())
        .collect();
    let attributes = body.iter().filter(|f| f.xml.attribute).map(|field| {
        let attribute = read_name(&field.xml.name);
        let value = read(
            &field.ty,
            quote!(&#xml::Element::with_text(#attribute, value)),
        );
        let store = store(field, quote!(#value?));
        quote! {
            if let Some(value) = element.attribute(#attribute) {
                #store
            }
        }
    });
    let arms: Vec<(&str, TokenStream)> = body
        .iter()
        .filter(|f| !f.xml.attribute)
        .map(|field| {
            let element_name = read_name(&field.xml.name);
            let statement = match (&field.ty, field.xml.flattened) {
                (RustType::List { item, sparse, .. }, true) => {
                    let item = element_read(item, *sparse);
                    let item = quote!({ let element = child; #item }?);
                    extend(field, quote!(push(#item)))
                }
                (
                    RustType::Map {
                        value,
                        sparse,
                        key,
                        value_name,
                    },
                    true,
                ) => {
                    let (key, value_name) = (read_name(key), read_name(value_name));
                    let value = element_reader(value, *sparse);
                    let entry = quote! {
                        let (key, value) = #xml::map_entry(child, #key, #value_name, #value)?;
                    };
                    let insert = extend(field, quote!(insert(key, value)));
                    quote!({ #entry #insert })
                }
                (ty, _) => {
                    let value = read(ty, quote!(child));
                    store(field, quote!(#value?))
                }
            };
            (element_name, statement)
        })
        .collect();
    let element = if body.is_empty() {
        quote!(_element)
    } else {
        quote!(element)
    };
    let out = if body.is_empty() {
        quote!(let out = Self::default();)
    } else {
        quote!(let mut out = Self::default();)
    };
    let children = match arms.as_slice() {
        [] => None,
        [(name, statement)] => Some(quote! {
            for child in element.children() {
                if child.name() == #name {
                    #statement
                }
            }
        }),
        arms => {
            let arms = arms
                .iter()
                .map(|(name, statement)| quote!(#name => { #statement }));
            Some(quote! {
                for child in element.children() {
                    match child.name() {
                        #(#arms,)*
                        _ => {}
                    }
                }
            })
        }
    };
    quote! {
        impl #xml::FromXml for #name {
            #where_used
            fn from_xml(#element: &#xml::Element) -> Result<Self, #xml::XmlError> {
                #out
                #(#attributes)*
                #children
                Ok(out)
            }
        }
    }
}

/// `out.<field> = value;`, wrapped in `Some` for optional fields.
fn store(field: &Field, value: TokenStream) -> TokenStream {
    let name = ident(&field.name);
    if field.presence == Presence::Optional {
        quote!(out.#name = Some(#value);)
    } else {
        quote!(out.#name = #value;)
    }
}

/// `out.<field>.<call>;` on the field's list or map, created when still unset.
fn extend(field: &Field, call: TokenStream) -> TokenStream {
    let name = ident(&field.name);
    if field.presence == Presence::Optional {
        quote!(out.#name.get_or_insert_with(Default::default).#call;)
    } else {
        quote!(out.#name.#call;)
    }
}

/// `FromXml` for a union: the one child that is set picks the variant; an unknown child
/// is `Unknown`.
pub(super) fn union_from_xml(name: &Ident, union: &Union) -> TokenStream {
    let where_used = compiled_where_used();
    let xml = quote!(leansdk_runtime::protocol::xml);
    let arms = union.variants.iter().map(|variant| {
        let element_name = read_name(&variant.xml_name);
        let variant_ident = quote::format_ident!("{}", variant.name);
        let value = read(&variant.ty, quote!(child));
        quote!(#element_name => Self::#variant_ident(#value?))
    });
    quote! {
        impl #xml::FromXml for #name {
            #where_used
            fn from_xml(element: &#xml::Element) -> Result<Self, #xml::XmlError> {
                let mut chosen = None;
                for child in element.children() {
                    let variant = match child.name() {
                        #(#arms,)*
                        _ => Self::Unknown,
                    };
                    if chosen.replace(variant).is_some() {
                        return Err(#xml::XmlError::new(
                            "a union must have exactly one member set, found several",
                        ));
                    }
                }
                chosen.ok_or_else(|| {
                    #xml::XmlError::new("a union must have exactly one member set, found none")
                })
            }
        }
    }
}

/// Statements writing `value` (an `&T` of `ty`) as elements named `name` with `writer`.
fn write(ty: &RustType, value: TokenStream, name: &XmlName) -> TokenStream {
    let element = &name.name;
    let ns = namespace(name.namespace.as_ref());
    let text = |text: TokenStream| quote!(writer.element(#element, #ns, &#text););
    match ty {
        RustType::Bool
        | RustType::I8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::F32
        | RustType::F64
        | RustType::String
        | RustType::BigNumber => text(quote!(
            leansdk_runtime::protocol::http_binding::ParamValue::to_param(#value)
        )),
        RustType::Blob => text(quote!(leansdk_runtime::protocol::base64::encode(#value))),
        RustType::Timestamp(timestamp) => {
            let format = format(*timestamp);
            text(quote!((#value).format(#format)))
        }
        // Documents have no XML form; streams are only ever HTTP payloads.
        RustType::Document
        | RustType::ByteStream
        | RustType::EventReceiver { .. }
        | RustType::EventSender { .. } => quote!(),
        RustType::Named { kind, .. } => match kind {
            NamedKind::Enum | NamedKind::IntEnum => text(quote!(
                leansdk_runtime::protocol::http_binding::ParamValue::to_param(#value)
            )),
            NamedKind::Structure | NamedKind::Union => quote! {
                leansdk_runtime::protocol::xml::ToXml::to_xml(#value, writer, #element, #ns);
            },
        },
        RustType::List {
            item,
            sparse,
            member,
        } => {
            let item = write_sparse(*sparse, write_element(item, member), "item");
            quote! {
                writer.start(#element, #ns);
                for item in #value { #item }
                writer.end(#element);
            }
        }
        RustType::Map {
            value: map_value,
            sparse,
            key,
            value_name,
        } => {
            let entry = write_sparse(*sparse, write_entry(map_value, key, value_name), "value");
            quote! {
                writer.start(#element, #ns);
                for (key, value) in #value {
                    writer.start("entry", None);
                    #entry
                    writer.end("entry");
                }
                writer.end(#element);
            }
        }
    }
}

/// Writes one list item `item` (skipping an unset item of a sparse list).
fn write_element(ty: &RustType, name: &XmlName) -> TokenStream {
    write(ty, quote!(item), name)
}

/// Writes the key and value of one map entry (`key`, `value`).
fn write_entry(ty: &RustType, key: &XmlName, value_name: &XmlName) -> TokenStream {
    let key_write = write(&RustType::String, quote!(key), key);
    let value_write = write(ty, quote!(value), value_name);
    quote!(#key_write #value_write)
}

/// The item type of a sparse container is `Option<T>`: write only what is set.
fn write_sparse(sparse: bool, write: TokenStream, binding: &str) -> TokenStream {
    if sparse {
        let binding = quote::format_ident!("{}", binding);
        quote!(if let Some(#binding) = #binding { #write })
    } else {
        write
    }
}

/// `ToXml` for a structure: attributes on its element, then each body member.
pub(super) fn struct_to_xml(name: &Ident, structure: &Struct) -> TokenStream {
    let where_used = compiled_where_used();
    let xml = quote!(leansdk_runtime::protocol::xml);
    let own = namespace(structure.xml_name.namespace.as_ref());
    let body: Vec<&Field> = structure
        .fields
        .iter()
        .filter(|f| !f.is_http_bound())
        .collect();
    let attributes = body.iter().filter(|f| f.xml.attribute).map(|field| {
        let attribute = &field.xml.name.name;
        let text = match &field.ty {
            RustType::Timestamp(timestamp) => {
                let format = format(*timestamp);
                quote!(value.format(#format))
            }
            _ => quote!(leansdk_runtime::protocol::http_binding::ParamValue::to_param(value)),
        };
        each(field, quote!(writer.attribute(#attribute, &#text);))
    });
    let children = body.iter().filter(|f| !f.xml.attribute).map(|field| {
        let write = match (&field.ty, field.xml.flattened) {
            (RustType::List { item, sparse, .. }, true) => {
                let item = write_sparse(*sparse, write_element(item, &field.xml.name), "item");
                quote!(for item in value { #item })
            }
            (
                RustType::Map {
                    value: map_value,
                    sparse,
                    key,
                    value_name,
                },
                true,
            ) => {
                let element = &field.xml.name.name;
                let ns = namespace(field.xml.name.namespace.as_ref());
                let entry = write_entry(map_value, key, value_name);
                let entry = write_sparse(*sparse, entry, "value");
                quote! {
                    for (key, value) in value {
                        writer.start(#element, #ns);
                        #entry
                        writer.end(#element);
                    }
                }
            }
            (ty, _) => write(ty, quote!(value), &field.xml.name),
        };
        each(field, write)
    });
    quote! {
        impl #xml::ToXml for #name {
            #where_used
            fn to_xml(
                &self,
                writer: &mut #xml::XmlWriter,
                name: &str,
                namespace: Option<(Option<&str>, &str)>,
            ) {
                writer.start(name, namespace.or(#own));
                #(#attributes)*
                #(#children)*
                writer.end(name);
            }
        }
    }
}

/// Runs `statements` with `value` bound to the field's value, when it is set.
fn each(field: &Field, statements: TokenStream) -> TokenStream {
    let name = ident(&field.name);
    if field.presence == Presence::Optional {
        quote!(if let Some(value) = &self.#name { #statements })
    } else {
        quote!({ let value = &self.#name; #statements })
    }
}

/// `ToXml` for a union: the element of the variant that is set.
pub(super) fn union_to_xml(name: &Ident, union: &Union) -> TokenStream {
    let where_used = compiled_where_used();
    let xml = quote!(leansdk_runtime::protocol::xml);
    let arms = union.variants.iter().map(|variant| {
        let variant_ident = quote::format_ident!("{}", variant.name);
        let write = write(&variant.ty, quote!(value), &variant.xml_name);
        quote!(Self::#variant_ident(value) => { #write })
    });
    quote! {
        impl #xml::ToXml for #name {
            #where_used
            fn to_xml(
                &self,
                writer: &mut #xml::XmlWriter,
                name: &str,
                namespace: Option<(Option<&str>, &str)>,
            ) {
                writer.start(name, namespace);
                match self {
                    #(#arms)*
                    // Nothing this SDK knows to send.
                    Self::Unknown => {}
                }
                writer.end(name);
            }
        }
    }
}
