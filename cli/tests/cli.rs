//! `braze` end to end: the binary against braze-mock, the spec-driven fake
//! Braze of `mock/`, which checks every request against the spec (a wrong
//! one gets a 400, a wrong key a 401) and records what it accepted.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use braze_mock::{Fault, MockBraze};
use serde_json::{Value, json};
use support::{KEY, braze, code, mock, run, scratch, spec, stderr, stdout};

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    let mut v = v;
    while let Some(r) = v.get("$ref").and_then(Value::as_str) {
        v = doc.pointer(&r[1..]).unwrap();
    }
    v
}

/// (operation id, method, path, operation) of every operation of the spec.
fn operations(doc: &Value) -> Vec<(String, String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if let Some(op) = item.get(method) {
                let mut op = op.clone();
                // Path-level parameters belong to every operation of the path.
                if let Some(shared) = item.get("parameters").and_then(Value::as_array) {
                    let mut all = shared.clone();
                    all.extend(op["parameters"].as_array().cloned().unwrap_or_default());
                    op["parameters"] = Value::Array(all);
                }
                out.push((
                    op["operationId"].as_str().unwrap().to_string(),
                    method.to_uppercase(),
                    path.clone(),
                    op,
                ));
            }
        }
    }
    out
}

fn commands_json() -> Value {
    let out = run(braze(&["commands", "--json"]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn commands_json_matches_the_golden_file() {
    let golden_path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/commands.json");
    let now = serde_json::to_string_pretty(&commands_json()).unwrap() + "\n";
    if std::env::var_os("BRAZE_CLI_BLESS").is_some() {
        std::fs::write(golden_path, &now).unwrap();
    }
    let golden = std::fs::read_to_string(golden_path).unwrap_or_default();
    assert!(
        golden == now,
        "`braze commands --json` changed; read the difference, then write it with BRAZE_CLI_BLESS=1:\n{}",
        now.lines()
            .zip(golden.lines().chain(std::iter::repeat("<end>")))
            .filter(|(a, b)| a != b)
            .take(10)
            .map(|(a, b)| format!("- {b}\n+ {a}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_operation_of_the_spec_has_a_command() {
    let doc = spec();
    let listed: BTreeMap<String, Value> = commands_json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["operation_id"].as_str().unwrap().to_string(), c.clone()))
        .collect();
    let mut missing = Vec::new();
    for (id, method, path, _) in operations(&doc) {
        match listed.get(&id) {
            None => missing.push(id),
            Some(c) => {
                assert_eq!(c["method"], method, "{id}");
                assert_eq!(c["path"], path, "{id}");
                let words: Vec<&str> = id.split('_').collect();
                assert_eq!(
                    c["command"],
                    json!(words),
                    "{id}: the command is the operation id split at _"
                );
                // Its help, from the spec, is checked in-process by
                // app::tests::every_operation_is_reachable_by_its_words_with_help_from_the_spec.
            }
        }
    }
    assert!(
        missing.is_empty(),
        "operations without a command: {missing:?}"
    );
    assert_eq!(
        listed.len(),
        operations(&doc).len(),
        "commands without an operation"
    );
}

/// An example value for a parameter: its own, else one made from its schema.
fn param_example(doc: &Value, p: &Value) -> Value {
    let schema = resolve(doc, &p["schema"]);
    p.get("example")
        .cloned()
        .or_else(|| {
            p["examples"]
                .as_object()
                .and_then(|m| m.values().next())
                .map(|e| resolve(doc, e)["value"].clone())
        })
        .or_else(|| schema.get("example").cloned())
        .or_else(|| schema["enum"].get(0).cloned())
        .unwrap_or_else(
            || match (schema["type"].as_str(), schema["format"].as_str()) {
                (_, Some("date-time")) => json!("2026-03-01T12:00:00Z"),
                (_, Some("date")) => json!("2026-03-01"),
                (Some("integer"), _) => json!(1),
                (Some("boolean"), _) => json!(true),
                (Some("array"), _) => json!(["a"]),
                _ => json!("example"),
            },
        )
}

fn flag(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            let boundary = c.is_ascii_uppercase()
                && i > 0
                && (chars[i - 1].is_ascii_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || (chars[i - 1].is_ascii_uppercase()
                        && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
            if boundary && !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// The spec's success example of the operation at (method, path).
fn success_example(doc: &Value, method: &str, path: &str) -> Value {
    let op = &doc["paths"][path][method.to_lowercase()];
    for (status, r) in op["responses"].as_object().unwrap() {
        if status.starts_with('2') {
            let media = &resolve(doc, r)["content"]["application/json"];
            if let Some(e) = media.get("example") {
                return e.clone();
            }
            if let Some(e) = media["examples"]
                .as_object()
                .and_then(|m| m.values().next())
            {
                return resolve(doc, e)["value"].clone();
            }
        }
    }
    json!({"message": "success"})
}

/// Where the SDK sends an example in its normal form rather than as
/// written: dates in UTC (README, "Dates the SDK sends are RFC 3339 in
/// UTC"), an empty optional array left out. Each entry: operation, JSON
/// pointer, the value sent (`None`: left out).
const NORMAL_FORM: &[(&str, &str, Option<&str>)] = &[
    (
        "users_track",
        "/events/0/time",
        Some("2025-11-20T07:45:00Z"),
    ),
    (
        "users_track_sync",
        "/events/0/time",
        Some("2025-11-20T07:45:00Z"),
    ),
    ("scim_user_update", "/permissions/companyPermissions", None),
];

fn sdk_normal_form(id: &str, body: &mut Value) {
    for (op, pointer, sent) in NORMAL_FORM {
        if *op != id {
            continue;
        }
        match sent {
            Some(v) => {
                *body
                    .pointer_mut(pointer)
                    .expect("the pointer names a value") = json!(v)
            }
            None => {
                let (parent, key) = pointer.rsplit_once('/').unwrap();
                body.pointer_mut(parent)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .remove(key)
                    .expect("present");
            }
        }
    }
}

#[test]
fn every_command_sends_the_spec_example_to_its_method_and_path() {
    let doc = spec();
    let ops = operations(&doc);
    // Each operation answers its own success example, once the request has
    // passed the spec's checks (parameters and body against their schemas).
    let server = mock();
    let dir = scratch("examples");
    let mut problems = Vec::new();
    for (id, method, path, op) in &ops {
        let mut args: Vec<String> = vec!["--base-url".into(), server.url().to_string()];
        args.extend(id.split('_').map(str::to_string));
        let mut expected_path = path.clone();
        let mut expected_query = BTreeMap::new();
        let mut expected_headers = BTreeMap::new();
        for p in op["parameters"].as_array().into_iter().flatten() {
            let p = resolve(&doc, p);
            let name = p["name"].as_str().unwrap();
            let location = p["in"].as_str().unwrap();
            let required = p["required"] == json!(true) || location == "path";
            // Required parameters, and optional ones with their own example.
            if !required && p.get("example").is_none() && p.get("examples").is_none() {
                continue;
            }
            let example = param_example(&doc, p);
            let values: Vec<String> = match &example {
                Value::Array(a) => a.iter().map(text).collect(),
                v => vec![text(v)],
            };
            for v in &values {
                args.push(format!("--{}", flag(name)));
                args.push(v.clone());
            }
            match location {
                "path" => expected_path = expected_path.replace(&format!("{{{name}}}"), &values[0]),
                "query" => {
                    expected_query.insert(name.to_string(), values.last().cloned().unwrap());
                }
                _ => {
                    expected_headers.insert(name.to_ascii_lowercase(), values[0].clone());
                }
            }
        }
        let media = &resolve(&doc, &op["requestBody"])["content"]["application/json"];
        let body = media.get("example").cloned().or_else(|| {
            media["examples"]
                .as_object()
                .and_then(|m| m.values().next())
                .map(|e| resolve(&doc, e)["value"].clone())
        });
        if let Some(body) = &body {
            let file = dir.join(format!("{id}.json"));
            std::fs::write(&file, body.to_string()).unwrap();
            args.push("--body".into());
            args.push(file.display().to_string());
        }
        let before = server.all_requests().len();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(braze(&args));
        let sent = server.all_requests();
        let Some(request) = sent.get(before) else {
            problems.push(format!(
                "{id}: nothing sent (exit {}): {}",
                code(&out),
                stderr(&out)
            ));
            continue;
        };
        if code(&out) != 0 {
            problems.push(format!("{id}: exit {}: {}", code(&out), stderr(&out)));
        }
        if sent.len() != before + 1 {
            problems.push(format!("{id}: {} requests sent", sent.len() - before));
        }
        if request.operation.as_deref() != Some(id.as_str()) {
            problems.push(format!(
                "{id}: routed to {:?} by the spec's paths",
                request.operation
            ));
        }
        if !(200..300).contains(&request.status) {
            problems.push(format!(
                "{id}: braze-mock answered {} (the request does not fit the spec)",
                request.status
            ));
        }
        if request.method != *method {
            problems.push(format!(
                "{id}: method {} instead of {method}",
                request.method
            ));
        }
        let decoded_path = request.path.replace("%20", " ");
        if decoded_path != expected_path {
            problems.push(format!(
                "{id}: path {} instead of {expected_path}",
                request.path
            ));
        }
        for (name, value) in &expected_query {
            match request.query(name) {
                None => problems.push(format!("{id}: query {name} not sent")),
                // Dates are sent in the SDK's normal form (RFC 3339, UTC).
                Some(v) if v != value && !value.contains('T') => {
                    problems.push(format!("{id}: query {name}={v} instead of {value}"))
                }
                _ => {}
            }
        }
        for (name, value) in &expected_headers {
            if request.header(name) != Some(value.as_str()) {
                problems.push(format!("{id}: header {name} is {:?}", request.header(name)));
            }
        }
        if request.header("authorization") != Some(format!("Bearer {KEY}").as_str()) {
            problems.push(format!("{id}: no bearer key"));
        }
        let body = body.map(|mut b| {
            sdk_normal_form(id, &mut b);
            b
        });
        if let Some(body) = &body
            && request.body.as_ref() != Some(body)
        {
            problems.push(format!(
                "{id}: body differs:\n  sent {:?}\n  spec {}",
                request.body, body
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The first item of the spec's success example's list `items`, with `key`
/// set to `n` (so each item can be told apart).
fn item(doc: &Value, path: &str, items: &str, key: &str, n: usize) -> Value {
    let mut item = success_example(doc, "GET", path)[items][0].clone();
    item[key] = json!(format!("{key}-{n}"));
    item
}

fn lines_of(out: &std::process::Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON value per line"))
        .collect()
}

#[test]
fn all_follows_page_numbers() {
    let doc = spec();
    let server = mock();
    // 203 campaigns: Braze's pages of 100 (the spec's page size), the last
    // one short.
    let items: Vec<Value> = (0..203)
        .map(|n| item(&doc, "/campaigns/list", "campaigns", "id", n))
        .collect();
    server.set_items("campaigns_list", items);
    let out = run(braze(&[
        "--base-url",
        server.url(),
        "campaigns",
        "list",
        "--include-archived",
        "true",
        "--all",
    ]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let items = lines_of(&out);
    assert_eq!(items.len(), 203);
    assert_eq!(items[0]["id"], "id-0");
    assert_eq!(items[202]["id"], "id-202");
    let sent = server.requests("campaigns_list");
    let pages: Vec<Option<&str>> = sent.iter().map(|r| r.query("page")).collect();
    assert_eq!(pages, [Some("0"), Some("1"), Some("2")]);
    // The filter applies to every page.
    assert!(
        sent.iter()
            .all(|r| r.query("include_archived") == Some("true"))
    );
}

#[test]
fn all_follows_offsets() {
    let doc = spec();
    let server = mock();
    let items: Vec<Value> = (0..1500)
        .map(|n| {
            item(
                &doc,
                "/templates/email/list",
                "templates",
                "email_template_id",
                n,
            )
        })
        .collect();
    server.set_items("templates_email_list", items);
    let out = run(braze(&[
        "--base-url",
        server.url(),
        "templates",
        "email",
        "list",
        "--all",
    ]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let items = lines_of(&out);
    assert_eq!(items.len(), 1500);
    let ids: BTreeSet<String> = items
        .iter()
        .map(|i| i["email_template_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 1500, "no item twice");
    let sent = server.requests("templates_email_list");
    let offsets: Vec<Option<&str>> = sent.iter().map(|r| r.query("offset")).collect();
    assert_eq!(offsets, [Some("0"), Some("1000")]);
    // Pages of the spec's largest limit.
    assert!(sent.iter().all(|r| r.query("limit") == Some("1000")));
}

#[test]
fn all_follows_link_cursors() {
    let doc = spec();
    let server = mock();
    let items: Vec<Value> = ["a1", "a2", "b1", "b2", "c1"]
        .iter()
        .map(|id| {
            let mut i = item(&doc, "/catalogs/{catalog_name}/items", "items", "id", 0);
            i["id"] = json!(id);
            i
        })
        .collect();
    server.set_items("catalog_items_list", items);
    // Pages of 2: the `Link` header's `rel="next"` leads to the second and
    // the third, whose answers also carry a `rel="prev"` link to skip.
    server.set_page_size("catalog_items_list", 2);
    let out = run(braze(&[
        "--base-url",
        server.url(),
        "catalog",
        "items",
        "list",
        "--catalog-name",
        "shoes",
        "--all",
    ]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let ids: Vec<Value> = lines_of(&out).iter().map(|i| i["id"].clone()).collect();
    assert_eq!(
        ids,
        [
            json!("a1"),
            json!("a2"),
            json!("b1"),
            json!("b2"),
            json!("c1")
        ]
    );
    let sent = server.requests("catalog_items_list");
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent.iter().all(|r| r.path == "/catalogs/shoes/items"));
    // The first call has no cursor; each later one the cursor of the link.
    assert_eq!(sent[0].query("cursor"), None);
    assert!(sent[1..].iter().all(|r| r.query("cursor").is_some()));
}

/// NDJSON of `/users/track` bodies: one event per line, numbered by `n`.
fn event_line(n: usize) -> String {
    json!({"events": [{"external_id": format!("u{n}"), "name": "played", "time": "2026-01-01T00:00:00Z", "properties": {"n": n}}]})
        .to_string()
}

/// The `n` of each event of a `/users/track` body.
fn event_numbers(body: &Value) -> Vec<u64> {
    body["events"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["properties"]["n"].as_u64().unwrap())
        .collect()
}

/// The events of the `/users/track` calls the mock accepted (answered 2xx,
/// after checking the body against the spec), less those it refused through
/// non-fatal `errors[]` (`refused`).
fn accepted_events(server: &MockBraze, refused: &[u64]) -> Vec<u64> {
    server
        .received::<Value>("users_track")
        .iter()
        .flat_map(event_numbers)
        .filter(|n| !refused.contains(n))
        .collect()
}

#[test]
fn bulk_accounts_for_every_line_and_a_rerun_of_the_rejects_sends_each_once() {
    let dir = scratch("bulk");
    let records = dir.join("events.ndjson");
    let mut text = String::new();
    for n in 1..=200 {
        match n {
            50 => text.push_str("{not json"),
            51 => text.push_str(
                r#"{"events": [{"external_id": "u51", "time": "2026-01-01T00:00:00Z"}]}"#,
            ),
            60 => text.push('\n'),
            n => text.push_str(&event_line(n)),
        }
        if n != 60 {
            text.push('\n');
        }
    }
    std::fs::write(&records, text).unwrap();
    let server = mock();
    // The first call is refused once, then accepted on the SDK's retry.
    server.fault(
        "users_track",
        1,
        Fault::Reply {
            status: 429,
            headers: vec![("retry-after".into(), "1".into())],
            body: json!({"message": "rate limited"}).to_string(),
        },
    );
    // The event of line 82 is refused within an accepted call (Braze's
    // non-fatal `errors[]`, with its index in the call's `events`).
    server.reject_inputs("users_track", |array, event| {
        (array == "events" && event["properties"]["n"] == 82).then(|| "'time' is invalid".into())
    });
    // A failure the client does not retry (a POST that may have taken effect).
    server.fault("users_track", 4, Fault::Status(500));
    let rejects = dir.join("rejects.ndjson");
    let out = run(braze(&[
        "--base-url",
        server.url(),
        "users",
        "track",
        "--records",
        records.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
        "--concurrency",
        "1",
    ]));
    assert_eq!(code(&out), 10, "partial: {}", stderr(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    // 197 events: 200 lines less a malformed, an invalid and a blank one.
    assert_eq!(summary["lines"], 200);
    assert_eq!(summary["blank_lines"], 1);
    assert_eq!(summary["malformed_lines"], 2);
    assert_eq!(summary["items"], 197);
    assert_eq!(summary["rejected"], 1);
    // Pieces of 75: the third (events 153..) failed with its 47 events.
    assert_eq!(summary["failed"], 47);
    assert_eq!(summary["accepted"], 197 - 1 - 47);
    let err = stderr(&out);
    assert!(err.contains("line 50: not JSON"), "{err}");
    assert!(
        err.contains("line 51: body at `events[0]`: missing field `name`"),
        "{err}"
    );
    // The second piece starts with the event of line 79 (the first took
    // lines 1-49, 52-59 and 61-78): its index 3 is line 82.
    assert!(
        err.contains("line 82: events[3] rejected by Braze: 'time' is invalid"),
        "{err}"
    );
    assert!(err.contains("not accepted (server)"), "{err}");
    // Four calls: the first piece refused, then accepted on its retry; the
    // second with its refused event; the third, failed.
    assert_eq!(server.calls("users_track"), 4);
    assert_eq!(
        server.rate_limited("users_track"),
        0,
        "the 429 was scripted"
    );
    let statuses: Vec<u16> = server
        .requests("users_track")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [429, 201, 201, 500]);
    let rejected = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = rejected.lines().collect();
    assert_eq!(lines.len(), 2 + 1 + 47, "{rejected}");
    assert_eq!(lines[0], "{not json");
    let line_82: Value = serde_json::from_str(&event_line(82)).unwrap();
    assert!(
        lines
            .iter()
            .any(|l| serde_json::from_str::<Value>(l).ok() == Some(line_82.clone())),
        "the rejected event, as its own line: {rejected}"
    );

    // The rerun on the rejects file: every event not accepted is sent once.
    let server2 = mock();
    let out = run(braze(&[
        "--base-url",
        server2.url(),
        "users",
        "track",
        "--records",
        rejects.to_str().unwrap(),
    ]));
    assert_eq!(
        code(&out),
        10,
        "the malformed lines stay malformed: {}",
        stderr(&out)
    );
    let mut all = accepted_events(&server, &[82]);
    all.extend(accepted_events(&server2, &[]));
    all.sort();
    let expected: Vec<u64> = (1..=200).filter(|n| ![50, 51, 60].contains(n)).collect();
    assert_eq!(
        all, expected,
        "each event accepted exactly once over both runs"
    );
}

#[test]
fn ctrl_c_stops_sending_writes_the_rejects_and_a_rerun_completes_the_input() {
    let dir = scratch("sigint");
    let records = dir.join("events.ndjson");
    let text: String = (1..=600).map(|n| event_line(n) + "\n").collect();
    std::fs::write(&records, text).unwrap();
    let server = mock();
    // Slow answers, so that the interrupt comes while lines remain.
    server.fault_calls("users_track", 1.., Fault::Delay(Duration::from_millis(400)));
    let rejects = dir.join("rejects.ndjson");
    let child = braze(&[
        "--base-url",
        server.url(),
        "users",
        "track",
        "--records",
        records.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
        "--concurrency",
        "1",
    ])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let started = std::time::Instant::now();
    while server.calls("users_track") == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no request arrived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert!(!format!("{}{}", stdout(&out), stderr(&out)).contains(KEY));
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["interrupted"], true);
    let accepted_first = accepted_events(&server, &[]);
    let sent_first = accepted_first.len();
    assert!(sent_first > 0 && sent_first < 600, "{sent_first}");
    assert_eq!(
        summary["accepted"].as_u64().unwrap(),
        sent_first as u64,
        "the summary counts what Braze accepted: {summary}"
    );
    assert_eq!(
        summary["accepted"].as_u64().unwrap()
            + summary["not_sent"].as_u64().unwrap()
            + summary["unread_lines"].as_u64().unwrap(),
        600,
        "every line accounted for: {summary}"
    );

    let server2 = mock();
    let out = run(braze(&[
        "--base-url",
        server2.url(),
        "users",
        "track",
        "--records",
        rejects.to_str().unwrap(),
    ]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut all = accepted_first;
    all.extend(accepted_events(&server2, &[]));
    all.sort();
    assert_eq!(
        all,
        (1..=600).collect::<Vec<u64>>(),
        "each event sent exactly once"
    );
}

#[test]
fn dry_run_prints_the_requests_and_needs_no_key() {
    let dir = scratch("dry");
    let records = dir.join("ids.ndjson");
    let text: String = (0..120)
        .map(|n| json!({"external_ids": [format!("u{n}")]}).to_string() + "\n")
        .collect();
    std::fs::write(&records, text).unwrap();
    let mut cmd = braze(&[
        "--instance",
        "EU-01",
        "users",
        "delete",
        "--records",
        records.to_str().unwrap(),
        "--dry-run",
    ]);
    cmd.env_remove("BRAZE_API_KEY");
    let out = run(cmd);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = lines_of(&out);
    // Pieces of 50 ids, then the summary.
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["method"], "POST");
    assert_eq!(lines[0]["url"], "https://rest.fra-01.braze.eu/users/delete");
    assert_eq!(
        lines[0]["body"]["external_ids"].as_array().unwrap().len(),
        50
    );
    assert_eq!(
        lines[2]["body"]["external_ids"].as_array().unwrap().len(),
        20
    );
    assert!(lines[0]["headers"].get("authorization").is_none());
    assert_eq!(lines[3]["would_send"], 120);

    let mut cmd = braze(&["users", "track", "--dry-run", "--body", "-"]);
    cmd.env_remove("BRAZE_API_KEY");
    cmd.stdin(std::process::Stdio::piped());
    cmd.stdout(std::process::Stdio::piped());
    cmd.stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(event_line(1).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["url"], "/users/track");
    assert_eq!(
        shown["body"],
        serde_json::from_str::<Value>(&event_line(1)).unwrap()
    );
}

#[test]
fn exit_codes_follow_the_documented_classes() {
    let server = mock();
    let list = |extra: &[&str]| {
        let mut args = vec![
            "--base-url",
            server.url(),
            "--retries",
            "0",
            "campaigns",
            "list",
        ];
        args.extend_from_slice(extra);
        run(braze(&args))
    };
    let cases: &[(u16, Value, i32)] = &[
        (200, json!({"message": "success", "campaigns": []}), 0),
        (401, json!({"message": "Invalid API key"}), 3),
        (403, json!({"message": "missing permission"}), 3),
        (404, json!({"message": "not found"}), 4),
        (429, json!({"message": "rate limited"}), 5),
        (400, json!({"message": "bad request"}), 6),
        (500, json!({"message": "boom"}), 7),
        (200, json!({"message": "success", "campaigns": 5}), 9),
    ];
    for (s, body, expected) in cases {
        server.respond("campaigns_list", *s, body.clone());
        let before = server.calls("campaigns_list");
        let out = list(&[]);
        assert_eq!(code(&out), *expected, "status {s}: {}", stderr(&out));
        assert_eq!(
            server.calls("campaigns_list"),
            before + 1,
            "status {s}: one call, no retry"
        );
        if *expected != 0 {
            assert_eq!(
                stderr(&out).lines().count(),
                1,
                "one line: {}",
                stderr(&out)
            );
        }
    }
    // The error as JSON for scripts, still one line.
    server.respond("campaigns_list", 404, json!({"message": "not found"}));
    let out = list(&["--error-format", "json"]);
    let error: Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(error["error"]["exit_code"], 4);
    assert_eq!(error["error"]["status"], 404);
    assert_eq!(error["error"]["body"]["message"], "not found");
    // Braze's own 429, past the bucket's window (its `X-RateLimit-*`
    // headers, no scripted answer): rate limited.
    server.reset();
    let bucket = &braze_mock::spec::spec()
        .operation("campaigns_list")
        .unwrap()
        .limit
        .bucket;
    let full = braze_mock::Limit {
        requests: 0,
        window_secs: 60,
    };
    server.set_limit(bucket, Some(full));
    let out = list(&[]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(server.rate_limited("campaigns_list"), 1);
    server.set_limit(bucket, None);
    // Nothing below reaches the server.
    let calls = server.total_calls();
    // Usage: an unknown flag, a value the SDK's types refuse, a bad enum.
    assert_eq!(code(&list(&["--nope"])), 2);
    let out = list(&["--page=-1"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("--page (parameter page)"),
        "{}",
        stderr(&out)
    );
    let out = list(&["--sort-direction", "sideways"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("asc"),
        "the values are listed: {}",
        stderr(&out)
    );
    // Config: BRAZE_THROTTLE_REDIS is honoured (the fleet store of
    // braze-sdk's `redis` feature): a URL that is not Redis's is refused
    // before anything is sent, and the password in it is never shown.
    let mut cmd = braze(&["--base-url", server.url(), "campaigns", "list"]);
    cmd.env("BRAZE_THROTTLE_REDIS", "http://user:hunter2@127.0.0.1:1/0");
    let out = run(cmd);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("BRAZE_THROTTLE_REDIS"),
        "names the variable: {}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("hunter2"), "{}", stderr(&out));
    // Config: no key.
    let mut cmd = braze(&["--base-url", server.url(), "campaigns", "list"]);
    cmd.env_remove("BRAZE_API_KEY");
    assert_eq!(code(&run(cmd)), 3);
    assert_eq!(server.total_calls(), calls, "nothing sent");
    // Auth: a key Braze does not know (braze-mock's own 401).
    let mut cmd = braze(&["--base-url", server.url(), "campaigns", "list"]);
    cmd.env("BRAZE_API_KEY", "sk-some-other-key");
    let out = cmd.output().unwrap();
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("sk-some-other-key"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        server.requests("campaigns_list").last().unwrap().status,
        401
    );
    // Network: nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let out = run(braze(&[
        "--base-url",
        &url,
        "--retries",
        "0",
        "campaigns",
        "list",
    ]));
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    // Network: the deadline passes before the answer.
    server.fault_calls("campaigns_list", 1.., Fault::Delay(Duration::from_secs(3)));
    let out = run(braze(&[
        "--base-url",
        server.url(),
        "--deadline",
        "300ms",
        "campaigns",
        "list",
    ]));
    assert_eq!(code(&out), 8, "{}", stderr(&out));
}

#[test]
fn the_key_comes_from_a_private_profile_and_is_never_shown() {
    let dir = scratch("config");
    let config = dir.join("braze").join("config.json");
    let server = mock();
    let with_config = |args: &[&str]| {
        let mut c = braze(args);
        c.env("BRAZE_CONFIG", &config).env_remove("BRAZE_API_KEY");
        c
    };
    // Not as an argument.
    let out = run(with_config(&["config", "set", "api-key", KEY]));
    assert_eq!(code(&out), 2);
    let mut set = with_config(&["config", "set", "api-key"]);
    set.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = set.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{KEY}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stdout(&out).contains(KEY));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(
        code(&run(with_config(&[
            "config",
            "set",
            "base-url",
            server.url()
        ]))),
        0
    );
    let shown = run(with_config(&["config", "show"]));
    assert!(
        stdout(&shown).contains("\"api_key\":\"set\""),
        "{}",
        stdout(&shown)
    );
    // The profile gives the instance and the key.
    let out = run(with_config(&["campaigns", "list"]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let sent = &server.requests("campaigns_list")[0];
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(sent.status, 200, "braze-mock accepts only KEY");
    // A config file others may read is refused.
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(with_config(&["campaigns", "list"]));
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));
}

#[test]
fn api_completion_and_version() {
    let server = mock();
    // `braze api` prints Braze's answer as it came, whatever its shape.
    let answer = json!({"message": "success", "campaigns": [], "seen": "as sent"});
    server.respond("campaigns_list", 200, answer.clone());
    let out = run(braze(&[
        "--base-url",
        server.url(),
        "api",
        "GET",
        "/campaigns/list?page=1",
    ]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, answer);
    let sent = &server.requests("campaigns_list")[0];
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("GET", "/campaigns/list")
    );
    assert_eq!(sent.query, [("page".to_string(), "1".to_string())]);
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let body = scratch("api").join("body.json");
    std::fs::write(&body, r#"{"external_ids": ["a"]}"#).unwrap();
    let out = run(braze(&[
        "--base-url",
        server.url(),
        "api",
        "POST",
        "/users/delete",
        "--body",
        body.to_str().unwrap(),
    ]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let sent = server.requests("users_delete");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body, Some(json!({"external_ids": ["a"]})));
    assert_eq!(sent[0].status, 201, "{sent:?}");
    for shell in ["bash", "zsh", "fish"] {
        let out = run(braze(&["completion", shell]));
        assert_eq!(code(&out), 0);
        assert!(stdout(&out).contains("track"), "{shell}");
    }
    let out = run(braze(&["--version"]));
    assert!(stdout(&out).starts_with(&format!("braze {}", env!("CARGO_PKG_VERSION"))));
}

#[test]
fn strict_stops_at_the_first_bad_line_and_keeps_the_rest_in_the_rejects() {
    let dir = scratch("strict");
    let records = dir.join("events.ndjson");
    let mut text: String = (1..=100).map(|n| event_line(n) + "\n").collect();
    text.push_str("[1, 2]\n");
    text.extend((102..=300).map(|n| event_line(n) + "\n"));
    std::fs::write(&records, text).unwrap();
    let server = mock();
    let rejects = dir.join("rejects.ndjson");
    let out = run(braze(&[
        "--base-url",
        server.url(),
        "users",
        "track",
        "--strict",
        "--records",
        records.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
    ]));
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("line 101: "), "{}", stderr(&out));
    // Every line is either accepted or in the rejects, none in both.
    let mut seen = accepted_events(&server, &[]);
    let rejected = std::fs::read_to_string(&rejects).unwrap();
    assert!(rejected.lines().any(|l| l == "[1, 2]"));
    for line in rejected.lines() {
        if let Ok(body) = serde_json::from_str::<Value>(line) {
            seen.extend(event_numbers(&body));
        }
    }
    seen.sort();
    let expected: Vec<u64> = (1..=300).filter(|n| *n != 101).collect();
    assert_eq!(seen, expected);
}
