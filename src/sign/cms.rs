//! Detached CMS signatures (RFC 5652 SignedData, CAdES signed attributes):
//! made for the PDF's signature (`/SubFilter /ETSI.CAdES.detached`, no
//! signing-time attribute: PAdES puts the time in the signature dictionary,
//! ETSI EN 319 142-1 §5.2.3) and for `manifest.p7s` (with signing-time), and
//! checked.
//!
//! Signed attributes: content-type (id-data), message-digest and
//! signing-certificate-v2 (RFC 5035: SHA-256 of the signer's certificate
//! with its issuer and serial number), which binds the certificate to the
//! signature so that a certificate swapped in the CMS is refused.

use std::time::SystemTime;

use cms::cert::IssuerAndSerialNumber;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Time;
use x509_cert::Certificate;

use super::key::{self, Algorithm, OfficeKey};
use super::{oid, Error, Result};

/// ESSCertIDv2 (RFC 5035 §4), with the default hash algorithm (SHA-256).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

/// IssuerSerial (RFC 5035 §4).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

/// SigningCertificateV2 (RFC 5035 §3), without policies.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn attribute(id: der::asn1::ObjectIdentifier, value: impl Encode) -> Result<Attribute> {
    let any = Any::from_der(&value.to_der().map_err(Error::der)?).map_err(Error::der)?;
    let values = SetOfVec::try_from(vec![any]).map_err(Error::der)?;
    Ok(Attribute { oid: id, values })
}

/// A detached CMS SignedData over `content` by `key`, DER. With
/// `signing_time`, the signing-time attribute says it (the copy's
/// issued-at time, never the clock).
pub fn sign_detached(
    key: &OfficeKey,
    content: &[u8],
    signing_time: Option<SystemTime>,
) -> Result<Vec<u8>> {
    let alg = key.algorithm();
    let cert = key.certificate();
    let tbs = cert.tbs_certificate();
    let digest_alg = AlgorithmIdentifierOwned {
        oid: alg.digest_oid(),
        parameters: None,
    };
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(super::sha256(key.certificate_der()).to_vec())
                .map_err(Error::der)?,
            issuer_serial: IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(tbs.issuer().clone())],
                serial_number: tbs.serial_number().clone(),
            },
        }],
    };
    let mut attrs = vec![
        attribute(oid::CONTENT_TYPE, oid::DATA)?,
        attribute(
            oid::MESSAGE_DIGEST,
            OctetString::new(alg.digest(content)).map_err(Error::der)?,
        )?,
        attribute(oid::SIGNING_CERTIFICATE_V2, ess)?,
    ];
    if let Some(t) = signing_time {
        attrs.push(attribute(
            oid::SIGNING_TIME,
            Time::try_from(t).map_err(Error::der)?,
        )?);
    }
    let signed_attrs = SetOfVec::try_from(attrs).map_err(Error::der)?;
    let signature = key.sign(&signed_attrs.to_der().map_err(Error::der)?)?;
    let signer = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: digest_alg.clone(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: alg.signature_oid(),
            parameters: None,
        },
        signature: OctetString::new(signature).map_err(Error::der)?,
        unsigned_attrs: None,
    };
    let mut certs = vec![cms::cert::CertificateChoices::Certificate(cert.clone())];
    for c in key.chain() {
        certs.push(cms::cert::CertificateChoices::Certificate(
            Certificate::from_der(c).map_err(Error::der)?,
        ));
    }
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![digest_alg]).map_err(Error::der)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: oid::DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(
            SetOfVec::try_from(certs).map_err(Error::der)?,
        )),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer]).map_err(Error::der)?),
    };
    let info = ContentInfo {
        content_type: oid::SIGNED_DATA,
        content: Any::from_der(&signed.to_der().map_err(Error::der)?).map_err(Error::der)?,
    };
    info.to_der().map_err(Error::der)
}

/// What a verified signature says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The signer's certificate, DER.
    pub certificate: Vec<u8>,
    /// SHA-256 of it, hex.
    pub fingerprint: String,
    /// Its subject (RFC 4514).
    pub subject: String,
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The signing-time attribute, when there is one.
    pub signing_time: Option<SystemTime>,
}

/// Check the detached CMS `p7` (DER; zero bytes after it are padding, as in
/// a PDF's `/Contents`) over `content`: one signer, whose certificate is in
/// it, the content's digest in its message-digest attribute, the
/// certificate's hash in its signing-certificate-v2 attribute, and its
/// signature over the signed attributes under the certificate's key.
pub fn verify_detached(p7: &[u8], content: &[u8]) -> Result<Verified> {
    let bad = |what: &str| Error::new(format!("签名（CMS）{what}"));
    let mut reader = der::SliceReader::new(p7).map_err(Error::der)?;
    let info: ContentInfo =
        der::Decode::decode(&mut reader).map_err(|_| bad("无法解读：不是 DER 编码的 CMS"))?;
    let rest = &p7[p7.len() - usize::try_from(der::Reader::remaining_len(&reader)).unwrap_or(0)..];
    if rest.iter().any(|&b| b != 0) {
        return Err(bad("之后还有多余的数据"));
    }
    if info.content_type != oid::SIGNED_DATA {
        return Err(bad("不是 SignedData"));
    }
    let sd: SignedData = info
        .content
        .decode_as()
        .map_err(|_| bad("的 SignedData 无法解读"))?;
    if sd.encap_content_info.econtent_type != oid::DATA {
        return Err(bad("所签内容的类型不是 id-data"));
    }
    if sd.encap_content_info.econtent.is_some() {
        return Err(bad("不是分离式签名（内含被签内容）"));
    }
    let signers: Vec<&SignerInfo> = sd.signer_infos.0.iter().collect();
    let [si] = signers.as_slice() else {
        return Err(bad("应当恰有一个签名者"));
    };
    if sd.version != CmsVersion::V1
        || si.version != CmsVersion::V1
        || sd.digest_algorithms.len() != 1
        || sd.digest_algorithms.iter().next() != Some(&si.digest_alg)
        || si.digest_alg.parameters.is_some()
        || si.signature_algorithm.parameters.is_some()
        || sd.crls.is_some()
        || si.unsigned_attrs.is_some()
    {
        return Err(bad(
            "的结构不是本程序签出的形式（版本、算法或多余部分不符）",
        ));
    }
    let SignerIdentifier::IssuerAndSerialNumber(sid) = &si.sid else {
        return Err(bad("的签名者不是以颁发者和序列号标识的"));
    };
    let cert = sd
        .certificates
        .as_ref()
        .and_then(|cs| {
            cs.0.iter().find_map(|c| match c {
                cms::cert::CertificateChoices::Certificate(c)
                    if c.tbs_certificate().issuer() == &sid.issuer
                        && c.tbs_certificate().serial_number() == &sid.serial_number =>
                {
                    Some(c.clone())
                }
                _ => None,
            })
        })
        .ok_or_else(|| bad("中没有签名者的证书"))?;
    let cert_der = cert.to_der().map_err(Error::der)?;
    let spki = cert.tbs_certificate().subject_public_key_info().clone();
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or_else(|| bad("没有签名属性"))?;
    let one = |id| -> Result<&Any> {
        let mut found = attrs.iter().filter(|a| a.oid == id);
        match (found.next(), found.next()) {
            (Some(a), None) if a.values.len() == 1 => {
                a.values.iter().next().ok_or_else(|| bad("的属性为空"))
            }
            (None, _) => Err(bad(&format!("缺少属性 {id}"))),
            _ => Err(bad(&format!("的属性 {id} 出现了多次"))),
        }
    };
    // The algorithm from the certificate's key; the digest must be its.
    let alg = key::verify(
        &spki,
        &attrs.to_der().map_err(Error::der)?,
        si.signature.as_bytes(),
    )
    .map_err(|e| Error::new(format!("签名值不对：{e}")))?;
    if si.digest_alg.oid != alg.digest_oid() || si.signature_algorithm.oid != alg.signature_oid() {
        return Err(bad("的摘要算法与证书的密钥不配套"));
    }
    let ct: der::asn1::ObjectIdentifier = one(oid::CONTENT_TYPE)?
        .decode_as()
        .map_err(|_| bad("的内容类型属性无法解读"))?;
    if ct != oid::DATA {
        return Err(bad("的内容类型不是 id-data"));
    }
    let md: OctetString = one(oid::MESSAGE_DIGEST)?
        .decode_as()
        .map_err(|_| bad("的摘要属性无法解读"))?;
    if md.as_bytes() != alg.digest(content).as_slice() {
        return Err(Error::new(
            "被签名的内容与签名中的摘要不符：签名之后内容被改动过",
        ));
    }
    let ess: SigningCertificateV2 = one(oid::SIGNING_CERTIFICATE_V2)?
        .decode_as()
        .map_err(|_| bad("的签名证书属性（signing-certificate-v2）无法解读"))?;
    let names_cert = |c: &EssCertIdV2| {
        c.cert_hash.as_bytes() == &super::sha256(&cert_der)[..]
            && c.issuer_serial.issuer
                == [GeneralName::DirectoryName(
                    cert.tbs_certificate().issuer().clone(),
                )]
            && &c.issuer_serial.serial_number == cert.tbs_certificate().serial_number()
    };
    if !ess.certs.first().is_some_and(names_cert) {
        return Err(bad(
            "中的证书不是签名时的证书（signing-certificate-v2 不符）",
        ));
    }
    let signing_time = match attrs.iter().any(|a| a.oid == oid::SIGNING_TIME) {
        true => {
            let t: Time = one(oid::SIGNING_TIME)?
                .decode_as()
                .map_err(|_| bad("的签名时间无法解读"))?;
            Some(t.to_system_time())
        }
        false => None,
    };
    Ok(Verified {
        fingerprint: super::hex(&super::sha256(&cert_der)),
        subject: cert.tbs_certificate().subject().to_string(),
        certificate: cert_der,
        algorithm: alg,
        signing_time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn key(alg: Algorithm) -> OfficeKey {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200);
        OfficeKey::generate("某县人民政府办公室", alg, now)
            .unwrap()
            .key
    }

    #[test]
    fn a_signature_verifies_is_the_same_each_time_and_refuses_changed_content() {
        for alg in [Algorithm::EcdsaP256, Algorithm::Sm2] {
            let k = key(alg);
            let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_100_000);
            let a = sign_detached(&k, b"manifest", Some(t)).unwrap();
            assert_eq!(a, sign_detached(&k, b"manifest", Some(t)).unwrap());
            let v = verify_detached(&a, b"manifest").unwrap();
            assert_eq!(v.fingerprint, k.fingerprint());
            assert_eq!(v.algorithm, alg);
            assert_eq!(v.signing_time, Some(t));
            let e = verify_detached(&a, b"manifesT").unwrap_err().to_string();
            assert!(e.contains("内容被改动过"), "{e}");
            // Every single changed byte of the CMS is refused.
            let mut refused = 0;
            for i in 0..a.len() {
                let mut b = a.clone();
                b[i] ^= 0x01;
                refused += usize::from(verify_detached(&b, b"manifest").is_err());
            }
            assert_eq!(refused, a.len(), "{alg:?}");
        }
    }

    #[test]
    fn padding_with_zeros_is_read_and_anything_else_after_is_refused() {
        let k = key(Algorithm::EcdsaP256);
        let mut a = sign_detached(&k, b"x", None).unwrap();
        a.extend([0; 100]);
        verify_detached(&a, b"x").unwrap();
        a.push(1);
        assert!(verify_detached(&a, b"x").is_err());
    }
}
