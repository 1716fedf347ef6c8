//! The contract gate: Prism mocks the exported spec on 127.0.0.1, and the
//! `prism-contract` binary of braze-tests calls every operation through
//! braze-sdk against it (see tests/src/bin/prism_contract.rs).

use std::process::Command;
use std::time::Duration;

use super::{SPEC_JSON, Tools, workdir};
use crate::process::{self, Server};

pub fn run(tools: &Tools) -> Result<String, String> {
    let dir = workdir("contract")?;
    // Build first, so Prism does not sit idle during a compile (with
    // braze-mock's binary: one build for both gates, see mock.rs).
    super::mock::build_binaries(&dir.join("build.log"))?;
    let port = process::free_port()?;
    let prism = Server::start(
        tools.node("prism").args([
            "mock",
            SPEC_JSON,
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ]),
        &dir.join("prism.log"),
        port,
        Duration::from_secs(90),
    )?;
    eprintln!("prism: pid {} on 127.0.0.1:{port}", prism.pid());
    let result = process::run(
        // The binary just built (`cargo run -p braze-tests` would resolve
        // features for braze-tests alone and build it again).
        Command::new("target/debug/prism-contract")
            .args(["--base-url", &format!("http://127.0.0.1:{port}")])
            .args(["--spec", SPEC_JSON]),
        &dir.join("contract.log"),
    );
    drop(prism);
    let text = result?;
    print!("{}", process::tail(&text, 200));
    text.lines()
        .rfind(|l| l.starts_with("contract:"))
        .map(|l| l.trim_start_matches("contract:").trim().to_string())
        .ok_or_else(|| "prism-contract printed no summary line".to_string())
}
