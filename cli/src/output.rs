//! JSON on stdout: pretty on a terminal, one line when piped; one line per
//! item for `--all` (NDJSON). A closed pipe (`braze ... | head`) ends the
//! output quietly.

use std::io::{IsTerminal, Write};

use braze_sdk::serde_json::{self, Value};

use crate::exit::Failure;

/// Whether stdout is a terminal (pretty JSON) or not (one line).
pub fn pretty() -> bool {
    std::io::stdout().is_terminal()
}

/// The outcome of a write: `Err(true)` when the reader went away.
fn write_line(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure {
            class: crate::exit::Class::Internal,
            message: BROKEN_PIPE.into(),
            status: None,
            body: None,
        }),
        Err(e) => Err(Failure::internal(format!("cannot write to stdout: {e}"))),
    }
}

/// The message of the failure a closed stdout turns into (exits 0, silent).
pub const BROKEN_PIPE: &str = "stdout closed";

/// One JSON document, pretty on a terminal.
pub fn document(v: &Value) -> Result<(), Failure> {
    let text = if pretty() {
        serde_json::to_string_pretty(v)
    } else {
        serde_json::to_string(v)
    }
    .map_err(|e| Failure::internal(e.to_string()))?;
    write_line(&text)
}

/// One JSON value on one line (NDJSON).
pub fn line(v: &Value) -> Result<(), Failure> {
    let text = serde_json::to_string(v).map_err(|e| Failure::internal(e.to_string()))?;
    write_line(&text)
}
