//! Breaking changes between two versions of the exported spec.
//!
//! `cargo xtask breaking` compares `spec/dist/braze.json` with the same file
//! at an earlier git revision. A change is *breaking* when a client written
//! against the old document can fail against the new one:
//!
//! * an operation, parameter, schema component, field or 2xx response is
//!   removed;
//! * a parameter, a request field or the request body becomes required;
//! * a response field stops being required (a client reading it may find
//!   nothing);
//! * a type changes or narrows: another `type`, `nullable` dropped from a
//!   request value, enum values removed, request limits tightened
//!   (`maxLength`, `maxItems`, `maximum` lower; `minLength`, `minItems`,
//!   `minimum` higher; a new `pattern`).
//!
//! Some changes are not breaking on the wire but change what a generated
//! client returns, and are listed as *widenings* ([`Report::widenings`]),
//! each with the reason the document records for it (`x-braze-decision` on
//! the changed value, on the schema that holds it up to its component, or on
//! the response):
//!
//! * a new success response (a `2XX` range beside the documented code);
//! * a response enum opened (`anyOf` of the enum and any string);
//! * a value that may now be `null` (request or response).
//!
//! Written on `serde_json` rather than openapiv3 so that it reads any
//! revision's document, including ones our current rules would reject, and
//! walks it with [`crate::walk`] (the recursive audience filters are compared once
//! per pair of references, so recursion ends).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

/// What kind of break a [`Break`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    RemovedOperation,
    RemovedParameter,
    RemovedResponse,
    RemovedSchema,
    RemovedField,
    NewRequiredParameter,
    NewRequiredField,
    RequestBodyRequired,
    ResponseFieldOptional,
    TypeChanged,
    NullableRemoved,
    EnumNarrowed,
    LimitNarrowed,
    // Widenings: not breaking on the wire; a generated client's types change.
    SuccessResponseAdded,
    EnumOpened,
    NullableAdded,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::RemovedOperation => "removed operation",
            Kind::RemovedParameter => "removed parameter",
            Kind::RemovedResponse => "removed response",
            Kind::RemovedSchema => "removed schema",
            Kind::RemovedField => "removed field",
            Kind::NewRequiredParameter => "new required parameter",
            Kind::NewRequiredField => "new required field",
            Kind::RequestBodyRequired => "request body now required",
            Kind::ResponseFieldOptional => "response field no longer required",
            Kind::TypeChanged => "type changed",
            Kind::NullableRemoved => "no longer nullable",
            Kind::EnumNarrowed => "enum narrowed",
            Kind::LimitNarrowed => "limit narrowed",
            Kind::SuccessResponseAdded => "new success response",
            Kind::EnumOpened => "response enum opened",
            Kind::NullableAdded => "now nullable",
        }
    }

    /// Whether a client written against the old document can fail against
    /// the new one. The other kinds are widenings: the new document accepts
    /// or promises more, and generated clients change their types.
    pub fn is_breaking(self) -> bool {
        !matches!(
            self,
            Kind::SuccessResponseAdded | Kind::EnumOpened | Kind::NullableAdded
        )
    }
}

/// One breaking change: its kind, where it is and what changed. Its
/// `Display` form (`kind: location (detail)`) is the line an
/// acknowledgement file lists to mark the break intended.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Break {
    pub kind: Kind,
    pub location: String,
    pub detail: String,
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.location)?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        Ok(())
    }
}

/// Why a widening was made: the `x-braze-decision` text and where it was
/// found.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reason {
    pub text: String,
    /// The JSON pointer (`#/components/schemas/X`) or the location of the
    /// value that carries the decision.
    pub at: String,
}

/// A widening and the reason the new document records for it, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Widening {
    pub change: Break,
    pub reason: Option<Reason>,
}

/// Every change [`report`] finds between two documents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Breaking changes, sorted by their printed line.
    pub breaks: Vec<Break>,
    /// Widenings, sorted by their printed line.
    pub widenings: Vec<Widening>,
}

/// Which way data flows through a schema: a request schema breaks when it
/// accepts less, a response schema when it promises less.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Flow {
    Request,
    Response,
}

/// Every breaking change from `old` to `new` (both whole OpenAPI documents),
/// sorted by their printed line and without duplicates.
pub fn compare(old: &Value, new: &Value) -> Vec<Break> {
    report(old, new).breaks
}

/// The breaking changes and the widenings from `old` to `new`.
pub fn report(old: &Value, new: &Value) -> Report {
    let mut c = Comparer {
        old,
        new,
        out: BTreeMap::new(),
        seen: BTreeSet::new(),
        frames: Vec::new(),
    };
    c.document();
    let mut report = Report::default();
    for (change, reason) in c.out {
        if change.kind.is_breaking() {
            report.breaks.push(change);
        } else {
            report.widenings.push(Widening { change, reason });
        }
    }
    report.breaks.sort_by_cached_key(ToString::to_string);
    report
        .widenings
        .sort_by_cached_key(|w| w.change.to_string());
    report
}

/// The major version of `info.version`: its first dot-separated number.
pub fn major_version(doc: &Value) -> Option<u64> {
    let v = doc["info"]["version"].as_str()?;
    v.trim_start_matches('v')
        .split(['.', '-'])
        .next()?
        .parse()
        .ok()
}

struct Comparer<'a> {
    old: &'a Value,
    new: &'a Value,
    /// Every change found, with the reason recorded for it (widenings only).
    out: BTreeMap<Break, Option<Reason>>,
    /// (old $ref, new $ref, flow) pairs already compared: recursive schemas end.
    seen: BTreeSet<(String, String, Flow)>,
    /// The new side's schemas being compared, outermost first: where a
    /// widening looks for its reason.
    frames: Vec<Frame>,
}

/// One schema of the new document on the way to a change.
struct Frame {
    /// Its `x-braze-decision`, and where it is.
    decision: Option<Reason>,
    /// Reached through a `$ref`: a component, where the search for a reason
    /// stops (a decision of an outer schema is about something else).
    component: bool,
}

/// The `x-braze-decision` of `value`, found at `at`.
fn decision(value: &Value, at: &str) -> Option<Reason> {
    value["x-braze-decision"].as_str().map(|t| Reason {
        text: t.split_whitespace().collect::<Vec<_>>().join(" "),
        at: at.to_string(),
    })
}

/// The operations of `doc` by `METHOD /path`: (path item, operation).
fn operations(doc: &Value) -> BTreeMap<String, (&Value, &Value)> {
    crate::walk::operations(doc)
        .into_iter()
        .map(|op| {
            (
                format!("{} {}", op.method.to_uppercase(), op.path),
                (op.path_item, op.operation),
            )
        })
        .collect()
}

impl<'a> Comparer<'a> {
    fn push(&mut self, kind: Kind, location: impl Into<String>, detail: impl Into<String>) {
        let reason = if kind.is_breaking() {
            None
        } else {
            self.reason()
        };
        self.out
            .entry(Break {
                kind,
                location: location.into(),
                detail: detail.into(),
            })
            .or_insert(reason);
    }

    /// The innermost decision of the schemas being compared, up to and
    /// including the nearest component.
    fn reason(&self) -> Option<Reason> {
        for f in self.frames.iter().rev() {
            if let Some(d) = &f.decision {
                return Some(d.clone());
            }
            if f.component {
                break;
            }
        }
        None
    }

    /// Runs `f` with `frame` on the stack.
    fn within(&mut self, frame: Frame, f: impl FnOnce(&mut Self)) {
        self.frames.push(frame);
        f(self);
        self.frames.pop();
    }

    fn document(&mut self) {
        let old_ops = operations(self.old);
        let new_ops = operations(self.new);
        for (key, (old_item, old_op)) in &old_ops {
            match new_ops.get(key) {
                None => {
                    let id = old_op["operationId"].as_str().unwrap_or("");
                    self.push(Kind::RemovedOperation, key.clone(), id);
                }
                Some((new_item, new_op)) => {
                    self.operation(key, (old_item, old_op), (new_item, new_op));
                }
            }
        }
        let empty = serde_json::Map::new();
        let old_schemas = self.old["components"]["schemas"]
            .as_object()
            .unwrap_or(&empty);
        let new_schemas = self.new["components"]["schemas"]
            .as_object()
            .unwrap_or(&empty);
        for name in old_schemas.keys() {
            if !new_schemas.contains_key(name) {
                self.push(
                    Kind::RemovedSchema,
                    format!("#/components/schemas/{name}"),
                    "",
                );
            }
        }
    }

    fn operation(&mut self, key: &str, old: (&Value, &Value), new: (&Value, &Value)) {
        let old_params = self.parameters(self.old, old.0, old.1);
        let new_params = self.parameters(self.new, new.0, new.1);
        for ((place, name), old_p) in &old_params {
            let loc = format!("{key} {place} parameter `{name}`");
            match new_params.get(&(place.clone(), name.clone())) {
                None => self.push(Kind::RemovedParameter, loc, ""),
                Some(new_p) => {
                    if is_true(&new_p["required"]) && !is_true(&old_p["required"]) {
                        self.push(Kind::NewRequiredParameter, loc.clone(), "was optional");
                    }
                    self.schema(&loc, Flow::Request, &old_p["schema"], &new_p["schema"]);
                }
            }
        }
        for ((place, name), new_p) in &new_params {
            if !old_params.contains_key(&(place.clone(), name.clone()))
                && is_true(&new_p["required"])
            {
                self.push(
                    Kind::NewRequiredParameter,
                    format!("{key} {place} parameter `{name}`"),
                    "new",
                );
            }
        }

        let old_body = self.resolve(self.old, &old.1["requestBody"]);
        let new_body = self.resolve(self.new, &new.1["requestBody"]);
        if !new_body.is_null() {
            if is_true(&new_body["required"]) && !is_true(&old_body["required"]) {
                self.push(Kind::RequestBodyRequired, format!("{key} request body"), "");
            }
            self.contents(&format!("{key} request"), Flow::Request, old_body, new_body);
        }

        let empty = serde_json::Map::new();
        let old_resps = old.1["responses"].as_object().unwrap_or(&empty);
        let new_resps = new.1["responses"].as_object().unwrap_or(&empty);
        for (status, new_r) in new_resps {
            if !status.starts_with('2') || old_resps.contains_key(status) {
                continue;
            }
            let new_r = self.resolve(self.new, new_r);
            let loc = format!("{key} response {status}");
            let op_frame = Frame {
                decision: decision(new.1, key),
                component: false,
            };
            let response_frame = Frame {
                decision: decision(new_r, &loc),
                component: false,
            };
            self.within(op_frame, |c| {
                c.within(response_frame, |c| {
                    c.push(Kind::SuccessResponseAdded, loc.clone(), "")
                })
            });
        }
        for (status, old_r) in old_resps {
            if !status.starts_with('2') {
                continue;
            }
            let loc = format!("{key} response {status}");
            match new_resps.get(status) {
                None => self.push(Kind::RemovedResponse, loc, ""),
                Some(new_r) => {
                    let old_r = self.resolve(self.old, old_r);
                    let new_r = self.resolve(self.new, new_r);
                    self.contents(&loc, Flow::Response, old_r, new_r);
                }
            }
        }
    }

    /// Path-level and operation-level parameters, keyed by (in, name).
    fn parameters(
        &self,
        doc: &'a Value,
        item: &'a Value,
        op: &'a Value,
    ) -> BTreeMap<(String, String), &'a Value> {
        let mut out = BTreeMap::new();
        for list in [&item["parameters"], &op["parameters"]] {
            for p in list.as_array().into_iter().flatten() {
                let p = self.resolve(doc, p);
                let place = p["in"].as_str().unwrap_or("?").to_string();
                let name = p["name"].as_str().unwrap_or("?").to_string();
                out.insert((place, name), p);
            }
        }
        out
    }

    /// Compares the schemas of the media types both sides have; a media type
    /// the new side drops is a removed field at the body level.
    fn contents(&mut self, loc: &str, flow: Flow, old: &Value, new: &Value) {
        let empty = serde_json::Map::new();
        let old_c = old["content"].as_object().unwrap_or(&empty);
        let new_c = new["content"].as_object().unwrap_or(&empty);
        for (media, old_m) in old_c {
            match new_c.get(media) {
                None if flow == Flow::Response => self.push(
                    Kind::RemovedResponse,
                    format!("{loc} {media}"),
                    "media type gone",
                ),
                None => {}
                Some(new_m) => self.schema(
                    &format!("{loc} body"),
                    flow,
                    &old_m["schema"],
                    &new_m["schema"],
                ),
            }
        }
    }

    /// Follows `$ref` chains within `doc` (local references only; `null`
    /// where one leads nowhere).
    fn resolve(&self, doc: &'a Value, v: &'a Value) -> &'a Value {
        crate::walk::resolved(doc, v)
    }

    fn schema(&mut self, loc: &str, flow: Flow, old: &Value, new: &Value) {
        if old.is_null() || new.is_null() {
            return;
        }
        let old_ref = old.get("$ref").and_then(Value::as_str);
        let new_ref = new.get("$ref").and_then(Value::as_str);
        if old_ref.is_some() || new_ref.is_some() {
            let key = (
                old_ref.unwrap_or("").to_string(),
                new_ref.unwrap_or("").to_string(),
                flow,
            );
            // Each pair of components is compared once per direction; its
            // breaks are reported at the first place that reaches it.
            if old_ref.is_some() && new_ref.is_some() && !self.seen.insert(key) {
                return;
            }
        }
        let old = self.resolve(self.old, old);
        let new = self.resolve(self.new, new);
        if old.is_null() || new.is_null() {
            return;
        }
        let frame = Frame {
            decision: decision(new, new_ref.unwrap_or(loc)),
            component: new_ref.is_some(),
        };
        self.within(frame, |c| c.resolved_schema(loc, flow, old, new));
    }

    /// A closed response enum that became `anyOf: [<the enum>, {type:
    /// string}]`: reported as opened (with `null` newly allowed, if so).
    /// Returns false when `new` is not that form.
    fn enum_opened(&mut self, loc: &str, flow: Flow, old: &Value, new: &Value) -> bool {
        if flow != Flow::Response || !old["enum"].is_array() || !new["enum"].is_null() {
            return false;
        }
        let Some(arms) = new["anyOf"].as_array() else {
            return false;
        };
        let known = arms
            .iter()
            .find(|a| self.resolve(self.new, a)["enum"].is_array());
        let any_string = arms.iter().any(|a| {
            let a = self.resolve(self.new, a);
            a["type"] == "string" && a["enum"].is_null()
        });
        let Some(known) = known.filter(|_| any_string) else {
            return false;
        };
        let name = known["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or("the enum");
        self.push(
            Kind::EnumOpened,
            loc,
            format!("any string besides the values of {name}"),
        );
        let nullable = arms
            .iter()
            .any(|a| is_true(&self.resolve(self.new, a)["nullable"]));
        if nullable && !is_true(&old["nullable"]) {
            self.push(Kind::NullableAdded, loc, "a response may carry null");
        }
        true
    }

    /// [`Self::schema`] once both sides are resolved.
    fn resolved_schema(&mut self, loc: &str, flow: Flow, old: &Value, new: &Value) {
        if self.enum_opened(loc, flow, old, new) {
            return;
        }
        if let (Some(ot), Some(nt)) = (old["type"].as_str(), new["type"].as_str()) {
            let widened = match flow {
                Flow::Request => ot == "integer" && nt == "number",
                Flow::Response => ot == "number" && nt == "integer",
            };
            if ot != nt && !widened {
                self.push(Kind::TypeChanged, loc, format!("{ot} -> {nt}"));
                return;
            }
        }
        if flow == Flow::Request && is_true(&old["nullable"]) && !is_true(&new["nullable"]) {
            self.push(Kind::NullableRemoved, loc, "");
        }
        if !is_true(&old["nullable"]) && is_true(&new["nullable"]) {
            let detail = match flow {
                Flow::Request => "a request may send null",
                Flow::Response => "a response may carry null",
            };
            self.push(Kind::NullableAdded, loc, detail);
        }
        if let (Some(oe), Some(ne)) = (old["enum"].as_array(), new["enum"].as_array()) {
            let removed: Vec<String> = oe
                .iter()
                .filter(|v| !ne.contains(v))
                .map(|v| v.to_string())
                .collect();
            if !removed.is_empty() {
                self.push(
                    Kind::EnumNarrowed,
                    loc,
                    format!("removed {}", removed.join(", ")),
                );
            }
        } else if old["enum"].is_null() && new["enum"].is_array() && flow == Flow::Request {
            self.push(Kind::EnumNarrowed, loc, "now an enum");
        }
        if flow == Flow::Request {
            self.limits(loc, old, new);
        }

        self.properties(loc, flow, old, new);
        if !old["items"].is_null() {
            self.schema(&format!("{loc}[]"), flow, &old["items"], &new["items"]);
        }
        if old["additionalProperties"].is_object() {
            self.schema(
                &format!("{loc}{{*}}"),
                flow,
                &old["additionalProperties"],
                &new["additionalProperties"],
            );
        }
        for comb in ["allOf", "oneOf", "anyOf"] {
            if let (Some(o), Some(n)) = (old[comb].as_array(), new[comb].as_array()) {
                for (i, (os, ns)) in o.iter().zip(n).enumerate() {
                    self.schema(&format!("{loc}<{comb}[{i}]>"), flow, os, ns);
                }
                if flow == Flow::Request && n.len() < o.len() && comb != "allOf" {
                    self.push(
                        Kind::TypeChanged,
                        loc,
                        format!("{comb} has {} alternatives, had {}", n.len(), o.len()),
                    );
                }
            }
        }
    }

    fn properties(&mut self, loc: &str, flow: Flow, old: &Value, new: &Value) {
        let empty = serde_json::Map::new();
        let old_p = old["properties"].as_object().unwrap_or(&empty);
        let new_p = new["properties"].as_object().unwrap_or(&empty);
        let old_req = required(old);
        let new_req = required(new);
        for (name, os) in old_p {
            let field = format!("{loc}.{name}");
            match new_p.get(name) {
                None => self.push(Kind::RemovedField, field, ""),
                Some(ns) => {
                    match flow {
                        Flow::Request if new_req.contains(name) && !old_req.contains(name) => {
                            self.push(Kind::NewRequiredField, field.clone(), "was optional")
                        }
                        Flow::Response if old_req.contains(name) && !new_req.contains(name) => {
                            self.push(Kind::ResponseFieldOptional, field.clone(), "")
                        }
                        _ => {}
                    }
                    self.schema(&field, flow, os, ns);
                }
            }
        }
        if flow == Flow::Request {
            for name in new_req.difference(&old_req) {
                if !old_p.contains_key(name) {
                    self.push(Kind::NewRequiredField, format!("{loc}.{name}"), "new");
                }
            }
        }
    }

    fn limits(&mut self, loc: &str, old: &Value, new: &Value) {
        for key in ["maxLength", "maxItems", "maxProperties", "maximum"] {
            if let Some(n) = new[key].as_f64() {
                match old[key].as_f64() {
                    Some(o) if n < o => {
                        self.push(Kind::LimitNarrowed, loc, format!("{key} {o} -> {n}"))
                    }
                    None => self.push(Kind::LimitNarrowed, loc, format!("new {key} {n}")),
                    _ => {}
                }
            }
        }
        for key in ["minLength", "minItems", "minProperties", "minimum"] {
            if let Some(n) = new[key].as_f64() {
                // Absent means no bound: 0 for sizes, minus infinity for values.
                let none = if key == "minimum" {
                    f64::NEG_INFINITY
                } else {
                    0.0
                };
                let o = old[key].as_f64().unwrap_or(none);
                if n > o {
                    self.push(
                        Kind::LimitNarrowed,
                        loc,
                        format!("{key} {} -> {n}", fmt_num(o)),
                    );
                }
            }
        }
        if let Some(p) = new["pattern"].as_str()
            && old["pattern"].as_str() != Some(p)
        {
            self.push(Kind::LimitNarrowed, loc, format!("pattern {p}"));
        }
    }
}

fn fmt_num(n: f64) -> String {
    if n.is_infinite() {
        "none".into()
    } else {
        n.to_string()
    }
}

fn is_true(v: &Value) -> bool {
    v.as_bool() == Some(true)
}

fn required(schema: &Value) -> BTreeSet<String> {
    schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}
