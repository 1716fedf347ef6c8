//! Exit codes by class of failure, and the one-line error on stderr.
//!
//! | code | class | when |
//! | --- | --- | --- |
//! | 0 | ok | success; a bulk run whose every line was accepted |
//! | 1 | internal | a bug or an I/O failure of the tool itself |
//! | 2 | usage | bad command line, a flag or body that does not fit the spec |
//! | 3 | config | no API key, unreadable config, 401 or 403 from Braze |
//! | 4 | not_found | 404 |
//! | 5 | rate_limited | 429 after the retries, or the throttle would wait past the deadline |
//! | 6 | refused | another 4xx: Braze refused the request |
//! | 7 | server | 5xx after the retries |
//! | 8 | network | no response: connection, timeout, deadline |
//! | 9 | invalid_response | a 2xx whose body does not match the spec |
//! | 10 | partial | bulk: some lines were rejected, failed or malformed |
//! | 130 | interrupted | bulk stopped by Ctrl-C (summary and rejects written) |

use braze_sdk::serde_json::{Value, json};

/// A class of outcome, with its exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Ok,
    Internal,
    Usage,
    Config,
    NotFound,
    RateLimited,
    Refused,
    Server,
    Network,
    InvalidResponse,
    Partial,
    Interrupted,
}

impl Class {
    pub fn code(self) -> u8 {
        match self {
            Class::Ok => 0,
            Class::Internal => 1,
            Class::Usage => 2,
            Class::Config => 3,
            Class::NotFound => 4,
            Class::RateLimited => 5,
            Class::Refused => 6,
            Class::Server => 7,
            Class::Network => 8,
            Class::InvalidResponse => 9,
            Class::Partial => 10,
            Class::Interrupted => 130,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Class::Ok => "ok",
            Class::Internal => "internal",
            Class::Usage => "usage",
            Class::Config => "config",
            Class::NotFound => "not_found",
            Class::RateLimited => "rate_limited",
            Class::Refused => "refused",
            Class::Server => "server",
            Class::Network => "network",
            Class::InvalidResponse => "invalid_response",
            Class::Partial => "partial",
            Class::Interrupted => "interrupted",
        }
    }

    /// The class of an HTTP error status.
    pub fn of_status(status: u16) -> Class {
        match status {
            401 | 403 => Class::Config,
            404 => Class::NotFound,
            429 => Class::RateLimited,
            500..=599 => Class::Server,
            200..=299 => Class::InvalidResponse,
            _ => Class::Refused,
        }
    }
}

/// A failure the tool reports and exits with.
#[derive(Debug)]
pub struct Failure {
    pub class: Class,
    pub message: String,
    /// The HTTP status, when the failure comes from a response.
    pub status: Option<u16>,
    /// What Braze sent, as JSON when it was JSON.
    pub body: Option<Value>,
}

impl Failure {
    pub fn new(class: Class, message: impl Into<String>) -> Self {
        Failure {
            class,
            message: message.into(),
            status: None,
            body: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(Class::Usage, message)
    }

    pub fn config(message: impl Into<String>) -> Self {
        Failure::new(Class::Config, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Failure::new(Class::Internal, message)
    }
}

/// How errors are printed on stderr.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ErrorFormat {
    /// `braze: error (not_found): ...`, one line.
    #[default]
    Text,
    /// `{"error": {"class": ..., "exit_code": ..., "message": ...}}`, one line.
    Json,
}

/// The failure as the one line printed on stderr (no newline).
pub fn render(failure: &Failure, format: ErrorFormat) -> String {
    // One line whatever the message holds.
    let message = failure.message.replace(['\n', '\r'], " ");
    match format {
        ErrorFormat::Text => format!("braze: error ({}): {message}", failure.class.name()),
        ErrorFormat::Json => {
            let mut error = json!({
                "class": failure.class.name(),
                "exit_code": failure.class.code(),
                "message": message,
            });
            if let Some(status) = failure.status {
                error["status"] = json!(status);
            }
            if let Some(body) = &failure.body {
                error["body"] = body.clone();
            }
            json!({ "error": error }).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_one_line_in_both_formats() {
        let mut f = Failure::new(Class::NotFound, "GET /x: 404\nNot Found");
        f.status = Some(404);
        let text = render(&f, ErrorFormat::Text);
        assert_eq!(text, "braze: error (not_found): GET /x: 404 Not Found");
        let json: Value = braze_sdk::serde_json::from_str(&render(&f, ErrorFormat::Json)).unwrap();
        assert_eq!(json["error"]["exit_code"], 4);
        assert_eq!(json["error"]["status"], 404);
        assert!(!render(&f, ErrorFormat::Json).contains('\n'));
    }

    #[test]
    fn statuses_map_to_classes() {
        assert_eq!(Class::of_status(401), Class::Config);
        assert_eq!(Class::of_status(403), Class::Config);
        assert_eq!(Class::of_status(404), Class::NotFound);
        assert_eq!(Class::of_status(429), Class::RateLimited);
        assert_eq!(Class::of_status(400), Class::Refused);
        assert_eq!(Class::of_status(503), Class::Server);
    }
}
