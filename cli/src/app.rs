//! The clap command tree, built at start-up from the generated table: one
//! command per operation (its words are the operation id split at `_`),
//! plus `commands`, `api`, `config` and `completion`.

use std::collections::BTreeMap;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command};

use crate::table::{Kind, OPERATIONS, Op};

/// The tool's own commands; no operation's first word may be one of them.
#[cfg(test)]
pub const BUILTINS: &[&str] = &["commands", "api", "config", "completion", "help"];

/// A node of the command tree: an operation, sub-commands, or both
/// (`users track` is one and has `users track sync`).
#[derive(Default)]
struct Node {
    op: Option<&'static Op>,
    children: BTreeMap<&'static str, Node>,
}

fn version() -> &'static str {
    use braze_sdk::runtime::ClientInfo;
    let text = format!(
        "{} (Braze REST API spec {})",
        env!("CARGO_PKG_VERSION"),
        <braze_sdk::Client as ClientInfo<braze_sdk::runtime::ClientState>>::api_version()
    );
    Box::leak(text.into_boxed_str())
}

fn global(arg: Arg) -> Arg {
    arg.global(true)
}

/// The whole command line.
pub fn command() -> Command {
    let mut root = Node::default();
    for op in OPERATIONS {
        let mut node = &mut root;
        for word in op.command {
            node = node.children.entry(word).or_default();
        }
        node.op = Some(op);
    }
    let mut cmd = Command::new("braze")
        .version(version())
        .about("Every Braze REST API operation as a command, generated from the braze-openapi spec")
        .long_about(
            "Every Braze REST API operation as a command: the operation id split at `_` \
             (users_track -> `braze users track`). `braze commands` lists them all.\n\n\
             The key comes from BRAZE_API_KEY or a profile (`braze config set api-key`); \
             the instance from --instance, --base-url, BRAZE_INSTANCE or the profile.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(global(
            Arg::new("instance")
                .long("instance")
                .value_name("INSTANCE")
                .help("Braze instance, e.g. US-03, EU-01 (from your dashboard URL)"),
        ))
        .arg(global(
            Arg::new("base-url")
                .long("base-url")
                .value_name("URL")
                .conflicts_with("instance")
                .help("REST base URL instead of an instance"),
        ))
        .arg(global(
            Arg::new("profile")
                .long("profile")
                .value_name("NAME")
                .help("Profile of the config file [env: BRAZE_PROFILE] [default: default]"),
        ))
        .arg(global(
            Arg::new("deadline")
                .long("deadline")
                .value_name("DURATION")
                .help("Longest time of one call, throttle waits and retries included (30s, 2m)"),
        ))
        .arg(global(
            Arg::new("retries")
                .long("retries")
                .value_name("N")
                .value_parser(clap::value_parser!(u32))
                .help("Retries after the first attempt (default 3)"),
        ))
        .arg(global(
            Arg::new("error-format")
                .long("error-format")
                .value_name("FORMAT")
                .value_parser(["text", "json"])
                .help("Errors on stderr as one line of text or of JSON"),
        ));
    for (word, node) in root.children {
        cmd = cmd.subcommand(node_command(word, node));
    }
    cmd.subcommand(
        Command::new("commands")
            .about("List every operation's command, method and path")
            .arg(
                Arg::new("json")
                    .long("json")
                    .action(ArgAction::SetTrue)
                    .help("One JSON array: operation_id, command, method, path"),
            ),
    )
    .subcommand(
        Command::new("api")
            .about("Call any path of the REST API (for what has no command yet)")
            .arg(
                Arg::new("method")
                    .required(true)
                    .help("GET, POST, PUT, PATCH or DELETE"),
            )
            .arg(
                Arg::new("path")
                    .required(true)
                    .help("Path with its query, e.g. /campaigns/list?page=1"),
            )
            .arg(
                Arg::new("body")
                    .long("body")
                    .value_name("FILE")
                    .help("JSON request body from FILE (`-`: stdin)"),
            ),
    )
    .subcommand(
        Command::new("config")
            .about("Profiles in the config file (created with mode 0600)")
            .subcommand_required(true)
            .subcommand(
                Command::new("set")
                    .about("Set api-key (read from stdin, never an argument), instance or base-url")
                    .arg(
                        Arg::new("key")
                            .required(true)
                            .value_parser(["api-key", "instance", "base-url"]),
                    )
                    .arg(Arg::new("value")),
            )
            .subcommand(
                Command::new("show").about("The profile's settings; the key only as set / not set"),
            ),
    )
    .subcommand(
        Command::new("completion")
            .about("Shell completion script")
            .arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(["bash", "zsh", "fish"]),
            ),
    )
}

fn node_command(word: &'static str, node: Node) -> Command {
    let mut cmd = Command::new(word);
    match node.op {
        Some(op) => cmd = op_command(cmd, op),
        None => {
            cmd = cmd
                .about(format!("{} operations", word))
                .subcommand_required(true)
                .arg_required_else_help(true)
        }
    }
    let has_children = !node.children.is_empty();
    for (w, child) in node.children {
        cmd = cmd.subcommand(node_command(w, child));
    }
    if has_children && node.op.is_some() {
        cmd = cmd.args_conflicts_with_subcommands(true);
    }
    cmd
}

fn flag_arg(f: &'static crate::table::Flag, body: bool) -> Arg {
    let mut arg = Arg::new(f.flag).long(f.flag).help(f.help);
    arg = match f.kind {
        Kind::Array => arg.action(ArgAction::Append).value_name("VALUE"),
        Kind::Integer => arg.value_name("INT"),
        Kind::Number => arg.value_name("NUMBER"),
        Kind::Boolean => arg.value_name("BOOL").value_parser(["true", "false"]),
        Kind::String => arg.value_name(if f.values.is_empty() { "TEXT" } else { "VALUE" }),
    };
    if !f.values.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(f.values.iter().copied()));
    }
    if body {
        arg.help_heading("Body fields (override --body)")
    } else {
        arg.required(f.required)
    }
}

fn op_command(mut cmd: Command, op: &'static Op) -> Command {
    let summary = if op.summary.is_empty() {
        op.id
    } else {
        op.summary
    };
    let mut long = format!("{summary}\n\n{} {}", op.method, op.path);
    if !op.description.is_empty() {
        long = format!("{long}\n\n{}", op.description);
    }
    cmd = cmd.about(summary).long_about(long);
    for p in op.params {
        cmd = cmd.arg(flag_arg(p, false));
    }
    if let Some(body) = &op.body {
        cmd = cmd.arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE")
                .help(if body.required {
                    "JSON request body from FILE (`-`: stdin); required unless the field flags give it"
                } else {
                    "JSON request body from FILE (`-`: stdin)"
                }),
        );
        for f in body.fields {
            cmd = cmd.arg(flag_arg(f, true));
        }
    }
    if op.list {
        cmd = cmd.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Follow the pagination: every item, one JSON line each (NDJSON)"),
        );
    }
    if op.batchable {
        cmd = cmd
            .arg(
                Arg::new("records")
                    .long("records")
                    .value_name("FILE")
                    .help_heading("Bulk")
                    .conflicts_with("body")
                    .help("NDJSON: each line a request body; merged and re-split into Braze's limits"),
            )
            .arg(
                Arg::new("rejects")
                    .long("rejects")
                    .value_name("FILE")
                    .help_heading("Bulk")
                    .requires("records")
                    .help("Where lines not accepted go, in the same NDJSON form [default: RECORDS.rejects]"),
            )
            .arg(
                Arg::new("strict")
                    .long("strict")
                    .action(ArgAction::SetTrue)
                    .help_heading("Bulk")
                    .requires("records")
                    .help("Stop at the first malformed or invalid line"),
            )
            .arg(
                Arg::new("concurrency")
                    .long("concurrency")
                    .value_name("N")
                    .help_heading("Bulk")
                    .value_parser(clap::value_parser!(u16).range(1..=256))
                    .requires("records")
                    .help("Requests in flight at once [default: 8]"),
            )
            .arg(
                Arg::new("no-progress")
                    .long("no-progress")
                    .action(ArgAction::SetTrue)
                    .help_heading("Bulk")
                    .help("No progress bar, even on a terminal"),
            );
    }
    cmd.arg(
        Arg::new("dry-run")
            .long("dry-run")
            .action(ArgAction::SetTrue)
            .help("Print the requests instead of sending them (needs no key)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_reachable_by_its_words_with_help_from_the_spec() {
        for op in OPERATIONS {
            let mut args = vec!["braze"];
            args.extend(op.command);
            args.push("--help");
            let err = command()
                .try_get_matches_from(&args)
                .expect_err("--help stops parsing");
            assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp, "{}", op.id);
            let help = err.render().to_string();
            assert!(
                help.contains(&format!("{} {}", op.method, op.path)),
                "{}: {help}",
                op.id
            );
            assert!(help.contains(op.summary), "{}", op.id);
        }
    }

    #[test]
    fn the_tree_is_valid_and_no_operation_hides_a_builtin() {
        command().debug_assert();
        for op in OPERATIONS {
            assert!(
                !BUILTINS.contains(&op.command[0]),
                "{} shadows a builtin",
                op.id
            );
        }
    }
}
