//! `prism-contract --base-url URL --spec PATH`: the contract run of
//! `braze_tests::contract` against a running Prism mock (started and stopped
//! by `cargo xtask publish-check --only contract`). Prints one line per
//! operation and a `contract:` summary line; exits 1 on any failure.

use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: prism-contract --base-url http://127.0.0.1:PORT --spec spec/dist/braze.json");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut base, mut spec) = (None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--base-url" => base = it.next().cloned(),
            "--spec" => spec = it.next().cloned(),
            _ => return usage(),
        }
    }
    let (Some(base), Some(spec)) = (base, spec) else {
        return usage();
    };
    let text = match std::fs::read_to_string(&spec) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {spec}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let doc: braze_sdk::serde_json::Value = match braze_sdk::serde_json::from_str(&text) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{spec} is not JSON: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("no tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let report = runtime.block_on(braze_tests::contract::run(&doc, &base));
    let mut prism_body = 0;
    let mut skipped = Vec::new();
    let mut with_body = 0;
    for o in &report.outcomes {
        let mut proof = Vec::new();
        match o.prism_body {
            Some(true) => {
                prism_body += 1;
                proof.push("Prism rejects a wrong body".to_string());
            }
            Some(false) => {
                skipped.push(o.id.as_str());
                proof.push("Prism skips body validation (stoplightio/prism#1931)".to_string());
            }
            None => {}
        }
        if o.prism_body.is_some() {
            with_body += 1;
        }
        if let Some(w) = &o.prism_rejects {
            proof.push(format!("Prism rejects: {w}"));
        }
        if o.body_checked {
            proof.push("the SDK's body passes the schema check, a wrong body fails it".to_string());
        }
        if o.failures.is_empty() {
            println!("ok     {}: {}", o.id, proof.join("; "));
        } else {
            println!("FAILED {}: {}", o.id, o.failures.join(" | "));
        }
    }
    let total = report.outcomes.len();
    let failed = report.failures();
    if !skipped.is_empty() {
        println!(
            "Prism skipped body validation on {} operation(s), covered by the schema check: {}",
            skipped.len(),
            skipped.join(", ")
        );
    }
    println!(
        "contract: {} of {total} operations called through braze-sdk against Prism (2xx, 0 sl-violations, response decoded); \
         wrong body rejected by Prism on {prism_body} of {with_body} with a body, {} skipped by Prism and covered by the schema check; \
         every operation rejects a wrong request; {failed} failed",
        total - failed,
        skipped.len()
    );
    if failed == 0 && total > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
