//! Rewrites of progenitor's output, applied to the syntax tree.
//!
//! Each rewrite fixes one thing progenitor's settings cannot express. Each
//! finds its targets by structure (item kinds, paths and types, never message
//! text), counts what it changed, and states what it expects to find: when a
//! rewrite that must apply finds nothing, or finds something it does not
//! expect, generation fails with a message naming the rewrite, instead of
//! silently emitting different code.
//!
//! | rewrite | what | expects |
//! | --- | --- | --- |
//! | `imports` | `progenitor_client::{..}` imports point at `crate::runtime` | at least one |
//! | `setters` | request types (reachable from an operation's parameters or body) get `Default` or `new(required..)`, a setter per field taking `IntoField`, `extra_value`; plain string newtypes get `StringNewtype` | any number (none when no operation carries a struct); fails on a setter that would shadow a method |
//! | `type_builders` | typify's `types::builder` module is dropped from the tokens before they are parsed (`parse`), `X::builder()` is removed; operation builders hold the body type itself, start a body without `Default` as not initialized, and send it without converting | typify's builder module and `builder()` found; per body: its paths, start and conversion |
//! | `required_args` | required path and query parameters and the body become arguments of the `Client` method (`client.catalogs_delete(name)`, `client.users_track(body)`), their setters go; a conversion error keeps its reason; builders own a clone of the client instead of borrowing it | one per operation |
//! | `send_tail` | the end of each `send()` (hooks, exec, status `match`) becomes one call of the generic `runtime::finish` with the documented error statuses; an unexpected status reads the body into the error | one per operation |
//! | `request_parts` | each `send()` drops progenitor's `api-version` header (and the header map when nothing else is in it) and builds its URL with `concat` instead of `format!` | one per operation |
//! | `constructors` | progenitor's `Client::new` (panics, sends no auth) is removed; `new_with_client` becomes `pub(crate)` | both found |
//! | `field_decoders` | explicit `null`s and response date-times decode through the SDK's helpers | no minimum |
//! | `lean_deserialize` | a struct of `types` whose serde attributes it understands, and an enum of unit variants, get a lean `Deserialize` impl calling `braze_sdk::lean_de` instead of `#[derive(Deserialize)]` | any number; fails on a type deriving Deserialize twice; `tests/it/generated_code.rs` fails if one it could handle is left |
//! | `lean_serialize` | a struct of `types` whose serde attributes it understands, an enum of unit variants and a transparent newtype get a lean `Serialize` impl calling `braze_sdk::lean_ser` instead of `#[derive(Serialize)]`; a type left with no serde derive loses its `#[serde]` attributes in `generate_sdk`, once the tables are read (`strip_serde_attrs`) | any number; fails on a type deriving Serialize twice; `tests/it/generated_code.rs` fails if one it could handle is left |
//! | `docs` | multi-line doc attributes become one line each; usage snippets become `text` | no minimum |

mod constructors;
mod docs;
mod field_decoders;
mod imports;
mod lean_deserialize;
pub use lean_deserialize::would_rewrite as lean_deserialize_would_rewrite;
mod lean_serialize;
pub use lean_serialize::strip_serde_attrs;
pub use lean_serialize::would_rewrite as lean_serialize_would_rewrite;
mod request_parts;
mod required_args;
mod send_tail;
mod setters;
mod type_builders;

use std::fmt;

/// progenitor's tokens as a syntax tree, without what the rewrites would
/// only drop (typify's builder module: see `type_builders`).
pub fn parse(tokens: proc_macro2::TokenStream) -> Result<syn::File, String> {
    let tokens = type_builders::drop_builder_tokens(tokens)
        .map_err(|e| format!("rewrite `type_builders`: {e}"))?;
    syn::parse2(tokens).map_err(|e| format!("progenitor produced unparsable code: {e}"))
}

/// What each rewrite changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub counts: Vec<(&'static str, usize)>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, n)) in self.counts.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}: {n}")?;
        }
        Ok(())
    }
}

/// Applies every rewrite to `file`. On error, each message names the rewrite
/// and what it found instead of what it expected.
pub fn apply(file: &mut syn::File) -> Result<Report, Vec<String>> {
    let operations = operation_count(file);
    let mut problems = Vec::new();
    let mut report = Report::default();
    let mut expect = |name: &'static str, result: Result<usize, String>, check: Expect| match result
    {
        Err(e) => problems.push(format!("rewrite `{name}`: {e}")),
        Ok(n) => {
            if let Some(e) = check.problem(n) {
                problems.push(format!("rewrite `{name}`: {e}"));
            }
            report.counts.push((name, n));
        }
    };
    expect("imports", Ok(imports::apply(file)), Expect::AtLeast(1));
    let defaults = match setters::apply(file) {
        Ok(outcome) => {
            // Zero is right for a spec whose operations carry no struct (the
            // SDK's tests and README doctests build request types with these
            // setters, so losing them fails the build).
            expect("setters", Ok(outcome.types), Expect::Any);
            outcome.defaults
        }
        Err(e) => {
            expect("setters", Err(e), Expect::Any);
            Default::default()
        }
    };
    // One per operation with a struct body (possibly none); the rewrite
    // fails by itself when typify's builders or its count checks are off.
    expect(
        "type_builders",
        type_builders::apply(file, &defaults),
        Expect::Any,
    );
    // After `type_builders`, whose body types it reads.
    expect(
        "required_args",
        required_args::apply(file),
        Expect::Exactly(operations),
    );
    expect(
        "send_tail",
        send_tail::apply(file),
        Expect::Exactly(operations),
    );
    expect(
        "request_parts",
        request_parts::apply(file),
        Expect::Exactly(operations),
    );
    expect(
        "constructors",
        constructors::apply(file),
        Expect::Exactly(2),
    );
    expect(
        "field_decoders",
        Ok(field_decoders::apply(file)),
        Expect::Any,
    );
    // Runs after `field_decoders`, whose `deserialize_with`s it reads.
    expect(
        "lean_deserialize",
        lean_deserialize::apply(file),
        Expect::Any,
    );
    // Reads the same attributes; the derives it leaves are checked there.
    expect("lean_serialize", lean_serialize::apply(file), Expect::Any);
    expect("docs", Ok(docs::apply(file)), Expect::Any);
    if problems.is_empty() {
        Ok(report)
    } else {
        Err(problems)
    }
}

/// What a rewrite must have changed.
enum Expect {
    Any,
    AtLeast(usize),
    Exactly(usize),
}

impl Expect {
    fn problem(&self, n: usize) -> Option<String> {
        match *self {
            Expect::Any => None,
            Expect::AtLeast(min) if n < min => Some(format!(
                "changed {n} place(s), expected at least {min}: progenitor's output changed, update or remove the rewrite"
            )),
            Expect::Exactly(want) if n != want => Some(format!(
                "changed {n} place(s), expected exactly {want}: progenitor's output changed, update or remove the rewrite"
            )),
            _ => None,
        }
    }
}

/// The operation builders: `impl` blocks of the top-level `builder` module
/// that have a `send` method.
fn operation_count(file: &syn::File) -> usize {
    module_items(&file.items, "builder")
        .map(|items| {
            items
                .iter()
                .filter(|i| match i {
                    syn::Item::Impl(imp) => imp
                        .items
                        .iter()
                        .any(|f| matches!(f, syn::ImplItem::Fn(f) if f.sig.ident == "send")),
                    _ => false,
                })
                .count()
        })
        .unwrap_or(0)
}

/// The items of the inline module `name` among `items`.
fn module_items<'a>(items: &'a [syn::Item], name: &str) -> Option<&'a Vec<syn::Item>> {
    items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, i)| i),
        _ => None,
    })
}

/// Applies `rewrite` to the statements of every operation's `send()` (the
/// `impl` blocks of the top-level `builder` module). Returns how many it
/// rewrote; fails naming each operation whose `send()` it refused (the
/// first three, and how many more).
fn each_send(
    file: &mut syn::File,
    mut rewrite: impl FnMut(&mut Vec<syn::Stmt>) -> Result<(), String>,
) -> Result<usize, String> {
    let ops =
        module_items_mut(&mut file.items, "builder").ok_or("no operation `builder` module")?;
    let mut changed = 0;
    let mut problems = Vec::new();
    for item in ops.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let op = quote::ToTokens::to_token_stream(&imp.self_ty).to_string();
        for f in &mut imp.items {
            let syn::ImplItem::Fn(f) = f else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            match rewrite(&mut f.block.stmts) {
                Ok(()) => changed += 1,
                Err(e) => problems.push(format!("`{op}::send`: {e}")),
            }
        }
    }
    match problems.len() {
        0 => Ok(changed),
        n if n > 3 => Err(format!("{}; and {} more", problems[..3].join("; "), n - 3)),
        _ => Err(problems.join("; ")),
    }
}

/// The tokens of `t` with all whitespace removed, for comparing against the
/// code progenitor writes.
fn compact(t: &impl quote::ToTokens) -> String {
    t.to_token_stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The items of the top-level inline module `name` of `file`.
pub(crate) fn module<'a>(file: &'a syn::File, name: &str) -> Option<&'a Vec<syn::Item>> {
    module_items(&file.items, name)
}

/// The items of the inline module `name` among `items`, mutably.
fn module_items_mut<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, i)| i),
        _ => None,
    })
}

#[cfg(test)]
mod tests;
