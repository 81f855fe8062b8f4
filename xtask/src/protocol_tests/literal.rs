//! A JSON value from a test case -> the Rust expression of that value for an IR type.

use std::collections::BTreeMap;

use leansdk_codegen::ident;
use leansdk_codegen::ir::{Crate, Field, Presence, RustType, Struct, TypeDef, TypeKind};
use leansdk_codegen::model::{Model, ShapeId};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

/// Builds values of the generated crate's types; `krate` is the crate's path in tests.
pub struct Literals<'a> {
    model: &'a Model,
    types: BTreeMap<&'a str, &'a TypeDef>,
    krate: TokenStream,
}

/// A field of a structure with the value a case gives it.
pub struct FieldValue<'a> {
    pub field: &'a Field,
    /// The value as `T`, before any `Some(..)` the field's presence asks for.
    pub value: TokenStream,
}

impl<'a> Literals<'a> {
    pub fn new(model: &'a Model, krate: &'a Crate, crate_name: &str) -> Self {
        let crate_ident = format_ident!("{}", crate_name.replace('-', "_"));
        Self {
            model,
            types: krate.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            krate: quote!(#crate_ident),
        }
    }

    /// The fields of `shape`'s structure named by the keys of `json` (member names).
    pub fn fields<'s>(
        &self,
        shape: &ShapeId,
        structure: &'s Struct,
        json: &Value,
    ) -> Result<Vec<FieldValue<'s>>, String> {
        let object = match json {
            Value::Object(object) => object,
            Value::Null => return Ok(Vec::new()),
            other => return Err(format!("`{shape}` needs an object, got {other}")),
        };
        let members = self
            .model
            .shape(shape)
            .ok_or_else(|| format!("`{shape}` is not in the model"))?
            .members();
        // IR fields are in member order.
        let by_member: BTreeMap<&str, &Field> = members
            .iter()
            .map(|m| m.name.as_str())
            .zip(&structure.fields)
            .collect();
        let mut values = Vec::new();
        for (member, value) in object {
            let field = by_member
                .get(member.as_str())
                .ok_or_else(|| format!("`{shape}` has no member `{member}`"))?;
            if value.is_null() {
                continue;
            }
            values.push(FieldValue {
                field,
                value: self.value(&field.ty, value)?,
            });
        }
        Ok(values)
    }

    /// `value` wrapped as the field stores it.
    pub fn stored(field: &Field, value: &TokenStream) -> TokenStream {
        match field.presence {
            Presence::Optional => quote!(Some(#value)),
            _ => value.clone(),
        }
    }

    /// `..Default::default()` unless a literal of `structure` sets every field itself.
    pub fn rest(set: usize, structure: &Struct) -> Option<TokenStream> {
        (set < structure.fields.len()).then(|| quote!(..Default::default()))
    }

    /// The path of a generated type.
    pub fn type_path(&self, name: &str) -> TokenStream {
        let krate = &self.krate;
        let name = format_ident!("{}", name);
        quote!(#krate::types::#name)
    }

    pub fn value(&self, ty: &RustType, json: &Value) -> Result<TokenStream, String> {
        let mismatch = || format!("{json} is not a valid {ty:?}");
        Ok(match ty {
            RustType::Bool => {
                let b = json.as_bool().ok_or_else(mismatch)?;
                quote!(#b)
            }
            RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => {
                let n = Literal::i64_unsuffixed(json.as_i64().ok_or_else(mismatch)?);
                quote!(#n)
            }
            RustType::F32 => float(json, quote!(f32)).ok_or_else(mismatch)?,
            RustType::F64 => float(json, quote!(f64)).ok_or_else(mismatch)?,
            RustType::String | RustType::BigNumber => {
                let text = match json {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return Err(mismatch()),
                };
                quote!(String::from(#text))
            }
            RustType::Blob => {
                let bytes = Literal::byte_string(json.as_str().ok_or_else(mismatch)?.as_bytes());
                quote!(#bytes.to_vec())
            }
            RustType::ByteStream => {
                let bytes = Literal::byte_string(json.as_str().ok_or_else(mismatch)?.as_bytes());
                quote!(leansdk_runtime::ByteStream::from(#bytes.to_vec()))
            }
            // No compliance case streams events.
            RustType::EventReceiver { .. } | RustType::EventSender { .. } => {
                return Err(format!("{json}: event streams have no literal"));
            }
            RustType::Timestamp(_) => match json {
                Value::Number(n) if n.is_i64() => {
                    let secs = n.as_i64().unwrap_or_default();
                    quote!(leansdk_runtime::DateTime::from_secs(#secs))
                }
                Value::Number(n) => {
                    let secs = Literal::f64_unsuffixed(n.as_f64().ok_or_else(mismatch)?);
                    quote!(leansdk_runtime::DateTime::from_fractional_secs(#secs))
                }
                _ => return Err(mismatch()),
            },
            RustType::Document => {
                let text = json.to_string();
                quote!(leansdk_runtime::serde_json::from_str::<leansdk_runtime::Document>(#text).unwrap())
            }
            RustType::Named { name, boxed, .. } => {
                let value = self.named(name, json)?;
                if *boxed {
                    quote!(Box::new(#value))
                } else {
                    value
                }
            }
            RustType::List { item, sparse, .. } => {
                let items = json
                    .as_array()
                    .ok_or_else(mismatch)?
                    .iter()
                    .map(|v| self.element(item, *sparse, v))
                    .collect::<Result<Vec<_>, _>>()?;
                quote!(vec![#(#items),*])
            }
            RustType::Map { value, sparse, .. } => {
                let entries = json
                    .as_object()
                    .ok_or_else(mismatch)?
                    .iter()
                    .map(|(k, v)| {
                        let v = self.element(value, *sparse, v)?;
                        Ok(quote!((String::from(#k), #v)))
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                quote!(::std::collections::BTreeMap::from([#(#entries),*]))
            }
        })
    }

    fn element(&self, ty: &RustType, sparse: bool, json: &Value) -> Result<TokenStream, String> {
        match (sparse, json) {
            (true, Value::Null) => Ok(quote!(None)),
            (true, json) => {
                let value = self.value(ty, json)?;
                Ok(quote!(Some(#value)))
            }
            (false, json) => self.value(ty, json),
        }
    }

    fn named(&self, name: &str, json: &Value) -> Result<TokenStream, String> {
        let def = self
            .types
            .get(name)
            .ok_or_else(|| format!("no generated type `{name}`"))?;
        let path = self.type_path(name);
        let mismatch = || format!("{json} is not a valid `{name}`");
        Ok(match &def.kind {
            TypeKind::Enum(_) => {
                let value = json.as_str().ok_or_else(mismatch)?;
                quote!(#path::from(#value))
            }
            TypeKind::IntEnum(_) => {
                let value = json.as_i64().ok_or_else(mismatch)?;
                let value = i32::try_from(value).map_err(|_| mismatch())?;
                quote!(#path::from(#value))
            }
            TypeKind::Struct(structure) => {
                let shape = ShapeId::parse(&def.shape_id).map_err(|e| e.to_string())?;
                let fields = self.fields(&shape, structure, json)?;
                let rest = Self::rest(fields.len(), structure);
                let fields = fields.into_iter().map(|f| {
                    let name = ident(&f.field.name);
                    let value = Self::stored(f.field, &f.value);
                    quote!(#name: #value,)
                });
                quote!(#path { #(#fields)* #rest })
            }
            TypeKind::Union(union) => {
                let object = json.as_object().ok_or_else(mismatch)?;
                let (member, value) = match object.iter().next() {
                    Some(entry) if object.len() == 1 => entry,
                    _ => return Err(format!("a `{name}` value needs exactly one member")),
                };
                let shape = ShapeId::parse(&def.shape_id).map_err(|e| e.to_string())?;
                let members = self
                    .model
                    .shape(&shape)
                    .map(|s| s.members())
                    .unwrap_or_default();
                let variant = members
                    .iter()
                    .zip(&union.variants)
                    .find(|(m, _)| &m.name == member)
                    .map(|(_, v)| v)
                    .ok_or_else(|| format!("`{name}` has no member `{member}`"))?;
                let variant_name = format_ident!("{}", variant.name);
                let value = self.value(&variant.ty, value)?;
                quote!(#path::#variant_name(#value))
            }
        })
    }
}

/// A float literal; botocore writes the special values as strings.
fn float(json: &Value, ty: TokenStream) -> Option<TokenStream> {
    Some(match json {
        Value::Number(n) => {
            let n = Literal::f64_unsuffixed(n.as_f64()?);
            quote!(#n)
        }
        Value::String(s) if s == "NaN" => quote!(#ty::NAN),
        Value::String(s) if s == "Infinity" => quote!(#ty::INFINITY),
        Value::String(s) if s == "-Infinity" => quote!(#ty::NEG_INFINITY),
        _ => return None,
    })
}
