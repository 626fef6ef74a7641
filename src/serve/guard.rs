//! Who may talk to the server: requests addressed to a name it was not told
//! (DNS rebinding), sent by another web site, or a form's post are refused.
//!
//! A page on any web site that the writer visits can make the browser send
//! requests to the server (a form posting `text/plain` needs no
//! permission), or resolve its own name to the server's address (DNS
//! rebinding: the browser then treats the server as that site's own). So:
//!
//! - **Host.** A server answers only requests whose `Host` names it: the
//!   names it was told ([`Hosts`]), loopback names when it listens on
//!   loopback, and IP addresses (a name that a page's site resolves to the
//!   server still arrives as that name, never as an address). Others get
//!   421.
//! - **Origin.** Every request that the browser marks as coming from another
//!   origin (`Origin` not the server's own, `Sec-Fetch-Site: cross-site`)
//!   gets 403.
//! - **Forms.** A request that changes something (every `POST`) must be
//!   JSON (`Content-Type: application/json`) or carry the header
//!   [`CUSTOM_HEADER`]: a form, or a script of another site without the
//!   server's permission (CORS, which it never gives), can send neither, with
//!   or without `Origin`.

/// The header the page sends with requests that are not JSON (a draft to
/// import): a form cannot send it, and another site's script may not.
pub const CUSTOM_HEADER: &str = "x-jianbao";

/// The names a server answers to.
#[derive(Debug, Clone, Default)]
pub struct Hosts {
    /// Loopback names (localhost, 127.0.0.1, [::1]) as well.
    pub loopback: bool,
    /// The names (or addresses) it was told, lower case, without a port or
    /// a final dot.
    pub names: Vec<String>,
}

/// The name of a `Host` header (name or address, optional port): lower
/// case, without the port, the brackets of an IPv6 address or a final dot;
/// `None` when it is not a well-formed host.
pub fn host_name(host: &str) -> Option<String> {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [::1]:8080
        match rest.split_once(']') {
            Some((addr, tail))
                if (tail.is_empty() || port_ok(&tail[1..]) && tail.starts_with(':'))
                    && addr.parse::<std::net::Ipv6Addr>().is_ok() =>
            {
                addr
            }
            _ => return None,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port_ok(port) => name,
            Some(_) => return None,
            None => host,
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let ok = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:".contains(&b));
    ok.then_some(name)
}

fn port_ok(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `host` (a `Host` header: name or address, optional port) names
/// the loopback interface.
pub fn is_loopback_host(host: &str) -> bool {
    host_name(host).is_some_and(|n| is_loopback_name(&n))
}

fn is_loopback_name(name: &str) -> bool {
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Hosts {
    /// Whether a request with this `Host` is answered.
    pub fn allows(&self, host: &str) -> bool {
        let Some(name) = host_name(host) else {
            return false;
        };
        if name.parse::<std::net::IpAddr>().is_ok() {
            // An address: no other site's name can arrive as one. On a
            // loopback server only loopback addresses.
            return !self.loopback || is_loopback_name(&name) || self.names.contains(&name);
        }
        (self.loopback && is_loopback_name(&name)) || self.names.contains(&name)
    }
}

/// The `host[:port]` part of an `Origin` header (`http://127.0.0.1:8080`),
/// when it is an http(s) origin.
fn origin_authority(origin: &str) -> Option<&str> {
    let rest = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))?;
    Some(rest.trim_end_matches('/'))
}

/// What a request shows of itself, for [`refuse`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Seen<'a> {
    /// `Host`.
    pub host: Option<&'a str>,
    /// `Origin`.
    pub origin: Option<&'a str>,
    /// `Sec-Fetch-Site`.
    pub fetch_site: Option<&'a str>,
    /// Whether it changes something (a `POST`).
    pub changes: bool,
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
    /// Whether it carries [`CUSTOM_HEADER`].
    pub custom_header: bool,
}

/// Why a request is refused: its status (421 for a name the server does not
/// answer to, 403 for another site's request) and a message; `None` when it
/// is answered.
pub fn refuse(hosts: &Hosts, seen: Seen) -> Option<(u16, String)> {
    let Some(host) = seen.host.filter(|h| hosts.allows(h)) else {
        let shown: String = seen
            .host
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .take(80)
            .collect();
        let advice = if hosts.loopback && hosts.names.is_empty() {
            "这个服务只接受本机的访问：请用 http://127.0.0.1 打开".to_string()
        } else {
            format!(
                "这个服务只接受这些名称：{}；请用其中之一打开，或请管理员把这个名称加入服务的设置",
                hosts.names.join("、")
            )
        };
        return Some((421, format!("不接受发给“{shown}”的请求：{advice}")));
    };
    let other_site = "拒绝来自其他网站的请求";
    if seen.fetch_site == Some("cross-site") {
        return Some((403, other_site.into()));
    }
    if let Some(origin) = seen.origin {
        let same = origin_authority(origin).is_some_and(|a| a.eq_ignore_ascii_case(host));
        if !same {
            return Some((403, other_site.into()));
        }
    }
    if seen.changes && !seen.custom_header {
        let json = seen.content_type.is_some_and(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/json")
        });
        if !json {
            return Some((
                403,
                "拒绝这个请求：提交的内容应是 JSON（Content-Type: application/json），其他内容（如导入的草稿）须带 X-Jianbao 请求头；网页上的表单和其他网站都不能这样提交".into(),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names() {
        for h in [
            "127.0.0.1:8080",
            "127.0.0.1",
            "localhost:8080",
            "LOCALHOST",
            "localhost.",
            "[::1]:8080",
            "[::1]",
            "app.localhost:1",
            "127.1.2.3:80",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "evil.example:8080",
            "192.168.1.5:8080",
            "127.0.0.1.evil.example",
            "[::2]:80",
            "[::1]x",
            "[::1]:",
            "localhost:80x",
            "localhost:",
            "local host",
            "",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }

    fn seen(host: &str) -> Seen<'_> {
        Seen {
            host: Some(host),
            ..Seen::default()
        }
    }

    #[test]
    fn names_the_server_was_not_told_get_421() {
        let lo = Hosts {
            loopback: true,
            names: vec![],
        };
        assert_eq!(refuse(&lo, seen("127.0.0.1:8080")), None);
        assert_eq!(refuse(&lo, seen("localhost")), None);
        for h in ["rebound.example:8080", "192.168.1.5:8080", ""] {
            assert_eq!(refuse(&lo, seen(h)).unwrap().0, 421, "{h}");
        }
        assert_eq!(refuse(&lo, Seen::default()).unwrap().0, 421);
        // A server on the office's network: the names it was told and
        // addresses; never another name that resolves to it.
        let lan = Hosts {
            loopback: false,
            names: vec!["jianbao.office.lan".into()],
        };
        for h in [
            "jianbao.office.lan:8080",
            "JIANBAO.office.lan.",
            "192.168.1.10:8080",
            "[fe80::1]:8080",
            "127.0.0.1:8080",
        ] {
            assert_eq!(refuse(&lan, seen(h)), None, "{h}");
        }
        for h in [
            "evil.example:8080",
            "localhost:8080",
            "office.lan",
            "jianbao.office.lan.evil.example",
        ] {
            let (status, message) = refuse(&lan, seen(h)).unwrap();
            assert_eq!(status, 421, "{h}");
            assert!(message.contains("jianbao.office.lan"), "{message}");
        }
    }

    #[test]
    fn cross_site_requests_are_refused() {
        let lo = Hosts {
            loopback: true,
            names: vec![],
        };
        let h = "127.0.0.1:8080";
        let with = |origin: Option<&'static str>, site: Option<&'static str>| Seen {
            host: Some(h),
            origin,
            fetch_site: site,
            ..Seen::default()
        };
        assert_eq!(refuse(&lo, with(None, None)), None);
        assert_eq!(
            refuse(
                &lo,
                with(Some("http://127.0.0.1:8080"), Some("same-origin"))
            ),
            None
        );
        for s in [
            with(Some("http://evil.example"), None),
            with(Some("null"), None),
            with(None, Some("cross-site")),
        ] {
            assert_eq!(refuse(&lo, s).unwrap().0, 403, "{s:?}");
        }
    }

    #[test]
    fn changes_must_be_json_or_carry_the_custom_header() {
        let lo = Hosts {
            loopback: true,
            names: vec![],
        };
        let post = |ty: Option<&'static str>, custom: bool| Seen {
            host: Some("127.0.0.1:8080"),
            changes: true,
            content_type: ty,
            custom_header: custom,
            ..Seen::default()
        };
        for ok in [
            post(Some("application/json"), false),
            post(Some("Application/JSON; charset=utf-8"), false),
            post(Some("text/plain"), true),
            post(None, true),
        ] {
            assert_eq!(refuse(&lo, ok), None, "{ok:?}");
        }
        for bad in [
            post(Some("text/plain"), false),
            post(Some("text/plain; application/json"), false),
            post(Some("application/x-www-form-urlencoded"), false),
            post(Some("multipart/form-data; boundary=x"), false),
            post(None, false),
            post(Some("application/jsonx"), false),
        ] {
            assert_eq!(refuse(&lo, bad).unwrap().0, 403, "{bad:?}");
        }
    }
}
