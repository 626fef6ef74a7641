//! `jianbao serve`: the web page, on this machine (or, when asked, the
//! office's network).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use jianbao::serve::{is_loopback, BindError, Config, Limits, Server, DEFAULT_ADDR};

use super::archive::ArchiveDir;
use super::UsageError;

/// Arguments of `serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// 监听的地址和端口（默认只有本机能访问）；写局域网地址（如 0.0.0.0:8080）则局域网内都能访问
    #[arg(long, value_name = "IP:PORT", default_value = DEFAULT_ADDR)]
    pub addr: String,
    /// 服务接受的主机名或地址（同事们在浏览器地址栏中输入的，如 jianbao.office.lan 或 192.168.1.10；可写多次）；不在本机地址上监听时必须至少写一个，其他名称的请求一律拒绝（421）
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// 同时打开的连接数上限（默认 256，且不超过系统允许打开的文件数）；超出的连接立即得到 503
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: Option<u32>,
    #[command(flatten)]
    pub dir: ArchiveDir,
    /// 不在标准错误上记录签发和出错的请求
    #[arg(long)]
    pub quiet: bool,
    /// 用办公室的签名密钥给网页上签发的每一期签名（signed.pdf、manifest.p7s）；也可设环境变量 JIANBAO_SIGN=1
    #[arg(long, env = "JIANBAO_SIGN", value_parser = clap::builder::BoolishValueParser::new())]
    pub sign: bool,
    #[command(flatten)]
    pub key: super::keys::KeyDir,
    /// 网页上可选的模板文件（可多次给出；内置模板总是可选）；简报中以文件名选用，如 "template": "our-office.toml"
    #[arg(long, value_name = "FILE")]
    pub template: Vec<PathBuf>,
}

/// The addresses to open the page at when the server listens on `bound`:
/// for an unspecified address (0.0.0.0, ::) this machine's loopback and
/// each of `interfaces` (name, address) of the same family or, for ::,
/// IPv4 too, that another machine can reach (no loopback, no IPv6
/// link-local address, which needs a zone); else `bound` itself.
fn open_urls(bound: SocketAddr, interfaces: &[(String, IpAddr)]) -> Vec<(String, Option<String>)> {
    let url = |ip: IpAddr| format!("http://{}/", SocketAddr::new(ip, bound.port()));
    if !bound.ip().is_unspecified() {
        return vec![(url(bound.ip()), None)];
    }
    let mut out = vec![(url(IpAddr::V4(Ipv4Addr::LOCALHOST)), None)];
    for (name, ip) in interfaces {
        let reachable = match ip {
            IpAddr::V4(v4) => !v4.is_loopback() && !v4.is_unspecified(),
            IpAddr::V6(v6) => {
                bound.is_ipv6()
                    && !v6.is_loopback()
                    && !v6.is_unspecified()
                    && (v6.segments()[0] & 0xffc0) != 0xfe80
            }
        };
        let u = url(*ip);
        if reachable && !out.iter().any(|(o, _)| *o == u) {
            out.push((u, Some(name.clone())));
        }
    }
    out
}

/// `jianbao serve`.
pub fn run(args: ServeArgs, font_dir: PathBuf) -> Result<ExitCode> {
    let archive = args.dir.path()?;
    let addr: SocketAddr = args.addr.parse().map_err(|_| {
        UsageError(format!(
            "--addr “{}” 应是 IP 地址和端口，如 127.0.0.1:8080 或 0.0.0.0:8080",
            args.addr
        ))
    })?;
    if !is_loopback(&addr) && args.allow_host.is_empty() {
        let ip = addr.ip();
        let example = if ip.is_unspecified() {
            "192.168.1.10".to_string()
        } else {
            ip.to_string()
        };
        return Err(UsageError(format!(
            "在 {addr} 上监听，局域网中的其他电脑也能访问：请用 --allow-host 写明同事们在浏览器中用来打开它的名称或地址（可写多次），如 --allow-host {example} 或 --allow-host jianbao.office.lan；服务只接受发给这些名称的请求，其他网站就无法借用自己的域名访问它。只给本机用时请去掉 --addr"
        ))
        .into());
    }
    let mut limits = Limits::default();
    if let Some(n) = args.max_connections {
        limits.max_connections = n as usize;
        limits.exact_connections = true;
    }
    let log: Option<jianbao::serve::Log> = if args.quiet {
        None
    } else {
        Some(Arc::new(|line: &str| eprintln!("jianbao serve: {line}")))
    };
    let server = Server::bind(Config {
        addr,
        archive: archive.clone(),
        font_dir: font_dir.clone(),
        templates: args.template.clone(),
        log,
        allowed_hosts: args.allow_host.clone(),
        limits,
        sign: match args.sign {
            true => Some(jianbao::sign::Signer::new(args.key.load()?)),
            false => None,
        },
    })
    .map_err(|e| match e {
        BindError::Hosts(m) => anyhow::Error::new(UsageError(format!("--allow-host：{m}"))),
        BindError::Template(e) => {
            anyhow::Error::new(UsageError(format!("--template 给出的模板不能用：{e}")))
        }
        BindError::Listen(e) => anyhow::Error::new(UsageError(format!(
            "无法在 {addr} 上监听（端口可能已被占用，或需要权限；{}）",
            jianbao::error::io_reason(&e)
        ))),
    })?;
    server
        .warm_up()
        .context("字体无法使用：请用 --font-dir 指定字体文件夹")?;
    let bound = server.local_addr().context("无法取得监听的地址")?;
    if !is_loopback(&bound) {
        let rule = "!".repeat(72);
        eprintln!("{rule}");
        eprintln!("jianbao serve: 警告：正在监听 {bound}，不只是本机：同一网络中的任何人");
        eprintln!(
            "  都能打开这个页面、排版，并把简报签发归档到 {}。",
            archive.display()
        );
        eprintln!("  这个服务没有登录和权限控制：只在可信的办公网络中这样用，并用防火墙");
        eprintln!("  限定能访问的机器；只给自己用时，请去掉 --addr（默认 {DEFAULT_ADDR}）。");
        eprintln!(
            "  只接受发给这些名称的请求：{}（以及 IP 地址）。",
            args.allow_host.join("、")
        );
        eprintln!("{rule}");
    }
    let templates = if args.template.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = args
            .template
            .iter()
            .map(|t| t.display().to_string())
            .collect();
        format!("；模板：{}", names.join("、"))
    };
    let interfaces: Vec<(String, IpAddr)> = if bound.ip().is_unspecified() {
        if_addrs::get_if_addrs()
            .unwrap_or_default()
            .into_iter()
            .map(|i| (i.name.clone(), i.ip()))
            .collect()
    } else {
        Vec::new()
    };
    let urls = open_urls(bound, &interfaces);
    let where_ = format!(
        "档案库：{}；字体：{}{templates}；按 Ctrl+C 停止",
        archive.display(),
        font_dir.display()
    );
    if urls.len() == 1 {
        eprintln!("jianbao serve: 在浏览器中打开 {} （{where_}）", urls[0].0);
    } else {
        eprintln!("jianbao serve: 在这台机器的浏览器中打开 {}", urls[0].0);
        let lan: Vec<String> = urls[1..]
            .iter()
            .map(|(u, name)| format!("{u}（{}）", name.as_deref().unwrap_or("")))
            .collect();
        if lan.is_empty() {
            eprintln!("  这台机器没有局域网地址：同事无法访问");
        } else {
            eprintln!("  同事在局域网中打开：{}", lan.join("、"));
        }
        eprintln!("  {where_}");
    }
    server.run().context("服务意外停止")?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unspecified_address_is_shown_as_the_addresses_colleagues_can_open() {
        let interfaces = vec![
            ("lo".to_string(), "127.0.0.1".parse().unwrap()),
            ("eth0".to_string(), "192.168.1.10".parse().unwrap()),
            ("eth0".to_string(), "fe80::1".parse().unwrap()),
            ("eth0".to_string(), "2001:db8::5".parse().unwrap()),
        ];
        let urls = |bound: &str| -> Vec<String> {
            open_urls(bound.parse().unwrap(), &interfaces)
                .into_iter()
                .map(|(u, n)| format!("{u} {}", n.unwrap_or_default()))
                .collect()
        };
        assert_eq!(
            urls("0.0.0.0:8080"),
            ["http://127.0.0.1:8080/ ", "http://192.168.1.10:8080/ eth0"]
        );
        assert_eq!(
            urls("[::]:8080"),
            [
                "http://127.0.0.1:8080/ ",
                "http://192.168.1.10:8080/ eth0",
                "http://[2001:db8::5]:8080/ eth0"
            ]
        );
        assert_eq!(urls("192.168.1.10:8080"), ["http://192.168.1.10:8080/ "]);
        assert_eq!(urls("127.0.0.1:9000"), ["http://127.0.0.1:9000/ "]);
    }
}
