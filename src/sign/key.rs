//! The office key: an ECDSA P-256 or SM2 private key with its X.509
//! certificate, kept in a key folder outside the archive (the key file with
//! mode 0600): made by `keys init` (a self-signed certificate naming the
//! office, and a certificate signing request for the province's CA), or
//! taken from a CA's PEM files by `keys import`.

use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use const_oid::ObjectIdentifier;
use der::asn1::{BitString, OctetString};
use der::{Decode, DecodePem, Encode, EncodePem};
use p256::ecdsa::signature::{Keypair, Signer, Verifier};
use pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use spki::{
    AlgorithmIdentifierOwned, DecodePublicKey, DynSignatureAlgorithmIdentifier, EncodePublicKey,
    SignatureBitStringEncoding, SubjectPublicKeyInfoOwned,
};
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder, RequestBuilder};
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages, SubjectKeyIdentifier};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

use super::{oid, Error, Result};

/// The key file in a key folder (PKCS#8, PEM, mode 0600).
pub const KEY_FILE: &str = "office-key.pem";
/// The certificate file in a key folder (PEM; a CA's chain may follow it).
pub const CERT_FILE: &str = "office-cert.pem";
/// The certificate signing request `keys init` leaves for the province's CA.
pub const CSR_FILE: &str = "office-csr.pem";

/// The SM2 distinguishing identifier (GB/T 35276-2017 §9: the default
/// user ID `1234567812345678`), used for every SM2 signature.
pub const SM2_ID: &str = "1234567812345678";

/// How long a self-signed office certificate is valid: ten years.
const SELF_SIGNED_YEARS: u64 = 10;

/// The signature algorithm of an office key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Algorithm {
    /// ECDSA on P-256 with SHA-256 (RFC 6979 deterministic nonces).
    EcdsaP256,
    /// SM2 with SM3 (GB/T 32918, GB/T 35276), deterministic nonces.
    Sm2,
}

impl Algorithm {
    /// Its name as the manifest and `keys show` write it.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::EcdsaP256 => "ECDSA P-256 / SHA-256",
            Algorithm::Sm2 => "SM2 / SM3",
        }
    }

    /// The digest algorithm of its signatures.
    pub fn digest_oid(self) -> ObjectIdentifier {
        match self {
            Algorithm::EcdsaP256 => oid::SHA256,
            Algorithm::Sm2 => oid::SM3,
        }
    }

    /// The signature algorithm identifier (no parameters).
    pub fn signature_oid(self) -> ObjectIdentifier {
        match self {
            Algorithm::EcdsaP256 => oid::ECDSA_SHA256,
            Algorithm::Sm2 => oid::SM2_SM3,
        }
    }

    /// The digest of `data` under [`Algorithm::digest_oid`].
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Algorithm::EcdsaP256 => super::sha256(data).to_vec(),
            Algorithm::Sm2 => super::sm3(data).to_vec(),
        }
    }
}

#[derive(Clone)]
enum Secret {
    P256(p256::ecdsa::SigningKey),
    Sm2(Box<sm2::dsa::SigningKey>),
}

/// An office's signing key with its certificate (and the CA's chain, when
/// imported with one).
#[derive(Clone)]
pub struct OfficeKey {
    secret: Secret,
    cert: Certificate,
    cert_der: Vec<u8>,
    chain: Vec<Vec<u8>>,
}

impl std::fmt::Debug for OfficeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfficeKey")
            .field("subject", &self.subject())
            .field("fingerprint", &self.fingerprint())
            .finish_non_exhaustive()
    }
}

/// What `keys init` made.
#[derive(Debug)]
pub struct Made {
    /// The key, with its self-signed certificate.
    pub key: OfficeKey,
    /// The certificate signing request (PEM) for a CA.
    pub csr_pem: String,
}

impl OfficeKey {
    /// Make a new key for `office` with a self-signed certificate valid from
    /// `now` for ten years, and a certificate signing request naming the office.
    pub fn generate(office: &str, algorithm: Algorithm, now: SystemTime) -> Result<Made> {
        let office = office.trim();
        if office.is_empty() {
            return Err(Error::new("办公室名称不能为空：证书要写明是哪个办公室签发"));
        }
        let secret = match algorithm {
            Algorithm::EcdsaP256 => Secret::P256(
                <p256::ecdsa::SigningKey as p256::elliptic_curve::Generate>::generate(),
            ),
            Algorithm::Sm2 => {
                let sk = <sm2::SecretKey as sm2::elliptic_curve::Generate>::generate();
                Secret::Sm2(Box::new(
                    sm2::dsa::SigningKey::new(SM2_ID, &sk)
                        .map_err(|_| Error::new("SM2 密钥无效"))?,
                ))
            }
        };
        let signer = CertSigner::new(&secret)?;
        let spki = signer.1.clone();
        let subject = office_name(office)?;
        let serial = {
            let mut s = super::sha256(&spki.to_der().map_err(Error::der)?)[..16].to_vec();
            s[0] &= 0x7f;
            s[0] |= 0x40;
            SerialNumber::new(&s).map_err(Error::der)?
        };
        let not_before = Time::try_from(now).map_err(Error::der)?;
        let not_after = Time::try_from(now + Duration::from_secs(SELF_SIGNED_YEARS * 365 * 86_400))
            .map_err(Error::der)?;
        let builder = CertificateBuilder::new(
            OfficeProfile(subject.clone()),
            serial,
            Validity::new(not_before, not_after),
            spki,
        )
        .map_err(Error::x509)?;
        let cert = builder.build::<_, DerSig>(&signer).map_err(Error::x509)?;
        let csr = RequestBuilder::new(subject)
            .map_err(Error::x509)?
            .build::<_, DerSig>(&signer)
            .map_err(Error::x509)?;
        let csr_pem = csr.to_pem(LineEnding::LF).map_err(Error::der)?;
        let key = OfficeKey::from_parts(secret, cert, Vec::new())?;
        Ok(Made { key, csr_pem })
    }

    fn from_parts(secret: Secret, cert: Certificate, chain: Vec<Vec<u8>>) -> Result<OfficeKey> {
        let cert_der = cert.to_der().map_err(Error::der)?;
        let spki = spki_of(&secret)?;
        if cert.tbs_certificate().subject_public_key_info() != &spki {
            return Err(Error::new(
                "证书与私钥不匹配：证书里的公钥不是这把私钥的（请核对 CA 发来的证书是否对应这把密钥）",
            ));
        }
        Ok(OfficeKey {
            secret,
            cert,
            cert_der,
            chain,
        })
    }

    /// A key from its PKCS#8 PEM and its certificate PEM (the certificate
    /// first, then any chain of the CA).
    pub fn from_pem(key_pem: &str, cert_pem: &str) -> Result<OfficeKey> {
        let secret = parse_key(key_pem)?;
        let mut certs = pem_certificates(cert_pem)?;
        if certs.is_empty() {
            return Err(Error::new(
                "证书文件里没有证书（应为 PEM：-----BEGIN CERTIFICATE-----）",
            ));
        }
        let first = certs.remove(0);
        let cert = Certificate::from_der(&first).map_err(Error::der)?;
        OfficeKey::from_parts(secret, cert, certs)
    }

    /// Read the key of the key folder `dir`.
    pub fn load(dir: &Path) -> Result<OfficeKey> {
        let read = |name: &str| -> Result<String> {
            let p = dir.join(name);
            fs::read_to_string(&p).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Error::new(format!(
                        "密钥文件夹 {} 中没有 {name}：先生成或导入办公室的签名密钥",
                        dir.display()
                    ))
                } else {
                    Error::io(p, e)
                }
            })
        };
        OfficeKey::from_pem(&read(KEY_FILE)?, &read(CERT_FILE)?)
    }

    /// Write the key into the key folder `dir` (made if missing, mode 0700;
    /// the key file 0600), with `csr_pem` when given. Refuses to replace a
    /// key that is there.
    pub fn save(&self, dir: &Path, csr_pem: Option<&str>) -> Result<Vec<PathBuf>> {
        let key_path = dir.join(KEY_FILE);
        if key_path.exists() {
            return Err(Error::new(format!(
                "{} 已有办公室密钥：不会覆盖它（更换密钥要先用旧密钥登记，旧密钥请另存）",
                dir.display()
            )));
        }
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                .map_err(|e| Error::io(dir, e))?;
        }
        let key_pem = match &self.secret {
            Secret::P256(k) => k.to_pkcs8_pem(LineEnding::LF),
            Secret::Sm2(k) => {
                sm2::SecretKey::from(k.as_nonzero_scalar()).to_pkcs8_pem(LineEnding::LF)
            }
        }
        .map_err(|_| Error::new("私钥无法写成 PKCS#8"))?;
        write_private(&key_path, key_pem.as_bytes())?;
        let mut written = vec![key_path];
        let cert_path = dir.join(CERT_FILE);
        fs::write(&cert_path, self.certificate_pem()?).map_err(|e| Error::io(&cert_path, e))?;
        written.push(cert_path);
        if let Some(csr) = csr_pem {
            let p = dir.join(CSR_FILE);
            fs::write(&p, csr).map_err(|e| Error::io(&p, e))?;
            written.push(p);
        }
        Ok(written)
    }

    /// The algorithm of the key.
    pub fn algorithm(&self) -> Algorithm {
        match self.secret {
            Secret::P256(_) => Algorithm::EcdsaP256,
            Secret::Sm2(_) => Algorithm::Sm2,
        }
    }

    /// The certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.cert
    }

    /// The certificate, DER.
    pub fn certificate_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The CA's chain that came with the certificate (DER each), if any.
    pub fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    /// The certificate as PEM (what others need to check a copy), with the chain.
    pub fn certificate_pem(&self) -> Result<String> {
        let mut out = self.cert.to_pem(LineEnding::LF).map_err(Error::der)?;
        for c in &self.chain {
            let c = Certificate::from_der(c).map_err(Error::der)?;
            out.push_str(&c.to_pem(LineEnding::LF).map_err(Error::der)?);
        }
        Ok(out)
    }

    /// SHA-256 of the certificate (DER), lower-case hex: the key's name in
    /// the register.
    pub fn fingerprint(&self) -> String {
        super::hex(&super::sha256(&self.cert_der))
    }

    /// The certificate's subject (RFC 4514).
    pub fn subject(&self) -> String {
        self.cert.tbs_certificate().subject().to_string()
    }

    /// Sign `message`: ECDSA P-256 over its SHA-256, or SM2 over SM3 of the
    /// signer's Z value and the message; DER (SEQUENCE of r and s). The
    /// same message gives the same signature (RFC 6979 nonces).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        sign_with(&self.secret, message)
    }
}

fn sign_with(secret: &Secret, message: &[u8]) -> Result<Vec<u8>> {
    match secret {
        Secret::P256(k) => {
            let s: p256::ecdsa::DerSignature = k
                .try_sign(message)
                .map_err(|_| Error::new("签名失败（ECDSA）"))?;
            Ok(s.as_bytes().to_vec())
        }
        Secret::Sm2(k) => {
            let s: sm2::dsa::Signature = k
                .try_sign(message)
                .map_err(|_| Error::new("签名失败（SM2）"))?;
            Ok(s.to_der().to_bytes().to_vec())
        }
    }
}

/// Verify a DER signature `sig` over `message` with the public key of
/// `spki` (P-256 ECDSA/SHA-256 or SM2/SM3 with [`SM2_ID`]).
pub fn verify(spki: &SubjectPublicKeyInfoOwned, message: &[u8], sig: &[u8]) -> Result<Algorithm> {
    let der = spki.to_der().map_err(Error::der)?;
    let params = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    match params {
        Some(p) if p == oid::SECP256R1 => {
            let vk = p256::ecdsa::VerifyingKey::from_public_key_der(&der)
                .map_err(|_| Error::new("证书里的 P-256 公钥无效"))?;
            let s = p256::ecdsa::DerSignature::try_from(sig)
                .map_err(|_| Error::new("签名值不是 DER 编码的 ECDSA 签名"))?;
            vk.verify(message, &s)
                .map_err(|_| Error::new("签名值与内容不符（ECDSA 验证失败）"))?;
            Ok(Algorithm::EcdsaP256)
        }
        Some(p) if p == oid::SM2_CURVE => {
            let point = spki.subject_public_key.raw_bytes();
            let vk = sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_ID, point)
                .map_err(|_| Error::new("证书里的 SM2 公钥无效"))?;
            let s = sm2::dsa::Signature::from_der(sig)
                .map_err(|_| Error::new("签名值不是 DER 编码的 SM2 签名"))?;
            vk.verify(message, &s)
                .map_err(|_| Error::new("签名值与内容不符（SM2 验证失败）"))?;
            Ok(Algorithm::Sm2)
        }
        _ => Err(Error::new(
            "证书的公钥既不是 P-256 也不是 SM2：本程序只能核对这两种签名",
        )),
    }
}

/// A PKCS#8 private key (P-256 or SM2), PEM.
fn parse_key(pem: &str) -> Result<Secret> {
    if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_pem(pem) {
        return Ok(Secret::P256(k));
    }
    if let Ok(sk) = sm2::SecretKey::from_pkcs8_pem(pem) {
        let k = sm2::dsa::SigningKey::new(SM2_ID, &sk).map_err(|_| Error::new("SM2 私钥无效"))?;
        return Ok(Secret::Sm2(Box::new(k)));
    }
    Err(Error::new(
        "私钥文件不是 PEM 格式的 PKCS#8 私钥（P-256 或 SM2）；加密的私钥请先用 CA 提供的工具解密",
    ))
}

/// The certificates of a PEM file, DER each, in order.
pub fn pem_certificates(pem: &str) -> Result<Vec<Vec<u8>>> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = pem;
    while let Some(b) = rest.find(BEGIN) {
        let Some(e) = rest[b..].find(END) else {
            return Err(Error::new("证书文件不完整（缺少 END CERTIFICATE）"));
        };
        let block = &rest[b..b + e + END.len()];
        let cert = Certificate::from_pem(block).map_err(Error::der)?;
        out.push(cert.to_der().map_err(Error::der)?);
        rest = &rest[b + e + END.len()..];
    }
    Ok(out)
}

/// Write a private file: created with mode 0600 on Unix.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.sync_all().map_err(|e| Error::io(path, e))
}

/// The subject of an office certificate: its name as the common name.
fn office_name(office: &str) -> Result<Name> {
    let mut escaped = String::new();
    for (i, c) in office.chars().enumerate() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') || (i == 0 && c == '#') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    Name::from_str(&format!("CN={escaped}")).map_err(|_| Error::new("办公室名称无法写入证书"))
}

/// The self-signed office certificate's profile: issuer = subject, not a
/// CA, for signatures (digitalSignature, nonRepudiation).
struct OfficeProfile(Name);

impl BuilderProfile for OfficeProfile {
    fn get_issuer(&self, subject: &Name) -> Name {
        subject.clone()
    }

    fn get_subject(&self) -> Name {
        self.0.clone()
    }

    fn build_extensions(
        &self,
        spk: spki::SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: spki::SubjectPublicKeyInfoRef<'_>,
        _tbs: &x509_cert::TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let ext =
            |id: ObjectIdentifier, critical: bool, value: Vec<u8>| -> der::Result<Extension> {
                Ok(Extension {
                    extn_id: id,
                    critical,
                    extn_value: OctetString::new(value)?,
                })
            };
        let bc = BasicConstraints {
            ca: false,
            path_len_constraint: None,
        };
        let ku = KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation);
        let ski = SubjectKeyIdentifier(OctetString::new(
            super::sha256(spk.subject_public_key.raw_bytes())[..20].to_vec(),
        )?);
        Ok(vec![
            ext(oid::BASIC_CONSTRAINTS, true, bc.to_der()?)?,
            ext(oid::KEY_USAGE, true, ku.to_der()?)?,
            ext(oid::SUBJECT_KEY_IDENTIFIER, false, ski.to_der()?)?,
        ])
    }
}

/// A DER signature as the certificate builder takes it.
struct DerSig(Vec<u8>);

impl SignatureBitStringEncoding for DerSig {
    fn to_bitstring(&self) -> der::Result<BitString> {
        BitString::from_bytes(&self.0)
    }
}

/// The public key as the certificate builder takes it.
#[derive(Clone)]
struct PublicKey(SubjectPublicKeyInfoOwned);

impl EncodePublicKey for PublicKey {
    fn to_public_key_der(&self) -> spki::Result<der::Document> {
        Ok(der::Document::encode_msg(&self.0)?)
    }
}

/// A key as the certificate builder's signer, with its public key.
struct CertSigner<'a>(&'a Secret, SubjectPublicKeyInfoOwned);

impl<'a> CertSigner<'a> {
    fn new(secret: &'a Secret) -> Result<CertSigner<'a>> {
        Ok(CertSigner(secret, spki_of(secret)?))
    }
}

fn spki_of(secret: &Secret) -> Result<SubjectPublicKeyInfoOwned> {
    {
        let der = match secret {
            Secret::P256(k) => k.verifying_key().to_public_key_der(),
            Secret::Sm2(k) => k.verifying_key().to_public_key_der(),
        }
        .map_err(|_| Error::new("公钥无法编码"))?;
        SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(Error::der)
    }
}

impl Keypair for CertSigner<'_> {
    type VerifyingKey = PublicKey;
    fn verifying_key(&self) -> PublicKey {
        PublicKey(self.1.clone())
    }
}

impl DynSignatureAlgorithmIdentifier for CertSigner<'_> {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        let alg = match self.0 {
            Secret::P256(_) => Algorithm::EcdsaP256,
            Secret::Sm2(_) => Algorithm::Sm2,
        };
        Ok(AlgorithmIdentifierOwned {
            oid: alg.signature_oid(),
            parameters: None,
        })
    }
}

impl Signer<DerSig> for CertSigner<'_> {
    fn try_sign(&self, msg: &[u8]) -> std::result::Result<DerSig, p256::ecdsa::signature::Error> {
        sign_with(self.0, msg)
            .map(DerSig)
            .map_err(|_| p256::ecdsa::signature::Error::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_p256_key_signs_the_same_bytes_twice_and_its_certificate_names_the_office() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200);
        let made = OfficeKey::generate("某县人民政府办公室", Algorithm::EcdsaP256, now).unwrap();
        let k = &made.key;
        assert_eq!(k.subject(), "CN=某县人民政府办公室");
        assert_eq!(k.sign(b"abc").unwrap(), k.sign(b"abc").unwrap());
        let spki = k
            .certificate()
            .tbs_certificate()
            .subject_public_key_info()
            .clone();
        assert_eq!(
            verify(&spki, b"abc", &k.sign(b"abc").unwrap()).unwrap(),
            Algorithm::EcdsaP256
        );
        assert!(verify(&spki, b"abd", &k.sign(b"abc").unwrap()).is_err());
        // The self-signed certificate verifies under its own key.
        let tbs = k.certificate().tbs_certificate().to_der().unwrap();
        let sig = k.certificate().signature().raw_bytes();
        verify(&spki, &tbs, sig).unwrap();
        assert!(made
            .csr_pem
            .starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
    }

    #[test]
    fn an_sm2_key_round_trips_through_pem_and_signs_deterministically() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200);
        let made = OfficeKey::generate("某县人民政府办公室", Algorithm::Sm2, now).unwrap();
        let dir = tempfile::tempdir().unwrap();
        made.key
            .save(&dir.path().join("k"), Some(&made.csr_pem))
            .unwrap();
        let back = OfficeKey::load(&dir.path().join("k")).unwrap();
        assert_eq!(back.algorithm(), Algorithm::Sm2);
        assert_eq!(back.fingerprint(), made.key.fingerprint());
        assert_eq!(back.sign(b"x").unwrap(), made.key.sign(b"x").unwrap());
        let spki = back
            .certificate()
            .tbs_certificate()
            .subject_public_key_info()
            .clone();
        assert_eq!(
            verify(&spki, b"x", &back.sign(b"x").unwrap()).unwrap(),
            Algorithm::Sm2
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join("k").join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A second key is not written over the first.
        assert!(made.key.save(&dir.path().join("k"), None).is_err());
    }

    #[test]
    fn a_certificate_of_another_key_is_refused() {
        let now = SystemTime::UNIX_EPOCH;
        let a = OfficeKey::generate("甲", Algorithm::EcdsaP256, now)
            .unwrap()
            .key;
        let b = OfficeKey::generate("乙", Algorithm::EcdsaP256, now)
            .unwrap()
            .key;
        let dir = tempfile::tempdir().unwrap();
        a.save(dir.path(), None).unwrap();
        let key = fs::read_to_string(dir.path().join(KEY_FILE)).unwrap();
        let err = OfficeKey::from_pem(&key, &b.certificate_pem().unwrap()).unwrap_err();
        assert!(err.to_string().contains("证书与私钥不匹配"), "{err}");
    }
}
