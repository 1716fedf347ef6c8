//! Project tasks: `cargo xtask <command>` (run `cargo xtask --help`).
//!
//! * `generate [--check]` - regenerate the SDK sources, the contract
//!   dispatcher and the exported spec from spec/ (`--check` only compares).
//! * `check`    - fail when committed generated files differ from what spec/
//!   gives, showing a unified diff of each stale file.
//! * `lint`     - check spec/ (project rules and progenitor) without writing.
//! * `spec`     - export the merged spec to spec/dist/ (JSON and YAML).
//! * `bench`    - time each generation stage (a bench binary, not a test).
//! * `breaking` - compare the exported spec with an earlier revision's.
//! * `publish-check` - the OpenAPI toolchain gates on spec/dist/.
//! * `drift`    - compare the spec with Braze's endpoint pages.
//! * `api`      - the crates' public Rust API against the last release.
//! * `release`  - cut a release (versions, changelog, releases/, tag).
//! * `reference` - refresh reference/ from a newer braze-docs checkout.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod api;
mod bench;
mod bench_build;
mod breaking;
mod codegen;
mod drift;
mod git;
mod packages;
mod process;
mod publish;
mod reference;
mod release;
mod write;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "braze-openapi project tasks",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate sdk/src/generated/, tests/src/generated/ and spec/dist/ from spec/.
    Generate {
        /// Write nothing; fail (with a diff) if a committed file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Fail if committed generated files are stale, showing a unified diff.
    Check {
        /// Diff lines shown per stale file at most.
        #[arg(long, default_value_t = codegen::DEFAULT_DIFF_LINES)]
        max_diff_lines: usize,
    },
    /// Check spec/ without writing anything.
    Lint,
    /// Export the merged spec to spec/dist/braze.{json,yaml}.
    Spec,
    /// Time each generation stage (use --release); with --build, the build
    /// figures instead: `cargo xtask generate` as a user runs it (P1) and a
    /// braze-sdk rebuild in debug and release with its peak memory (P4).
    Bench {
        #[arg(long)]
        build: bool,
        /// Internal: run this command and print its time and peak memory.
        #[arg(long, num_args = 1.., allow_hyphen_values = true, hide = true)]
        child: Vec<String>,
    },
    /// Print breaking changes of spec/dist/braze.json against an earlier revision;
    /// fail unless each one is acknowledged or the major version went up.
    Breaking {
        /// Git revision to compare with (default: the last release in releases/,
        /// else the latest tag, else HEAD~1).
        #[arg(long, value_name = "REV")]
        against: Option<String>,
    },
    /// Run the OpenAPI toolchain gates on spec/dist/ (lint, other-language
    /// clients, Prism contract run through braze-sdk, reference docs).
    PublishCheck {
        /// Run only these gates (repeatable); default: all.
        #[arg(long = "only", value_enum)]
        only: Vec<publish::Gate>,
    },
    /// Compare the spec with Braze's endpoint pages (default: the vendored
    /// reference/); fail on a finding not acknowledged in
    /// tools/drift-acknowledged.txt.
    Drift {
        /// A braze-docs tree (a checkout's root, holding _docs/_api/endpoints);
        /// repeatable, the first one holding a page wins.
        #[arg(long = "docs", value_name = "DIR")]
        docs: Vec<PathBuf>,
        /// Print the findings as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Compare the public Rust API of braze-sdk and braze-sdk-types with the
    /// last release's (releases/VERSION/api/); fail on a breaking change
    /// without a major version.
    Api {
        /// Record the current API as release VERSION's instead of comparing.
        #[arg(long, value_name = "VERSION")]
        record: Option<String>,
    },
    /// Cut a release: checks, versions of the spec and the crates, the
    /// CHANGELOG.md section, releases/VERSION/, assets in
    /// target/release-assets/, a commit and the tag vVERSION.
    Release {
        /// MAJOR.MINOR.PATCH (see spec/README.md, "Versions and releases").
        version: String,
        /// Prepare everything but do not commit or tag (a rehearsal).
        #[arg(long)]
        no_commit: bool,
        /// Skip the slow assets (Python wheel, reference HTML).
        #[arg(long)]
        no_assets: bool,
    },
    /// Refresh reference/ (pages, source tables, commits) from a newer
    /// braze-docs git checkout.
    Reference {
        /// The checkout's root.
        #[arg(long = "docs", value_name = "DIR")]
        docs: PathBuf,
        /// The checkout is OWNER's fork: refresh reference/braze-docs-forks/OWNER.
        #[arg(long, value_name = "OWNER")]
        fork: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Paths on the command line are relative to where the command was run.
    let cwd = std::env::current_dir().unwrap_or_default();
    let root = repo_root();
    // Work from the repository root so that every path printed is relative.
    if let Err(e) = std::env::set_current_dir(&root) {
        eprintln!("cannot enter {}: {e}", root.display());
        return ExitCode::FAILURE;
    }
    let root = PathBuf::from(".");
    let spec_dir = PathBuf::from("spec");
    match cli.command {
        Command::Generate { check: true } => {
            codegen::check(&root, &spec_dir, codegen::DEFAULT_DIFF_LINES)
        }
        Command::Generate { check: false } => codegen::generate(&root, &spec_dir),
        Command::Check { max_diff_lines } => codegen::check(&root, &spec_dir, max_diff_lines),
        Command::Lint => codegen::lint(&spec_dir),
        Command::Spec => codegen::export(&root, &spec_dir),
        Command::Bench { child, .. } if !child.is_empty() => report(bench_build::child(&child)),
        Command::Bench { build: true, .. } => report(bench_build::run(&root)),
        Command::Bench { .. } => match bench::run(&spec_dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
        Command::Breaking { against } => breaking::run(&root, against.as_deref()),
        Command::PublishCheck { only } => publish::run(&root, &only),
        Command::Api { record } => api::run(&root, record.as_deref()),
        Command::Release {
            version,
            no_commit,
            no_assets,
        } => release::run(
            &root,
            &version,
            release::Options {
                no_commit,
                no_assets,
            },
        ),
        Command::Drift { docs, json } => drift::run(&root, &absolute(&cwd, &docs), json),
        Command::Reference { docs, fork } => {
            reference::run(&root, &cwd.join(&docs), fork.as_deref())
        }
    }
}

/// Paths given on the command line, relative to `cwd` (main() then enters
/// the repository root).
fn absolute(cwd: &Path, paths: &[PathBuf]) -> Vec<PathBuf> {
    paths.iter().map(|p| cwd.join(p)).collect()
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}
