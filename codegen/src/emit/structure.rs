//! Structures: public fields, serde derive, `Default` and a redacting `Debug` when needed.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::error_shape;
use crate::ir::{
    DefaultValue, ERROR_META_FIELD, Field, Presence, Protocol, REQUEST_ID_FIELD, RustType, Struct,
    StructRole, TypeDef,
};
use crate::protocol::json::Codec;
use crate::tokens::{doc_attrs, ident, rust_type, serde_crate};

pub fn emit(def: &TypeDef, shape: &Struct, protocol: Protocol) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let docs = doc_attrs(&def.docs);
    let fields = shape.fields.iter().map(|f| field(f, shape.role));
    let extra = extra_field(shape).map(|(docs, name, ty)| {
        let name = format_ident!("{}", name);
        quote! {
            #[doc = #docs]
            #[serde(skip)]
            pub #name: #ty,
        }
    });
    let hand_default = shape.fields.iter().any(|f| default_expr(f).is_some());
    let debug_sensitive = shape.sensitive || shape.fields.iter().any(|f| f.sensitive);
    // A stream of received events is read once: it cannot be cloned or compared.
    let receives_events = shape
        .fields
        .iter()
        .any(|f| matches!(f.ty, RustType::EventReceiver { .. }));
    let mut derives = if receives_events {
        Vec::new()
    } else {
        vec![quote!(Clone), quote!(PartialEq)]
    };
    if !hand_default {
        derives.push(quote!(Default));
    }
    if !debug_sensitive {
        derives.push(quote!(Debug));
    }
    let default_impl = hand_default.then(|| default_impl(def, shape));
    let debug_impl = debug_sensitive.then(|| debug_impl(def, shape));
    let error_impls = shape
        .error
        .as_ref()
        .map(|e| error_shape::emit(def, shape, e, protocol));
    let codec = crate::protocol::struct_codec(protocol, &name, shape);
    let serde_crate = serde_crate();
    quote! {
        #docs
        #[derive(#(#derives,)* leansdk_runtime::serde::Serialize, leansdk_runtime::serde::Deserialize)]
        #serde_crate
        // A missing member takes its default; for `@required` ones that is Smithy's
        // "error correction" rather than a failed response.
        #[serde(default)]
        pub struct #name {
            #(#fields)*
            #extra
        }
        #default_impl
        #debug_impl
        #error_impls
        #codec
    }
}

/// The field the generator adds: the request ID of outputs, the metadata of errors.
fn extra_field(shape: &Struct) -> Option<(&'static str, &'static str, TokenStream)> {
    if shape.role == StructRole::Output {
        Some((
            " The request ID the service returned, for support cases. Not a model member.",
            REQUEST_ID_FIELD,
            quote!(Option<String>),
        ))
    } else if shape.error.is_some() {
        Some((
            " Code, message, HTTP status and request ID of the response. Not a model member.",
            ERROR_META_FIELD,
            quote!(leansdk_runtime::error::ErrorMetadata),
        ))
    } else {
        None
    }
}

fn field(field: &Field, role: StructRole) -> TokenStream {
    let docs = doc_attrs(&field.docs);
    let name = ident(&field.name);
    let wire = &field.wire_name;
    let optional = field.presence == Presence::Optional;
    let ty = rust_type(&field.ty);
    let ty = if optional { quote!(Option<#ty>) } else { ty };
    // HTTP-bound members are not in the JSON body; outputs still serialise them, so that
    // printing an output shows every member, except a stream, which has no JSON form.
    let skip = match (field.is_http_bound(), role) {
        (true, StructRole::Output) => Some(quote!(, skip_deserializing)),
        (false, _) => optional.then(|| quote!(, skip_serializing_if = "Option::is_none")),
        _ => None,
    };
    let with = field_codec(field, role).map(|c| {
        let path = c.with_path();
        quote!(, with = #path)
    });
    // A member serde skips both ways has no wire name to give.
    let serde = if skipped_both_ways(field, role) {
        quote!(#[serde(skip)])
    } else {
        quote!(#[serde(rename = #wire #skip #with)])
    };
    quote! {
        #docs
        #serde
        pub #name: #ty,
    }
}

/// Whether serde neither reads nor writes `field`: a stream, or an HTTP-bound member (or
/// an event's header or payload member) of anything but an output.
fn skipped_both_ways(field: &Field, role: StructRole) -> bool {
    matches!(
        field.ty,
        RustType::ByteStream | RustType::EventReceiver { .. } | RustType::EventSender { .. }
    ) || (field.is_http_bound() && role != StructRole::Output)
}

/// The codec serde reads and writes `field` with, when its derive cannot.
fn field_codec(field: &Field, role: StructRole) -> Option<Codec> {
    if skipped_both_ways(field, role) {
        return None;
    }
    Codec::for_type(&field.ty, field.presence == Presence::Optional)
}

/// Whether the structure's file needs [`Codec::import`].
pub fn uses_codecs(shape: &Struct) -> bool {
    shape
        .fields
        .iter()
        .any(|f| field_codec(f, shape.role).is_some())
}

/// The field's initial value when `Default::default()` would be wrong, else `None`.
pub(super) fn default_expr(field: &Field) -> Option<TokenStream> {
    let value = match &field.presence {
        Presence::Optional => return None,
        Presence::Required => &DefaultValue::Zero,
        Presence::Default(value) => value,
    };
    Some(match value {
        DefaultValue::Zero if field.ty.has_default() => return None,
        // Timestamps have no `Default`; the epoch is their zero value.
        DefaultValue::Zero => quote!(leansdk_runtime::DateTime::from_secs(0)),
        DefaultValue::Bool(b) => quote!(#b),
        DefaultValue::Int(n) => {
            let n = Literal::i64_unsuffixed(*n);
            quote!(#n)
        }
        DefaultValue::Float(n) => {
            let n = Literal::f64_unsuffixed(*n);
            quote!(#n)
        }
        DefaultValue::String(s) => quote!(String::from(#s)),
        DefaultValue::EnumValue(value) => {
            let ty = rust_type(&field.ty);
            quote!(#ty::from(#value))
        }
        DefaultValue::IntEnumValue(value) => {
            let ty = rust_type(&field.ty);
            let value = Literal::i64_unsuffixed(*value);
            quote!(#ty::from(#value))
        }
        DefaultValue::Timestamp(secs) => quote!(leansdk_runtime::DateTime::from_secs(#secs)),
    })
}

fn default_impl(def: &TypeDef, shape: &Struct) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let fields = shape.fields.iter().map(|f| {
        let name = ident(&f.name);
        let value = default_expr(f).unwrap_or_else(|| quote!(Default::default()));
        quote!(#name: #value,)
    });
    let extra = extra_field(shape).map(|(_, name, _)| {
        let name = format_ident!("{}", name);
        quote!(#name: Default::default(),)
    });
    quote! {
        impl Default for #name {
            fn default() -> Self {
                Self { #(#fields)* #extra }
            }
        }
    }
}

fn debug_impl(def: &TypeDef, shape: &Struct) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let label = &def.name;
    let body = if shape.sensitive {
        quote!(f.write_str(leansdk_runtime::REDACTED))
    } else {
        let fields = shape.fields.iter().map(|f| {
            let name = ident(&f.name);
            let label = f.name.trim_start_matches("r#");
            if f.sensitive {
                quote!(.field(#label, &leansdk_runtime::REDACTED))
            } else {
                quote!(.field(#label, &self.#name))
            }
        });
        let extra = extra_field(shape).map(|(_, name, _)| {
            let ident = format_ident!("{}", name);
            quote!(.field(#name, &self.#ident))
        });
        quote!(f.debug_struct(#label) #(#fields)* #extra .finish())
    };
    quote! {
        // `@sensitive` data never reaches logs.
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #body
            }
        }
    }
}
