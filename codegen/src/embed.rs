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

    /// `crate::` in doc-link text: rustdoc resolves intra-doc links like paths.
    fn reroot_doc(&self, text: &str) -> String {
        let root: Vec<String> = self
            .module_path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        text.replace("crate::", &format!("{}::", root.join("::")))
    }
}

impl VisitMut for Reroot<'_> {
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
            let rerooted = self.reroot_doc(&text.value());
            *text = syn::LitStr::new(&rerooted, text.span());
            return;
        }
        visit_mut::visit_attribute_mut(self, attribute);
    }
}
