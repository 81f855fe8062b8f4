//! Unions: one variant per member plus `Unknown` for members this SDK does not know.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Protocol, TypeDef, UNKNOWN_VARIANT, Union};
use crate::protocol::json::Codec;
use crate::tokens::{doc_attrs, rust_type, serde_crate};

/// Whether the union's file needs [`Codec::import`].
pub fn uses_codecs(union: &Union) -> bool {
    union
        .variants
        .iter()
        .any(|v| Codec::for_type(&v.ty, false).is_some())
}

pub fn emit(def: &TypeDef, union: &Union, protocol: Protocol) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let docs = doc_attrs(&def.docs);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let sensitive = union.sensitive || union.variants.iter().any(|v| v.sensitive);
    let derive_debug = (!sensitive).then(|| quote!(Debug,));
    let serde_crate = serde_crate();
    let variants = union.variants.iter().map(|v| {
        let docs = doc_attrs(&v.docs);
        let ident = format_ident!("{}", v.name);
        let ty = rust_type(&v.ty);
        let wire = &v.wire_name;
        let with = Codec::for_type(&v.ty, false).map(|c| {
            let path = c.with_path();
            quote!(, with = #path)
        });
        quote! {
            #docs
            #[serde(rename = #wire #with)]
            #ident(#ty),
        }
    });
    let arms = union.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let wire = &v.wire_name;
        let read = match Codec::for_type(&v.ty, false) {
            Some(codec) => {
                let with = codec.with_tokens();
                quote!(#with::deserialize(value)?)
            }
            None => {
                let ty = rust_type(&v.ty);
                quote!(<#ty as leansdk_runtime::serde::Deserialize>::deserialize(value)?)
            }
        };
        quote!(#wire => Self::#ident(#read),)
    });
    let debug_impl = sensitive.then(|| {
        let label = UNKNOWN_VARIANT;
        debug_impl(def, union, quote!(Self::#unknown => f.write_str(#label),))
    });
    let codec = crate::protocol::union_codec(protocol, &name, union);
    quote! {
        #docs
        #[derive(Clone, PartialEq, #derive_debug leansdk_runtime::serde::Serialize)]
        #serde_crate
        pub enum #name {
            #(#variants)*
            /// A member this version of the SDK does not know. It cannot be sent back.
            #[serde(skip_serializing)]
            #unknown,
        }

        /// `Unknown`, so that structures can default a missing member.
        impl Default for #name {
            fn default() -> Self {
                Self::#unknown
            }
        }

        impl<'de> leansdk_runtime::serde::Deserialize<'de> for #name {
            fn deserialize<D: leansdk_runtime::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                leansdk_runtime::protocol::json::codec::deserialize_union(deserializer, |member, value| {
                    Ok(match member {
                        #(#arms)*
                        _ => Self::#unknown,
                    })
                })
            }
        }

        #debug_impl
        #codec
    }
}

/// A `Debug` that redacts `@sensitive` variants; `unknown_arm` is the match arm of the
/// `Unknown` variant, whose form differs (a unit, or an event stream's kept message).
pub(super) fn debug_impl(def: &TypeDef, union: &Union, unknown_arm: TokenStream) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let arms = union.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let label = &v.name;
        if union.sensitive || v.sensitive {
            quote!(Self::#ident(_) => f.debug_tuple(#label).field(&leansdk_runtime::REDACTED).finish(),)
        } else {
            quote!(Self::#ident(value) => f.debug_tuple(#label).field(value).finish(),)
        }
    });
    quote! {
        // `@sensitive` data never reaches logs.
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(#arms)*
                    #unknown_arm
                }
            }
        }
    }
}
