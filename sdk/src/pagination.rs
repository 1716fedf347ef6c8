//! Paging through Braze's list operations.
//!
//! Braze pages its lists three ways, recorded per operation in the spec's
//! `x-braze-pagination` (see [`crate::operation::Pagination`]):
//!
//! * a page number (`campaigns_list`: 100 per page, from page 0) -
//!   [`collect_pages`];
//! * an offset and a limit (`templates_email_list`) - [`collect_offsets`];
//! * a cursor carried by the `Link` header's `rel="next"` link
//!   (`catalog_items_list`) - [`collect_cursor`] and [`link_cursor`].
//!
//! The helpers take a closure that fetches one page with the generated
//! builder, so every filter of the operation stays available:
//!
//! ```no_run
//! # async fn run(client: braze_sdk::Client) -> Result<(), braze_sdk::ApiError> {
//! use braze_sdk::pagination::{collect_pages, page_size};
//! let client = &client;
//! let campaigns = collect_pages(page_size("campaigns_list").unwrap(), |page| async move {
//!     let response = client.campaigns_list().page(page).send().await?;
//!     Ok::<_, braze_sdk::ApiError>(response.into_inner().campaigns)
//! })
//! .await?;
//! println!("{} campaigns", campaigns.len());
//! # Ok(()) }
//! ```

use std::future::Future;

use reqwest::header::HeaderMap;

use crate::operation::{self, Pagination};

/// Items per page of a page-numbered operation, from the spec.
pub fn page_size(operation_id: &str) -> Option<usize> {
    match operation::find(operation_id)?.pagination? {
        Pagination::Page { page_size, .. } => Some(page_size as usize),
        _ => None,
    }
}

/// Largest `limit` of an offset-paged operation, from the spec.
pub fn max_limit(operation_id: &str) -> Option<usize> {
    match operation::find(operation_id)?.pagination? {
        Pagination::Offset { max_limit, .. } => Some(max_limit as usize),
        _ => None,
    }
}

/// Fetches pages 0, 1, 2... until one holds fewer than `page_size` items,
/// and returns all items in order. The first error stops the walk.
pub async fn collect_pages<T, E, F, Fut>(page_size: usize, mut fetch: F) -> Result<Vec<T>, E>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<Vec<T>, E>>,
{
    let mut all = Vec::new();
    for page in 0u64.. {
        let items = fetch(page).await?;
        let last = items.len() < page_size.max(1);
        all.extend(items);
        if last {
            break;
        }
    }
    Ok(all)
}

/// Fetches `(offset, limit)` windows of `limit` items, from offset 0, until
/// one holds fewer than `limit` items; returns all items in order.
pub async fn collect_offsets<T, E, F, Fut>(limit: usize, mut fetch: F) -> Result<Vec<T>, E>
where
    F: FnMut(u64, u64) -> Fut,
    Fut: Future<Output = Result<Vec<T>, E>>,
{
    let limit = limit.max(1);
    let mut all = Vec::new();
    loop {
        let items = fetch(all.len() as u64, limit as u64).await?;
        let last = items.len() < limit;
        all.extend(items);
        if last {
            return Ok(all);
        }
    }
}

/// Fetches the first page (`None` cursor), then follows the next cursor each
/// page returns until there is none; returns all items in order. A cursor
/// the server already gave is not followed twice, so a server that repeats
/// itself cannot loop the client forever.
pub async fn collect_cursor<T, E, F, Fut>(mut fetch: F) -> Result<Vec<T>, E>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), E>>,
{
    let mut all = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut cursor = None;
    loop {
        let (items, next) = fetch(cursor).await?;
        all.extend(items);
        match next {
            Some(next) if seen.insert(next.clone()) => cursor = Some(next),
            _ => return Ok(all),
        }
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

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn pages_stop_at_the_first_short_page() {
        let mut asked = Vec::new();
        let all: Result<Vec<u32>, ()> = block_on(collect_pages(2, |page| {
            asked.push(page);
            let items = match page {
                0 => vec![1, 2],
                1 => vec![3, 4],
                _ => vec![5],
            };
            async move { Ok(items) }
        }));
        assert_eq!(all.unwrap(), [1, 2, 3, 4, 5]);
        assert_eq!(asked, [0, 1, 2]);
    }

    #[test]
    fn offsets_advance_by_what_came_back() {
        let mut asked = Vec::new();
        let all: Result<Vec<u64>, ()> = block_on(collect_offsets(3, |offset, limit| {
            asked.push((offset, limit));
            let items: Vec<u64> = (offset..(offset + limit).min(7)).collect();
            async move { Ok(items) }
        }));
        assert_eq!(all.unwrap(), (0..7).collect::<Vec<_>>());
        assert_eq!(asked, [(0, 3), (3, 3), (6, 3)]);
    }

    #[test]
    fn a_repeated_cursor_ends_the_walk_and_errors_stop_it() {
        let all: Result<Vec<u8>, ()> = block_on(collect_cursor(|cursor| {
            let page = match cursor.as_deref() {
                None => (vec![1], Some("a".to_string())),
                Some("a") => (vec![2], Some("b".to_string())),
                _ => (vec![3], Some("a".to_string())),
            };
            async move { Ok(page) }
        }));
        assert_eq!(all.unwrap(), [1, 2, 3]);
        let failed: Result<Vec<u8>, &str> = block_on(collect_pages(1, |_| async { Err("boom") }));
        assert_eq!(failed, Err("boom"));
    }

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
