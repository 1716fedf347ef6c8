//! `cargo xtask bench --build`: the two build figures of the build-speed
//! targets, measured as a user meets them.
//!
//! * P1: `cargo xtask generate` as the README runs it (the `xtask` profile, warm,
//!   nothing to rewrite), whole process, median of several runs.
//! * P4: rebuilding the `braze-sdk` and `braze-sdk-types` crates (the SDK a
//!   user compiles), their dependencies built, in debug and in release,
//!   with `CARGO_INCREMENTAL=0` (how cargo builds a dependency from
//!   crates.io), and the peak memory of the largest compiler (cargo runs
//!   the two side by side: the peak of all processes at once is printed
//!   too).
//!
//! The peak memory comes from `getrusage(RUSAGE_CHILDREN)` in a child
//! process per measurement (`xtask bench --child <cmd..>`), since the value
//! accumulates over every child a process ever waited for. The same call
//! gives the CPU time (user + system) of the rebuild, printed beside the
//! wall time: on a machine other builds share, the wall time grows with
//! their load, the CPU time much less, so compare variants by it too.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs of `cargo xtask generate` for P1.
const GENERATE_RUNS: usize = 7;
/// Rebuilds per profile for P4.
const BUILD_RUNS: usize = 3;
/// The crates of the SDK, touched before each P4 rebuild.
const SDK_CRATES: [&str; 2] = ["sdk/src/lib.rs", "sdk-types/src/lib.rs"];

pub fn run(root: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Warm: build the debug xtask and the SDK once, regenerate once.
    status(Command::new(&cargo).args(["build", "-q", "--profile", "xtask", "-p", "xtask"]))?;
    status(
        Command::new(&cargo)
            .args(["xtask", "generate"])
            .current_dir(root),
    )?;
    let mut times: Vec<Duration> = (0..GENERATE_RUNS)
        .map(|_| {
            let start = Instant::now();
            status(
                Command::new(&cargo)
                    .args(["xtask", "generate"])
                    .current_dir(root),
            )
            .map(|()| start.elapsed())
        })
        .collect::<Result<_, _>>()?;
    times.sort();
    println!(
        "P1 `cargo xtask generate` (debug, warm)     median {:>8.2?}   min {:>8.2?}   max {:>8.2?}   target < 1 s",
        times[GENERATE_RUNS / 2],
        times[0],
        times[GENERATE_RUNS - 1]
    );
    for (profile, flag, target) in [
        ("debug", None, "<= 10 s"),
        ("release", Some("--release"), "<= 15 s"),
    ] {
        let mut build = vec!["build", "-q", "-p", "braze-sdk"];
        build.extend(flag);
        // Dependencies first, outside the measurement.
        status(
            Command::new(&cargo)
                .args(&build)
                .env("CARGO_INCREMENTAL", "0"),
        )?;
        let mut runs = Vec::new();
        for _ in 0..BUILD_RUNS {
            for crate_root in SDK_CRATES {
                touch(&root.join(crate_root))?;
            }
            runs.push(child_measure(&cargo, &build)?);
        }
        let mut cpu: Vec<Duration> = runs.iter().map(|r| r.3).collect();
        cpu.sort();
        runs.sort_by_key(|r| r.0);
        let median = runs[BUILD_RUNS / 2].0;
        let peak = runs.iter().map(|r| r.1).max().unwrap_or_default();
        let summed = runs.iter().map(|r| r.2).max().unwrap_or_default();
        println!(
            "P4 braze-sdk + types rebuild ({profile:<7})  median {median:>8.2?} (cpu {:>8.2?})   peak {:>5} MB (all at once {:>5} MB)   target {target}, <= 600 MB",
            cpu[BUILD_RUNS / 2],
            peak / 1024,
            summed / 1024
        );
    }
    Ok(())
}

/// `xtask bench --child <program> <args..>`: runs the command, prints
/// `<nanoseconds> <peak KB of the largest descendant> <peak KB of all
/// descendants at once> <CPU nanoseconds of all descendants>` (the third
/// sampled from /proc every 20 ms).
pub fn child(args: &[String]) -> Result<(), String> {
    let (program, rest) = args.split_first().ok_or("--child needs a command")?;
    let start = Instant::now();
    let mut cmd = Command::new(program);
    cmd.args(rest).env("CARGO_INCREMENTAL", "0");
    let mut running = cmd
        .spawn()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let mut summed_kb = 0;
    let exit = loop {
        if let Some(exit) = running
            .try_wait()
            .map_err(|e| format!("waiting for {cmd:?}: {e}"))?
        {
            break exit;
        }
        summed_kb = summed_kb.max(descendants_rss_kb(running.id()));
        std::thread::sleep(Duration::from_millis(20));
    };
    if !exit.success() {
        return Err(format!("{cmd:?} failed: {exit}"));
    }
    let elapsed = start.elapsed();
    // SAFETY: getrusage writes into the zeroed struct we pass.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) != 0 {
            return Err("getrusage failed".into());
        }
        usage
    };
    let nanos = |t: libc::timeval| t.tv_sec as u128 * 1_000_000_000 + t.tv_usec as u128 * 1_000;
    let cpu_ns = nanos(usage.ru_utime) + nanos(usage.ru_stime);
    println!(
        "{} {} {summed_kb} {cpu_ns}",
        elapsed.as_nanos(),
        usage.ru_maxrss
    );
    Ok(())
}

/// The resident memory, in KB, of `root` and every process below it now
/// (0 where /proc cannot be read).
fn descendants_rss_kb(root: u32) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    // (pid, parent pid, resident KB) of every process.
    let processes: Vec<(u32, u32, u64)> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The fields after the command name (which may hold spaces);
            // resident memory is in pages of 4 KB (x86-64 Linux).
            let mut rest = stat.rsplit_once(')')?.1.split_whitespace();
            let parent = rest.nth(1)?.parse().ok()?;
            let resident_pages: u64 = rest.nth(19)?.parse().ok()?;
            Some((pid, parent, resident_pages * 4))
        })
        .collect();
    let mut inside = vec![root];
    let mut total = 0;
    while let Some(pid) = inside.pop() {
        for &(child, parent, kb) in &processes {
            if parent == pid {
                total += kb;
                inside.push(child);
            }
        }
    }
    total
}

/// Runs `cargo <build..>` in a fresh `xtask bench --child` process; returns
/// its wall time, the largest compiler's peak memory and the peak of all
/// processes at once, in KB, and the CPU time of all of them.
fn child_measure(cargo: &str, build: &[&str]) -> Result<(Duration, u64, u64, Duration), String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot find xtask: {e}"))?;
    let out = Command::new(me)
        .args(["bench", "--child", cargo])
        .args(build)
        .output()
        .map_err(|e| format!("cannot run the measuring child: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace().map(str::parse::<u64>);
    match (fields.next(), fields.next(), fields.next(), fields.next()) {
        (Some(Ok(ns)), Some(Ok(kb)), Some(Ok(summed)), Some(Ok(cpu))) => Ok((
            Duration::from_nanos(ns),
            kb,
            summed,
            Duration::from_nanos(cpu),
        )),
        _ => Err(format!("the measuring child printed {text:?}")),
    }
}

fn status(cmd: &mut Command) -> Result<(), String> {
    let s = cmd
        .status()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if s.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {s}"))
    }
}

/// Sets the file's modification time to now, so cargo rebuilds its crate.
fn touch(path: &Path) -> Result<(), String> {
    let file = std::fs::File::options()
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    file.set_modified(std::time::SystemTime::now())
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}
