//! Links to documents kept elsewhere (a design estimate on the hromada's
//! site, a DREAM document): every stored link is a [`WebLink`], and only an
//! absolute `http` or `https` address is one a page may render as a link.
//! Input is checked with [`WebLink::check`]; a link stored before that rule
//! still reads back, and [`WebLink::is_web`] tells whether it may be followed.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A link to a document: an absolute `http` or `https` address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, format = "uri", example = "https://sosnivska-gromada.gov.ua/docs/rp-17.pdf")]
pub struct WebLink(String);

/// Why a link is refused.
pub const NOT_A_WEB_LINK: &str = "must be an absolute http:// or https:// address";

impl WebLink {
    /// A link as given (checked only by [`WebLink::check`]).
    pub fn new(text: impl Into<String>) -> WebLink {
        WebLink(text.into())
    }

    /// The link as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the link is an absolute `http`/`https` address with a host
    /// and nothing but visible characters: the only kind a page links to.
    pub fn is_web(&self) -> bool {
        is_web(&self.0)
    }

    /// Refuses anything but a web address (the validator of input).
    pub fn check(&self) -> Result<(), validator::ValidationError> {
        if self.is_web() {
            Ok(())
        } else {
            Err(validator::ValidationError::new("web_link").with_message(NOT_A_WEB_LINK.into()))
        }
    }
}

impl std::fmt::Display for WebLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// True for an absolute `http`/`https` address with a host, written without
/// white space or control characters (which browsers strip before reading
/// the scheme, so ` javascript:` and `java\tscript:` are no web links).
pub fn is_web(text: &str) -> bool {
    if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = text.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let rest = match () {
        () if lower.starts_with("http://") => &text[7..],
        () if lower.starts_with("https://") => &text[8..],
        () => return false,
    };
    if rest.is_empty() || rest.starts_with(['/', '\\']) {
        return false;
    }
    url::Url::parse(text)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_web_addresses_are_links() {
        for good in ["https://example.gov.ua/a.pdf", "http://10.0.0.1:8080/x?y=1#z", "HTTPS://Example.gov.ua/"] {
            assert!(is_web(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(document.cookie)",
            "  javascript:alert(1)",
            " https://example.gov.ua/",
            "java\tscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "//evil.example/",
            "/relative/path",
            "ftp://example.gov.ua/a",
            "https://",
            "https:///path",
            "https://exa mple.gov.ua/",
            "",
        ] {
            assert!(!is_web(bad), "{bad:?}");
            assert!(WebLink::new(bad).check().is_err(), "{bad:?}");
        }
    }
}
