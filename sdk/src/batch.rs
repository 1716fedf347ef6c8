//! Splitting large inputs into Braze's per-request limits and sending the
//! pieces concurrently, with every input accounted for.
//!
//! Braze caps the arrays of its bulk endpoints (75 attributes, 75 events and
//! 75 purchases per `/users/track` request, 50 ids per delete or identify,
//! 50 catalog items...). The request bodies of those operations implement
//! [`Batchable`], generated from the spec's `maxItems`
//! (`sdk/src/generated/batches.rs`): build one body as large as you like and
//! hand it to [`send_all`] with the call that sends one piece:
//!
//! ```no_run
//! # async fn run(client: braze_sdk::Client, events: Vec<braze_sdk::types::UserEvent>)
//! # -> Result<(), Box<dyn std::error::Error>> {
//! use braze_sdk::{batch, types};
//! let body = types::UsersTrackRequest { events, ..Default::default() };
//! let report = batch::send_all(body, 8, |piece| client.users_track(piece).send()).await;
//! for rejected in report.input_errors() {
//!     println!("event #{} was rejected: {:?}", rejected.index, rejected.detail);
//! }
//! for failed in report.failed {
//!     // `failed.body` holds exactly the inputs of `failed.carried`: resend it later.
//!     eprintln!("{:?} not sent: {}", failed.carried, failed.error);
//! }
//! # Ok(()) }
//! ```
//!
//! The pieces go through the normal client, so its retries and rate-limit
//! waits apply to each; `concurrency` bounds how many are in flight.
//!
//! The accounting: each input is carried by exactly one piece, in order;
//! each piece ends up either in [`Report::sent`] (with Braze's non-fatal
//! `errors[]` mapped back to the caller's input indices) or in
//! [`Report::failed`] with its body, so it can be sent again. Nothing is
//! sent twice by this module (a retry inside the client is the client's
//! [`crate::RetryPolicy`]).

use std::future::Future;
use std::ops::Range;

use futures_util::StreamExt;

use crate::runtime::{Error, ResponseValue};
use crate::types::{BrazeErrorDetail, BrazeErrorObject};

/// A request body that can be split along its arrays.
pub trait Batchable: Clone + Sized {
    /// The body's splittable arrays (JSON names) and Braze's per-request
    /// limit of each, from the spec's `maxItems`.
    const LISTS: &'static [(&'static str, usize)];
    /// Whether one request may carry several of the arrays (false when the
    /// spec allows one per request, `maxProperties: 1`).
    const LISTS_TOGETHER: bool;

    /// The length of each array of [`Self::LISTS`], in that order.
    fn list_lens(&self) -> Vec<usize>;

    /// Splits into pieces within the limits, in input order; other fields
    /// are copied into every piece. An empty body gives no piece.
    fn split(self) -> Vec<Batch<Self>>;
}

/// One piece of a split body and what it carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch<B> {
    pub body: B,
    pub carried: Carried,
}

/// Which of the caller's inputs a piece carries: for each array it holds
/// items of, the range of their indices in the caller's array.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Carried {
    pub lists: Vec<(&'static str, Range<usize>)>,
}

impl Carried {
    /// The caller's indices of `list` this piece carries (empty if none).
    pub fn range(&self, list: &str) -> Range<usize> {
        self.lists
            .iter()
            .find(|(name, _)| *name == list)
            .map(|(_, r)| r.clone())
            .unwrap_or(0..0)
    }

    /// How many inputs the piece carries, all arrays together.
    pub fn len(&self) -> usize {
        self.lists.iter().map(|(_, r)| r.len()).sum()
    }

    /// True when the piece carries nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The caller's index of the `index`-th item of `list` in this piece
    /// (`list` may be omitted when the piece carries a single array).
    pub fn caller_index(&self, list: Option<&str>, index: usize) -> Option<(&'static str, usize)> {
        let (name, range) = match list {
            Some(list) => self.lists.iter().find(|(name, _)| *name == list)?,
            None if self.lists.len() == 1 => &self.lists[0],
            None => return None,
        };
        (index < range.len()).then(|| (*name, range.start + index))
    }
}

/// How to split arrays of `lens` items under `limits`: for each piece, the
/// range of each array it takes (possibly empty). With `together`, a piece
/// takes the next chunk of every array; otherwise each piece takes one
/// array's chunk, the arrays one after the other.
#[doc(hidden)]
pub fn plan(lens: &[usize], limits: &[usize], together: bool) -> Vec<Vec<Range<usize>>> {
    let limits: Vec<usize> = limits.iter().map(|l| (*l).max(1)).collect();
    let mut pieces = Vec::new();
    if together {
        let count = lens
            .iter()
            .zip(&limits)
            .map(|(len, limit)| len.div_ceil(*limit))
            .max()
            .unwrap_or(0);
        for piece in 0..count {
            pieces.push(
                lens.iter()
                    .zip(&limits)
                    .map(|(len, limit)| (piece * limit).min(*len)..((piece + 1) * limit).min(*len))
                    .collect(),
            );
        }
    } else {
        for (list, (len, limit)) in lens.iter().zip(&limits).enumerate() {
            for start in (0..*len).step_by(*limit) {
                let mut ranges = vec![0..0; lens.len()];
                ranges[list] = start..(start + limit).min(*len);
                pieces.push(ranges);
            }
        }
    }
    pieces
}

/// Names the non-empty ranges of a planned piece.
#[doc(hidden)]
pub fn carried(lists: &'static [(&'static str, usize)], ranges: &[Range<usize>]) -> Carried {
    Carried {
        lists: lists
            .iter()
            .zip(ranges)
            .filter(|(_, r)| !r.is_empty())
            .map(|((name, _), r)| (*name, r.clone()))
            .collect(),
    }
}

/// A response that may name rejected inputs in a non-fatal `errors` array
/// (`/users/track` does: `input_array` and `index`).
pub trait InputErrors {
    /// The response's non-fatal problems (empty for responses without them).
    fn input_errors(&self) -> &[BrazeErrorDetail];
}

/// One input Braze rejected while accepting the rest of its request.
#[derive(Clone, Debug, PartialEq)]
pub struct InputError {
    /// The array of the caller's body (`events`, ...).
    pub list: &'static str,
    /// The index in the caller's array (not in the piece).
    pub index: usize,
    /// What Braze said.
    pub detail: BrazeErrorDetail,
}

/// A piece Braze accepted.
#[derive(Debug)]
pub struct Sent<R> {
    pub carried: Carried,
    pub response: ResponseValue<R>,
    /// Non-fatal errors that name an input, mapped to the caller's indices.
    pub input_errors: Vec<InputError>,
    /// Non-fatal errors that name no input this piece carried.
    pub other_errors: Vec<BrazeErrorDetail>,
}

/// A piece that was not accepted, with its body to send again.
#[derive(Debug)]
pub struct Failed<B, E = crate::types::BrazeError> {
    pub carried: Carried,
    pub body: B,
    pub error: Error<E>,
}

/// The outcome of [`send_all`], pieces in input order.
#[derive(Debug)]
pub struct Report<B, R, E = crate::types::BrazeError> {
    pub sent: Vec<Sent<R>>,
    pub failed: Vec<Failed<B, E>>,
}

impl<B, R, E> Report<B, R, E> {
    /// Every rejected input of every accepted piece, by caller index.
    pub fn input_errors(&self) -> impl Iterator<Item = &InputError> {
        self.sent.iter().flat_map(|s| &s.input_errors)
    }

    /// True when every piece was accepted.
    pub fn all_sent(&self) -> bool {
        self.failed.is_empty()
    }
}

/// Splits `body` with [`Batchable::split`] and sends the pieces with `send`,
/// at most `concurrency` at a time (at least 1), through whatever throttling
/// the client behind `send` applies. Never fails as a whole: see [`Report`].
pub async fn send_all<B, R, E, F, Fut>(body: B, concurrency: usize, send: F) -> Report<B, R, E>
where
    B: Batchable,
    R: InputErrors,
    F: FnMut(B) -> Fut,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>>,
{
    send_batches(body.split(), concurrency, send).await
}

/// [`send_all`] for pieces already split (e.g. the `failed` pieces of an
/// earlier report, to send them again).
pub async fn send_batches<B, R, E, F, Fut>(
    batches: Vec<Batch<B>>,
    concurrency: usize,
    mut send: F,
) -> Report<B, R, E>
where
    B: Clone,
    R: InputErrors,
    F: FnMut(B) -> Fut,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>>,
{
    let mut outcomes: Vec<_> = futures_util::stream::iter(batches.into_iter().enumerate())
        .map(|(n, batch)| {
            // The body is kept so that a failed piece is returned whole.
            let call = send(batch.body.clone());
            async move { (n, batch, call.await) }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    outcomes.sort_by_key(|(n, _, _)| *n);
    let mut report = Report {
        sent: Vec::new(),
        failed: Vec::new(),
    };
    for (_, batch, outcome) in outcomes {
        match outcome {
            Ok(response) => {
                let (input_errors, other_errors) =
                    map_errors(&batch.carried, response.input_errors());
                report.sent.push(Sent {
                    carried: batch.carried,
                    response,
                    input_errors,
                    other_errors,
                });
            }
            Err(error) => report.failed.push(Failed {
                carried: batch.carried,
                body: batch.body,
                error,
            }),
        }
    }
    report
}

/// Maps each error naming an input of the piece (`index`, and
/// `input_array` unless the piece carries one array) to the caller's index.
fn map_errors(
    carried: &Carried,
    errors: &[BrazeErrorDetail],
) -> (Vec<InputError>, Vec<BrazeErrorDetail>) {
    let mut mapped = Vec::new();
    let mut other = Vec::new();
    for detail in errors {
        let target = match detail {
            BrazeErrorDetail::BrazeErrorObject(BrazeErrorObject {
                index: Some(index),
                input_array,
                ..
            }) => usize::try_from(*index)
                .ok()
                .and_then(|i| carried.caller_index(input_array.as_deref(), i)),
            _ => None,
        };
        match target {
            Some((list, index)) => mapped.push(InputError {
                list,
                index,
                detail: detail.clone(),
            }),
            None => other.push(detail.clone()),
        }
    }
    (mapped, other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn together_pieces_take_the_next_chunk_of_every_array() {
        let p = plan(&[160, 0, 80], &[75, 75, 75], true);
        assert_eq!(
            p,
            [
                vec![0..75, 0..0, 0..75],
                vec![75..150, 0..0, 75..80],
                vec![150..160, 0..0, 80..80],
            ]
        );
        assert!(plan(&[0, 0], &[75, 75], true).is_empty());
    }

    #[test]
    fn exclusive_pieces_carry_one_array_each() {
        let p = plan(&[3, 0, 2], &[2, 2, 2], false);
        assert_eq!(
            p,
            [
                vec![0..2, 0..0, 0..0],
                vec![2..3, 0..0, 0..0],
                vec![0..0, 0..0, 0..2],
            ]
        );
    }

    #[test]
    fn errors_map_to_the_callers_indices_or_stay_unmapped() {
        let carried = Carried {
            lists: vec![("attributes", 75..150), ("events", 150..160)],
        };
        let object = |array: Option<&str>, index: i64| {
            BrazeErrorDetail::BrazeErrorObject(BrazeErrorObject {
                id: None,
                index: Some(index),
                input_array: array.map(str::to_string),
                message: None,
                parameter_values: Vec::new(),
                parameters: Vec::new(),
                type_: Some("bad".into()),
                extra: Default::default(),
            })
        };
        let errors = [
            object(Some("events"), 3),
            object(Some("attributes"), 0),
            object(Some("events"), 10), // beyond the piece
            object(None, 1),            // ambiguous: two arrays
            object(Some("events"), -1),
            BrazeErrorDetail::String("something else".into()),
        ];
        let (mapped, other) = map_errors(&carried, &errors);
        let at: Vec<_> = mapped.iter().map(|e| (e.list, e.index)).collect();
        assert_eq!(at, [("events", 153), ("attributes", 75)]);
        assert_eq!(other.len(), 4);
        let single = Carried {
            lists: vec![("items", 50..100)],
        };
        assert_eq!(single.caller_index(None, 7), Some(("items", 57)));
    }
}
