//! A call's inputs from the command line: flags to JSON values (checked by
//! the SDK's types in the dispatcher), the body from `--body` with the field
//! flags on top.

use std::io::Read;

use braze_sdk::serde_json::{self, Map, Value};
use clap::ArgMatches;

use crate::call::Call;
use crate::exit::Failure;
use crate::table::{Flag, Kind, Op};

/// A flag's text as the JSON value handed to the SDK's types: numbers and
/// booleans as JSON numbers and booleans when they parse (the types report
/// what does not fit, naming the flag).
fn value(f: &Flag, text: &str) -> Value {
    match f.kind {
        Kind::Integer | Kind::Number => serde_json::from_str::<serde_json::Number>(text.trim())
            .map(Value::Number)
            .unwrap_or_else(|_| Value::String(text.to_string())),
        Kind::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::String(other.to_string()),
        },
        Kind::String | Kind::Array => Value::String(text.to_string()),
    }
}

fn flag_value(f: &Flag, m: &ArgMatches) -> Option<Value> {
    let mut values = m.try_get_many::<String>(f.flag).ok().flatten()?;
    if f.kind == Kind::Array {
        Some(Value::Array(values.map(|v| value(f, v)).collect()))
    } else {
        values.next().map(|v| value(f, v))
    }
}

/// Reads `FILE` (or stdin for `-`) whole.
pub fn read_source(source: &str, what: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let result = if source == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(source).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    result.map_err(|e| Failure::usage(format!("{what} {source}: {e}")))?;
    Ok(bytes)
}

/// JSON of `--body FILE`; the error says where the text stops being JSON.
pub fn read_json(source: &str, what: &str) -> Result<Value, Failure> {
    let bytes = read_source(source, what)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Failure::usage(format!("{what} {source} is not JSON: {e}")))
}

/// The call of `op` the command line describes. `bulk` leaves a required
/// body to the records.
pub fn call(op: &Op, m: &ArgMatches, bulk: bool) -> Result<Call, Failure> {
    let mut call = Call::default();
    for p in op.params {
        if let Some(v) = flag_value(p, m) {
            call.params.insert(p.name.to_string(), v);
        }
    }
    let Some(body) = &op.body else {
        return Ok(call);
    };
    let mut json = match m.try_get_one::<String>("body").ok().flatten() {
        Some(source) => Some(read_json(source, "--body")?),
        None => None,
    };
    for f in body.fields {
        if let Some(v) = flag_value(f, m) {
            let object = json.get_or_insert_with(|| Value::Object(Map::new()));
            let Some(object) = object.as_object_mut() else {
                return Err(Failure::usage(format!(
                    "--{} sets a field of the body, but --body is not a JSON object",
                    f.flag
                )));
            };
            object.insert(f.name.to_string(), v);
        }
    }
    if json.is_none() && body.required && !bulk {
        let fields: Vec<String> = body
            .fields
            .iter()
            .map(|f| format!("--{}", f.flag))
            .collect();
        let hint = if fields.is_empty() {
            String::new()
        } else {
            format!(" or the field flags ({})", fields.join(", "))
        };
        return Err(Failure::usage(format!(
            "{} needs a request body: --body FILE{hint}",
            op.command.join(" ")
        )));
    }
    call.body = json;
    Ok(call)
}
