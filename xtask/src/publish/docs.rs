//! The browsable reference: Redocly `build-docs --inlineBundle` into one
//! self-contained HTML file (no CDN: scripts and styles inline), opened in
//! headless Chromium by tools/publish/reference-check.js, which expands the
//! sidebar, lists its operation links, records every request the page makes
//! and takes a screenshot; every operation must be listed, no request may
//! leave the file.

use std::fs;

use super::clients::operation_ids;
use super::{SPEC_YAML, Tools, workdir};
use crate::process;

/// Where the built reference and its screenshot are written.
pub const REFERENCE_HTML: &str = "target/publish/docs/braze-reference.html";
pub const SCREENSHOT: &str = "target/publish/docs/braze-reference.png";

pub fn run(tools: &Tools) -> Result<String, String> {
    let dir = workdir("docs")?;
    process::run(
        tools
            .node("redocly")
            .args([
                "build-docs",
                SPEC_YAML,
                "--inlineBundle",
                "--output",
                REFERENCE_HTML,
            ])
            .args(["--config", "tools/redocly/redocly.yaml"])
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
        &dir.join("build-docs.log"),
    )?;
    let html =
        fs::read_to_string(REFERENCE_HTML).map_err(|e| format!("no {REFERENCE_HTML}: {e}"))?;
    if let Some(remote) = remote_asset(&html) {
        return Err(format!("{REFERENCE_HTML} loads a remote asset: {remote}"));
    }
    let found_file = dir.join("operations.json");
    process::run(
        tools
            .node_script("reference-check.js")
            .args([REFERENCE_HTML, SCREENSHOT])
            .arg(&found_file),
        &dir.join("reference-check.log"),
    )?;
    let found: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(&found_file)
            .map_err(|e| format!("no {}: {e}", found_file.display()))?,
    )
    .map_err(|e| format!("{}: {e}", found_file.display()))?;
    let strings = |key: &str| -> Vec<String> {
        found[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    let remote = strings("remote");
    if !remote.is_empty() {
        return Err(format!(
            "the reference page requested remote URLs: {remote:?}"
        ));
    }
    let errors = strings("errors");
    if !errors.is_empty() {
        return Err(format!("the reference page raised errors: {errors:?}"));
    }
    let listed = strings("operations");
    let ids = operation_ids()?;
    let missing: Vec<&String> = ids.iter().filter(|id| !listed.contains(id)).collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} of {} operations missing from the rendered operation list (see {}): {:?}",
            missing.len(),
            ids.len(),
            found_file.display(),
            missing.iter().take(10).collect::<Vec<_>>()
        ));
    }
    let shot = fs::metadata(SCREENSHOT).map_err(|e| format!("no screenshot: {e}"))?;
    if shot.len() < 10_000 {
        return Err(format!(
            "{SCREENSHOT} is only {} bytes: blank page?",
            shot.len()
        ));
    }
    Ok(format!(
        "{REFERENCE_HTML} ({} KiB, no remote requests), all {} operations in the rendered list, screenshot {SCREENSHOT}",
        html.len() / 1024,
        ids.len()
    ))
}

/// The first `src=`/`href=` of a script, stylesheet or font that is not inline.
fn remote_asset(html: &str) -> Option<String> {
    for tag in ["<script", "<link"] {
        for (i, _) in html.match_indices(tag) {
            let end = html[i..].find('>').map_or(html.len(), |e| i + e);
            let t = &html[i..end];
            if t.contains("src=\"http")
                || t.contains("src=\"//")
                || (tag == "<link" && (t.contains("href=\"http") || t.contains("href=\"//")))
            {
                return Some(t.chars().take(200).collect());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::remote_asset;

    #[test]
    fn finds_cdn_scripts_and_stylesheets() {
        assert!(remote_asset(r#"<script src="https://cdn.x/redoc.js"></script>"#).is_some());
        assert!(remote_asset(r#"<link rel="stylesheet" href="//fonts.x/css">"#).is_some());
        assert!(
            remote_asset(r#"<script>var a = "src=\"http";</script><a href="https://x">"#).is_none()
        );
    }
}
