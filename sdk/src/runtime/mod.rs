//! The runtime the generated client calls into, and the contract between
//! the two.
//!
//! # The contract
//!
//! The generated code (`sdk/src/generated/`, written by the generator from
//! progenitor's output; never edited by hand) relies on exactly this:
//!
//! * **Its imports.** The generated `client.rs` imports [`ClientInfo`],
//!   [`Error`], [`ResponseValue`], [`OperationInfo`] and `encode_path` from
//!   here (the generator's `imports` rewrite points progenitor's
//!   `progenitor_client::{..}` imports at this module and drops the names
//!   the SDK does not offer). Query parameters still go through
//!   `progenitor_client::QueryParam`, a private dependency.
//! * **The client.** `Client` has `baseurl`, `client` (the
//!   `reqwest::Client`) and `inner` ([`ClientState`]: settings, throttle,
//!   default headers, hooks), and implements [`ClientInfo`], which is all
//!   `finish` uses of it (so the generator's golden clients, each
//!   fixture's `Client` a type of its own, compile against this runtime in
//!   the unit tests: `tests/fixtures/lowering/golden/clients.rs`).
//! * **A builder's `send()`** converts its arguments (a failed conversion or
//!   a missing required value is `Error::InvalidRequest(reason)`, before
//!   anything is sent), builds one `reqwest::Request` (URL with
//!   `encode_path`d path segments, query, `Accept`, JSON body encoded by
//!   `json_body`, where a value a setter rejected is
//!   `Error::RejectedValue`), and ends
//!   with one call:
//!   `runtime::finish::<T, E>(client, request, OperationInfo { operation_id },
//!   &[documented error statuses])`, or `finish_empty` when the success
//!   has no body. The operation id must be one of
//!   [`crate::operation::OPERATIONS`]: it selects the rate-limit bucket, the
//!   method and path template of the report and the retry opt-ins.
//! * **What the runtime does with it** (`call`, `response`): adds the
//!   client's default headers, runs the [hooks](crate::hook), waits for the
//!   throttle, sends attempts (each bounded by the attempt timeout and the
//!   call's deadline, its body read to the end), retries as the
//!   [`crate::RetryPolicy`] decides (`decide`), then decodes by status:
//!   any 2xx as `T`, a documented error status as `Error::ErrorResponse(E)`,
//!   anything else as `Error::UnexpectedResponse`. Every result carries a
//!   [`CallReport`].
//!
//! `prepared.rs` (`Client::send_prepared`) uses the same two steps (`send`
//! then `by_status`) with the success statuses its request carries;
//! [`crate::Client::send_request`] sends any request through the same call
//! loop and returns whatever came back, undecoded.
//!
//! # Where each job lives
//!
//! | file | job |
//! |---|---|
//! | `runtime/mod.rs` | this contract: the names the generated code uses, `finish` |
//! | `runtime/state.rs` | [`ClientState`]: what every clone of a client shares (settings, throttle, default headers, hooks, clock) |
//! | `runtime/call.rs` | the call loop: throttle, attempts, waits, tracing, hooks |
//! | `runtime/attempt.rs` | one attempt on the wire: send, read the whole body, classify a failure |
//! | `runtime/decide.rs` | the pure retry decision of one attempt's outcome |
//! | `runtime/response.rs` | decoding a response by status into [`ResponseValue`] or [`Error`] |
//! | `runtime/report.rs` | [`CallReport`] and [`GaveUp`]: what happened during a call |
//! | `runtime/clock.rs` | [`Clock`]: the one place the runtime reads the time |
//! | [`crate::retry`] | the retry policy and the one classification of failures |
//! | [`crate::throttle`] | the client-side rate-limit buckets |
//! | [`crate::error`] | the error type and its messages |

use serde::de::DeserializeOwned;

mod attempt;
pub(crate) mod call;
mod clock;
pub(crate) mod decide;
pub(crate) mod report;
pub(crate) mod response;
mod state;

pub use crate::error::{
    BodyError, CommunicationError, Error, InvalidPayload, RejectedValue, Throttled,
    UnexpectedResponse,
};
pub use clock::Clock;
pub use report::{CallReport, GaveUp};
pub use response::ResponseValue;
pub use state::ClientState;

pub(crate) use call::send;
pub(crate) use response::by_status;
pub(crate) use state::Settings;

/// Percent-encodes one path segment (the generated URLs' path parameters).
pub(crate) use progenitor_client::encode_path;

/// Identifies the operation a request belongs to (its spec `operationId`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    pub operation_id: &'static str,
}

/// What the generated client knows about itself.
pub trait ClientInfo<Inner> {
    /// The spec's `info.version`.
    fn api_version() -> &'static str;
    /// Base URL of the REST instance.
    fn baseurl(&self) -> &str;
    /// The HTTP client requests go through.
    fn client(&self) -> &reqwest::Client;
    /// The SDK's per-client state.
    fn inner(&self) -> &Inner;
}

/// A request body as JSON, for every generated `send()` (the generator's
/// `request_parts` rewrite puts it where progenitor wrote `.json(&body)`)
/// and prepared requests. A value a setter kept as rejected
/// ([`crate::Checked`]) fails the encoding: that is
/// [`Error::RejectedValue`], naming the field's path, before anything is
/// sent. The path is looked for only when the plain encoding failed, so a
/// body that encodes costs nothing more.
pub(crate) fn json_body<B: serde::Serialize + ?Sized>(body: &B) -> Result<Vec<u8>, RejectedValue> {
    serde_json::to_vec(body).map_err(|plain| {
        // A rejected value, located by its marker (the full path, also
        // below an `Option`); another encoding failure through
        // serde_path_to_error.
        let (path, reason) = braze_sdk_types::checked::locate_rejected(body).unwrap_or_else(|| {
            let mut sink = Vec::new();
            match serde_path_to_error::serialize(body, &mut serde_json::Serializer::new(&mut sink))
            {
                Err(e) => (e.path().to_string(), e.inner().to_string()),
                Ok(()) => (".".to_string(), plain.to_string()),
            }
        });
        RejectedValue { path, reason }
    })
}

/// The end of every generated `send()`: the call (`send`), then the
/// response by status: a 2xx decodes as `T`; a status of `errors` (the
/// documented error statuses, inclusive ranges) as
/// `Error::ErrorResponse(E)`; any other is `Error::UnexpectedResponse`.
///
/// One generic function, type-checked once instead of once per operation
/// (the generator's `send_tail` rewrite). One async fn, without nested
/// helper futures: each level of nesting adds its arguments to the size of
/// every operation's future.
// Unused only when no feature is enabled (no operation at all).
#[allow(dead_code)]
pub(crate) async fn finish<T: DeserializeOwned, E: DeserializeOwned>(
    client: &impl ClientInfo<ClientState>,
    request: reqwest::Request,
    info: OperationInfo,
    errors: &'static [(u16, u16)],
) -> Result<ResponseValue<T>, Error<E>> {
    let exchange = send(client, request, &info).await?;
    by_status(exchange, &[(200, 299)], errors)
}

impl crate::Client {
    /// Sends a request built by hand (a path the SDK has no method for yet)
    /// through the client's call loop: key and default headers, hooks,
    /// throttle, retries and deadline, as operation `operation_id` (its
    /// rate-limit bucket and retry rules; an id the spec does not have counts
    /// in the `default` bucket and is retried like any request of its
    /// method). Any status is returned, with the raw body, undecoded; an
    /// error is a call that got no whole response.
    ///
    /// ```no_run
    /// # async fn run(client: braze_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let url = format!("{}/catalogs", client.base_url());
    /// let request = client.http_client().get(url).build()?;
    /// let response = client.send_request(request, "catalogs_list").await?;
    /// println!("{} {}", response.status(), String::from_utf8_lossy(&response));
    /// # Ok(()) }
    /// ```
    pub async fn send_request(
        &self,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> Result<ResponseValue<bytes::Bytes>, Error> {
        let exchange = send(self, request, &OperationInfo { operation_id }).await?;
        Ok(ResponseValue::raw_exchange(exchange))
    }

    /// The HTTP client this client sends through (to build a request for
    /// [`crate::Client::send_request`]).
    pub fn http_client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// `finish` for an operation whose success has no body.
// Only bodiless operations (SCIM's delete) call it.
#[allow(dead_code)]
pub(crate) async fn finish_empty<E: DeserializeOwned>(
    client: &impl ClientInfo<ClientState>,
    request: reqwest::Request,
    info: OperationInfo,
    errors: &'static [(u16, u16)],
) -> Result<ResponseValue<()>, Error<E>> {
    let exchange = send(client, request, &info).await?;
    response::by_status_empty(exchange, errors)
}
