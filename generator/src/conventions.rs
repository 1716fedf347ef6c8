//! The project's conventions about Braze's responses, in one place: read by
//! the rules (which check the spec follows them) and by the merge step
//! that writes `x-braze-responses: standard` out in full
//! ([`crate::standard_responses`]). Neither of those imports the other.

/// The rate-limit headers Braze sends with every response; every success
/// response declares them (`#/components/headers/<name>`).
pub const RATE_LIMIT_HEADERS: [&str; 3] = [
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
];

/// The extension that asks for the standard responses.
pub const STANDARD_RESPONSES_KEY: &str = "x-braze-responses";

/// The error responses almost every operation shares, in the order they are
/// written: (status, component under `#/components/responses/`).
pub const STANDARD_ERRORS: [(&str, &str); 6] = [
    ("400", "BadRequest"),
    ("401", "Unauthorized"),
    ("403", "Forbidden"),
    ("404", "NotFound"),
    ("429", "TooManyRequests"),
    ("5XX", "ServerError"),
];
