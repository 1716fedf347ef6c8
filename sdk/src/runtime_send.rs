//! The end of every generated `send()`: hooks, execution (throttle,
//! retries, deadline, tracing), then the response by status.
//!
//! The generator replaces progenitor's per-operation copy of this code by a
//! call here (see `generator/src/postprocess/send_tail.rs`): one generic
//! function is type-checked once instead of 132 times. `errors` lists the
//! statuses the spec documents for the operation, as inclusive ranges.

use serde::de::DeserializeOwned;

use crate::runtime::{ClientHooks, Error, OperationInfo, ResponseValue};

/// A 2xx decodes as `T`; a documented error status as
/// `Error::ErrorResponse(E)`; any other status is
/// `Error::UnexpectedResponse`, which keeps the status, headers and body.
///
/// One async fn, without nested helper futures: every level of nesting
/// adds its arguments to the size of each operation's future (a nested
/// version made them 12% larger).
// Unused only when no feature is enabled (no operation at all).
#[allow(dead_code)]
pub(crate) async fn finish<T: DeserializeOwned, E: DeserializeOwned>(
    client: &crate::Client,
    mut request: reqwest::Request,
    info: OperationInfo,
    errors: &'static [(u16, u16)],
) -> Result<ResponseValue<T>, Error<E>> {
    client.pre(&mut request, &info).await?;
    let result = client.exec(request, &info).await;
    client.post(&result, &info).await?;
    let exchange = result?;
    let status = exchange.status().as_u16();
    if (200..=299).contains(&status) {
        ResponseValue::from_exchange(exchange)
    } else if documented(errors, status) {
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
    mut request: reqwest::Request,
    info: OperationInfo,
    errors: &'static [(u16, u16)],
) -> Result<ResponseValue<()>, Error<E>> {
    client.pre(&mut request, &info).await?;
    let result = client.exec(request, &info).await;
    client.post(&result, &info).await?;
    let exchange = result?;
    let status = exchange.status().as_u16();
    if (200..=299).contains(&status) {
        Ok(ResponseValue::empty_exchange(exchange))
    } else if documented(errors, status) {
        Err(Error::ErrorResponse(ResponseValue::from_exchange(
            exchange,
        )?))
    } else {
        Err(Error::unexpected_exchange(exchange))
    }
}

fn documented(errors: &[(u16, u16)], status: u16) -> bool {
    errors.iter().any(|&(lo, hi)| (lo..=hi).contains(&status))
}
