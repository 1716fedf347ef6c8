//! `real-answers`: what Braze really answers, decoded by the Python clients
//! the `python-client` and `generator-python` gates generated, through each
//! client's own response parsing (`tools/python/real_answers.py` says what
//! is decoded and how). The corpus of recorded answers is
//! `tests/real_answers/` (provenance and licence in its README).

use std::path::Path;

use super::{SPEC_JSON, Tools, workdir};
use crate::process;

/// Where the two client gates leave what this gate decodes with.
const PYTHON_CLIENT_SITE: &str = "target/publish/python-client/site";
const GENERATOR_PYTHON_OUT: &str = "target/publish/generator-python/out";
const CORPUS: &str = "tests/real_answers";

pub fn run(tools: &Tools) -> Result<String, String> {
    for (dir, gate) in [
        (PYTHON_CLIENT_SITE, "python-client"),
        (GENERATOR_PYTHON_OUT, "generator-python"),
    ] {
        if !Path::new(dir).is_dir() {
            return Err(format!(
                "{dir} is missing: the {gate} gate must pass first (publish-check runs it before this gate)"
            ));
        }
    }
    let dir = workdir("real-answers")?;
    let log = process::run(
        tools
            .py("python")
            .arg("tools/python/real_answers.py")
            .args(["--spec", SPEC_JSON, "--corpus", CORPUS])
            .args(["--python-client-site", PYTHON_CLIENT_SITE])
            .args(["--generator-python-out", GENERATOR_PYTHON_OUT]),
        &dir.join("real-answers.log"),
    )?;
    let summary = log.lines().last().unwrap_or("").trim();
    if !summary.ends_with("s") || !summary.contains(": 0 failure(s)") {
        return Err(format!("unexpected output:\n{}", process::tail(&log, 20)));
    }
    Ok(summary.to_string())
}
