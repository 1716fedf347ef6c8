//! What the spec says about each operation, for the runtime.
//!
//! The table itself ([`OPERATIONS`]) is generated from the spec's
//! `x-braze-rate-limit` and `x-braze-pagination` extensions; this module
//! holds its types and the lookup.

pub use crate::generated::operations::{Bucket, OPERATIONS, OperationId};

/// One operation of the Braze REST API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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

impl OperationId {
    /// What the spec says about the operation.
    pub fn operation(self) -> &'static Operation {
        // `OPERATIONS` and the enum are generated in the same (spec) order.
        &OPERATIONS[self as usize]
    }
}

impl Bucket {
    /// The bucket named `name`, if the spec has it.
    fn named(name: &str) -> Option<Self> {
        Bucket::ALL.into_iter().find(|b| b.as_str() == name)
    }
}

/// The operation id is not one of the spec's (or the bucket name is not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    /// `operation` or `bucket`.
    pub kind: &'static str,
    /// The name given.
    pub name: String,
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the spec has no {} named `{}`", self.kind, self.name)
    }
}

impl std::error::Error for UnknownName {}

/// Parses an `operationId` (for names read at run time, e.g. from a
/// configuration file); in code, use the variants.
impl std::str::FromStr for OperationId {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        index(s)
            .map(|i| OperationId::ALL[i])
            .ok_or_else(|| UnknownName {
                kind: "operation",
                name: s.to_string(),
            })
    }
}

/// Parses a bucket name (`users-track`).
impl std::str::FromStr for Bucket {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Bucket::named(s).ok_or_else(|| UnknownName {
            kind: "bucket",
            name: s.to_string(),
        })
    }
}

impl std::fmt::Display for OperationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identifiers_are_the_tables_names_in_its_order() {
        assert_eq!(OperationId::ALL.len(), OPERATIONS.len());
        for (id, op) in OperationId::ALL.into_iter().zip(&OPERATIONS) {
            assert_eq!(id.as_str(), op.id);
            assert_eq!(id.operation(), op);
            assert_eq!(op.id.parse::<OperationId>(), Ok(id));
            let bucket: Bucket = op.rate_limit.bucket().parse().unwrap();
            assert_eq!(bucket.as_str(), op.rate_limit.bucket());
        }
        for bucket in Bucket::ALL {
            assert!(
                OPERATIONS
                    .iter()
                    .any(|o| o.rate_limit.bucket() == bucket.as_str()),
                "{bucket} is used by no operation"
            );
        }
        assert_eq!(OperationId::UsersTrack.as_str(), "users_track");
        assert_eq!(Bucket::UsersTrack.as_str(), "users-track");
        assert_eq!(
            "user_track".parse::<OperationId>().unwrap_err().to_string(),
            "the spec has no operation named `user_track`"
        );
        assert!("users_track".parse::<Bucket>().is_err());
    }
}
