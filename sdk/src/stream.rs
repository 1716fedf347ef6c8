//! Braze's list operations as streams of items.
//!
//! Every list operation's builder has a `stream()` method and a
//! `collect_all()` shortcut, generated from the spec's `x-braze-pagination`
//! (`sdk/src/generated/streams.rs`), so a walk reads like one call and keeps
//! every filter set on the builder:
//!
//! ```no_run
//! # async fn run(client: braze_sdk::Client) -> Result<(), braze_sdk::ApiError> {
//! use braze_sdk::futures_util::TryStreamExt;
//! let since = braze_sdk::chrono::Utc::now() - braze_sdk::chrono::Duration::days(30);
//! let mut campaigns = client.campaigns_list().last_edit_time_gt(since).stream();
//! while let Some(campaign) = campaigns.try_next().await? {
//!     println!("{} {}", campaign.id, campaign.name);
//! }
//! # Ok(()) }
//! ```
//!
//! The stream fetches the next page only when the items of the previous one
//! have been consumed, stops where Braze's paging says the list ends, and
//! yields the first error it meets, after which it ends: a caller never
//! mistakes a failed walk for a complete one.
//!
//! The three paging styles Braze uses each have a driver here
//! ([`by_page`], [`by_offset`], [`by_cursor`]); the generated methods only
//! say which one an operation uses and how to set the page on a clone of
//! the builder.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::runtime::Error;

/// The items of a list, page after page. Yields `Err` at most once, as its
/// last item.
#[must_use = "a stream does nothing until polled"]
pub struct Items<'a, T, E = crate::types::BrazeError> {
    inner: Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send + 'a>>,
}

impl<'a, T, E> Items<'a, T, E> {
    /// Reads the whole list into memory; the first error is returned instead.
    pub async fn collect_all(self) -> Result<Vec<T>, Error<E>> {
        futures_util::TryStreamExt::try_collect(self).await
    }
}

impl<T, E> Stream for Items<'_, T, E> {
    type Item = Result<T, Error<E>>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T, E> std::fmt::Debug for Items<'_, T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

/// Pages through a list: `fetch(position)` returns the items at `position`
/// and the position of the next page, `None` on the last one.
fn walk<'a, P, T, E, F, Fut>(first: P, fetch: F) -> Items<'a, T, E>
where
    P: Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
    F: FnMut(P) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<P>), Error<E>>> + Send + 'a,
{
    struct State<P, T, F> {
        buffered: VecDeque<T>,
        next: Option<P>,
        fetch: F,
    }
    let state = State {
        buffered: VecDeque::new(),
        next: Some(first),
        fetch,
    };
    let stream = futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffered.pop_front() {
                return Some((Ok(item), state));
            }
            let position = state.next.take()?;
            match (state.fetch)(position).await {
                Ok((items, next)) => {
                    state.buffered.extend(items);
                    state.next = next;
                }
                // `next` stays `None`: the error is the stream's last item.
                Err(e) => return Some((Err(e), state)),
            }
        }
    });
    // Fused: polling again after the end keeps answering `None`.
    Items {
        inner: Box::pin(futures_util::StreamExt::fuse(stream)),
    }
}

/// A page-numbered list (pages from 0); a page with fewer than `page_size`
/// items is the last.
#[doc(hidden)]
pub fn by_page<'a, T, E, F, Fut>(page_size: u64, mut fetch: F) -> Items<'a, T, E>
where
    T: Send + 'a,
    E: Send + 'a,
    F: FnMut(u64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Vec<T>, Error<E>>> + Send + 'a,
{
    let page_size = page_size.max(1);
    walk(0u64, move |page| {
        let items = fetch(page);
        async move {
            let items = items.await?;
            let next = (items.len() as u64 >= page_size).then_some(page + 1);
            Ok((items, next))
        }
    })
}

/// An offset/limit list: windows of `limit` items from offset 0; a window
/// with fewer than `limit` items is the last.
#[doc(hidden)]
pub fn by_offset<'a, T, E, F, Fut>(limit: u64, mut fetch: F) -> Items<'a, T, E>
where
    T: Send + 'a,
    E: Send + 'a,
    F: FnMut(u64, u64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Vec<T>, Error<E>>> + Send + 'a,
{
    let limit = limit.max(1);
    walk(0u64, move |offset| {
        let items = fetch(offset, limit);
        async move {
            let items = items.await?;
            let got = items.len() as u64;
            let next = (got >= limit).then_some(offset + got);
            Ok((items, next))
        }
    })
}

/// A cursor list: the first page without a cursor, then the cursor each
/// page names for the next (from its `Link` header), until a page names
/// none. A cursor already followed is not followed again, so a server that
/// repeats itself cannot keep the stream going forever.
#[doc(hidden)]
pub fn by_cursor<'a, T, E, F, Fut>(mut fetch: F) -> Items<'a, T, E>
where
    T: Send + 'a,
    E: Send + 'a,
    F: FnMut(Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error<E>>> + Send + 'a,
{
    // Shared with each page's future, which records the cursor it got.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(HashSet::new()));
    walk(None, move |cursor: Option<String>| {
        let page = fetch(cursor);
        let seen = seen.clone();
        async move {
            let (items, next) = page.await?;
            let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
            let next = next.filter(|c| seen.insert(c.clone()));
            Ok((items, next.map(Some)))
        }
    })
}

/// Converts a page position into the type of the builder's parameter.
#[doc(hidden)]
pub fn position<P: TryFrom<u64>, E>(value: u64, param: &str) -> Result<P, Error<E>> {
    P::try_from(value)
        .map_err(|_| Error::InvalidRequest(format!("{param} {value} is out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::sync::{Arc, Mutex};

    type E = Error<()>;

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    type Log<T> = Arc<Mutex<Vec<T>>>;

    fn record<T>() -> (Log<T>, Log<T>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        (log.clone(), log)
    }

    #[test]
    fn pages_stop_at_the_first_short_page() {
        let (log, asked) = record();
        let all = block_on(
            by_page(2, move |page| {
                log.lock().unwrap().push(page);
                let items = match page {
                    0 => vec![1, 2],
                    1 => vec![3, 4],
                    _ => vec![5],
                };
                async move { Ok::<_, E>(items) }
            })
            .collect_all(),
        );
        assert_eq!(all.unwrap(), [1, 2, 3, 4, 5]);
        assert_eq!(*asked.lock().unwrap(), [0, 1, 2]);
    }

    #[test]
    fn offsets_advance_by_what_came_back_and_an_empty_window_ends() {
        let (log, asked) = record();
        let all = block_on(
            by_offset(3, move |offset, limit| {
                log.lock().unwrap().push((offset, limit));
                let items: Vec<u64> = (offset..(offset + limit).min(6)).collect();
                async move { Ok::<_, E>(items) }
            })
            .collect_all(),
        );
        assert_eq!(all.unwrap(), (0..6).collect::<Vec<_>>());
        // 6 is a multiple of 3: the empty window at 6 ends the walk.
        assert_eq!(*asked.lock().unwrap(), [(0, 3), (3, 3), (6, 3)]);
    }

    #[test]
    fn a_repeated_cursor_ends_the_walk() {
        let all = block_on(
            by_cursor(|cursor: Option<String>| {
                let page = match cursor.as_deref() {
                    None => (vec![1], Some("a".to_string())),
                    Some("a") => (vec![2], Some("b".to_string())),
                    _ => (vec![3], Some("a".to_string())),
                };
                async move { Ok::<_, E>(page) }
            })
            .collect_all(),
        );
        assert_eq!(all.unwrap(), [1, 2, 3]);
    }

    #[test]
    fn an_error_mid_way_is_the_last_item_and_pages_are_fetched_lazily() {
        let (log, asked) = record();
        let mut stream = by_page(2, move |page| {
            log.lock().unwrap().push(page);
            async move {
                match page {
                    0 => Ok(vec![1, 2]),
                    _ => Err(E::InvalidRequest(format!("page {page} failed"))),
                }
            }
        });
        block_on(async {
            assert_eq!(stream.next().await.unwrap().unwrap(), 1);
            // The second item is buffered: no new request for it.
            assert_eq!(stream.next().await.unwrap().unwrap(), 2);
            assert_eq!(*asked.lock().unwrap(), [0]);
            let error = stream.next().await.unwrap().unwrap_err();
            assert_eq!(error.to_string(), "invalid request: page 1 failed");
            assert!(stream.next().await.is_none());
            assert!(stream.next().await.is_none());
        });
        assert_eq!(*asked.lock().unwrap(), [0, 1]);
    }

    #[test]
    fn positions_out_of_range_are_errors_not_panics() {
        let zero = position::<std::num::NonZeroU64, ()>(0, "limit");
        assert!(matches!(zero, Err(Error::InvalidRequest(m)) if m.contains("limit 0")));
        assert_eq!(position::<u64, ()>(7, "page").unwrap(), 7);
    }
}
