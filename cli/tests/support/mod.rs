//! What the CLI's tests share: `braze` run with a test key and no config
//! file, its output read back, and a braze-mock (the spec-driven fake Braze
//! of `mock/`) served from a runtime of its own, since the tests block on
//! the `braze` processes they run.

#![allow(dead_code)]

use std::process::{Command, Output};

use braze_mock::MockBraze;
use serde_json::Value;

/// The key every test run uses; it must never appear in any output.
pub const KEY: &str = "sk-test-7c1e5b0d-never-printed";

/// A braze-mock with the spec's examples, limits and validation, accepting
/// only [`KEY`], on a runtime of its own.
pub fn mock() -> MockBraze {
    MockBraze::builder().api_key(KEY).start_blocking()
}

/// `braze` with the test key in its environment and no config file.
pub fn braze(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_braze"));
    c.args(args)
        .env("BRAZE_API_KEY", KEY)
        .env("BRAZE_CONFIG", "/nonexistent/braze-test-config.json")
        .env_remove("BRAZE_INSTANCE")
        .env_remove("BRAZE_PROFILE")
        .env_remove("BRAZE_THROTTLE_REDIS");
    c
}

/// Runs the command; checks the key is in neither stream.
pub fn run(mut c: Command) -> Output {
    let out = c.output().expect("braze runs");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(KEY), "the key was printed: {all}");
    out
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// The repository's exported spec.
pub fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/dist/braze.json");
    let mut doc = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // Examples the export keeps in spec/dist/examples/, read inline.
    braze_mock::spec::inline_external_examples(&mut doc).unwrap();
    doc
}

/// A scratch directory for one test.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("braze-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
