//! Requests serialised once, cheap to send again.
//!
//! A generated builder takes its body by value and serialises it at each
//! `send()`, so sending the same body twice (a retry by hand, the same
//! message to several workspaces, a benchmark) costs a deep clone plus a
//! serialisation each time. A [`Prepared`] request holds the body as JSON
//! bytes in a shared buffer: cloning or sending it again copies a pointer.
//!
//! ```no_run
//! # async fn run(client: braze_sdk::Client, body: braze_sdk::types::UsersTrackRequest)
//! # -> Result<(), braze_sdk::ApiError> {
//! let request = braze_sdk::prepared::users_track(&body)?;
//! let first = client.send_prepared(&request).await?;
//! let again = client.send_prepared(&request).await?; // no clone, no re-encoding
//! # Ok(()) }
//! ```
//!
//! The constructors (one per operation with a JSON body and no query or
//! header parameters, generated into `sdk/src/generated/prepared.rs`) take
//! the operation's path parameters and body; the request goes through the
//! same hooks as the builders' `send()` (authentication, retries, rate-limit
//! waits) and its answer is decoded the same way: a documented success
//! status as `R`, a documented error status as `Error::ErrorResponse`,
//! anything else as `Error::UnexpectedResponse`.

use std::marker::PhantomData;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::runtime::{ClientInfo, Error, OperationInfo, ResponseValue};
use crate::types::BrazeError;

/// A request of operation `operation_id` whose body is already JSON.
/// Cheap to clone; decodes its answer as `R`.
pub struct Prepared<R> {
    operation_id: &'static str,
    method: reqwest::Method,
    path: String,
    body: Bytes,
    success: &'static [(u16, u16)],
    documented_errors: &'static [(u16, u16)],
    response: PhantomData<fn() -> R>,
}

impl<R> Clone for Prepared<R> {
    fn clone(&self) -> Self {
        Self {
            operation_id: self.operation_id,
            method: self.method.clone(),
            path: self.path.clone(),
            body: self.body.clone(),
            success: self.success,
            documented_errors: self.documented_errors,
            response: PhantomData,
        }
    }
}

impl<R> std::fmt::Debug for Prepared<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("operation_id", &self.operation_id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl<R> Prepared<R> {
    #[doc(hidden)]
    pub fn new<B: Serialize>(
        operation_id: &'static str,
        method: &'static str,
        path: String,
        body: &B,
        success: &'static [(u16, u16)],
        documented_errors: &'static [(u16, u16)],
    ) -> Result<Self, Error<BrazeError>> {
        let body = crate::runtime::json_body(body)?;
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        Ok(Self {
            operation_id,
            method,
            path,
            body: Bytes::from(body),
            success,
            documented_errors,
            response: PhantomData,
        })
    }

    /// The JSON body as it will be sent.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The path, with its parameters filled in.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl crate::Client {
    /// Sends a [`Prepared`] request; it can be sent again.
    pub async fn send_prepared<R: DeserializeOwned>(
        &self,
        request: &Prepared<R>,
    ) -> Result<ResponseValue<R>, Error<BrazeError>> {
        let url = format!("{}{}", self.baseurl(), request.path);
        let json = HeaderValue::from_static("application/json");
        let built = self
            .client()
            .request(request.method.clone(), url)
            .header(ACCEPT, json.clone())
            .header(CONTENT_TYPE, json)
            .body(request.body.clone())
            .build()?;
        let info = OperationInfo {
            operation_id: request.operation_id,
        };
        let exchange = crate::runtime::send(self, built, &info).await?;
        crate::runtime::by_status(exchange, request.success, request.documented_errors)
    }
}

// Empty when the enabled features have no operation with a JSON body.
#[allow(unused_imports)]
pub use crate::generated::prepared::*;
