//! One typed model of the spec's `x-braze-*` vendor extensions.
//!
//! Every reader of an extension (the rules, the operations table, the
//! generated streams) goes through these types, parsed with
//! `deny_unknown_fields` and no defaults: a missing, misspelled or
//! mistyped key is one diagnostic naming the exact JSON path, never a silent
//! `0` or a bucket called `default`.

use std::num::NonZeroU32;

use serde::Deserialize;
use serde_json::Value;

/// `x-braze-rate-limit`: the documented limit of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RateLimit {
    Limited {
        requests: NonZeroU32,
        window_seconds: NonZeroU32,
        bucket: String,
        note: Option<String>,
    },
    /// Braze states there is no limit.
    Unlimited {
        bucket: String,
        note: Option<String>,
    },
}

impl RateLimit {
    /// The bucket the operation is counted in.
    pub fn bucket(&self) -> &str {
        match self {
            RateLimit::Limited { bucket, .. } | RateLimit::Unlimited { bucket, .. } => bucket,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRateLimit {
    requests: Option<NonZeroU32>,
    window_seconds: Option<NonZeroU32>,
    bucket: String,
    note: Option<String>,
    unlimited: Option<bool>,
}

/// `x-braze-pagination`: how a list operation pages.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "style", rename_all = "lowercase", deny_unknown_fields)]
pub enum Pagination {
    /// A page number, `page_size` items a page.
    Page {
        param: String,
        page_size: NonZeroU32,
        items: String,
    },
    /// An offset and a limit of at most `max_limit` (Braze's default when the
    /// limit is not sent: `default_limit`).
    Offset {
        offset_param: String,
        limit_param: String,
        max_limit: NonZeroU32,
        default_limit: Option<NonZeroU32>,
        items: String,
    },
    /// A cursor parameter, the next one read from a response header.
    Cursor {
        param: String,
        header: String,
        items: String,
    },
}

impl Pagination {
    /// The response property holding a page's items.
    pub fn items(&self) -> &str {
        match self {
            Pagination::Page { items, .. }
            | Pagination::Offset { items, .. }
            | Pagination::Cursor { items, .. } => items,
        }
    }

    /// The query parameters the style relies on.
    pub fn parameters(&self) -> Vec<(&'static str, &str)> {
        match self {
            Pagination::Page { param, .. } | Pagination::Cursor { param, .. } => {
                vec![("param", param)]
            }
            Pagination::Offset {
                offset_param,
                limit_param,
                ..
            } => vec![("offset_param", offset_param), ("limit_param", limit_param)],
        }
    }
}

/// `x-braze-availability`: an endpoint Braze offers to some workspaces only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Availability {
    Beta,
    EarlyAccess,
}

/// The extensions of one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationExtensions {
    pub rate_limit: RateLimit,
    pub pagination: Option<Pagination>,
    pub availability: Option<Availability>,
    pub error_ids: Vec<String>,
}

/// A problem with an extension: the JSON pointer under the extension (empty
/// for the extension itself) and the message.
pub type Problem = (String, String);

/// Parses the extensions of the operation object `op`. Problems carry a
/// pointer relative to the operation (`/x-braze-rate-limit/requests`).
pub fn operation_extensions(op: &Value) -> Result<OperationExtensions, Vec<Problem>> {
    let mut problems = Vec::new();
    let rate_limit = match op.get("x-braze-rate-limit") {
        None => {
            problems.push((
                "/x-braze-rate-limit".into(),
                "missing x-braze-rate-limit".into(),
            ));
            None
        }
        Some(v) => rate_limit(v).map_err(|p| problems.extend(p)).ok(),
    };
    let pagination = op.get("x-braze-pagination").and_then(|v| {
        parse::<Pagination>(v, "/x-braze-pagination")
            .map_err(|p| problems.push(p))
            .ok()
    });
    let availability = op.get("x-braze-availability").and_then(|v| {
        parse::<Availability>(v, "/x-braze-availability")
            .map_err(|(at, _)| {
                problems.push((at, "must be `beta` or `early-access`".into()));
            })
            .ok()
    });
    let error_ids = match op.get("x-braze-error-ids") {
        None => Vec::new(),
        Some(v) => parse::<Vec<String>>(v, "/x-braze-error-ids")
            .map_err(|p| problems.push(p))
            .unwrap_or_default(),
    };
    match (rate_limit, problems.is_empty()) {
        (Some(rate_limit), true) => Ok(OperationExtensions {
            rate_limit,
            pagination,
            availability,
            error_ids,
        }),
        _ => Err(problems),
    }
}

fn rate_limit(v: &Value) -> Result<RateLimit, Vec<Problem>> {
    const AT: &str = "/x-braze-rate-limit";
    let raw: RawRateLimit = parse(v, AT).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let kebab = !raw.bucket.is_empty()
        && raw
            .bucket
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !kebab {
        problems.push((
            format!("{AT}/bucket"),
            "`bucket` must be a kebab-case name".into(),
        ));
    }
    let limit = match (raw.unlimited, raw.requests, raw.window_seconds) {
        (Some(true), None, None) => Some(RateLimit::Unlimited {
            bucket: raw.bucket,
            note: raw.note,
        }),
        (Some(true), _, _) => {
            problems.push((
                AT.into(),
                "`unlimited: true` excludes `requests` and `window_seconds`".into(),
            ));
            None
        }
        (Some(false) | None, Some(requests), Some(window_seconds)) => Some(RateLimit::Limited {
            requests,
            window_seconds,
            bucket: raw.bucket,
            note: raw.note,
        }),
        (_, requests, window) => {
            for (key, value) in [("requests", requests), ("window_seconds", window)] {
                if value.is_none() {
                    problems.push((
                        format!("{AT}/{key}"),
                        format!("`{key}` must be a positive integer (or say `unlimited: true`)"),
                    ));
                }
            }
            None
        }
    };
    match limit {
        Some(l) if problems.is_empty() => Ok(l),
        _ => Err(problems),
    }
}

/// Deserialises `v`, or returns the JSON pointer (under `at`) and message of
/// the first mismatch.
fn parse<T: for<'de> Deserialize<'de>>(v: &Value, at: &str) -> Result<T, Problem> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = crate::diagnostics::pointer_of_path(e.path());
        (format!("{at}{path}"), e.inner().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(op: Value) -> Vec<Problem> {
        operation_extensions(&op).err().unwrap_or_default()
    }

    #[test]
    fn a_complete_operation_parses() {
        let ext = operation_extensions(&json!({
            "x-braze-rate-limit": {"requests": 250000, "window_seconds": 3600, "bucket": "default"},
            "x-braze-pagination": {"style": "offset", "offset_param": "offset", "limit_param": "limit", "max_limit": 500, "default_limit": 100, "items": "emails"},
            "x-braze-availability": "early-access",
            "x-braze-error-ids": ["item-not-found"]
        }))
        .unwrap();
        assert_eq!(ext.rate_limit.bucket(), "default");
        assert_eq!(ext.availability, Some(Availability::EarlyAccess));
        assert!(matches!(
            ext.pagination,
            Some(Pagination::Offset { default_limit: Some(n), .. }) if n.get() == 100
        ));
    }

    #[test]
    fn every_malformed_key_is_located() {
        let p = problems(
            json!({"x-braze-rate-limit": {"requests": 0, "window_seconds": 60, "bucket": "b"}}),
        );
        assert_eq!(p[0].0, "/x-braze-rate-limit/requests", "{p:?}");
        let p = problems(
            json!({"x-braze-rate-limit": {"window_seconds": 60, "bucket": "Default Bucket"}}),
        );
        let at: Vec<&str> = p.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(
            at,
            ["/x-braze-rate-limit/bucket", "/x-braze-rate-limit/requests"],
            "{p:?}"
        );
        let p = problems(
            json!({"x-braze-rate-limit": {"requests": 1, "window_seconds": 1, "bucket": "b", "bukket": 1}}),
        );
        assert!(p[0].1.contains("unknown field `bukket`"), "{p:?}");
        let ok_rl = json!({"requests": 1, "window_seconds": 1, "bucket": "b"});
        let p = problems(
            json!({"x-braze-rate-limit": ok_rl, "x-braze-pagination": {"style": "page", "param": "page", "page_size": 100, "items": "x", "size": 3}}),
        );
        assert!(
            p[0].0.starts_with("/x-braze-pagination") && p[0].1.contains("unknown field `size`"),
            "{p:?}"
        );
        let p = problems(
            json!({"x-braze-rate-limit": ok_rl, "x-braze-pagination": {"style": "pages", "items": "x"}}),
        );
        assert!(p[0].1.contains("unknown variant `pages`"), "{p:?}");
        let p = problems(json!({"x-braze-rate-limit": ok_rl, "x-braze-availability": "alpha"}));
        assert_eq!(
            p,
            [(
                "/x-braze-availability".to_string(),
                "must be `beta` or `early-access`".to_string()
            )]
        );
        let p = problems(json!({}));
        assert_eq!(p[0].1, "missing x-braze-rate-limit");
    }
}
