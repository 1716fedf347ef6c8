//! `cargo xtask bench`: how long each generation stage takes.
//!
//! A bench binary rather than timed tests: it runs each stage several times
//! on the real spec and prints the median and the spread, for the closing
//! notes and for spotting regressions by hand. Build with `--release` for
//! figures that mean something: `cargo run --release -p xtask -- bench`.

use std::path::Path;
use std::time::{Duration, Instant};

use braze_openapi_generator::{self as generator, load, lower, postprocess, progenitor_run, rules};

const RUNS: usize = 9;

/// Runs `f` [`RUNS`] times; returns (min, median, max).
fn measure<T>(mut f: impl FnMut() -> T) -> (Duration, Duration, Duration) {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[0], times[RUNS / 2], times[RUNS - 1])
}

fn row(name: &str, (min, median, max): (Duration, Duration, Duration)) {
    println!("{name:<34} median {median:>10.2?}   min {min:>10.2?}   max {max:>10.2?}");
}

pub fn run(spec_dir: &Path) -> Result<(), String> {
    let spec = generator::check(spec_dir).map_err(|d| d.to_string())?;
    let ops = braze_openapi_generator::walk::operations(&spec.document).len();
    println!("spec: {ops} operations; {RUNS} runs per stage");
    row(
        "load + merge YAML fragments",
        measure(|| load::load_dir(spec_dir).map(|_| ())),
    );
    row("project rules", measure(|| rules::check(&spec).len()));
    row(
        "lowering for progenitor",
        measure(|| lower::lower(&spec.document)),
    );
    let lowered = lower::lower(&spec.document);
    row(
        "  progenitor (tokens)",
        measure(|| progenitor_run::generate(&lowered, &spec.origins).map(|t| t.is_empty())),
    );
    let tokens = progenitor_run::generate(&lowered, &spec.origins).map_err(|d| d.to_string())?;
    let parse = || postprocess::parse(tokens.clone()).expect("progenitor's tokens parse");
    row(
        "  drop builders, syn parse + postprocess",
        measure(|| postprocess::apply(&mut parse())),
    );
    let mut file = parse();
    postprocess::apply(&mut file).map_err(|p| p.join("\n"))?;
    row(
        "  prettyplease",
        measure(|| prettyplease::unparse(&file).len()),
    );
    row(
        "progenitor + postprocess + format",
        measure(|| generator::generate_sdk(&spec).map(|o| o.len())),
    );
    row(
        "export JSON + YAML",
        measure(|| generator::export_spec(&spec).map(|o| o.len())),
    );
    row(
        "whole `generate` (all outputs)",
        measure(|| generator::generate(spec_dir).map(|o| o.len())),
    );
    Ok(())
}
