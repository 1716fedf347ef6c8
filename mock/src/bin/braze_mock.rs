//! `braze-mock`: the fake Braze as a program, for tests in any language.
//!
//! ```text
//! braze-mock [--port N] [--limit BUCKET=REQUESTS/WINDOW]... [--unlimited BUCKET]...
//!            [--api-key KEY] [--no-validate] [--chaos RATE] [--seed N]
//! ```
//!
//! Binds 127.0.0.1, prints its base URL (`http://127.0.0.1:PORT`) as the
//! first line on stdout, and serves until it is stopped (a signal or EOF is
//! not awaited: kill it). Arguments are read by hand: four flags do not
//! justify a parser crate in a binary meant to build fast.

use std::io::Write;
use std::process::ExitCode;

use braze_mock::{Limit, MockBraze};

const USAGE: &str = "usage: braze-mock [--port N] [--limit BUCKET=REQUESTS/WINDOW]... [--unlimited BUCKET]... [--api-key KEY] [--no-validate] [--chaos RATE] [--seed N]

  --port N            port on 127.0.0.1 (0, the default: any free port)
  --limit B=N/W       bucket B allows N requests per window W (3s, 1m, 1h, 1d) instead of
                      the spec's x-braze-rate-limit; B = * for every bucket not named
  --unlimited B       no limit, no X-RateLimit-* headers for bucket B (* for all)
  --api-key KEY       accept only this key (default: any non-empty bearer key)
  --no-validate       answer without checking requests against the spec
  --chaos RATE        answer a fraction RATE (0..1) of calls with a random fault
                      (500, 503, 429, dropped connection)
  --seed N            seed of --chaos (default 0): same seed, same faults

The base URL is printed as the first line on stdout. Tests script the server over HTTP
under /_mock/ (no key needed, not counted): GET /_mock/requests[?operation=ID],
GET /_mock/counts, GET /_mock/windows[?bucket=B], POST /_mock/reset,
PUT /_mock/operations/ID/response {status, body},
PUT /_mock/operations/ID/items {items, page_size?},
PUT /_mock/operations/ID/reject {pointer, equals, type},
POST /_mock/operations/ID/faults {calls: \"2\"|\"1-3\"|\"2-\", status|delay_ms|drop|truncate|hang|reply},
PUT /_mock/buckets/NAME/limit {requests, window_seconds}|{unlimited: true},
POST /_mock/advance {seconds}.";

fn parse(args: &[String]) -> Result<braze_mock::Builder, String> {
    let mut builder = MockBraze::builder();
    let mut chaos = None;
    let mut seed = 0u64;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--port" => {
                let v = value()?;
                builder = builder.port(v.parse().map_err(|_| format!("--port {v}: not a port"))?);
            }
            "--limit" => {
                let v = value()?;
                let (bucket, limit) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--limit {v}: expected BUCKET=REQUESTS/WINDOW"))?;
                builder = builder.limit(bucket, limit.parse::<Limit>()?);
            }
            "--unlimited" => builder = builder.unlimited(value()?),
            "--api-key" => builder = builder.api_key(value()?),
            "--no-validate" => builder = builder.validate(false),
            "--chaos" => {
                let v = value()?;
                let rate: f64 = v
                    .parse()
                    .map_err(|_| format!("--chaos {v}: not a number"))?;
                if !(0.0..=1.0).contains(&rate) {
                    return Err(format!("--chaos {v}: must be between 0 and 1"));
                }
                chaos = Some(rate);
            }
            "--seed" => {
                let v = value()?;
                seed = v.parse().map_err(|_| format!("--seed {v}: not a number"))?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if let Some(rate) = chaos {
        builder = builder.chaos(rate, seed);
    }
    Ok(builder)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let builder = match parse(&args) {
        Ok(b) => b,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("braze-mock: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("braze-mock: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let braze = match builder.try_start().await {
            Ok(b) => b,
            Err(e) => {
                eprintln!("braze-mock: cannot bind 127.0.0.1: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{}", braze.url())
            .and_then(|_| out.flush())
            .is_err()
        {
            return ExitCode::FAILURE;
        }
        drop(out);
        std::future::pending::<()>().await;
        ExitCode::SUCCESS
    })
}
