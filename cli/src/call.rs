//! What the generated dispatcher (`generated/dispatch.rs`, from
//! `generator::dispatch`, target `CLI`) calls: the inputs of a call, the
//! conversions of JSON into the SDK's types (every input goes through them
//! before anything is sent), and the replies re-encoded as JSON.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use braze_sdk::batch::{Batchable, InputErrors};
use braze_sdk::serde_json::{self, Value};
use braze_sdk::{ResponseValue, stream::Items};
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::exit::{Class, Failure};

/// The inputs of one call: parameters by their spec name, and the body.
#[derive(Clone, Debug, Default)]
pub struct Call {
    pub params: BTreeMap<String, Value>,
    pub body: Option<Value>,
}

impl Call {
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.params.get(name)
    }
}

/// A successful call: the status, headers and the decoded body re-encoded.
#[derive(Debug)]
pub struct Reply {
    #[allow(dead_code)]
    pub status: u16,
    #[allow(dead_code)]
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// Why a call could not be made or did not succeed.
#[derive(Debug)]
pub enum CallError {
    UnknownOperation(String),
    NotAList(String),
    NotBatchable(String),
    /// A parameter does not convert into the SDK's type.
    Param {
        name: String,
        message: String,
    },
    /// The body does not convert into the SDK's type, at JSON path `path`.
    Body {
        path: String,
        message: String,
    },
    /// The SDK returned an error.
    Sdk(Failure),
}

impl CallError {
    /// The failure to report, naming flags by their `--flag` where the
    /// operation has one.
    pub fn into_failure(self, op: Option<&crate::table::Op>) -> Failure {
        match self {
            CallError::UnknownOperation(o) => Failure::internal(format!("no operation {o}")),
            CallError::NotAList(o) => {
                Failure::usage(format!("{o} is not a list operation: --all does not apply"))
            }
            CallError::NotBatchable(o) => Failure::usage(format!(
                "{o} has no batchable body: --records does not apply"
            )),
            CallError::Param { name, message } => {
                let flag = op.and_then(|o| o.flag_of(&name)).unwrap_or(&name);
                Failure::usage(format!("--{flag} (parameter {name}): {message}"))
            }
            CallError::Body { path, message } => {
                let top = path.split(['.', '[']).next().unwrap_or("");
                let flag = op
                    .and_then(|o| o.body.as_ref())
                    .and_then(|b| b.fields.iter().find(|f| f.name == top))
                    .map(|f| format!(" (--{})", f.flag))
                    .unwrap_or_default();
                Failure::usage(format!("body at `{path}`{flag}: {message}"))
            }
            CallError::Sdk(f) => f,
        }
    }
}

/// A parameter value as the SDK's type (a JSON string is also tried as the
/// JSON it spells, for numbers and booleans written as text).
pub fn arg<T: DeserializeOwned>(name: &str, v: &Value) -> Result<T, CallError> {
    T::deserialize(v)
        .or_else(|first| match v {
            Value::String(s) => serde_json::from_str::<T>(s).map_err(|_| first),
            _ => Err(first),
        })
        .map_err(|e| CallError::Param {
            name: name.to_string(),
            message: format!("{v} is not accepted: {e}"),
        })
}

/// The body as the SDK's typed body; an error names the JSON path.
pub fn typed_body<T: DeserializeOwned>(_operation: &str, v: &Value) -> Result<T, CallError> {
    // The plain decoder first (fast), the path-tracking one to explain.
    T::deserialize(v).or_else(|_| {
        serde_path_to_error::deserialize::<_, T>(v).map_err(|e| CallError::Body {
            path: e.path().to_string(),
            message: e.into_inner().to_string(),
        })
    })
}

/// `v` through the SDK's typed body and back to JSON: what `send()` puts
/// on the wire.
pub fn reencode<T: DeserializeOwned + Serialize>(
    operation: &str,
    v: &Value,
) -> Result<Value, CallError> {
    let typed: T = typed_body(operation, v)?;
    serde_json::to_value(&typed).map_err(|e| CallError::Body {
        path: ".".into(),
        message: e.to_string(),
    })
}

/// The class and message of an SDK error.
pub fn sdk_failure<E: Debug>(e: braze_sdk::Error<E>) -> Failure {
    use braze_sdk::Error as E;
    let status = e.status().map(|s| s.as_u16());
    let class = match &e {
        E::InvalidRequest(_) | E::RejectedValue(_) => Class::Usage,
        E::CommunicationError(_) | E::ResponseBodyError(_) => Class::Network,
        E::Throttled(_) => Class::RateLimited,
        E::InvalidResponsePayload(_) => Class::InvalidResponse,
        E::ErrorResponse(_) | E::UnexpectedResponse(_) => {
            status.map_or(Class::Internal, Class::of_status)
        }
        _ => Class::Internal,
    };
    let body = e
        .body()
        .and_then(|b| serde_json::from_slice::<Value>(b).ok());
    Failure {
        class,
        message: e.to_string(),
        status,
        body,
    }
}

pub fn reply_json<T: Serialize, E: Debug>(
    r: Result<ResponseValue<T>, braze_sdk::Error<E>>,
) -> Result<Reply, CallError> {
    let r = r.map_err(|e| CallError::Sdk(sdk_failure(e)))?;
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = serde_json::to_value(r.into_inner()).map_err(|e| {
        CallError::Sdk(Failure::internal(format!(
            "the decoded response does not encode: {e}"
        )))
    })?;
    Ok(Reply {
        status,
        headers,
        body,
    })
}

pub fn reply_unit<E: Debug>(
    r: Result<ResponseValue<()>, braze_sdk::Error<E>>,
) -> Result<Reply, CallError> {
    let r = r.map_err(|e| CallError::Sdk(sdk_failure(e)))?;
    Ok(Reply {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: Value::Null,
    })
}

/// A list's items as JSON, page after page (the SDK's stream, each item
/// re-encoded as it comes: nothing is collected).
pub type JsonItems<'a> =
    Pin<Box<dyn futures_util::Stream<Item = Result<Value, CallError>> + Send + 'a>>;

pub fn items<'a, T, E>(s: Items<'a, T, E>) -> JsonItems<'a>
where
    T: Serialize + Send + 'a,
    E: Debug + Send + 'a,
{
    Box::pin(s.map(|item| match item {
        Ok(item) => serde_json::to_value(&item).map_err(|e| {
            CallError::Sdk(Failure::internal(format!("an item does not encode: {e}")))
        }),
        Err(e) => Err(CallError::Sdk(sdk_failure(e))),
    }))
}

/// Braze's answer to one piece of a bulk run: its non-fatal `errors`.
#[derive(Debug)]
pub struct PieceReply {
    #[allow(dead_code)]
    pub status: u16,
    /// Each of the response's non-fatal errors, as JSON.
    pub errors: Vec<Value>,
}

/// One piece in flight.
pub type PieceFuture<'a> = Pin<Box<dyn Future<Output = Result<PieceReply, CallError>> + Send + 'a>>;

pub fn reply_piece<R: InputErrors, E: Debug>(
    r: Result<ResponseValue<R>, braze_sdk::Error<E>>,
) -> Result<PieceReply, CallError> {
    let r = r.map_err(|e| CallError::Sdk(sdk_failure(e)))?;
    let errors = r
        .input_errors()
        .iter()
        .filter_map(|e| serde_json::to_value(e).ok())
        .collect();
    Ok(PieceReply {
        status: r.status().as_u16(),
        errors,
    })
}

/// The sender of a batchable operation's pieces, and what splitting needs
/// of its body type (`Batchable`).
pub struct BulkOp<'a> {
    pub operation: &'static str,
    /// The body's splittable arrays and Braze's per-request limit of each.
    pub lists: &'static [(&'static str, usize)],
    /// Whether one request may carry several of the arrays.
    pub together: bool,
    /// One line through the typed body and back (the check of a line).
    pub check: fn(&str, &Value) -> Result<Value, CallError>,
    /// Sends one piece (converted into the typed body first).
    pub send: Box<dyn FnMut(Value) -> Result<PieceFuture<'a>, CallError> + Send + 'a>,
}

pub fn bulk_op<'a, B, F>(operation: &'static str, mut send: F) -> Result<BulkOp<'a>, CallError>
where
    B: Batchable + DeserializeOwned + Serialize + 'a,
    F: FnMut(B) -> Result<PieceFuture<'a>, CallError> + Send + 'a,
{
    Ok(BulkOp {
        operation,
        lists: B::LISTS,
        together: B::LISTS_TOGETHER,
        check: reencode::<B>,
        send: Box::new(move |piece: Value| {
            let body: B = typed_body(operation, &piece)?;
            send(body)
        }),
    })
}

/// A required parameter as the SDK's type; missing is a usage error
/// naming it (clap checks required flags first, so this is a safety net).
pub fn required_arg<T: DeserializeOwned>(
    _operation: &str,
    name: &str,
    call: &Call,
) -> Result<T, CallError> {
    let v = call.param(name).ok_or_else(|| CallError::Param {
        name: name.to_string(),
        message: "is required".into(),
    })?;
    arg(name, v)
}

/// The required body as the SDK's typed body.
pub fn required_body<T: DeserializeOwned>(operation: &str, call: &Call) -> Result<T, CallError> {
    let v = call.body.as_ref().ok_or_else(|| CallError::Body {
        path: ".".into(),
        message: "a request body is required (--body FILE)".into(),
    })?;
    typed_body(operation, v)
}
