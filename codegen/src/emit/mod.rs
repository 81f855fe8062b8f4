//! IR to tokens, one module per kind of generated item. Knows nothing of JSON.

pub mod client;
pub mod crate_files;
pub mod endpoint;
pub mod enums;
pub mod error_shape;
pub mod event_stream;
pub mod example;
pub mod int_enum;
pub mod operation;
pub mod paginator;
pub mod structure;
pub mod union;
pub mod waiter;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Protocol, TypeDef, TypeKind};
use crate::protocol::json::Codec;

/// Tokens of one generated type's module file.
pub fn type_file(def: &TypeDef, protocol: Protocol) -> TokenStream {
    let (uses_codecs, item) = match &def.kind {
        TypeKind::Struct(s) => (structure::uses_codecs(s), structure::emit(def, s, protocol)),
        TypeKind::Enum(variants) => (false, enums::emit(def, variants)),
        TypeKind::IntEnum(variants) => (false, int_enum::emit(def, variants)),
        TypeKind::Union(u) => match &u.event_stream {
            Some(stream) => (false, event_stream::emit(def, u, stream, protocol)),
            None => (union::uses_codecs(u), union::emit(def, u, protocol)),
        },
    };
    let import = uses_codecs.then(Codec::import);
    quote!(#import #item)
}
