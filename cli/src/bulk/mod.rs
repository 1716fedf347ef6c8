//! `--records FILE`: NDJSON lines, each a request body of the operation,
//! checked through the SDK's types, merged and re-split into Braze's
//! per-request limits ([`pack`]) and sent concurrently through the client's
//! throttle, streaming: a reader thread feeds a bounded channel, at most
//! `--concurrency` pieces are in flight and one piece's worth of items
//! waits to be cut, so memory does not grow with the file.
//!
//! Every line is accounted for. Accepted items count as sent; items Braze
//! rejects inside a 2xx (`errors[].index`, mapped back through the piece to
//! their line) and pieces that failed after the client's retries are written
//! to the rejects file in the input's own form (a body per line, with only
//! those items), so it can be fed back as is; a malformed or invalid line is
//! written there raw and reported with its number and reason. Ctrl-C stops
//! sending, waits for the pieces in flight, writes what was not sent to the
//! rejects (queued items, then the rest of the input, unread) and the
//! summary: a rerun on the rejects file sends each remaining item once.

mod pack;
mod rejects;

use std::future::Future;
use std::io::{BufRead, IsTerminal};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use braze_sdk::serde_json::{self, Value, json};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use crate::call::{Call, CallError, PieceReply};
use crate::connect::Globals;
use crate::exit::{Class, Failure};
use crate::generated::dispatch;
use crate::table::Op;
use pack::{Packer, Piece};
use rejects::Rejects;

/// The bulk flags.
#[derive(Debug)]
pub struct Options {
    pub records: String,
    pub rejects: Option<String>,
    pub strict: bool,
    pub concurrency: usize,
    pub progress: bool,
    pub dry_run: bool,
}

/// One message of the reader thread.
enum Input {
    Line(u64, Vec<u8>),
    Failed(String),
}

/// Lines read in advance: a bound on memory, not on speed.
const READ_AHEAD: usize = 1024;
/// Messages about single lines on stderr; the rest are counted.
const MAX_LINE_MESSAGES: u64 = 50;

/// What happened to the input, for the summary.
#[derive(Debug, Default)]
struct Stats {
    lines: u64,
    blank_lines: u64,
    malformed_lines: u64,
    items: u64,
    pieces: u64,
    accepted: u64,
    rejected: u64,
    failed: u64,
    not_sent: u64,
    unread_lines: u64,
    warnings: u64,
    last_failure: Option<Class>,
}

/// Why sending stopped before the end of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    Interrupted,
    Strict,
}

type InFlight<'a> =
    Pin<Box<dyn Future<Output = (Piece, Result<PieceReply, CallError>)> + Send + 'a>>;

/// Prints line messages on stderr, above the progress bar if there is one.
struct Log {
    bar: Option<indicatif::ProgressBar>,
    shown: u64,
}

impl Log {
    fn line(&mut self, text: String) {
        self.shown += 1;
        if self.shown > MAX_LINE_MESSAGES {
            return;
        }
        let text = if self.shown == MAX_LINE_MESSAGES {
            format!("{text} (further messages are counted in the summary)")
        } else {
            text
        };
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }
}

fn spawn_reader(
    source: String,
    bytes_read: Arc<AtomicU64>,
) -> Result<tokio::sync::mpsc::Receiver<Input>, Failure> {
    let reader: Box<dyn BufRead + Send> = if source == "-" {
        Box::new(std::io::BufReader::with_capacity(1 << 16, std::io::stdin()))
    } else {
        let file = std::fs::File::open(&source)
            .map_err(|e| Failure::usage(format!("--records {source}: {e}")))?;
        Box::new(std::io::BufReader::with_capacity(1 << 16, file))
    };
    let (tx, rx) = tokio::sync::mpsc::channel(READ_AHEAD);
    std::thread::spawn(move || {
        let mut reader = reader;
        let mut n = 0u64;
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(len) => {
                    n += 1;
                    bytes_read.fetch_add(len as u64, Ordering::Relaxed);
                    if tx.blocking_send(Input::Line(n, line)).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Input::Failed(format!("reading line {}: {e}", n + 1)));
                    break;
                }
            }
        }
    });
    Ok(rx)
}

fn progress_bar(opts: &Options) -> Option<indicatif::ProgressBar> {
    if !opts.progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let size = (opts.records != "-")
        .then(|| std::fs::metadata(&opts.records).ok().map(|m| m.len()))
        .flatten();
    let bar = match size {
        Some(size) => indicatif::ProgressBar::new(size).with_style(
            indicatif::ProgressStyle::with_template("{bar:30} {percent:>3}% {msg} ETA {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        ),
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        ),
    };
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

/// Runs `op` over the records of `opts`; the class is the exit code's.
pub async fn run(
    op: &'static Op,
    call: &Call,
    g: &Globals,
    opts: &Options,
) -> Result<Class, Failure> {
    let capture =
        if opts.dry_run {
            let shown = g
                .instance()?
                .map(|i| i.base_url().to_string())
                .unwrap_or_default();
            Some(crate::capture::start(shown).await.map_err(|e| {
                Failure::internal(format!("dry run: cannot listen on 127.0.0.1: {e}"))
            })?)
        } else {
            None
        };
    let client = match &capture {
        Some(c) => g.dry_run_client(&c.url)?,
        None => g.client()?,
    };
    // A dry run prints the pieces in order.
    let concurrency = if opts.dry_run {
        1
    } else {
        opts.concurrency.max(1)
    };
    let mut bulk = dispatch::bulk(&client, op.id, call).map_err(|e| e.into_failure(Some(op)))?;
    let default_rejects = if opts.records == "-" {
        "stdin.rejects.ndjson".to_string()
    } else {
        format!("{}.rejects", opts.records)
    };
    let rejects_path = opts.rejects.clone().unwrap_or(default_rejects);
    if rejects_path == opts.records {
        return Err(Failure::usage("--rejects must not be the --records file"));
    }
    let mut rejects = Rejects::new(rejects_path.clone().into());
    let bytes_read = Arc::new(AtomicU64::new(0));
    let mut rx = spawn_reader(opts.records.clone(), bytes_read.clone())?;
    let mut log = Log {
        bar: progress_bar(opts),
        shown: 0,
    };
    let started = Instant::now();
    let mut stats = Stats::default();
    let mut packer = Packer::new(bulk.lists, bulk.together);
    let mut ready: std::collections::VecDeque<Piece> = Default::default();
    let mut inflight: FuturesUnordered<InFlight<'_>> = FuturesUnordered::new();
    let mut input_done = false;
    let mut stop: Option<Stop> = None;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);

    loop {
        // Send what is ready, up to the concurrency.
        while stop.is_none() && inflight.len() < concurrency {
            let Some(piece) = ready.pop_front() else {
                break;
            };
            let future = (bulk.send)(piece.body.clone()).map_err(|e| e.into_failure(Some(op)))?;
            stats.pieces += 1;
            inflight.push(Box::pin(async move { (piece, future.await) }));
        }
        if inflight.is_empty() && (stop.is_some() || (input_done && ready.is_empty())) {
            break;
        }
        let want_input = !input_done && stop.is_none() && ready.len() < concurrency;
        tokio::select! {
            signal = &mut ctrl_c, if stop.is_none() => {
                if signal.is_ok() {
                    stop = Some(Stop::Interrupted);
                    log.line("interrupted: waiting for the requests in flight, then writing the summary and the rejects (Ctrl-C again quits at once)".into());
                    tokio::spawn(async {
                        if tokio::signal::ctrl_c().await.is_ok() {
                            std::process::exit(i32::from(Class::Interrupted.code()));
                        }
                    });
                }
            }
            Some((piece, outcome)) = inflight.next(), if !inflight.is_empty() => {
                settle(piece, outcome, opts.dry_run, &mut stats, &mut rejects, &mut log)?;
            }
            message = rx.recv(), if want_input => match message {
                Some(Input::Line(n, bytes)) => {
                    stats.lines += 1;
                    match line_body(&bytes, &bulk, op) {
                        Ok(None) => stats.blank_lines += 1,
                        Ok(Some(body)) => match packer.push(n, body) {
                            Ok(pieces) => ready.extend(pieces),
                            Err(why) => bad_line(n, &bytes, &why, &mut stats, &mut rejects, &mut log, opts.strict, &mut stop)?,
                        },
                        Err(why) => bad_line(n, &bytes, &why, &mut stats, &mut rejects, &mut log, opts.strict, &mut stop)?,
                    }
                }
                Some(Input::Failed(e)) => {
                    log.line(format!("--records {}: {e}; stopping", opts.records));
                    stats.last_failure = Some(Class::Usage);
                    input_done = true;
                    ready.extend(packer.flush());
                }
                None => {
                    input_done = true;
                    ready.extend(packer.flush());
                }
            },
            else => break,
        }
        if let Some(bar) = &log.bar {
            bar.set_position(bytes_read.load(Ordering::Relaxed));
            let rate = stats.accepted as f64 / started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!(
                "{} items sent, {:.0} items/s",
                stats.accepted, rate
            ));
        }
    }

    // Stopped early: what was read and not sent goes to the rejects, then
    // the rest of the input as it is.
    if stop.is_some() {
        for piece in ready.drain(..).chain(packer.flush()) {
            stats.not_sent += piece.items() as u64;
            for (_, body) in piece.as_lines(|_, _| true) {
                rejects.write_value(&body)?;
            }
        }
        while let Some(message) = rx.recv().await {
            if let Input::Line(_, bytes) = message {
                stats.unread_lines += 1;
                rejects.write_raw(&bytes)?;
            }
        }
    }
    rejects.finish()?;
    if let Some(bar) = log.bar.take() {
        bar.finish_and_clear();
    }
    stats.items = stats.accepted + stats.rejected + stats.failed + stats.not_sent;
    let elapsed = started.elapsed();
    let summary = json!({
        "operation": op.id,
        "dry_run": opts.dry_run,
        "lines": stats.lines,
        "blank_lines": stats.blank_lines,
        "malformed_lines": stats.malformed_lines,
        "items": stats.items,
        "pieces": stats.pieces,
        "accepted": if opts.dry_run { 0 } else { stats.accepted },
        "would_send": if opts.dry_run { stats.accepted } else { 0 },
        "rejected": stats.rejected,
        "failed": stats.failed,
        "not_sent": stats.not_sent,
        "unread_lines": stats.unread_lines,
        "rejects_file": rejects.written().then(|| rejects_path.clone()),
        "rejects_lines": rejects.lines(),
        "interrupted": stop == Some(Stop::Interrupted),
        "elapsed_seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        "items_per_second": (stats.accepted as f64 / elapsed.as_secs_f64().max(0.001)).round(),
    });
    eprintln!(
        "{} lines: {} items {}, {} rejected by Braze, {} failed, {} not sent, {} malformed lines{}",
        stats.lines,
        stats.accepted,
        if opts.dry_run {
            "would be sent"
        } else {
            "accepted"
        },
        stats.rejected,
        stats.failed,
        stats.not_sent + stats.unread_lines,
        stats.malformed_lines,
        if rejects.written() {
            format!("; rejects in {rejects_path}")
        } else {
            String::new()
        }
    );
    if !opts.dry_run {
        crate::output::document(&summary)?;
    } else {
        crate::output::line(&summary)?;
    }
    drop(capture);
    let incomplete =
        stats.rejected + stats.failed + stats.malformed_lines + stats.not_sent + stats.unread_lines
            > 0;
    Ok(match stop {
        Some(Stop::Interrupted) => Class::Interrupted,
        Some(Stop::Strict) => Class::Usage,
        None if !incomplete => Class::Ok,
        None if stats.accepted == 0 && stats.failed > 0 => {
            stats.last_failure.unwrap_or(Class::Partial)
        }
        None => Class::Partial,
    })
}

/// A line as a checked body: `None` for a blank line, else the body as the
/// SDK's type encodes it, or why it is not one.
fn line_body(
    bytes: &[u8],
    bulk: &crate::call::BulkOp<'_>,
    op: &Op,
) -> Result<Option<Value>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    (bulk.check)(bulk.operation, &value)
        .map(Some)
        .map_err(|e| e.into_failure(Some(op)).message)
}

#[allow(clippy::too_many_arguments)]
fn bad_line(
    n: u64,
    bytes: &[u8],
    why: &str,
    stats: &mut Stats,
    rejects: &mut Rejects,
    log: &mut Log,
    strict: bool,
    stop: &mut Option<Stop>,
) -> Result<(), Failure> {
    stats.malformed_lines += 1;
    log.line(format!("line {n}: {why}"));
    rejects.write_raw(bytes)?;
    if strict {
        *stop = Some(Stop::Strict);
    }
    Ok(())
}

/// Books a piece's outcome: accepted items, rejected ones (to the rejects),
/// or the whole piece failed (to the rejects).
fn settle(
    piece: Piece,
    outcome: Result<PieceReply, CallError>,
    dry_run: bool,
    stats: &mut Stats,
    rejects: &mut Rejects,
    log: &mut Log,
) -> Result<(), Failure> {
    let total = piece.items() as u64;
    match outcome {
        Ok(_) | Err(_) if dry_run => stats.accepted += total,
        Ok(reply) => {
            // (array, index in the piece) of each rejected item, with why.
            let mut rejected: Vec<(&'static str, usize, String)> = Vec::new();
            for error in &reply.errors {
                let index = error.get("index").and_then(Value::as_u64);
                let array = error.get("input_array").and_then(Value::as_str);
                let list = match array {
                    Some(a) => piece.lines.iter().find(|(n, _)| *n == a),
                    None if piece.lines.len() == 1 => piece.lines.first(),
                    None => None,
                };
                let why = error
                    .get("message")
                    .or_else(|| error.get("type"))
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .unwrap_or_else(|| error.to_string());
                match (list, index) {
                    (Some((name, lines)), Some(i)) if (i as usize) < lines.len() => {
                        let i = i as usize;
                        if !rejected.iter().any(|(n, j, _)| n == name && *j == i) {
                            log.line(format!(
                                "line {}: {name}[{i}] rejected by Braze: {why}",
                                lines[i]
                            ));
                            rejected.push((name, i, why));
                        }
                    }
                    _ => {
                        stats.warnings += 1;
                        log.line(format!("Braze accepted a piece with a note: {why}"));
                    }
                }
            }
            stats.rejected += rejected.len() as u64;
            stats.accepted += total - rejected.len() as u64;
            if !rejected.is_empty() {
                for (_, body) in
                    piece.as_lines(|list, i| rejected.iter().any(|(n, j, _)| *n == list && *j == i))
                {
                    rejects.write_value(&body)?;
                }
            }
        }
        Err(e) => {
            let failure = e.into_failure(None);
            stats.failed += total;
            stats.last_failure = Some(failure.class);
            let lines = piece.as_lines(|_, _| true);
            let first = lines.first().map_or(0, |(n, _)| *n);
            let last = lines.last().map_or(0, |(n, _)| *n);
            log.line(format!(
                "lines {first}-{last}: {total} items not accepted ({}): {}",
                failure.class.name(),
                failure.message
            ));
            for (_, body) in lines {
                rejects.write_value(&body)?;
            }
        }
    }
    Ok(())
}
