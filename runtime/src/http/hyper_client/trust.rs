//! Which certificate authorities the default client trusts: Mozilla's roots compiled in,
//! plus PEM certificates from `AWS_CA_BUNDLE`, the profile's `ca_bundle` or code, plus
//! (feature `native-roots`) the operating system's store.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use tokio_rustls::rustls::RootCertStore;
// PEM parsing is part of rustls-pki-types (rustls's own dependency) without any feature.
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject;

/// Certificate authorities trusted besides Mozilla's roots. Files are read and certificates
/// parsed when the first `https` connection is made: a missing file or a PEM text without
/// certificates then fails that request with an error naming the source.
#[derive(Clone, Default)]
pub struct TrustConfig {
    pem: Vec<Pem>,
    #[cfg(feature = "native-roots")]
    native_roots: bool,
}

#[derive(Clone)]
enum Pem {
    Text(Arc<[u8]>),
    /// `source` names the setting that gave the path, e.g. `AWS_CA_BUNDLE`.
    File {
        source: String,
        path: PathBuf,
    },
}

impl TrustConfig {
    /// Trusts the certificates of `pem` (one or more `-----BEGIN CERTIFICATE-----` blocks).
    pub fn add_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.pem.push(Pem::Text(pem.into().into()));
        self
    }

    /// Trusts the certificates of the PEM file at `path`; `source` (the variable or profile
    /// key that named it) goes into errors.
    pub fn add_pem_file(mut self, source: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        self.pem.push(Pem::File {
            source: source.into(),
            path: path.into(),
        });
        self
    }

    /// Also trusts the operating system's certificate store (read once, by the first
    /// `https` connection), for networks whose TLS-inspecting proxies use a private CA.
    #[cfg(feature = "native-roots")]
    pub fn with_native_roots(mut self) -> Self {
        self.native_roots = true;
        self
    }

    /// Mozilla's roots with this configuration's certificates added.
    pub(super) fn root_store(&self) -> Result<RootCertStore, String> {
        let mut roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for pem in &self.pem {
            let (source, text) = match pem {
                Pem::Text(text) => (
                    "the PEM certificates given in code".to_owned(),
                    text.clone(),
                ),
                Pem::File { source, path } => {
                    let source = format!("{source} ({})", path.display());
                    let text = std::fs::read(path)
                        .map_err(|e| format!("cannot read the CA bundle {source}: {e}"))?;
                    (source, text.into())
                }
            };
            add_pem(&mut roots, &text).map_err(|reason| format!("{source}: {reason}"))?;
        }
        #[cfg(feature = "native-roots")]
        if self.native_roots {
            // Unreadable entries of the store are skipped, as every client using the crate
            // does: one broken certificate file should not stop every connection.
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
        }
        Ok(roots)
    }
}

fn add_pem(roots: &mut RootCertStore, text: &[u8]) -> Result<(), String> {
    let mut added = 0;
    for certificate in CertificateDer::pem_slice_iter(text) {
        let certificate = certificate.map_err(|e| format!("not valid PEM: {e}"))?;
        roots
            .add(certificate)
            .map_err(|e| format!("a certificate is not a usable CA: {e}"))?;
        added += 1;
    }
    match added {
        0 => Err("holds no PEM certificate".to_owned()),
        _ => Ok(()),
    }
}

/// Sources only: certificates are public, but the list says nothing useful.
impl fmt::Debug for TrustConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sources: Vec<String> = self
            .pem
            .iter()
            .map(|pem| match pem {
                Pem::Text(_) => "PEM given in code".to_owned(),
                Pem::File { source, path } => format!("{source} ({})", path.display()),
            })
            .collect();
        let mut debug = f.debug_struct("TrustConfig");
        debug.field("pem", &sources);
        #[cfg(feature = "native-roots")]
        debug.field("native_roots", &self.native_roots);
        debug.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_without_certificates_or_unreadable_files_are_named_errors() {
        let empty = TrustConfig::default().add_pem("no certificate here");
        let error = empty.root_store().unwrap_err();
        assert_eq!(
            error,
            "the PEM certificates given in code: holds no PEM certificate"
        );
        let missing = TrustConfig::default().add_pem_file("AWS_CA_BUNDLE", "/nonexistent/ca.pem");
        let error = missing.root_store().unwrap_err();
        assert!(
            error.starts_with("cannot read the CA bundle AWS_CA_BUNDLE (/nonexistent/ca.pem)"),
            "{error}"
        );
        let garbage = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let error = TrustConfig::default()
            .add_pem(garbage)
            .root_store()
            .unwrap_err();
        assert!(error.contains("not a usable CA"), "{error}");
    }

    #[test]
    fn mozilla_roots_are_always_there() {
        let roots = TrustConfig::default().root_store().unwrap();
        assert_eq!(roots.len(), webpki_roots::TLS_SERVER_ROOTS.len());
    }
}
