//! Signed issued copies: the office key and its certificate ([`key`]), CMS
//! signatures made and checked ([`cms`]), the PDF's signature as one
//! incremental update ([`pdf`]) and the register of the office's keys
//! ([`register`]).
//!
//! Everything here is deterministic: a signature's time is the copy's
//! issued-at time, and ECDSA and SM2 take their nonces from the key and the
//! message (RFC 6979), so signing a copy again gives the same bytes.

pub mod cms;
pub mod key;
pub mod ofd;
pub mod pdf;
pub mod register;

use std::fmt;
use std::path::PathBuf;

pub use key::{Algorithm, OfficeKey};

/// How a copy is signed: the office key signs the PDF and the manifest;
/// an external signer, when given, the OFD.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The office key.
    pub key: OfficeKey,
    /// The OFD's signer (a seal system or UKey middleware), when the copy
    /// has an OFD to sign.
    pub ofd: Option<ofd::ExternalSigner>,
}

impl Signer {
    /// Sign with `key` only.
    pub fn new(key: OfficeKey) -> Signer {
        Signer { key, ofd: None }
    }
}

/// What can go wrong when a key is made, read or used, or a signature is
/// checked: in Chinese, saying what to do.
#[derive(Debug)]
pub enum Error {
    /// A key, certificate or signature is not what it must be.
    Invalid(String),
    /// A key file cannot be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// The result of signing operations.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A key, certificate or signature problem.
    pub fn new(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }

    /// A file problem.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    fn der(e: der::Error) -> Error {
        Error::new(format!("DER 编码有误（{e}）"))
    }

    fn x509(e: x509_cert::builder::Error) -> Error {
        Error::new(format!("证书无法生成（{e}）"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(m) => f.write_str(m),
            Error::Io { path, source } => write!(f, "{}：{source}", path.display()),
        }
    }
}

impl std::error::Error for Error {}

impl From<Error> for crate::error::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(message) => crate::error::Error::Archive { message },
            Error::Io { path, source } => crate::error::Error::Io { path, source },
        }
    }
}

/// Object identifiers used in certificates and signatures.
pub mod oid {
    use const_oid::ObjectIdentifier as Oid;

    /// SHA-256 (NIST).
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    /// SM3 (GB/T 33560-2017).
    pub const SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.401");
    /// ecdsa-with-SHA256 (RFC 5758).
    pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    /// SM2 signature with SM3 (GB/T 33560-2017).
    pub const SM2_SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.501");
    /// The P-256 curve (secp256r1).
    pub const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    /// The SM2 curve (GB/T 33560-2017).
    pub const SM2_CURVE: Oid = Oid::new_unwrap("1.2.156.10197.1.301");
    /// id-data (RFC 5652).
    pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
    /// id-signedData (RFC 5652).
    pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
    /// The content-type attribute (RFC 5652 §11.1).
    pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
    /// The message-digest attribute (RFC 5652 §11.2).
    pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
    /// The signing-time attribute (RFC 5652 §11.3).
    pub const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
    /// The signing-certificate-v2 attribute (RFC 5035 §3).
    pub const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
    /// basicConstraints (RFC 5280).
    pub const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
    /// keyUsage (RFC 5280).
    pub const KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
    /// subjectKeyIdentifier (RFC 5280).
    pub const SUBJECT_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.14");
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}

/// SM3 of `data` (GB/T 32905-2016).
pub fn sm3(data: &[u8]) -> [u8; 32] {
    use sm3::Digest;
    sm3::Sm3::digest(data).into()
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// SM3 of `data`, lower-case hex (the manifest's `sm3` beside `sha256`).
pub fn sm3_hex(data: &[u8]) -> String {
    hex(&sm3(data))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sm3_of_abc_is_the_standards_example() {
        // GB/T 32905-2016, Appendix A.1.
        assert_eq!(
            super::sm3_hex(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }
}
