//! The end of every generated `send()`: execution (default headers,
//! throttle, retries, deadline, tracing), then the response by status.
//!
//! The generator replaces progenitor's per-operation copy of this code by a
//! call here (see `generator/src/postprocess/send_tail.rs`): one generic
//! function is type-checked once instead of 132 times. `errors` lists the
//! statuses the spec documents for the operation, as inclusive ranges.

use serde::de::DeserializeOwned;

use crate::runtime::{Error, OperationInfo, ResponseValue};

/// A 2xx decodes as `T`; a documented error status as
/// `Error::ErrorResponse(E)`; any other status is
/// `Error::UnexpectedResponse`, which keeps the status, headers and body.
///
/// One async fn, without nested helper futures: every level of nesting
/// adds its arguments to the size of each operation's future (a nested
/// version made them 12% larger). For the same reason it awaits the call
/// itself, not the `pre`/`exec`/`post` hooks in turn (the request and the
/// result would each take a slot of their own beside the call's future).
// Unused only when no feature is enabled (no operation at all).
#[allow(dead_code)]
pub(crate) async fn finish<T: DeserializeOwned, E: DeserializeOwned>(
    client: &crate::Client,
    request: reqwest::Request,
    info: OperationInfo,
    errors: &'static [(u16, u16)],
) -> Result<ResponseValue<T>, Error<E>> {
    let exchange = crate::execute::execute(client, request, &info).await?;
    by_status(exchange, &[(200, 299)], errors)
}

/// The response by status: one of `success` decodes as `T`, one of
/// `errors` as `Error::ErrorResponse(E)`, any other is
/// `Error::UnexpectedResponse`. Shared by [`finish`] and
/// `Client::send_prepared`, whose success statuses come with the request.
// The error keeps the whole response: see `runtime::RequestBuilderExt`.
#[allow(clippy::result_large_err)]
pub(crate) fn by_status<T: DeserializeOwned, E: DeserializeOwned>(
    exchange: crate::execute::Exchange,
    success: &[(u16, u16)],
    errors: &[(u16, u16)],
) -> Result<ResponseValue<T>, Error<E>> {
    let status = exchange.status().as_u16();
    if listed(success, status) {
        ResponseValue::from_exchange(exchange)
    } else if listed(errors, status) {
        Err(Error::ErrorResponse(ResponseValue::from_exchange(
            exchange,
        )?))
    } else {
        Err(Error::unexpected_exchange(exchange))
    }
}

/// [`finish`] for an operation whose success has no body.
// Only bodiless operations (SCIM's delete) call it.
#[allow(dead_code)]
pub(crate) async fn finish_empty<E: DeserializeOwned>(
    client: &crate::Client,
    request: reqwest::Request,
    info: OperationInfo,
    errors: &'static [(u16, u16)],
) -> Result<ResponseValue<()>, Error<E>> {
    let exchange = crate::execute::execute(client, request, &info).await?;
    let status = exchange.status().as_u16();
    if (200..=299).contains(&status) {
        Ok(ResponseValue::empty_exchange(exchange))
    } else if listed(errors, status) {
        Err(Error::ErrorResponse(ResponseValue::from_exchange(
            exchange,
        )?))
    } else {
        Err(Error::unexpected_exchange(exchange))
    }
}

fn listed(ranges: &[(u16, u16)], status: u16) -> bool {
    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&status))
}
