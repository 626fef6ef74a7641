//! Signed copies (issue 25): the office key, `issue --sign`, and `archive
//! verify` on signed copies; each kind of tampering (a byte of the PDF, of
//! the manifest, of a signature, of a certificate) refused with its reason;
//! a key change; an SM2 copy; the re-render of a signed copy.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime};

use jianbao::archive::signed::{MANIFEST_SIG_FILE, SIGNED_PDF_FILE};
use jianbao::archive::{Archive, IssueOptions, Status};
use jianbao::sign::{Algorithm, OfficeKey};

use crate::common::*;

/// 2024-05-10 09:30:00 China Standard Time.
fn issued_at() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_715_304_600)
}

fn key(alg: Algorithm, office: &str) -> OfficeKey {
    OfficeKey::generate(
        office,
        alg,
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200),
    )
    .unwrap()
    .key
}

/// The example with issue number `n` (a week apart).
fn issue_n(n: u32) -> Vec<u8> {
    let mut v = example_json();
    v["masthead"]["issue"] = n.into();
    v["masthead"]["date"] = format!("2024-05-{:02}", 3 + 7 * n).into();
    serde_json::to_vec(&v).unwrap()
}

/// File issue `n` of the example into `dir/archive`, signed by `key`.
fn file(dir: &Path, n: u32, key: Option<&OfficeKey>, at: SystemTime) -> jianbao::Result<PathBuf> {
    Archive::new(dir.join("archive"))
        .issue(
            &engine(),
            &issue_n(n),
            &jianbao::Options {
                base_dir: dir.to_path_buf(),
                ..Default::default()
            },
            &IssueOptions {
                allow_warnings: true,
                now: at,
                supersedes: None,
                ofd: false,
                sign: key.cloned().map(jianbao::sign::Signer::new),
            },
        )
        .map(|f| f.dir)
}

/// The problems `verify` finds with each copy, in register order.
fn problems(dir: &Path) -> Vec<(Status, Vec<String>)> {
    Archive::new(dir.join("archive"))
        .verify(None)
        .unwrap()
        .copies
        .into_iter()
        .map(|c| (c.status, c.problems))
        .collect()
}

fn flip(path: &Path, at: usize) {
    make_writable(path);
    let mut b = fs::read(path).unwrap();
    b[at] ^= 0x01;
    fs::write(path, b).unwrap();
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}

/// A signed copy verifies; its files are what the issue says: signed.pdf
/// is issued.pdf and one update, made again from the same key and time the
/// same bytes; the manifest records the key of the register.
#[test]
fn a_signed_copy_verifies_and_signing_again_gives_the_same_bytes() {
    let t = TempDir::new("signed");
    let k = key(Algorithm::EcdsaP256, "某县人民政府办公室");
    let dir = file(t.path(), 1, Some(&k), issued_at()).unwrap();
    assert_eq!(problems(t.path()), vec![(Status::Intact, vec![])]);
    let issued = fs::read(dir.join("issued.pdf")).unwrap();
    let signed = fs::read(dir.join(SIGNED_PDF_FILE)).unwrap();
    assert!(signed.starts_with(&issued));
    let cost = signed.len() - issued.len() + fs::read(dir.join(MANIFEST_SIG_FILE)).unwrap().len();
    assert!(cost <= 10 * 1024, "a signature costs {cost} bytes");
    assert_eq!(
        jianbao::sign::pdf::sign(&issued, &k, "D:20240510093000+08'00'").unwrap(),
        signed
    );
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["issued_at"], "2024-05-10T09:30:00+08:00");
    // SM3 beside SHA-256 for every file of the copy.
    let sm3 = |f: &str| jianbao::sign::sm3_hex(&fs::read(dir.join(f)).unwrap());
    assert_eq!(m["input"]["sm3"], sm3("input.json").as_str());
    assert_eq!(m["outputs"][0]["sm3"], sm3("issued.pdf").as_str());
    assert_eq!(m["signature"]["pdf"]["sm3"], sm3(SIGNED_PDF_FILE).as_str());
    assert_eq!(
        m["signature"]["key"]["fingerprint"],
        k.fingerprint().as_str()
    );
    assert_eq!(
        m["signature"]["key"]["entry"],
        format!("0001-{}", &k.fingerprint()[..16]).as_str()
    );
    let checked = jianbao::sign::pdf::check(&signed, &issued).unwrap();
    assert_eq!(checked.cms.fingerprint, k.fingerprint());
    assert_eq!(checked.time, "D:20240510093000+08'00'");
    let reg = Archive::new(t.join("archive")).keys();
    assert!(reg.problems.is_empty(), "{:?}", reg.problems);
    assert_eq!(reg.entries.len(), 1);
    assert_eq!(reg.entries[0].record.since, "2024-05-10T09:30:00+08:00");
}

/// Assert that the only copy is changed and one of its problems contains `want`.
fn refused(dir: &Path, want: &str) {
    let found = problems(dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Changed, "{found:?}");
    assert!(
        found[0].1.iter().any(|p| p.contains(want)),
        "no problem says “{want}”: {:?}",
        found[0].1
    );
}

#[test]
fn one_byte_of_the_signed_pdf_before_its_signature_is_refused() {
    let t = TempDir::new("tamper-pdf");
    let k = key(Algorithm::EcdsaP256, "某县人民政府办公室");
    let dir = file(t.path(), 1, Some(&k), issued_at()).unwrap();
    // A byte of the first page's content, inside the issued part.
    flip(&dir.join(SIGNED_PDF_FILE), 1000);
    refused(t.path(), "签名之前的内容被改动过");
    refused(t.path(), "signed.pdf 已改动");
}

#[test]
fn one_byte_of_the_manifest_is_refused_by_its_signature() {
    let t = TempDir::new("tamper-manifest");
    let k = key(Algorithm::EcdsaP256, "某县人民政府办公室");
    let dir = file(t.path(), 1, Some(&k), issued_at()).unwrap();
    let m = fs::read(dir.join("manifest.json")).unwrap();
    // A digit of the page count.
    flip(&dir.join("manifest.json"), find(&m, b"\"pages\": ") + 9);
    refused(t.path(), "清单的签名 manifest.p7s 不成立");
}

#[test]
fn one_byte_of_either_signature_is_refused() {
    let t = TempDir::new("tamper-sig");
    let k = key(Algorithm::EcdsaP256, "某县人民政府办公室");
    let dir = file(t.path(), 1, Some(&k), issued_at()).unwrap();
    // The last byte of the manifest's CMS is in the signature value.
    let p7s = dir.join(MANIFEST_SIG_FILE);
    let n = fs::read(&p7s).unwrap().len();
    flip(&p7s, n - 1);
    refused(t.path(), "清单的签名 manifest.p7s 不成立");

    let t = TempDir::new("tamper-pdf-sig");
    let dir = file(t.path(), 1, Some(&k), issued_at()).unwrap();
    // A hex digit of the PDF's CMS, kept a hex digit (1 ↔ 0, 3 ↔ 2 …).
    let signed = fs::read(dir.join(SIGNED_PDF_FILE)).unwrap();
    let at = find(&signed, b"/Contents<") + "/Contents<".len() + 600;
    assert!(signed[at].is_ascii_hexdigit() && signed[at] != b'a' - 1);
    let p = dir.join(SIGNED_PDF_FILE);
    make_writable(&p);
    let mut b = signed.clone();
    b[at] = if b[at] == b'0' { b'1' } else { b'0' };
    fs::write(&p, b).unwrap();
    refused(t.path(), "PDF 的签名不成立");
}

#[test]
fn a_certificate_changed_by_one_byte_or_swapped_is_refused() {
    // A byte of the certificate inside the manifest's CMS.
    let t = TempDir::new("tamper-cert");
    let k = key(Algorithm::EcdsaP256, "某县人民政府办公室");
    let dir = file(t.path(), 1, Some(&k), issued_at()).unwrap();
    let p7s = fs::read(dir.join(MANIFEST_SIG_FILE)).unwrap();
    let cert_at = find(&p7s, k.certificate_der());
    // Its validity's last digit (inside the signed part of the certificate).
    flip(&dir.join(MANIFEST_SIG_FILE), cert_at + 150);
    refused(t.path(), "清单的签名 manifest.p7s 不成立");

    // The register's certificate replaced by another key's.
    let t = TempDir::new("swap-cert");
    let dir = file(t.path(), 1, Some(&k), issued_at()).unwrap();
    let _ = dir;
    let other = key(Algorithm::EcdsaP256, "某县人民政府办公室");
    let entry = t
        .join("archive/keys")
        .join(format!("0001-{}", &k.fingerprint()[..16]));
    fs::write(
        entry.join("certificate.pem"),
        other.certificate_pem().unwrap(),
    )
    .unwrap();
    refused(t.path(), "证书与登记的指纹不符");

    // A copy signed by a key the register does not hold: refused when
    // filed, and a signed PDF swapped in later is refused by verify.
    let t2 = TempDir::new("other-key");
    let dir = file(t2.path(), 1, Some(&k), issued_at()).unwrap();
    let err = file(
        t2.path(),
        2,
        Some(&other),
        issued_at() + Duration::from_secs(86_400),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("不是档案登记的现用密钥"), "{err}");
    let issued = fs::read(dir.join("issued.pdf")).unwrap();
    let forged = jianbao::sign::pdf::sign(&issued, &other, "D:20240510093000+08'00'").unwrap();
    let p = dir.join(SIGNED_PDF_FILE);
    make_writable(&p);
    fs::write(&p, forged).unwrap();
    refused(t2.path(), "PDF 的签名所用的证书");
}

#[test]
fn a_key_change_is_an_entry_signed_by_the_old_key() {
    let t = TempDir::new("key-change");
    let old = key(Algorithm::EcdsaP256, "某县人民政府办公室");
    let new = key(Algorithm::Sm2, "某县人民政府办公室");
    let stranger = key(Algorithm::EcdsaP256, "别处");
    file(t.path(), 1, Some(&old), issued_at()).unwrap();
    let archive = Archive::new(t.join("archive"));
    let changed_at = issued_at() + Duration::from_secs(3 * 86_400);
    // Only the current key may sign the change.
    let err = archive
        .change_key(&stranger, &new, changed_at)
        .unwrap_err()
        .to_string();
    assert!(err.contains("旧密钥不是登记的那一把"), "{err}");
    let e = archive.change_key(&old, &new, changed_at).unwrap();
    assert_eq!(e.record.sequence, 2);
    assert_eq!(
        e.record.previous.as_ref().unwrap().fingerprint,
        old.fingerprint()
    );
    // The old key no longer signs; the new one does.
    let err = file(
        t.path(),
        2,
        Some(&old),
        changed_at + Duration::from_secs(60),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("不是档案登记的现用密钥"), "{err}");
    file(
        t.path(),
        2,
        Some(&new),
        changed_at + Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(
        problems(t.path()),
        vec![(Status::Intact, vec![]), (Status::Intact, vec![])]
    );
    // The change's own signature is checked: a byte of it changed, every
    // copy signed under the register is refused.
    let sig = t.join("archive/keys").join(&e.dir).join("entry.p7s");
    let n = fs::read(&sig).unwrap().len();
    flip(&sig, n - 1);
    let found = problems(t.path());
    assert!(
        found
            .iter()
            .all(|(s, p)| *s == Status::Changed && p.iter().any(|p| p.contains("密钥登记"))),
        "{found:?}"
    );
}

#[test]
fn a_copy_signed_with_sm2_verifies_and_rerenders_byte_for_byte() {
    let t = TempDir::new("sm2");
    let k = key(Algorithm::Sm2, "某县人民政府办公室");
    let dir = file(t.path(), 1, Some(&k), issued_at()).unwrap();
    let report = Archive::new(t.join("archive"))
        .verify(Some(&engine()))
        .unwrap();
    assert!(report.all_intact(), "{:?}", report.copies);
    let r = report.copies[0].rerender.as_ref().unwrap();
    assert!(r.identical, "{r:?}");
    // The re-rendered PDF is the first bytes of signed.pdf.
    let again = engine()
        .render(
            &issue_n(1),
            &jianbao::Options {
                base_dir: t.path().to_path_buf(),
                ..Default::default()
            },
            jianbao::output::Output::Pdf { pdfa: true },
        )
        .unwrap()
        .1;
    let signed = fs::read(dir.join(SIGNED_PDF_FILE)).unwrap();
    assert!(signed.starts_with(&again));
    let checked = jianbao::sign::pdf::check(&signed, &again).unwrap();
    assert_eq!(checked.cms.algorithm, Algorithm::Sm2);
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["signature"]["key"]["algorithm"], "sm2");
}

#[test]
fn anything_appended_after_the_signature_is_refused() {
    let t = TempDir::new("appended");
    let k = key(Algorithm::EcdsaP256, "某县人民政府办公室");
    let dir = file(t.path(), 1, Some(&k), issued_at()).unwrap();
    let signed = fs::read(dir.join(SIGNED_PDF_FILE)).unwrap();
    let issued = fs::read(dir.join("issued.pdf")).unwrap();
    let mut more = signed.clone();
    more.extend(b"1 0 obj\n<</Type/Catalog>>\nendobj\n%%EOF\n");
    let err = jianbao::sign::pdf::check(&more, &issued)
        .unwrap_err()
        .to_string();
    assert!(err.contains("追加了内容"), "{err}");
}

fn jianbao_cmd(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    c.current_dir(dir)
        .env("JIANBAO_FONT_DIR", root().join("fonts"))
        .env("JIANBAO_ARCHIVE", "archive")
        .env_remove("JIANBAO_SIGN")
        .env_remove("JIANBAO_KEY_DIR")
        .stdin(Stdio::null());
    c
}

fn run(dir: &Path, args: &[&str], envs: &[(&str, &str)], want: i32) -> Output {
    let o = jianbao_cmd(dir)
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(want),
        "jianbao {args:?}\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// The commands as an office uses them: a key, its certificate for
/// others, every copy signed by the environment's default, verify's exit
/// codes.
#[test]
fn the_commands_make_a_key_sign_by_default_and_verify() {
    let t = TempDir::new("sign-cli");
    let d = t.path();
    fs::write(d.join("ex.json"), example()).unwrap();
    let o = run(
        d,
        &[
            "keys",
            "init",
            "--name",
            "某县人民政府办公室",
            "--key-dir",
            "k",
        ],
        &[],
        0,
    );
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        out.contains("CN=某县人民政府办公室") && out.contains("指纹"),
        "{out}"
    );
    assert!(d.join("k/office-csr.pem").is_file());
    // A second init never replaces the key.
    run(
        d,
        &["keys", "init", "--name", "另一个", "--key-dir", "k"],
        &[],
        1,
    );
    let o = run(d, &["keys", "show", "--cert", "--key-dir", "k"], &[], 0);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("-----BEGIN CERTIFICATE-----"));
    // The office's default: every copy signed.
    let env = [("JIANBAO_SIGN", "1"), ("JIANBAO_KEY_DIR", "k")];
    let o = run(d, &["issue", "ex.json", "--allow-warnings"], &env, 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("签名版 PDF"));
    run(d, &["archive", "verify"], &[], 0);
    let copy = fs::read_dir(d.join("archive/copies"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("2024-001");
    flip(&copy.join(MANIFEST_SIG_FILE), 100);
    let o = run(d, &["archive", "verify"], &[], 1);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("manifest.p7s"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Without a key there is nothing to sign with: refused, nothing filed.
    let mut v = example_json();
    v["masthead"]["issue"] = 2.into();
    fs::write(d.join("ex2.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    let o = run(
        d,
        &[
            "issue",
            "ex2.json",
            "--allow-warnings",
            "--sign",
            "--key-dir",
            "none",
        ],
        &[],
        1,
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("没有 office-key.pem"));
}

/// File issue 1 with an OFD, signed by `key` and the OFD through `ext`.
fn file_with_ofd(
    dir: &Path,
    key: &OfficeKey,
    ext: jianbao::sign::ofd::ExternalSigner,
) -> jianbao::Result<PathBuf> {
    Archive::new(dir.join("archive"))
        .issue(
            &engine(),
            &issue_n(1),
            &jianbao::Options {
                base_dir: dir.to_path_buf(),
                ..Default::default()
            },
            &IssueOptions {
                allow_warnings: true,
                now: issued_at(),
                supersedes: None,
                ofd: true,
                sign: Some(jianbao::sign::Signer {
                    key: key.clone(),
                    ofd: Some(ext),
                }),
            },
        )
        .map(|f| f.dir)
}

fn ofd_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read as _;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().to_string(), b)
        })
        .collect()
}

/// The OFD signed through an external command (the built-in SM2 test
/// signer, run as a separate process): the issued parts unchanged, SM3
/// references to every part, the date of the register, the signed value
/// a CMS over Signature.xml; a changed part, a failing signer refused.
#[test]
fn the_ofd_is_signed_through_an_external_command() {
    use jianbao::sign::ofd::{ExternalSigner, Kind, SIGNATURE_XML, SIGNED_VALUE};
    let t = TempDir::new("ofd-sign");
    let k = key(Algorithm::Sm2, "某县人民政府办公室");
    k.save(&t.join("k"), None).unwrap();
    let cmd = format!(
        "{} keys sign-detached --key-dir {}",
        env!("CARGO_BIN_EXE_jianbao"),
        t.join("k").display()
    );
    let dir = file_with_ofd(
        t.path(),
        &k,
        ExternalSigner::new(&cmd, Kind::Sign, None).unwrap(),
    )
    .unwrap();
    assert_eq!(problems(t.path()), vec![(Status::Intact, vec![])]);
    let issued = ofd_parts(&fs::read(dir.join("issued.ofd")).unwrap());
    let signed = ofd_parts(&fs::read(dir.join("signed.ofd")).unwrap());
    for (name, bytes) in &issued {
        if name != "OFD.xml" {
            assert!(signed.contains(&(name.clone(), bytes.clone())), "{name}");
        }
    }
    let part = |n: &str| signed.iter().find(|(m, _)| m == n).unwrap().1.clone();
    let xml = String::from_utf8(part(SIGNATURE_XML)).unwrap();
    assert!(xml.contains("<ofd:SignatureDateTime>20240510013000Z</ofd:SignatureDateTime>"));
    assert!(xml.contains("CheckMethod=\"1.2.156.10197.1.401\""));
    use base64ct::Encoding as _;
    let doc = part("Doc_0/Document.xml");
    let b64 = base64ct::Base64::encode_string(&jianbao::sign::sm3(&doc));
    assert!(
        xml.contains(&format!(
            "FileRef=\"/Doc_0/Document.xml\"><ofd:CheckValue>{b64}</ofd:CheckValue>"
        )),
        "{xml}"
    );
    assert!(String::from_utf8(part("OFD.xml"))
        .unwrap()
        .contains("<ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures>"));
    let v = jianbao::sign::cms::verify_detached(&part(SIGNED_VALUE), xml.as_bytes()).unwrap();
    assert_eq!(v.fingerprint, k.fingerprint());
    assert_eq!(v.algorithm, Algorithm::Sm2);

    // A part of the signed OFD changed (a page's content), repacked.
    let p = dir.join("signed.ofd");
    make_writable(&p);
    let mut changed = signed.clone();
    let page = changed
        .iter_mut()
        .find(|(n, _)| n.ends_with("Page_0/Content.xml"))
        .unwrap();
    page.1[200] ^= 0x01;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (n, b) in &changed {
        z.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, b).unwrap();
    }
    fs::write(&p, z.finish().unwrap().into_inner()).unwrap();
    refused(t.path(), "Page_0/Content.xml");

    // A signer that fails: nothing is filed, and the message says which.
    let t = TempDir::new("ofd-sign-fails");
    let err = file_with_ofd(
        t.path(),
        &k,
        ExternalSigner::new("false", Kind::Seal, None).unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("OFD 签章程序 false 失败"), "{err}");
    assert!(fs::read_dir(t.join("archive/copies")).map_or(true, |mut d| d.next().is_none()));

    // A seal system's value that is no CMS is kept as it is (the seal
    // system checks it); the rest of the OFD is checked all the same.
    let t = TempDir::new("ofd-seal");
    let dir = file_with_ofd(
        t.path(),
        &k,
        ExternalSigner::new("sha256sum", Kind::Seal, None).unwrap(),
    )
    .unwrap();
    assert_eq!(problems(t.path()), vec![(Status::Intact, vec![])]);
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["signature"]["ofd"]["kind"], "Seal");
    assert!(m["signature"]["ofd"].get("signer_fingerprint").is_none());
}

/// The page's archive: a signed copy is listed with who signed it, and its
/// PDF download is the signed PDF (over a real loopback port).
#[test]
fn the_page_lists_a_signed_copy_with_its_signer_and_serves_the_signed_pdf() {
    let s = crate::serve::start_with(jianbao::serve::Config::default());
    let k = key(Algorithm::EcdsaP256, "某县人民政府办公室");
    let dir = file(s.archive.path(), 1, Some(&k), issued_at()).unwrap();
    file(
        s.archive.path(),
        2,
        None,
        issued_at() + Duration::from_secs(86_400),
    )
    .unwrap();
    let list = crate::serve::get(s.addr, "/api/archive").json();
    let copies = list["copies"].as_array().unwrap();
    // Newest first: issue 2 unsigned, issue 1 signed.
    assert!(copies[0].get("signed_by").is_none(), "{list}");
    assert_eq!(copies[1]["signed_by"], "某县人民政府办公室");
    let id = copies[1]["id"].as_str().unwrap();
    let pdf = crate::serve::get(s.addr, &format!("/api/archive/{id}/pdf"));
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.body, fs::read(dir.join(SIGNED_PDF_FILE)).unwrap());
    // The library's list says the same.
    let listing = Archive::new(s.archive.join("archive"))
        .list(&Default::default())
        .unwrap();
    // (newest first, as the page lists them)
    assert_eq!(
        listing.copies[1].signed_by.as_deref(),
        Some("某县人民政府办公室")
    );
}

/// An office server set to sign (`serve --sign`, or JIANBAO_SIGN=1 in its
/// settings): a copy issued from the page is signed and verifies.
#[test]
fn a_server_set_to_sign_signs_what_the_page_issues() {
    let k = key(Algorithm::EcdsaP256, "某县人民政府办公室");
    let s = crate::serve::start_with(jianbao::serve::Config {
        sign: Some(jianbao::sign::Signer::new(k.clone())),
        ..Default::default()
    });
    let a = crate::serve::post(s.addr, "/api/issue?allow_warnings=true", &example());
    assert_eq!(a.status, 201, "{}", a.text());
    assert_eq!(a.json()["signed_by"], "CN=某县人民政府办公室");
    let report = Archive::new(s.archive.join("archive"))
        .verify(None)
        .unwrap();
    assert!(report.all_intact(), "{:?}", report.copies);
    let id = a.json()["id"].as_str().unwrap().to_string();
    let pdf = crate::serve::get(s.addr, &format!("/api/archive/{id}/pdf"));
    let checked =
        jianbao::sign::pdf::check(&pdf.body, &pdf.body[..find(&pdf.body, b"%%EOF") + 5]).unwrap();
    assert_eq!(checked.cms.fingerprint, k.fingerprint());
}
