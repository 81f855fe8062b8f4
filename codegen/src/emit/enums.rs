//! String enums (`enum` shapes and strings with the legacy `smithy.api#enum` trait).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{EnumVariant, TypeDef, UNKNOWN_VARIANT};
use crate::tokens::doc_attrs;

pub fn emit(def: &TypeDef, variants: &[EnumVariant]) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let docs = doc_attrs(&def.docs);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let idents: Vec<_> = variants
        .iter()
        .map(|v| format_ident!("{}", v.name))
        .collect();
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = variants.iter().map(|v| {
        let docs = if v.docs.is_empty() {
            format!("`{}`", v.value.replace('`', "'"))
        } else {
            v.docs.clone()
        };
        doc_attrs(&docs)
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #variant_docs #idents, )*
            /// A value this version of the SDK does not know, kept as sent.
            #unknown(String),
        }

        impl #name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#idents => #values, )*
                    Self::#unknown(value) => value,
                }
            }

            /// Every value the model documents.
            pub fn values() -> &'static [&'static str] {
                &[#(#values),*]
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#idents, )*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        leansdk_runtime::string_enum_impls!(#name);
    }
}
