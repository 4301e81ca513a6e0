//! TLS settings shared by the IMAP source and the SMTP outbox.
//!
//! tradewind speaks TLS through rustls with the `ring` provider only (no OpenSSL). Certificates
//! are always verified: against the Mozilla roots from `webpki-roots`, plus an extra CA file when
//! the account's configuration names one (a company's own mail server with a private CA, or the
//! test mail stack). There is deliberately no "accept invalid certificates" switch.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

/// How a connection to a mail server is secured.
///
/// Exists because providers differ: most offer implicit TLS (IMAPS 993, SMTPS 465), some only
/// STARTTLS (143, 587), and `plain` is for loopback test servers. Config files spell it
/// `tls = "implicit" | "starttls" | "plain"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte (IMAPS, SMTPS/submissions).
    Implicit,
    /// Plaintext greeting, then `STARTTLS` upgrades the connection; a failed upgrade is an error,
    /// never a silent plaintext fallback.
    Starttls,
    /// No TLS at all. Only sensible on loopback.
    Plain,
}

/// Why a TLS client configuration could not be built.
///
/// Exists so a misconfigured `ca_file` is reported with the file's path instead of surfacing
/// later as an opaque handshake failure.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The CA file could not be opened or read, or its PEM is malformed.
    #[error("cannot read CA certificate file {}: {source}", path.display())]
    CaFileUnreadable {
        /// The configured CA file.
        path: PathBuf,
        /// What went wrong while opening, reading or decoding it.
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    /// The CA file was readable but held no `CERTIFICATE` PEM block.
    #[error("CA certificate file {} contains no PEM certificate", path.display())]
    CaFileEmpty {
        /// The configured CA file.
        path: PathBuf,
    },
    /// A certificate in the CA file is not usable as a trust anchor.
    #[error("CA certificate #{index} in {} is not a usable trust anchor: {source}", path.display())]
    CaCertificateRejected {
        /// The configured CA file.
        path: PathBuf,
        /// 1-based position of the certificate in the file.
        index: usize,
        /// The rustls reason.
        #[source]
        source: rustls::Error,
    },
    /// rustls refused the protocol-version setup (should not happen with the ring provider).
    #[error("cannot set up TLS protocol versions: {0}")]
    Config(#[source] rustls::Error),
}

/// Builds the rustls client configuration used for every IMAP and SMTP connection.
///
/// Trusts the webpki (Mozilla) roots and, when `ca_file` is given, every certificate in that PEM
/// file as well. The ring provider is passed explicitly so no process-wide default provider has
/// to be installed first (and tests need no setup).
pub fn client_config(ca_file: Option<&Path>) -> Result<Arc<rustls::ClientConfig>, TlsError> {
    let mut roots =
        rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let unreadable = |source| TlsError::CaFileUnreadable {
            path: path.to_path_buf(),
            source,
        };
        let mut added = 0usize;
        for cert in CertificateDer::pem_file_iter(path).map_err(unreadable)? {
            let cert = cert.map_err(unreadable)?;
            added += 1;
            roots
                .add(cert)
                .map_err(|source| TlsError::CaCertificateRejected {
                    path: path.to_path_buf(),
                    index: added,
                    source,
                })?;
        }
        if added == 0 {
            return Err(TlsError::CaFileEmpty {
                path: path.to_path_buf(),
            });
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(TlsError::Config)?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_mode_uses_lowercase_names_in_config_files() {
        #[derive(serde::Deserialize)]
        struct Account {
            tls: TlsMode,
        }
        for (text, want) in [
            ("tls = \"implicit\"", TlsMode::Implicit),
            ("tls = \"starttls\"", TlsMode::Starttls),
            ("tls = \"plain\"", TlsMode::Plain),
        ] {
            let account: Account = toml::from_str(text).expect(text);
            assert_eq!(account.tls, want);
        }
        assert!(toml::from_str::<Account>("tls = \"STARTTLS\"").is_err());
        assert_eq!(
            serde_json::to_string(&TlsMode::Starttls).unwrap(),
            "\"starttls\""
        );
    }

    #[test]
    fn webpki_roots_alone_build_a_config() {
        let config = client_config(None).expect("config without CA file");
        assert!(config.alpn_protocols.is_empty());
    }

    #[test]
    fn missing_ca_file_error_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-ca.pem");
        let err = client_config(Some(&path)).unwrap_err();
        assert!(matches!(err, TlsError::CaFileUnreadable { .. }), "{err:?}");
        assert!(err.to_string().contains("no-such-ca.pem"), "{err}");
    }

    #[test]
    fn ca_file_without_certificate_is_rejected_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty-ca.pem");
        std::fs::write(&path, "this is not a certificate\n").unwrap();
        let err = client_config(Some(&path)).unwrap_err();
        assert!(matches!(err, TlsError::CaFileEmpty { .. }), "{err:?}");
        assert!(err.to_string().contains("empty-ca.pem"), "{err}");
    }

    #[test]
    fn garbage_inside_a_certificate_block_is_rejected_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad-ca.pem");
        std::fs::write(
            &path,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let err = client_config(Some(&path)).unwrap_err();
        assert!(err.to_string().contains("bad-ca.pem"), "{err}");
    }
}
