//! `cargo xtask publish-check`: the exported spec (spec/dist/) through the
//! OpenAPI world's tools, one gate each, each printing one summary line.
//!
//! The tools are pinned by the project's own files and installed (or found
//! cached) by `tools/install` before the gates run; each gate works in
//! `target/publish/<gate>/`, which it empties first.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod clients;
mod contract;
mod docs;
mod lint;
mod mock;
mod python_types;
mod real_answers;

pub const SPEC_JSON: &str = "spec/dist/braze.json";
pub const SPEC_YAML: &str = "spec/dist/braze.yaml";

/// One gate of `publish-check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Gate {
    /// Spectral (spectral:oas + tools/spectral/.spectral.yaml) on JSON and YAML.
    Spectral,
    /// Redocly lint (recommended, tools/redocly/redocly.yaml) on JSON and YAML.
    Redocly,
    /// openapi-python-client: generate, build a wheel, import, mypy --strict a usage file.
    PythonClient,
    /// The openapi-python-client client, one call per tag against braze-mock.
    PythonMock,
    /// openapi-generator `python`: generate and import.
    GeneratorPython,
    /// Spec examples and recorded Braze answers (tests/real_answers/), other
    /// 2xx statuses and unknown enum values, decoded by both Python clients
    /// (runs python-client and generator-python first).
    RealAnswers,
    /// openapi-generator `typescript-fetch`: generate, tsc --strict, npm pack.
    GeneratorTypescript,
    /// Every operation through braze-sdk against a Prism mock of the spec.
    Contract,
    /// Self-contained Redocly reference, screenshot and operation list in headless Chromium.
    Docs,
}

impl Gate {
    const ALL: [Gate; 9] = [
        Gate::Spectral,
        Gate::Redocly,
        Gate::PythonClient,
        Gate::PythonMock,
        Gate::GeneratorPython,
        Gate::RealAnswers,
        Gate::GeneratorTypescript,
        Gate::Contract,
        Gate::Docs,
    ];

    fn name(self) -> &'static str {
        match self {
            Gate::Spectral => "spectral",
            Gate::Redocly => "redocly",
            Gate::PythonClient => "python-client",
            Gate::PythonMock => "python-mock",
            Gate::GeneratorPython => "generator-python",
            Gate::RealAnswers => "real-answers",
            Gate::GeneratorTypescript => "generator-typescript",
            Gate::Contract => "contract",
            Gate::Docs => "docs",
        }
    }
}

/// Where the pinned tools are, relative to the repository root.
pub struct Tools {
    pub node_bin: PathBuf,
    pub venv_bin: PathBuf,
}

impl Tools {
    fn new() -> Self {
        Tools {
            node_bin: PathBuf::from("tools/publish/node_modules/.bin"),
            venv_bin: PathBuf::from("target/publish-venv/bin"),
        }
    }
    pub fn node(&self, name: &str) -> Command {
        Command::new(self.node_bin.join(name))
    }
    /// `node tools/publish/<script>` (the script finds its packages in
    /// tools/publish/node_modules).
    pub fn node_script(&self, script: &str) -> Command {
        let mut c = Command::new("node");
        c.arg(PathBuf::from("tools/publish").join(script));
        c
    }
    pub fn py(&self, name: &str) -> Command {
        let mut c = Command::new(self.venv_bin.join(name));
        // The generators call helpers (ruff) by name.
        c.env("PATH", path_with(&self.venv_bin));
        c
    }
}

/// $PATH with `dir` (made absolute) first.
pub fn path_with(dir: &Path) -> String {
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let old = std::env::var("PATH").unwrap_or_default();
    format!("{}:{old}", abs.display())
}

/// An empty work directory for `gate` under target/publish/.
pub fn workdir(gate: &str) -> Result<PathBuf, String> {
    let dir = PathBuf::from("target/publish").join(gate);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| format!("cannot empty {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

pub fn run(root: &Path, only: &[Gate]) -> ExitCode {
    let gates: Vec<Gate> = if only.is_empty() {
        Gate::ALL.to_vec()
    } else {
        // real-answers decodes with the clients the two Python gates make.
        let needs_clients = only.contains(&Gate::RealAnswers);
        Gate::ALL
            .into_iter()
            .filter(|g| {
                only.contains(g)
                    || (needs_clients && matches!(g, Gate::PythonClient | Gate::GeneratorPython))
            })
            .collect()
    };
    let install = crate::process::run(
        Command::new(root.join("tools/install")).current_dir(root),
        Path::new("target/publish/install.log"),
    );
    match install {
        Ok(text) => {
            for line in text.lines().filter(|l| l.starts_with("tools:")) {
                eprintln!("{line}");
            }
        }
        Err(e) => {
            eprintln!("tools/install failed: {e}");
            return ExitCode::FAILURE;
        }
    }
    let tools = Tools::new();
    let mut summaries = Vec::new();
    let mut failed = 0;
    for gate in gates {
        let started = Instant::now();
        eprintln!("== publish gate: {}", gate.name());
        let result = match gate {
            Gate::Spectral => lint::spectral(&tools),
            Gate::Redocly => lint::redocly(&tools),
            Gate::PythonClient => clients::python_client(&tools),
            Gate::PythonMock => mock::python(&tools),
            Gate::GeneratorPython => clients::generator_python(&tools),
            Gate::RealAnswers => real_answers::run(&tools),
            Gate::GeneratorTypescript => clients::generator_typescript(&tools),
            Gate::Contract => contract::run(&tools),
            Gate::Docs => docs::run(&tools),
        };
        let secs = started.elapsed().as_secs_f64();
        let line = match result {
            Ok(summary) => format!("ok     {}: {summary} ({secs:.1}s)", gate.name()),
            Err(e) => {
                failed += 1;
                eprintln!("{e}");
                format!("FAILED {}: {} ({secs:.1}s)", gate.name(), first_line(&e))
            }
        };
        eprintln!("{line}");
        summaries.push(line);
    }
    eprintln!("== publish-check summary");
    for s in &summaries {
        eprintln!("{s}");
    }
    if failed == 0 {
        eprintln!("publish-check: {} gate(s) passed", summaries.len());
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "publish-check: {failed} of {} gate(s) failed",
            summaries.len()
        );
        ExitCode::FAILURE
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}
