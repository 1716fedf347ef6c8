//! The python-mock gate: the Python client openapi-python-client generates
//! from the exported spec makes one call per tag against braze-mock (the
//! `mock/` crate's binary), with the spec's examples, and must get the
//! documented status and a parsed success model; then a call without a key
//! (401) and one with a wrong field (400 naming it) must parse as BrazeError;
//! last, a paged list, a fault and a 429 are set through the mock's control
//! API (`/_mock/`). The calls are `mock/python/calls_per_tag.py`.

use std::process::Command;
use std::time::Duration;

use super::{SPEC_JSON, Tools, workdir};
use crate::process::{self, Server};

/// Builds the two test servers' binaries in one cargo invocation (the
/// contract gate's prism-contract and braze-mock), so that both gates share
/// one build with one feature set instead of compiling the common crates
/// twice.
pub fn build_binaries(log: &std::path::Path) -> Result<String, String> {
    process::run(
        Command::new(env!("CARGO")).args([
            "build",
            "--quiet",
            "-p",
            "braze-tests",
            "-p",
            "braze-mock",
            "--bin",
            "prism-contract",
            "--bin",
            "braze-mock",
        ]),
        log,
    )
}

pub fn python(tools: &Tools) -> Result<String, String> {
    let dir = workdir("python-mock")?;
    let client = dir.join("client");
    let log = process::run(
        tools
            .py("openapi-python-client")
            .args([
                "generate",
                "--path",
                SPEC_JSON,
                "--overwrite",
                "--output-path",
            ])
            .arg(&client),
        &dir.join("generate.log"),
    )?;
    if log.contains("Error(s) encountered") {
        return Err(format!(
            "openapi-python-client failed on {SPEC_JSON}:\n{}",
            process::tail(&log, 40)
        ));
    }
    build_binaries(&dir.join("build.log"))?;
    let port = process::free_port()?;
    let mock = Server::start(
        Command::new("target/debug/braze-mock").args(["--port", &port.to_string()]),
        &dir.join("braze-mock.log"),
        port,
        Duration::from_secs(30),
    )?;
    eprintln!("braze-mock: pid {} on 127.0.0.1:{port}", mock.pid());
    let result = process::run(
        tools
            .py("python")
            .arg("mock/python/calls_per_tag.py")
            .arg(SPEC_JSON)
            .arg(format!("http://127.0.0.1:{port}"))
            .env("PYTHONPATH", &client),
        &dir.join("calls.log"),
    );
    drop(mock);
    let text = result?;
    text.lines()
        .rfind(|l| l.starts_with("python-mock:"))
        .map(|l| l.trim_start_matches("python-mock:").trim().to_string())
        .ok_or_else(|| "calls_per_tag.py printed no summary line".to_string())
}
