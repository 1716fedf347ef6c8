//! `braze`: every operation of the Braze REST API as a command, on
//! braze-sdk. See the README's CLI section.
//!
//! | module | holds |
//! | --- | --- |
//! | [`table`] | the generated command table's types (`generated/commands.rs`) |
//! | [`call`] | what the generated dispatcher (`generated/dispatch.rs`) calls: inputs, checks through the SDK's types, replies |
//! | [`app`] | the clap command tree built from the table |
//! | [`inputs`] | flags and `--body` to a call's JSON inputs |
//! | [`connect`] | global flags, environment and profile to an SDK client |
//! | [`config`] | the profiles file (mode 0600) |
//! | [`output`] | JSON and NDJSON on stdout |
//! | [`exit`] | exit codes by class, the one-line error |
//! | [`bulk`] | `--records`: NDJSON merged, re-split and sent in pieces |
//! | [`capture`] | `--dry-run`'s local capture server |
//! | [`api`] | `braze api METHOD PATH` |

mod api;
mod app;
mod bulk;
mod call;
mod capture;
mod config;
mod connect;
mod exit;
mod inputs;
mod output;
mod table;

#[allow(
    clippy::all,
    clippy::pedantic,
    unused_mut,
    unused_imports,
    dead_code,
    missing_docs
)]
mod generated {
    #[rustfmt::skip]
    pub mod commands;
    #[rustfmt::skip]
    pub mod dispatch;
}

use std::ffi::OsString;
use std::process::ExitCode;

use braze_sdk::serde_json::{Value, json};
use clap::ArgMatches;
use futures_util::StreamExt;

use crate::connect::Globals;
use crate::exit::{Class, ErrorFormat, Failure};
use crate::generated::dispatch;

/// `--error-format json` seen before clap parses (its own errors follow it too).
fn error_format(args: &[OsString]) -> ErrorFormat {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let json = args
        .windows(2)
        .any(|w| w[0] == "--error-format" && w[1] == "json")
        || args.iter().any(|a| a == "--error-format=json");
    if json {
        ErrorFormat::Json
    } else {
        ErrorFormat::Text
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let format = error_format(&args);
    let matches = match app::command().try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    return ExitCode::SUCCESS;
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    return ExitCode::from(Class::Usage.code());
                }
                _ => {
                    // clap's message on one line: what is wrong, the tip or
                    // the possible values, without the usage block.
                    let text = e.render().to_string();
                    let first: Vec<&str> = text
                        .lines()
                        .map(str::trim)
                        .take_while(|l| !l.starts_with("Usage:"))
                        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
                        .collect();
                    let first = first.join(" ");
                    let first = first.strip_prefix("error: ").unwrap_or(&first);
                    let f = Failure::usage(format!("{first} (see --help)"));
                    eprintln!("{}", exit::render(&f, format));
                    return ExitCode::from(Class::Usage.code());
                }
            }
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "{}",
                exit::render(&Failure::internal(e.to_string()), format)
            );
            return ExitCode::from(Class::Internal.code());
        }
    };
    let outcome = runtime.block_on(run(&matches));
    // In-flight work (a dry run's capture server) is not waited for.
    runtime.shutdown_background();
    match outcome {
        Ok(class) => ExitCode::from(class.code()),
        Err(f) if f.message == output::BROKEN_PIPE => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("{}", exit::render(&f, format));
            ExitCode::from(f.class.code())
        }
    }
}

/// The value of `id` if this command has that argument and it was given
/// (never clap's panic for an id the command does not define).
fn text<'m>(m: &'m ArgMatches, id: &str) -> Option<&'m String> {
    m.try_get_one::<String>(id).ok().flatten()
}

/// Whether flag `id` is defined for this command and set.
fn flag(m: &ArgMatches, id: &str) -> bool {
    m.try_get_one::<bool>(id)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
}

fn globals(m: &ArgMatches) -> Result<Globals, Failure> {
    let deadline = match text(m, "deadline") {
        Some(d) => Some(
            connect::parse_duration(d).map_err(|e| Failure::usage(format!("--deadline: {e}")))?,
        ),
        None => None,
    };
    Ok(Globals {
        instance: text(m, "instance").cloned(),
        base_url: text(m, "base-url").cloned(),
        profile: text(m, "profile")
            .cloned()
            .or_else(|| {
                std::env::var("BRAZE_PROFILE")
                    .ok()
                    .filter(|p| !p.is_empty())
            })
            .unwrap_or_else(|| "default".into()),
        deadline,
        retries: m.try_get_one::<u32>("retries").ok().flatten().copied(),
    })
}

/// The words of the sub-command matched, and its matches.
fn matched(m: &ArgMatches) -> (Vec<String>, &ArgMatches) {
    let mut words = Vec::new();
    let mut at = m;
    while let Some((name, sub)) = at.subcommand() {
        words.push(name.to_string());
        at = sub;
    }
    (words, at)
}

async fn run(m: &ArgMatches) -> Result<Class, Failure> {
    let g = globals(m)?;
    let (words, sub) = matched(m);
    match words.first().map(String::as_str) {
        Some("commands") => {
            if flag(sub, "json") {
                output::document(&commands_json())?;
            } else {
                for op in table::OPERATIONS {
                    println!("{:<48} {:<6} {}", op.command.join(" "), op.method, op.path);
                }
            }
            return Ok(Class::Ok);
        }
        Some("completion") => {
            let shell = text(sub, "shell").map(String::as_str);
            let shell = match shell {
                Some("zsh") => clap_complete::Shell::Zsh,
                Some("fish") => clap_complete::Shell::Fish,
                _ => clap_complete::Shell::Bash,
            };
            clap_complete::generate(shell, &mut app::command(), "braze", &mut std::io::stdout());
            return Ok(Class::Ok);
        }
        Some("config") => {
            let action = words.get(1).map(String::as_str).unwrap_or("show");
            let value = config::run(
                action,
                text(sub, "key").map(String::as_str),
                text(sub, "value").map(String::as_str),
                &g.profile,
            )?;
            output::document(&value)?;
            return Ok(Class::Ok);
        }
        Some("api") => {
            let body = match text(sub, "body") {
                Some(source) => Some(inputs::read_json(source, "--body")?),
                None => None,
            };
            let client = g.client()?;
            let method = text(sub, "method").map(String::as_str).unwrap_or("GET");
            let path = text(sub, "path").map(String::as_str).unwrap_or("/");
            let value = api::run(&client, method, path, body).await?;
            output::document(&value)?;
            return Ok(Class::Ok);
        }
        _ => {}
    }
    let op = table::OPERATIONS
        .iter()
        .find(|op| {
            op.command
                .iter()
                .copied()
                .eq(words.iter().map(String::as_str))
        })
        .ok_or_else(|| Failure::usage(format!("no command `{}`", words.join(" "))))?;
    let records = if op.batchable {
        text(sub, "records")
    } else {
        None
    };
    let call = inputs::call(op, sub, records.is_some())?;
    let dry_run = flag(sub, "dry-run");
    if let Some(records) = records {
        let options = bulk::Options {
            records: records.clone(),
            rejects: text(sub, "rejects").cloned(),
            strict: flag(sub, "strict"),
            concurrency: sub
                .try_get_one::<u16>("concurrency")
                .ok()
                .flatten()
                .map_or(8, |c| usize::from(*c)),
            progress: !flag(sub, "no-progress"),
            dry_run,
        };
        return bulk::run(op, &call, &g, &options).await;
    }
    if dry_run {
        let shown = g
            .instance()?
            .map(|i| i.base_url().to_string())
            .unwrap_or_default();
        let capture = capture::start(shown)
            .await
            .map_err(|e| Failure::internal(format!("dry run: cannot listen on 127.0.0.1: {e}")))?;
        let client = g.dry_run_client(&capture.url)?;
        // The reply of the capture server does not matter; the inputs'
        // checks do.
        let result = dispatch::call(&client, op.id, &call).await;
        // Printed before it was answered: nothing captured means the
        // inputs stopped the call.
        if capture.captured.load(std::sync::atomic::Ordering::SeqCst) == 0
            && let Err(e) = result
        {
            return Err(e.into_failure(Some(op)));
        }
        return Ok(Class::Ok);
    }
    let client = g.client()?;
    if op.list && flag(sub, "all") {
        let mut items =
            dispatch::stream(&client, op.id, &call).map_err(|e| e.into_failure(Some(op)))?;
        while let Some(item) = items.next().await {
            let item = item.map_err(|e| e.into_failure(Some(op)))?;
            output::line(&item)?;
        }
        return Ok(Class::Ok);
    }
    let reply = dispatch::call(&client, op.id, &call)
        .await
        .map_err(|e| e.into_failure(Some(op)))?;
    if !reply.body.is_null() {
        output::document(&reply.body)?;
    }
    Ok(Class::Ok)
}

/// `braze commands --json`: one object per operation.
pub fn commands_json() -> Value {
    Value::Array(
        table::OPERATIONS
            .iter()
            .map(|op| {
                json!({
                    "operation_id": op.id,
                    "command": op.command,
                    "method": op.method,
                    "path": op.path,
                })
            })
            .collect(),
    )
}
