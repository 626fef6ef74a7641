//! `jianbao keys …`: the office's signing key (make, import, show, change).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use jianbao::archive::Archive;
use jianbao::sign::{Algorithm, OfficeKey};

use super::archive::ArchiveDir;
use super::{codes, UsageError};

/// Where the office key is.
#[derive(Args, Debug, Clone)]
pub struct KeyDir {
    /// 办公室签名密钥所在的文件夹（默认：环境变量 JIANBAO_KEY_DIR，否则用户数据文件夹中的 keys，如 ~/.local/share/jianbao/keys；不要放在档案库里）
    #[arg(long, value_name = "DIR", env = "JIANBAO_KEY_DIR")]
    pub key_dir: Option<PathBuf>,
}

impl KeyDir {
    /// The folder named, else the per-user one.
    pub fn path(&self) -> Result<PathBuf> {
        if let Some(p) = &self.key_dir {
            return Ok(p.clone());
        }
        Ok(jianbao::places::user_key_dir().ok_or_else(|| {
            UsageError(
                "不知道用户数据文件夹在哪里（Linux 上没有 HOME 也没有 XDG_DATA_HOME）：请用 --key-dir 指定密钥文件夹".into(),
            )
        })?)
    }

    /// The key in it.
    pub fn load(&self) -> Result<OfficeKey> {
        let dir = self.path()?;
        OfficeKey::load(&dir)
            .map_err(jianbao::Error::from)
            .with_context(|| format!("密钥文件夹 {}", dir.display()))
    }
}

/// The `keys` subcommands.
#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// 生成办公室的签名密钥（默认 ECDSA P-256，--sm2 为 SM2/SM3）和写明办公室名称的自签名证书，并留下交省级 CA 签发证书用的证书请求（office-csr.pem）
    #[command(after_help = codes::KEYS)]
    Init(InitArgs),
    /// 导入 CA 签发的密钥和证书（PEM：PKCS#8 私钥；证书在前，可带 CA 证书链）
    #[command(after_help = codes::KEYS)]
    Import(ImportArgs),
    /// 显示证书的主体和指纹；--cert 输出证书（PEM，交给需要核对副本签名的人）
    #[command(after_help = codes::KEYS)]
    Show(ShowArgs),
    /// 更换密钥：在档案库的密钥登记中登记新密钥，由旧密钥签署
    #[command(after_help = codes::KEYS)]
    Change(ChangeArgs),
    /// 内置的测试签名程序：对标准输入的内容做分离式 CMS 签名（SM2 密钥即 GB/T 35275 式签名），写到标准输出；供 issue --ofd-signer 测试用，不是电子印章
    #[command(hide = true)]
    SignDetached(SignArgs),
}

/// Arguments of `keys sign-detached`.
#[derive(Args, Debug)]
pub struct SignArgs {
    #[command(flatten)]
    pub dir: KeyDir,
}

/// Arguments of `keys init`.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// 办公室名称（写入证书，如“某县人民政府办公室”）
    #[arg(long, value_name = "名称")]
    pub name: String,
    /// 用 SM2/SM3（GB/T 32918、GB/T 35276）而不是 ECDSA P-256
    #[arg(long)]
    pub sm2: bool,
    #[command(flatten)]
    pub dir: KeyDir,
}

/// Arguments of `keys import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// 私钥文件（PEM，未加密的 PKCS#8；P-256 或 SM2）
    #[arg(long, value_name = "KEY.pem")]
    pub key: PathBuf,
    /// 证书文件（PEM；办公室的证书在前，其后可带 CA 的证书链）
    #[arg(long, value_name = "CERT.pem")]
    pub cert: PathBuf,
    #[command(flatten)]
    pub dir: KeyDir,
}

/// Arguments of `keys show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// 输出证书本身（PEM）
    #[arg(long)]
    pub cert: bool,
    #[command(flatten)]
    pub dir: KeyDir,
}

/// Arguments of `keys change`.
#[derive(Args, Debug)]
pub struct ChangeArgs {
    /// 旧密钥（档案登记的现用密钥）所在的文件夹
    #[arg(long, value_name = "DIR")]
    pub old_key_dir: PathBuf,
    #[command(flatten)]
    pub dir: KeyDir,
    #[command(flatten)]
    pub archive: ArchiveDir,
}

/// Run a `keys` subcommand.
pub fn run(cmd: KeysCommand) -> Result<ExitCode> {
    match cmd {
        KeysCommand::Init(a) => {
            let dir = a.dir.path()?;
            let alg = if a.sm2 {
                Algorithm::Sm2
            } else {
                Algorithm::EcdsaP256
            };
            let made = OfficeKey::generate(&a.name, alg, SystemTime::now())
                .map_err(jianbao::Error::from)?;
            let written = made
                .key
                .save(&dir, Some(&made.csr_pem))
                .map_err(jianbao::Error::from)?;
            describe(&made.key)?;
            for p in written {
                outln!("已写出 {}", p.display())?;
            }
            outln!("私钥只在这台机器上（权限 0600）：请另行备份到安全的地方；证书请求 office-csr.pem 可交省级 CA 签发证书，签发后用 jianbao keys import 导入")?;
        }
        KeysCommand::Import(a) => {
            let dir = a.dir.path()?;
            let read = |p: &PathBuf| {
                std::fs::read_to_string(p).with_context(|| format!("{} 无法读取", p.display()))
            };
            let key = OfficeKey::from_pem(&read(&a.key)?, &read(&a.cert)?)
                .map_err(jianbao::Error::from)?;
            let written = key.save(&dir, None).map_err(jianbao::Error::from)?;
            describe(&key)?;
            for p in written {
                outln!("已写出 {}", p.display())?;
            }
        }
        KeysCommand::Show(a) => {
            let key = a.dir.load()?;
            if a.cert {
                let pem = key.certificate_pem().map_err(jianbao::Error::from)?;
                outln!("{}", pem.trim_end())?;
            } else {
                describe(&key)?;
            }
        }
        KeysCommand::SignDetached(a) => {
            use std::io::{Read as _, Write as _};
            let key = a.dir.load()?;
            let mut data = Vec::new();
            std::io::stdin()
                .read_to_end(&mut data)
                .context("标准输入无法读取")?;
            let p7 = jianbao::sign::cms::sign_detached(&key, &data, None)
                .map_err(jianbao::Error::from)?;
            let mut out = std::io::stdout().lock();
            out.write_all(&p7).and_then(|()| out.flush())?;
        }
        KeysCommand::Change(a) => {
            let old = KeyDir {
                key_dir: Some(a.old_key_dir.clone()),
            }
            .load()?;
            let new = a.dir.load()?;
            let archive = Archive::new(a.archive.path()?);
            let e = archive.change_key(&old, &new, SystemTime::now())?;
            outln!(
                "已登记第 {} 把密钥（{}，指纹 {}），自 {} 起签名；登记由旧密钥（指纹 {}）签署",
                e.record.sequence,
                e.record.subject,
                e.record.fingerprint,
                e.record.since,
                old.fingerprint()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(key: &OfficeKey) -> Result<()> {
    let cert = key.certificate().tbs_certificate();
    outln!("主体：{}", key.subject())?;
    outln!("颁发者：{}", cert.issuer())?;
    outln!("算法：{}", key.algorithm().name())?;
    outln!(
        "有效期：{} 至 {}",
        cert.validity().not_before,
        cert.validity().not_after
    )?;
    outln!("指纹（SHA-256）：{}", key.fingerprint())?;
    Ok(())
}
