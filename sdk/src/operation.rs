//! What the spec says about each operation, for the runtime.
//!
//! The table itself ([`OPERATIONS`]) is generated from the spec's
//! `x-braze-rate-limit` and `x-braze-pagination` extensions; this module
//! holds its types and the lookup.

pub use crate::generated::operations::OPERATIONS;

/// One operation of the Braze REST API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`, also the client method's name.
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template, e.g. `/catalogs/{catalog_name}/items`.
    pub path: &'static str,
    /// The operation's tag (endpoint family).
    pub tag: &'static str,
    /// Braze deprecated the endpoint.
    pub deprecated: bool,
    /// The documented rate limit.
    pub rate_limit: RateLimit,
    /// How the operation pages, for list operations.
    pub pagination: Option<Pagination>,
}

/// A documented rate limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateLimit {
    /// `requests` per `window_seconds`, counted in `bucket` (shared by every
    /// operation with the same bucket name).
    Limited {
        requests: u32,
        window_seconds: u32,
        bucket: &'static str,
    },
    /// Braze documents no limit.
    Unlimited { bucket: &'static str },
    /// The spec says nothing (never for a spec that passed the rules).
    Unknown,
}

impl RateLimit {
    /// The bucket the operation's requests are counted in.
    pub fn bucket(&self) -> &'static str {
        match self {
            RateLimit::Limited { bucket, .. } | RateLimit::Unlimited { bucket } => bucket,
            RateLimit::Unknown => "default",
        }
    }
}

/// How a list operation pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pagination {
    /// A page number query parameter; each page holds up to `page_size` items.
    Page {
        param: &'static str,
        page_size: u32,
        items: &'static str,
    },
    /// Offset and limit query parameters; `limit` is at most `max_limit`.
    Offset {
        offset_param: &'static str,
        limit_param: &'static str,
        max_limit: u32,
        items: &'static str,
    },
    /// A cursor query parameter, the next value of which comes in a `Link`
    /// response header (`rel="next"`).
    Cursor {
        param: &'static str,
        header: &'static str,
        items: &'static str,
    },
}

/// Looks an operation up by its `operationId` (a hash lookup: the runtime
/// does it for every request).
pub fn find(id: &str) -> Option<&'static Operation> {
    index(id).map(|i| &OPERATIONS[i])
}

/// The index in [`OPERATIONS`] of the operation `id`. The keys are the
/// spec's own operation ids, not input from the network, so a fast
/// unkeyed hash (foldhash) serves better than std's SipHash.
pub(crate) fn index(id: &str) -> Option<usize> {
    type ById = std::collections::HashMap<&'static str, usize, foldhash::fast::FixedState>;
    static BY_ID: std::sync::OnceLock<ById> = std::sync::OnceLock::new();
    let by_id = BY_ID.get_or_init(|| {
        OPERATIONS
            .iter()
            .enumerate()
            .map(|(i, op)| (op.id, i))
            .collect()
    });
    by_id.get(id).copied()
}
