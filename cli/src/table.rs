//! The types of the generated command table (`generated/commands.rs`, from
//! `generator::cli`) and lookups over it.

pub use crate::generated::commands::OPERATIONS;

/// One operation of the spec as a command.
#[derive(Debug)]
pub struct Op {
    /// The spec's `operationId` (the SDK's method name).
    pub id: &'static str,
    /// The words after `braze`: the operation id split at `_`.
    pub command: &'static [&'static str],
    pub method: &'static str,
    /// Path template, e.g. `/catalogs/{catalog_name}/items`.
    pub path: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    /// Path, query and header parameters.
    pub params: &'static [Flag],
    /// The JSON request body, when the operation takes one.
    pub body: Option<Body>,
    /// The spec pages it: `--all` walks every page.
    pub list: bool,
    /// Its body implements `Batchable`: `--records` sends NDJSON in pieces.
    pub batchable: bool,
}

/// A JSON request body and its top-level scalar fields that have a flag.
#[derive(Debug)]
pub struct Body {
    pub required: bool,
    pub fields: &'static [Flag],
}

/// A parameter or a body field given as a flag.
#[derive(Debug)]
pub struct Flag {
    /// The name in the spec (`last_edit.time[gt]`, a body field's key).
    pub name: &'static str,
    /// The flag without `--`.
    pub flag: &'static str,
    /// `path`, `query`, `header` or `body`.
    #[allow(dead_code)]
    pub location: &'static str,
    pub required: bool,
    pub kind: Kind,
    /// The spec's enum values, if closed.
    pub values: &'static [&'static str],
    pub help: &'static str,
}

/// The JSON type a flag's text is turned into before the SDK's types check it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    #[allow(dead_code)]
    Number,
    Boolean,
    /// A list of strings: the flag is repeated.
    Array,
}

impl Op {
    /// The flag of parameter or body field `name` (`--campaign-id`).
    pub fn flag_of(&self, name: &str) -> Option<&'static str> {
        self.params
            .iter()
            .chain(self.body.iter().flat_map(|b| b.fields.iter()))
            .find(|f| f.name == name)
            .map(|f| f.flag)
    }
}
