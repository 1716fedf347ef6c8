//! Lint gates: Spectral and Redocly on both exported files.

use std::path::Path;

use super::{SPEC_JSON, SPEC_YAML, Tools, workdir};
use crate::process;

/// Spectral twice: with the project ruleset (spectral:oas and the project's
/// rules), and with [`DEFAULT_RULESET`], spectral:oas alone, as a user
/// without our rules runs it. Any warning under either fails.
pub fn spectral(tools: &Tools) -> Result<String, String> {
    let dir = workdir("spectral")?;
    for (ruleset, log) in [
        (PROJECT_RULESET, "spectral.log"),
        (DEFAULT_RULESET, "spectral-default.log"),
    ] {
        let text = process::run(
            tools
                .node("spectral")
                .args(["lint", "--ruleset", ruleset])
                .args(["--fail-severity", "warn", "--display-only-failures"])
                .args([SPEC_JSON, SPEC_YAML]),
            &dir.join(log),
        )?;
        if !text.contains("No results with a severity of 'warn' or higher found") {
            return Err(format!(
                "spectral ({ruleset}) printed no clean result:\n{text}"
            ));
        }
    }
    Ok(format!(
        "0 errors, 0 warnings on {SPEC_JSON} and {SPEC_YAML} with {PROJECT_RULESET} and with spectral:oas alone ({DEFAULT_RULESET})"
    ))
}

/// spectral:oas plus the project's rules.
const PROJECT_RULESET: &str = "tools/spectral/.spectral.yaml";
/// spectral:oas and nothing else.
const DEFAULT_RULESET: &str = "tools/spectral/default.spectral.yaml";

/// Redocly lint with `recommended`: 0 errors; warnings are counted and listed.
pub fn redocly(tools: &Tools) -> Result<String, String> {
    let dir = workdir("redocly")?;
    let mut warnings = 0;
    for spec in [SPEC_JSON, SPEC_YAML] {
        let name = Path::new(spec)
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        let text = process::run(
            tools
                .node("redocly")
                .args(["lint", "--config", "tools/redocly/redocly.yaml", spec])
                .env("REDOCLY_TELEMETRY", "off")
                .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
            &dir.join(format!("{name}.log")),
        )?;
        if !text.contains("Your API description is valid") {
            return Err(format!("redocly did not call {spec} valid:\n{text}"));
        }
        warnings += count_after(&text, "You have ", " warning");
    }
    if warnings > 0 {
        eprintln!("redocly: {warnings} warning(s); see target/publish/redocly/*.log");
    }
    Ok(format!(
        "0 errors, {warnings} warnings on {SPEC_JSON} and {SPEC_YAML} (recommended)"
    ))
}

/// The number in "`prefix`N`suffix`", or 0.
pub fn count_after(text: &str, prefix: &str, suffix: &str) -> usize {
    text.lines()
        .filter_map(|l| l.split_once(prefix))
        .filter_map(|(_, rest)| rest.split_once(suffix))
        .filter_map(|(n, _)| n.trim().parse::<usize>().ok())
        .sum()
}
