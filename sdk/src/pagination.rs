//! Reading the cursor of the next page from a `Link` response header.
//!
//! Braze's cursor-paged lists (`x-braze-pagination: {style: cursor}` in the
//! spec, e.g. catalog items) answer with a header such as
//! `<https://rest.../items?cursor=abc>; rel="prev", <...?cursor=def>; rel="next"`.
//! The next page is requested with the `cursor` value of the `rel="next"` link.

use reqwest::header::HeaderMap;

/// The value of query parameter `param` in the `Link` header's link with
/// relation `rel` (e.g. `"next"`), percent-decoded.
pub fn link_cursor(headers: &HeaderMap, rel: &str, param: &str) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|link| {
            let (target, params) = link.trim().split_once(';')?;
            let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
            let has_rel = params.split(';').any(|p| {
                let p = p.trim();
                p.strip_prefix("rel=")
                    .map(|r| {
                        r.trim_matches('"')
                            .split_whitespace()
                            .any(|r| r.eq_ignore_ascii_case(rel))
                    })
                    .unwrap_or(false)
            });
            if !has_rel {
                return None;
            }
            let query = target.split_once('?')?.1;
            query.split('&').find_map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (k == param).then(|| percent_decode(v))
            })
        })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(link: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::LINK, HeaderValue::from_str(link).unwrap());
        h
    }

    #[test]
    fn finds_the_next_cursor() {
        let h = headers(
            "<https://rest.iad-03.braze.com/catalogs/c/items?cursor=c2tpcDow>; rel=\"prev\", <https://rest.iad-03.braze.com/catalogs/c/items?cursor=c2tpcDoxMDA%3D>; rel=\"next\"",
        );
        assert_eq!(
            link_cursor(&h, "next", "cursor").as_deref(),
            Some("c2tpcDoxMDA=")
        );
        assert_eq!(
            link_cursor(&h, "prev", "cursor").as_deref(),
            Some("c2tpcDow")
        );
    }

    #[test]
    fn no_next_link_means_last_page() {
        let h = headers("</catalogs/c/items?cursor=abc>; rel=\"prev\"");
        assert_eq!(link_cursor(&h, "next", "cursor"), None);
        assert_eq!(link_cursor(&HeaderMap::new(), "next", "cursor"), None);
        assert_eq!(link_cursor(&headers("garbage"), "next", "cursor"), None);
    }
}
