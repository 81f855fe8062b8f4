//! A generated crate placed as a module of another crate: the runtime's own clients of the
//! services its credential providers call (STS, SSO, SSO-OIDC), which cannot be crates of
//! their own (they depend on the runtime, and the runtime on them).
//!
//! Emitters write every path to the generated crate's items from its root (`crate::types::X`,
//! `crate::client::Client`, in code and in doc links). As a module at `module_path`, those
//! paths are re-rooted there; `pub(crate)` and paths to the runtime (`leansdk_runtime::...`,
//! which the host crate aliases to itself) stay as they are.

use syn::visit_mut::{self, VisitMut};

/// Rewrites `file` so that `crate::` paths start at `module_path` (e.g. `crate::services::sts`).
pub fn reroot(file: &mut syn::File, module_path: &syn::Path) {
    Reroot { module_path }.visit_file_mut(file);
}

struct Reroot<'a> {
    module_path: &'a syn::Path,
}

impl Reroot<'_> {
    /// `crate::a::b` becomes `<module_path>::a::b`.
    fn reroot_path(&self, path: &mut syn::Path) {
        let starts_at_crate = path.leading_colon.is_none()
            && path.segments.len() > 1
            && path.segments.first().is_some_and(|s| s.ident == "crate");
        if starts_at_crate {
            let rest = path.segments.iter().skip(1).cloned();
            path.segments = self
                .module_path
                .segments
                .iter()
                .cloned()
                .chain(rest)
                .collect();
        }
    }

    /// Re-roots the paths inside the string literals of `tokens`.
    fn reroot_strings(&self, tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        use proc_macro2::{Group, TokenTree};
        tokens
            .into_iter()
            .map(|token| match token {
                TokenTree::Group(group) => {
                    let mut rerooted =
                        Group::new(group.delimiter(), self.reroot_strings(group.stream()));
                    rerooted.set_span(group.span());
                    TokenTree::Group(rerooted)
                }
                TokenTree::Literal(literal) => {
                    match syn::parse2::<syn::LitStr>(TokenTree::Literal(literal.clone()).into()) {
                        Ok(text) if text.value().contains("crate::") => TokenTree::Literal(
                            syn::LitStr::new(&self.reroot_text(&text.value()), text.span()).token(),
                        ),
                        _ => TokenTree::Literal(literal),
                    }
                }
                other => other,
            })
            .collect()
    }

    /// `crate::` in text that names paths: doc links (rustdoc resolves them like paths) and
    /// serde's codec strings.
    fn reroot_text(&self, text: &str) -> String {
        let root: Vec<String> = self
            .module_path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        text.replace("crate::", &format!("{}::", root.join("::")))
    }
}

impl Reroot<'_> {
    /// Re-roots `crate::` paths among the tokens of a macro call (the runtime's list macros
    /// name generated types): `crate` becomes `module_path`.
    fn reroot_tokens(&self, tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        use proc_macro2::{Group, TokenTree};
        use quote::ToTokens;
        tokens
            .into_iter()
            .flat_map(|token| match token {
                TokenTree::Group(group) => {
                    let mut rerooted =
                        Group::new(group.delimiter(), self.reroot_tokens(group.stream()));
                    rerooted.set_span(group.span());
                    vec![TokenTree::Group(rerooted)]
                }
                TokenTree::Ident(ident) if ident == "crate" => {
                    self.module_path.to_token_stream().into_iter().collect()
                }
                other => vec![other],
            })
            .collect()
    }
}

impl VisitMut for Reroot<'_> {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if mac
            .path
            .segments
            .first()
            .is_some_and(|s| s.ident == "leansdk_runtime")
        {
            mac.tokens = self.reroot_tokens(std::mem::take(&mut mac.tokens));
        }
        visit_mut::visit_macro_mut(self, mac);
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        self.reroot_path(path);
        visit_mut::visit_path_mut(self, path);
    }

    /// `pub(crate)` means the host crate: left alone.
    fn visit_visibility_mut(&mut self, _: &mut syn::Visibility) {}

    fn visit_use_tree_mut(&mut self, tree: &mut syn::UseTree) {
        if let syn::UseTree::Path(path) = tree
            && path.ident == "crate"
        {
            let mut rerooted = (*path.tree).clone();
            for segment in self.module_path.segments.iter().skip(1).rev() {
                rerooted = syn::UseTree::Path(syn::UsePath {
                    ident: segment.ident.clone(),
                    colon2_token: Default::default(),
                    tree: Box::new(rerooted),
                });
            }
            *path.tree = rerooted;
            return;
        }
        visit_mut::visit_use_tree_mut(self, tree);
    }

    fn visit_attribute_mut(&mut self, attribute: &mut syn::Attribute) {
        if let syn::Meta::NameValue(doc) = &mut attribute.meta
            && doc.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &mut doc.value
        {
            let rerooted = self.reroot_text(&text.value());
            *text = syn::LitStr::new(&rerooted, text.span());
            return;
        }
        // `#[serde(with = "...")]` names codec paths, `crate::types::X` among them, in strings.
        if let syn::Meta::List(list) = &mut attribute.meta
            && list.path.is_ident("serde")
        {
            list.tokens = self.reroot_strings(std::mem::take(&mut list.tokens));
            return;
        }
        visit_mut::visit_attribute_mut(self, attribute);
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn paths_docs_uses_and_codec_strings_are_rerooted_but_not_the_runtime() {
        let mut file: syn::File = syn::parse2(quote! {
            use crate::types::A;
            /// See [`B`](crate::types::B).
            pub(crate) struct S {
                #[serde(rename = "A", with = "leansdk_runtime::codec::With::<Object<crate::types::A>>")]
                a: crate::types::A,
                b: leansdk_runtime::DateTime,
            }
        })
        .unwrap();
        reroot(&mut file, &syn::parse_quote!(crate::services::sts));
        let text = quote!(#file).to_string();
        assert!(
            text.contains("use crate :: services :: sts :: types :: A"),
            "{text}"
        );
        assert!(text.contains("(crate::services::sts::types::B)"), "{text}");
        assert!(
            text.contains("Object<crate::services::sts::types::A>"),
            "{text}"
        );
        assert!(
            text.contains("a : crate :: services :: sts :: types :: A"),
            "{text}"
        );
        assert!(text.contains("b : leansdk_runtime :: DateTime"), "{text}");
        assert!(text.contains("pub (crate) struct S"), "{text}");
    }
}
