//! The client's address, for the sign-in throttle: the connection's peer,
//! unless that peer is a trusted proxy (`trusted_proxies`), in which case the
//! proxy's `Forwarded` (RFC 7239) or `X-Forwarded-For` header names it. The
//! header is read from the right: each hop that is itself a trusted proxy is
//! passed over, and the first that is not is the client. A header from any
//! other peer is ignored, so nobody can pick an address by sending one.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::WebState;

/// Proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }
}

/// The hops a request passed through, as its proxy headers name them, the
/// client first; `None` for a hop that names no address (`unknown`, an
/// obfuscated name).
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers.get_all("forwarded").iter().filter_map(|v| v.to_str().ok()).collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.trim().eq_ignore_ascii_case("for").then(|| node_address(value.trim().trim_matches('"')))?
                })
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|hop| node_address(hop.trim()))
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711` or `2001:db8::1`.
fn node_address(node: &str) -> Option<IpAddr> {
    node.parse::<IpAddr>()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| node.strip_prefix('[')?.split(']').next()?.parse().ok())
}

/// The client's address given the connection's `peer` and the headers.
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &TrustedProxies) -> Option<IpAddr> {
    let mut client = peer?;
    if !trusted.trusts(client) {
        return Some(client);
    }
    for hop in forwarded_hops(headers).into_iter().rev() {
        match hop {
            Some(address) => {
                client = address;
                if !trusted.trusts(address) {
                    break;
                }
            }
            None => break,
        }
    }
    Some(client)
}

/// The client's address of a request (see [`client_address`]).
#[derive(Debug, Clone, Copy)]
pub struct Client(pub Option<IpAddr>);

impl FromRequestParts<WebState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(Client(client_address(peer, &parts.headers, &state.settings.trusted_proxies)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn proxy_headers_count_only_from_trusted_proxies() {
        let trusted = TrustedProxies(vec!["127.0.0.1/32".parse().unwrap(), "10.0.0.0/8".parse().unwrap()]);
        let xff = headers(&[("x-forwarded-for", "198.51.100.7, 10.1.2.3")]);
        assert_eq!(client_address(ip("127.0.0.1"), &xff, &trusted), ip("198.51.100.7"), "through two proxies");
        assert_eq!(client_address(ip("203.0.113.5"), &xff, &trusted), ip("203.0.113.5"), "a client's own header");
        assert_eq!(client_address(ip("127.0.0.1"), &xff, &TrustedProxies::default()), ip("127.0.0.1"), "none trusted");
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7")]);
        assert_eq!(client_address(ip("127.0.0.1"), &spoofed, &trusted), ip("198.51.100.7"), "the proxy's hop wins");
        let forwarded = headers(&[("forwarded", "for=192.0.2.60;proto=https, for=\"[2001:db8::1]:4711\"")]);
        assert_eq!(client_address(ip("10.0.0.1"), &forwarded, &trusted), ip("2001:db8::1"));
        let unknown = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(client_address(ip("10.0.0.1"), &unknown, &trusted), ip("10.0.0.1"));
        assert_eq!(client_address(ip("10.0.0.1"), &HeaderMap::new(), &trusted), ip("10.0.0.1"));
        assert_eq!(client_address(None, &xff, &trusted), None);
    }
}
