//! What the spec says about paging, and the `Link` header cursor.
//!
//! Braze pages its lists three ways, recorded per operation in the spec's
//! `x-braze-pagination` (see [`crate::operation::Pagination`]): a page
//! number (`campaigns_list`: 100 per page, from page 0), an offset and a
//! limit (`templates_email_list`), or a cursor carried by the `Link`
//! header's `rel="next"` link (`catalog_items_list`).
//!
//! Walking a list is the builder's `stream()` or `collect_all()`
//! (see [`crate::stream`]); this module holds what those walks read:
//!
//! ```no_run
//! # async fn run(client: braze_sdk::Client) -> Result<(), braze_sdk::ApiError> {
//! let campaigns = client.campaigns_list().include_archived(true).collect_all().await?;
//! use braze_sdk::OperationId;
//! assert_eq!(braze_sdk::pagination::page_size(OperationId::CampaignsList), Some(100));
//! println!("{} campaigns", campaigns.len());
//! # Ok(()) }
//! ```

use reqwest::header::HeaderMap;

use crate::operation::{OperationId, Pagination};

/// Items per page of a page-numbered operation, from the spec (`None` for
/// an operation that pages otherwise or not at all).
pub fn page_size(operation: OperationId) -> Option<usize> {
    match operation.operation().pagination? {
        Pagination::Page { page_size, .. } => Some(page_size as usize),
        _ => None,
    }
}

/// Largest `limit` of an offset-paged operation, from the spec.
pub fn max_limit(operation: OperationId) -> Option<usize> {
    match operation.operation().pagination? {
        Pagination::Offset { max_limit, .. } => Some(max_limit as usize),
        _ => None,
    }
}

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
