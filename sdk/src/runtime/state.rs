//! What every clone of a client shares: settings, throttle, default
//! headers, hooks, clock.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;

use super::Clock;
use crate::hook::Hook;
use crate::retry::RetryPolicy;
use crate::throttle::Throttle;

/// The settings a call runs with; [`crate::Client::with_deadline`] and
/// friends make a clone of the client with other ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) retry: RetryPolicy,
    /// Longest total time of one call: throttle waits, attempts, backoff.
    pub(crate) deadline: Duration,
    /// Longest time of one attempt, body included.
    pub(crate) attempt_timeout: Duration,
}

/// State shared by all requests of one client. Cheap to clone: the
/// rate-limit buckets and headers are shared by every clone.
#[derive(Clone)]
pub struct ClientState {
    pub(crate) settings: Arc<Settings>,
    pub(crate) throttle: Arc<Throttle>,
    /// Authorization (marked sensitive), user agent and default headers,
    /// added to every request that does not set them itself: by
    /// [`add_default_headers`] for a caller's own `reqwest::Client`; empty
    /// when the SDK built the HTTP client, which adds them itself.
    pub(crate) headers: Arc<HeaderMap>,
    /// The total timeout the HTTP client itself applies to each request
    /// (set when the SDK built that client, to the attempt timeout): an
    /// attempt with the same timeout needs no per-request one, which
    /// reqwest keeps in an extension map allocated per request.
    pub(crate) http_timeout: Option<Duration>,
    /// The hooks run around every request, in the order they were added
    /// (empty, hence free, unless the builder was given some).
    pub(crate) hooks: Arc<[Arc<dyn Hook>]>,
    /// Where the call loop reads the time.
    pub(crate) clock: Clock,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names only: the values hold the key.
        f.debug_struct("ClientState")
            .field("settings", &self.settings)
            .field("throttle", &self.throttle)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("hooks", &self.hooks.len())
            .field("clock", &self.clock)
            .finish()
    }
}

/// Adds the client's default headers (key, user agent, ...) that the
/// request does not set itself; the call loop does it for every call.
/// Empty, hence free, when the SDK built the HTTP client (which adds them).
pub(crate) fn add_default_headers(state: &ClientState, request: &mut reqwest::Request) {
    if state.headers.is_empty() {
        return;
    }
    let defaults = &state.headers;
    let headers = request.headers_mut();
    // (progenitor's `api-version` header is removed at generation:
    // generator/src/postprocess/request_parts.rs.)
    // One lookup per default header name; a name's values are adjacent.
    let mut defaults = defaults.iter().peekable();
    while let Some((name, value)) = defaults.next() {
        let same_name = |(n, _): &(&reqwest::header::HeaderName, _)| *n == name;
        match headers.entry(name) {
            reqwest::header::Entry::Vacant(slot) => {
                let mut slot = slot.insert_entry(value.clone());
                while let Some((_, more)) = defaults.next_if(same_name) {
                    slot.append(more.clone());
                }
            }
            reqwest::header::Entry::Occupied(_) => while defaults.next_if(same_name).is_some() {},
        }
    }
}
