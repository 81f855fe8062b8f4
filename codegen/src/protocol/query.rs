//! The form-encoded requests of awsQuery and ec2Query in generated code: `ToQuery` impls
//! that write each member under its key (`smithy.api#xmlName`; for ec2Query
//! `aws.protocols#ec2QueryName` or the capitalised name), lists as `.member.N` (`.N` when
//! `smithy.api#xmlFlattened`, and always for ec2Query) and maps as `.entry.N.key`/`.value`.
//! The runtime side is `leansdk_runtime::protocol::query`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::xml::format;
use crate::ir::{Field, NamedKind, Presence, RustType, Struct, Union};
use crate::tokens::{compiled_where_used, ident};

/// The two query protocols differ in how lists are written (names are in the IR).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// Lists wrapped (`.member.N`) unless flattened; an empty list is sent as `Key=`.
    AwsQuery,
    /// Lists always flattened (`.N`); an empty list is not sent.
    Ec2Query,
}

/// Statements writing `value` (an `&T` of `ty`) under `key` (a `&str` expression).
fn write(ty: &RustType, value: TokenStream, key: TokenStream, dialect: Dialect) -> TokenStream {
    let query = quote!(leansdk_runtime::protocol::query);
    match ty {
        RustType::Bool
        | RustType::I8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::F32
        | RustType::F64
        | RustType::String
        | RustType::BigNumber => quote!(writer.value(#key, #value);),
        RustType::Blob => {
            quote!(writer.value(#key, &leansdk_runtime::protocol::base64::encode(#value));)
        }
        RustType::Timestamp(timestamp) => {
            let format = format(*timestamp);
            quote!(writer.value(#key, &(#value).format(#format));)
        }
        // Documents have no query form; streams are only ever HTTP payloads.
        RustType::Document
        | RustType::ByteStream
        | RustType::EventReceiver { .. }
        | RustType::EventSender { .. } => quote!(),
        RustType::Named { kind, .. } => match kind {
            NamedKind::Enum | NamedKind::IntEnum => quote!(writer.value(#key, #value);),
            NamedKind::Structure | NamedKind::Union => {
                quote!(#query::ToQuery::to_query(#value, writer, #key);)
            }
        },
        RustType::List { .. } => list(ty, value, key, false, dialect),
        RustType::Map { .. } => map(ty, value, key, false, dialect),
    }
}

/// A list at `key`: its items as `key.member.N` (the list member's name) or, flattened,
/// `key.N`.
fn list(
    ty: &RustType,
    value: TokenStream,
    key: TokenStream,
    flattened: bool,
    dialect: Dialect,
) -> TokenStream {
    let RustType::List {
        item,
        sparse,
        member,
    } = ty
    else {
        return quote!();
    };
    let member = if flattened || dialect == Dialect::Ec2Query {
        quote!(None)
    } else {
        let member = &member.name;
        quote!(Some(#member))
    };
    let write_empty = dialect == Dialect::AwsQuery;
    let item_write = write(item, quote!(item), quote!(key), dialect);
    let item_write = if *sparse {
        quote!(if let Some(item) = item { #item_write })
    } else {
        item_write
    };
    quote! {
        leansdk_runtime::protocol::query::list(
            writer,
            #key,
            #member,
            #value,
            #write_empty,
            |writer, key, item| { #item_write },
        );
    }
}

/// A map at `key`: entries as `key.entry.N.<key>` and `.<value>`, or `key.N...` flattened.
fn map(
    ty: &RustType,
    value: TokenStream,
    key: TokenStream,
    flattened: bool,
    dialect: Dialect,
) -> TokenStream {
    let RustType::Map {
        value: map_value,
        sparse,
        key: key_name,
        value_name,
    } = ty
    else {
        return quote!();
    };
    let entry = if flattened {
        quote!(None)
    } else {
        quote!(Some("entry"))
    };
    let (key_name, value_name) = (&key_name.name, &value_name.name);
    let value_write = write(map_value, quote!(value), quote!(key), dialect);
    let value_write = if *sparse {
        quote!(if let Some(value) = value { #value_write })
    } else {
        value_write
    };
    quote! {
        leansdk_runtime::protocol::query::map(
            writer,
            #key,
            #entry,
            (#key_name, #value_name),
            #value,
            |writer, key, value| { #value_write },
        );
    }
}

/// The statements writing one member of a structure.
fn member(field: &Field, dialect: Dialect) -> TokenStream {
    let name = &field.query_name;
    let key = quote!(&leansdk_runtime::protocol::query::key(prefix, #name));
    let write = match &field.ty {
        ty @ RustType::List { .. } => list(ty, quote!(value), key, field.xml.flattened, dialect),
        ty @ RustType::Map { .. } => map(ty, quote!(value), key, field.xml.flattened, dialect),
        ty => write(ty, quote!(value), key, dialect),
    };
    let field_name = ident(&field.name);
    if field.presence == Presence::Optional {
        quote!(if let Some(value) = &self.#field_name { #write })
    } else {
        quote!({ let value = &self.#field_name; #write })
    }
}

/// `ToQuery` for a structure: every member under `prefix`.
pub(super) fn struct_to_query(name: &Ident, structure: &Struct, dialect: Dialect) -> TokenStream {
    let where_used = compiled_where_used();
    let members: Vec<TokenStream> = structure
        .fields
        .iter()
        .map(|field| member(field, dialect))
        .collect();
    let (writer, prefix) = if members.is_empty() {
        (quote!(_writer), quote!(_prefix))
    } else {
        (quote!(writer), quote!(prefix))
    };
    quote! {
        impl leansdk_runtime::protocol::query::ToQuery for #name {
            #where_used
            fn to_query(
                &self,
                #writer: &mut leansdk_runtime::protocol::query::QueryWriter,
                #prefix: &str,
            ) {
                #(#members)*
            }
        }
    }
}

/// `ToQuery` for a union: the variant that is set, under its key.
pub(super) fn union_to_query(name: &Ident, union: &Union, dialect: Dialect) -> TokenStream {
    let where_used = compiled_where_used();
    let arms = union.variants.iter().map(|variant| {
        let variant_ident = quote::format_ident!("{}", variant.name);
        let key_name = &variant.query_name;
        let key = quote!(&leansdk_runtime::protocol::query::key(prefix, #key_name));
        let write = write(&variant.ty, quote!(value), key, dialect);
        quote!(Self::#variant_ident(value) => { #write })
    });
    quote! {
        impl leansdk_runtime::protocol::query::ToQuery for #name {
            #where_used
            fn to_query(
                &self,
                writer: &mut leansdk_runtime::protocol::query::QueryWriter,
                prefix: &str,
            ) {
                match self {
                    #(#arms)*
                    // Nothing this SDK knows to send.
                    Self::Unknown => {}
                }
            }
        }
    }
}
