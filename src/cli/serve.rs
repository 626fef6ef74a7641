//! `jianbao serve`: the web page, on this machine (or, when asked, the
//! office's network).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use jianbao::serve::{is_loopback, BindError, Config, Server, DEFAULT_ADDR};

use super::archive::ArchiveDir;
use super::UsageError;

/// Arguments of `serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// 监听的地址和端口（默认只有本机能访问）；写局域网地址（如 0.0.0.0:8080）则局域网内都能访问
    #[arg(long, value_name = "IP:PORT", default_value = DEFAULT_ADDR)]
    pub addr: String,
    #[command(flatten)]
    pub dir: ArchiveDir,
    /// 不在标准错误上记录签发和出错的请求
    #[arg(long)]
    pub quiet: bool,
    /// 网页上可选的模板文件（可多次给出；内置模板总是可选）；简报中以文件名选用，如 "template": "our-office.toml"
    #[arg(long, value_name = "FILE")]
    pub template: Vec<PathBuf>,
}

/// `jianbao serve`.
pub fn run(args: ServeArgs, font_dir: PathBuf) -> Result<ExitCode> {
    let addr: SocketAddr = args.addr.parse().map_err(|_| {
        UsageError(format!(
            "--addr “{}” 应是 IP 地址和端口，如 127.0.0.1:8080 或 0.0.0.0:8080",
            args.addr
        ))
    })?;
    let log: Option<jianbao::serve::Log> = if args.quiet {
        None
    } else {
        Some(Arc::new(|line: &str| eprintln!("jianbao serve: {line}")))
    };
    let server = Server::bind(Config {
        addr,
        archive: args.dir.archive.clone(),
        font_dir: font_dir.clone(),
        templates: args.template.clone(),
        log,
    })
    .map_err(|e| match e {
        BindError::Template(e) => {
            anyhow::Error::new(UsageError(format!("--template 给出的模板不能用：{e}")))
        }
        BindError::Listen(e) => anyhow::Error::new(e).context(format!(
            "无法在 {addr} 上监听（端口可能已被占用，或需要权限）"
        )),
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
            args.dir.archive.display()
        );
        eprintln!("  这个服务没有登录和权限控制：只在可信的办公网络中这样用，并用防火墙");
        eprintln!("  限定能访问的机器；只给自己用时，请去掉 --addr（默认 {DEFAULT_ADDR}）。");
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
    eprintln!(
        "jianbao serve: 在浏览器中打开 http://{bound}/ （档案库：{}；字体：{}{templates}；按 Ctrl+C 停止）",
        args.dir.archive.display(),
        font_dir.display()
    );
    server.run().context("服务意外停止")?;
    Ok(ExitCode::SUCCESS)
}
