//! `examples/<operation>.rs`: a command-line call of one operation, for operations whose
//! input members are all scalars (each becomes a `--member-name VALUE` argument) and that
//! stream no events (printing an output as JSON would leave its events unread). Argument
//! parsing, configuration and printing live in `leansdk_runtime::cli`.

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Crate, Operation, RustType, TypeKind};
use crate::tokens::ident;

/// The example for `op`, or `None` when an input member is not a scalar or events stream.
pub fn emit(krate: &Crate, op: &Operation) -> Option<TokenStream> {
    if op.streams_events() || !op.input.fields.iter().all(|f| is_scalar(krate, &f.ty)) {
        return None;
    }
    let arguments: Vec<String> = op
        .input
        .fields
        .iter()
        .map(|f| f.wire_name.to_kebab_case())
        .collect();
    let setters = op.input.fields.iter().zip(&arguments).map(|(field, arg)| {
        let setter = format_ident!("set_{}", field.name.trim_start_matches("r#"));
        quote!(.#setter(args.get(#arg)))
    });
    let usage = arguments
        .iter()
        .map(|arg| format!(" --{arg} VALUE"))
        .collect::<String>();
    let docs = format!(
        " Calls `{}` and prints its output as JSON:\n\n ```sh\n cargo run -p {} --example {} --{usage} \
         [--timeout-secs N]\n ```\n\n Configuration comes from the environment (`AWS_REGION`, \
         credentials, `AWS_ENDPOINT_URL`...); errors go to stderr with exit status 1.",
        op.name, krate.package_name, op.module
    );
    let docs = docs.lines().map(str::to_owned);
    let krate_ident = format_ident!("{}", krate.package_name.replace('-', "_"));
    let method = ident(&op.module);
    // Without arguments the closure's `args` would be unused, a warning in the user's build.
    let args = if arguments.is_empty() {
        quote!(_)
    } else {
        quote!(args)
    };
    Some(quote! {
        #(#![doc = #docs])*

        #[tokio::main(flavor = "current_thread")]
        async fn main() -> std::process::ExitCode {
            leansdk_runtime::cli::run(&[#(#arguments),*], |config, #args| async move {
                #krate_ident::Client::new(&config)
                    .#method()
                    #(#setters)*
                    .send()
                    .await
            })
            .await
        }
    })
}

fn is_scalar(krate: &Crate, ty: &RustType) -> bool {
    match ty {
        RustType::Bool
        | RustType::I8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::F32
        | RustType::F64
        | RustType::String => true,
        RustType::Named { name, .. } => krate
            .types
            .iter()
            .any(|t| &t.name == name && matches!(t.kind, TypeKind::Enum(_))),
        _ => false,
    }
}
