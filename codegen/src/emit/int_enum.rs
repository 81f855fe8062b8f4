//! `intEnum` shapes: an enum over `i32` values with an `Unknown(i32)` catch-all.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{IntEnumVariant, TypeDef, UNKNOWN_VARIANT};
use crate::tokens::doc_attrs;

pub fn emit(def: &TypeDef, variants: &[IntEnumVariant]) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let docs = doc_attrs(&def.docs);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let idents: Vec<_> = variants
        .iter()
        .map(|v| format_ident!("{}", v.name))
        .collect();
    let values: Vec<Literal> = variants
        .iter()
        .map(|v| Literal::i32_unsuffixed(v.value))
        .collect();
    let variant_docs = variants.iter().map(|v| {
        let docs = if v.docs.is_empty() {
            format!("`{}`", v.value)
        } else {
            v.docs.clone()
        };
        doc_attrs(&docs)
    });
    quote! {
        #docs
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #variant_docs #idents, )*
            /// A value this version of the SDK does not know, kept as sent.
            #unknown(i32),
        }

        impl #name {
            /// The wire value.
            pub fn value(self) -> i32 {
                match self {
                    #( Self::#idents => #values, )*
                    Self::#unknown(value) => value,
                }
            }

            /// Every value the model documents.
            pub fn values() -> &'static [i32] {
                &[#(#values),*]
            }
        }

        impl From<i32> for #name {
            fn from(value: i32) -> Self {
                match value {
                    #( #values => Self::#idents, )*
                    other => Self::#unknown(other),
                }
            }
        }

        leansdk_runtime::int_enum_impls!(#name);
    }
}
