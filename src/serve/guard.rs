//! Who may talk to the server: requests from other web sites are refused.
//!
//! A page on any web site that the writer visits can make the browser send
//! requests to `http://127.0.0.1:8080` (a form posting `text/plain` needs no
//! permission), or resolve its own name to that address (DNS rebinding).
//! So a server that listens on the loopback interface only answers requests
//! whose `Host` names the loopback interface, and every server refuses
//! requests that the browser marks as coming from another origin (`Origin`
//! not the server's own, `Sec-Fetch-Site: cross-site`).

/// Whether `host` (a `Host` header: name or address, optional port) names
/// the loopback interface.
pub fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [::1]:8080
        match rest.split_once(']') {
            Some((addr, tail)) if tail.is_empty() || tail.starts_with(':') => addr,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            Some(_) => return false,
            None => host,
        }
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// The `host[:port]` part of an `Origin` header (`http://127.0.0.1:8080`),
/// when it is an http(s) origin.
fn origin_authority(origin: &str) -> Option<&str> {
    let rest = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))?;
    Some(rest.trim_end_matches('/'))
}

/// Why a request is refused, when it is.
pub fn refuse(
    loopback_only: bool,
    host: Option<&str>,
    origin: Option<&str>,
    fetch_site: Option<&str>,
) -> Option<&'static str> {
    if loopback_only && !host.is_some_and(is_loopback_host) {
        return Some("这个服务只接受本机的访问：请用 http://127.0.0.1 打开");
    }
    if fetch_site == Some("cross-site") {
        return Some("拒绝来自其他网站的请求");
    }
    if let Some(origin) = origin {
        let same = match (origin_authority(origin), host) {
            (Some(a), Some(h)) => a.eq_ignore_ascii_case(h),
            _ => false,
        };
        if !same {
            return Some("拒绝来自其他网站的请求");
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
            "localhost:80x",
            "",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }

    #[test]
    fn cross_site_requests_are_refused() {
        let h = Some("127.0.0.1:8080");
        assert_eq!(refuse(true, h, None, None), None);
        assert_eq!(
            refuse(true, h, Some("http://127.0.0.1:8080"), Some("same-origin")),
            None
        );
        assert!(refuse(true, Some("rebound.example:8080"), None, None).is_some());
        assert!(refuse(true, None, None, None).is_some());
        assert!(refuse(true, h, Some("http://evil.example"), None).is_some());
        assert!(refuse(true, h, Some("null"), None).is_some());
        assert!(refuse(true, h, None, Some("cross-site")).is_some());
        // A server on the office's network answers any name it is reached by.
        let lan = Some("jianbao.office.lan:8080");
        assert_eq!(
            refuse(false, lan, Some("http://jianbao.office.lan:8080"), None),
            None
        );
        assert!(refuse(false, lan, Some("http://evil.example"), None).is_some());
    }
}
