//! The mock over HTTP: every operation answered from its example, wrong
//! requests refused with the pointer of what is wrong, rate-limit windows,
//! the three paging styles, non-fatal errors, scripted faults, recording,
//! and the binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use braze_mock::spec::{Location, Operation, spec};
use braze_mock::{Fault, Limit, MockBraze, schema};
use serde_json::{Value, json};

const KEY: &str = "mock-test-key";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .use_preconfigured_tls(braze_sdk::tls_client_config().unwrap())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A value for a parameter the spec gives no example for.
fn synthetic(schema: &Value) -> Value {
    if let Some(e) = schema["enum"].as_array().and_then(|e| e.first()) {
        return e.clone();
    }
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("integer" | "number"), _) => json!(schema["minimum"].as_i64().unwrap_or(1).max(1)),
        (Some("boolean"), _) => json!(false),
        (Some("array"), _) => json!([synthetic(&schema["items"])]),
        (_, Some("date-time")) => json!("2026-01-01T00:00:00Z"),
        (_, Some("date")) => json!("2026-01-01"),
        (_, Some("email")) => json!("user@example.com"),
        _ => json!("example"),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The request the spec's examples describe for `op` (every required
/// parameter, the optional ones with an example, the body example), with
/// `skip` left out.
fn request(
    http: &reqwest::Client,
    base: &str,
    op: &Operation,
    skip: Option<&str>,
) -> reqwest::RequestBuilder {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for p in &op.params {
        if Some(p.name.as_str()) == skip {
            continue;
        }
        let value = match (&p.example, p.required) {
            (Some(e), _) => e.clone(),
            (None, true) => synthetic(&p.schema),
            (None, false) => continue,
        };
        match p.location {
            Location::Path => {
                let v: String = url_escape(&text(&value));
                path = path.replace(&format!("{{{}}}", p.name), &v);
            }
            Location::Query => match &value {
                Value::Array(items) => {
                    query.extend(items.iter().map(|i| (p.name.clone(), text(i))))
                }
                v => query.push((p.name.clone(), text(v))),
            },
            Location::Header => headers.push((p.name.clone(), text(&value))),
        }
    }
    let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
    let mut rb = http
        .request(method, format!("{base}{path}"))
        .query(&query)
        .bearer_auth(KEY);
    for (n, v) in headers {
        rb = rb.header(n, v);
    }
    if let Some(body) = &op.body_example {
        rb = rb.json(body);
    }
    rb
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn every_operation_answers_its_example_with_braze_s_status_and_the_answer_fits_the_spec() {
    let braze = MockBraze::start().await;
    let http = http();
    let mut failures = Vec::new();
    for op in &spec().operations {
        let response = request(&http, braze.url(), op, None).send().await.unwrap();
        let status = response.status().as_u16();
        let limited = op.limit.per_window.is_some();
        if limited != response.headers().contains_key("x-ratelimit-remaining") {
            failures.push(format!(
                "{}: rate-limit headers {}",
                op.id,
                if limited {
                    "missing"
                } else {
                    "sent for an unlimited bucket"
                }
            ));
        }
        let body = response.text().await.unwrap();
        if status != op.status {
            failures.push(format!(
                "{}: status {status}, expected {}: {body}",
                op.id, op.status
            ));
            continue;
        }
        match (&op.response_schema, op.status) {
            (_, 204) => assert!(body.is_empty(), "{}", op.id),
            (Some(schema), _) => {
                let value: Value = serde_json::from_str(&body).unwrap();
                let problems = schema::check(schema, &value);
                if !problems.is_empty() {
                    failures.push(format!(
                        "{}: the answer breaks its schema: {problems:?}",
                        op.id
                    ));
                }
            }
            (None, _) => failures.push(format!("{}: no response schema", op.id)),
        }
    }
    assert_eq!(braze.total_calls(), spec().operations.len());
    assert!(
        failures.is_empty(),
        "{} operation(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn a_wrong_request_gets_braze_s_400_naming_what_is_wrong() {
    let braze = MockBraze::start().await;
    let http = http();
    let track = spec().operation("users_track").unwrap();
    let send = |body: Value| request(&http, braze.url(), track, None).json(&body).send();
    let pointers = |v: &Value| -> Vec<String> {
        v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["pointer"].as_str().unwrap().to_string())
            .collect()
    };

    let r = send(json!({"events": [{"external_id": "u", "name": "played"}]}))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(pointers(&v), ["/events/0/time"], "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("/events/0/time"),
        "{v}"
    );

    let r = send(json!({"purchases": [{"external_id": "u", "product_id": "p", "currency": "EUR", "price": "free", "time": "2025-01-01T00:00:00Z"}]})).await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(pointers(&v)[0], "/purchases/0/price", "{v}");

    let r = send(json!(["not", "an", "object"])).await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(pointers(&v), [""], "{v}");

    // A query parameter of the wrong type, a missing required one.
    let list = spec().operation("email_hard_bounces_list").unwrap();
    let r = request(&http, braze.url(), list, None)
        .query(&[("limit", "lots")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (
            v["errors"][0]["location"].as_str(),
            v["errors"][0]["parameters"][0].as_str()
        ),
        (Some("query"), Some("limit")),
        "{v}"
    );
    let get = spec().operation("catalog_items_list").unwrap();
    let scim = spec().operation("scim_user_get").unwrap();
    let r = request(&http, braze.url(), scim, Some("X-Request-Origin"))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["pointer"], "/X-Request-Origin", "{v}");

    // No key: 401, whatever else is wrong.
    let r = http
        .get(format!("{}/catalogs/c/items", braze.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        request(&http, braze.url(), get, None)
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );
    // Unknown path, wrong method.
    let r = http
        .get(format!("{}/no/such/path", braze.url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = http
        .get(format!("{}/users/track", braze.url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), r.headers()["allow"].to_str().unwrap()),
        (405, "POST")
    );
    // Only the configured key, when one is set.
    let strict = MockBraze::builder().api_key("right").start().await;
    let r = http
        .get(format!("{}/catalogs", strict.url()))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = http
        .get(format!("{}/catalogs", strict.url()))
        .bearer_auth("right")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

fn header(r: &reqwest::Response, name: &str) -> u64 {
    r.headers()[name].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn rate_limits_count_fixed_windows_per_bucket_as_braze_s_headers_say() {
    // Hour-long windows: the test never straddles a real window's end;
    // `advance` moves to the next window.
    let braze = MockBraze::builder()
        .limit("users-track", Limit::new(3, Duration::from_secs(3600)))
        .start()
        .await;
    let http = http();
    let track = spec().operation("users_track").unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let window_end = (now / 3600 + 1) * 3600;
    for window in 0..2u64 {
        let mut seen = Vec::new();
        for _ in 0..5 {
            let r = request(&http, braze.url(), track, None)
                .send()
                .await
                .unwrap();
            assert_eq!(header(&r, "x-ratelimit-limit"), 3);
            assert_eq!(header(&r, "x-ratelimit-reset"), window_end + window * 3600);
            // The `Date` is on the server's clock (moved by `advance`), so
            // that `Reset - Date` is what is left of the window.
            let date = httpdate::parse_http_date(r.headers()["date"].to_str().unwrap())
                .unwrap()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let expected = now + window * 3600;
            assert!(
                (expected..expected + 5).contains(&date),
                "Date {date}, expected about {expected}"
            );
            seen.push((r.status().as_u16(), header(&r, "x-ratelimit-remaining")));
        }
        assert_eq!(
            seen,
            [(201, 2), (201, 1), (201, 0), (429, 0), (429, 0)],
            "window {window}"
        );
        braze.advance(Duration::from_secs(3600));
    }
    assert_eq!(
        (
            braze.calls("users_track"),
            braze.rate_limited("users_track")
        ),
        (10, 4)
    );
    // What each window let through and refused.
    let counted: Vec<(u64, u64, u64, u64)> = braze
        .windows("users-track")
        .iter()
        .map(|w| (w.start, w.seconds, w.served, w.refused))
        .collect();
    assert_eq!(
        counted,
        [(window_end - 3600, 3600, 3, 2), (window_end, 3600, 3, 2)]
    );
    // The spec's limit for the other buckets, counted apart.
    let r = request(
        &http,
        braze.url(),
        spec().operation("users_identify").unwrap(),
        None,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(header(&r, "x-ratelimit-limit"), 20_000);
    assert_eq!(header(&r, "x-ratelimit-remaining"), 19_999);
    assert_eq!(braze.windows("*").len(), 3, "{:?}", braze.windows("*"));
    // A limit lifted at run time.
    braze.set_limit("users-track", None);
    let r = request(&http, braze.url(), track, None)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert!(!r.headers().contains_key("x-ratelimit-limit"));
}

#[tokio::test]
async fn faults_play_on_the_chosen_calls() {
    let braze = MockBraze::start().await;
    let http = http();
    let url = format!("{}/catalogs", braze.url());
    braze.fault("catalogs_list", 2, Fault::Status(503));
    braze.fault("catalogs_list", 3, Fault::Drop);
    braze.fault("catalogs_list", 4, Fault::Truncate(5));
    braze.fault("catalogs_list", 5, Fault::Delay(Duration::from_millis(300)));
    braze.fault_calls(
        "*",
        7..,
        Fault::Reply {
            status: 418,
            headers: vec![("x-probe".into(), "kept".into())],
            body: "{}".into(),
        },
    );
    let get = || http.get(&url).bearer_auth(KEY).send();
    assert_eq!(get().await.unwrap().status(), 200);
    let r = get().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.json::<Value>().await.unwrap()["message"].is_string());
    assert!(get().await.is_err(), "dropped");
    let r = get().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.is_err(), "truncated body");
    let started = std::time::Instant::now();
    assert_eq!(get().await.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(get().await.unwrap().status(), 200);
    let r = get().await.unwrap();
    assert_eq!(
        (
            r.status().as_u16(),
            r.headers()["x-probe"].to_str().unwrap()
        ),
        (418, "kept")
    );
    let statuses: Vec<u16> = braze
        .requests("catalogs_list")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [200, 503, 0, 200, 200, 200, 418]);
}

#[tokio::test]
async fn chaos_is_reproducible_from_its_seed() {
    let run = |seed| async move {
        let braze = MockBraze::builder().chaos(0.5, seed).start().await;
        let http = http();
        let mut out = Vec::new();
        for _ in 0..20 {
            let r = http
                .get(format!("{}/catalogs", braze.url()))
                .bearer_auth(KEY)
                .send()
                .await;
            out.push(r.map(|r| r.status().as_u16()).unwrap_or(0));
        }
        out
    };
    let a = run(7).await;
    assert_eq!(a, run(7).await);
    assert_ne!(a, run(8).await);
    assert!(a.contains(&200) && a.iter().any(|s| *s != 200), "{a:?}");
}

#[tokio::test]
async fn recorded_requests_keep_what_was_sent_and_hide_the_key() {
    let braze = MockBraze::start().await;
    let http = http();
    http.post(format!("{}/users/track", braze.url()))
        .bearer_auth(KEY)
        .json(&json!({"attributes": [{"external_id": "u1", "first_name": "Ada"}]}))
        .send()
        .await
        .unwrap();
    http.post(format!("{}/users/track", braze.url()))
        .bearer_auth(KEY)
        .json(&json!({"attributes": 3}))
        .send()
        .await
        .unwrap();
    let all = braze.requests("users_track");
    assert_eq!(all.iter().map(|r| r.status).collect::<Vec<_>>(), [201, 400]);
    // In order of arrival, timed from the server's start.
    assert!(all[0].at <= all[1].at, "{all:?}");
    assert!(all[1].at < Duration::from_secs(10), "{all:?}");
    assert_eq!(all[0].header("authorization"), Some("Bearer mock-test-key"));
    assert!(!format!("{:?}", all[0]).contains(KEY));
    let accepted: Vec<Value> = braze.received("users_track");
    assert_eq!(
        accepted,
        [json!({"attributes": [{"external_id": "u1", "first_name": "Ada"}]})]
    );
    braze.reset();
    assert_eq!(braze.total_calls(), 0);
}

/// A synchronous test (it blocks on threads or processes) runs the server on
/// a runtime of its own.
#[test]
fn a_synchronous_test_starts_it_on_its_own_runtime() {
    use std::io::{Read, Write};
    let braze = braze_mock::Builder::default().api_key(KEY).start_blocking();
    let addr = braze.url().trim_start_matches("http://").to_string();
    // One request on a connection of its own: the answer's head.
    let answer = |key: &str| -> std::io::Result<String> {
        let body = r#"{"attributes": [{"external_id": "u1"}]}"#;
        let mut socket = std::net::TcpStream::connect(&addr)?;
        write!(
            socket,
            "POST /users/track HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )?;
        let mut text = String::new();
        socket.read_to_string(&mut text)?;
        Ok(text
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .to_lowercase())
    };
    assert!(answer(KEY).unwrap().starts_with("http/1.1 201"));
    assert!(answer("another-key").unwrap().starts_with("http/1.1 401"));
    assert!(answer(KEY).unwrap().contains("\r\ndate: "));
    assert_eq!(braze.calls("users_track"), 3);
    drop(braze);
    // Stopped with its runtime: nothing listens any more.
    assert!(answer(KEY).is_err());
}

#[test]
fn the_binary_prints_its_url_first_and_serves_the_limits_it_is_given() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_braze-mock"))
        .args(["--port", "0", "--limit", "users-track=2/1h", "--seed", "3"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let statuses: Vec<u16> = rt.block_on(async {
        let http = http();
        let mut out = Vec::new();
        for _ in 0..3 {
            let r = http
                .post(format!("{url}/users/track"))
                .bearer_auth(KEY)
                .json(&json!({"events": []}))
                .send()
                .await
                .unwrap();
            out.push(r.status().as_u16());
        }
        out
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(statuses, [201, 201, 429]);
    let bad = Command::new(env!("CARGO_BIN_EXE_braze-mock"))
        .args(["--limit", "users-track=lots"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("users-track=lots")
            || String::from_utf8_lossy(&bad.stderr).contains("lots")
    );
}

#[tokio::test]
async fn the_control_api_scripts_the_server_for_other_languages() {
    let braze = MockBraze::start().await;
    let http = http();
    let control = |path: &str| format!("{}/_mock/{path}", braze.url());
    let put = |path: &str, body: Value| http.put(control(path)).json(&body).send();
    let post = |path: &str, body: Value| http.post(control(path)).json(&body).send();

    assert_eq!(
        post(
            "operations/catalogs_list/faults",
            json!({"calls": "1", "status": 503})
        )
        .await
        .unwrap()
        .status(),
        200
    );
    assert_eq!(
        put(
            "operations/catalogs_list/response",
            json!({"status": 200, "body": {"catalogs": [], "message": "set"}})
        )
        .await
        .unwrap()
        .status(),
        200
    );
    assert_eq!(
        put(
            "buckets/catalogs-sync/limit",
            json!({"requests": 2, "window_seconds": 3600})
        )
        .await
        .unwrap()
        .status(),
        200
    );
    let get = || {
        http.get(format!("{}/catalogs", braze.url()))
            .bearer_auth(KEY)
            .send()
    };
    assert_eq!(get().await.unwrap().status(), 503);
    let r = get().await.unwrap();
    assert_eq!(header(&r, "x-ratelimit-remaining"), 1);
    assert_eq!(r.json::<Value>().await.unwrap()["message"], "set");
    get().await.unwrap();
    assert_eq!(get().await.unwrap().status(), 429);
    assert_eq!(
        post("advance", json!({"seconds": 3600}))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(get().await.unwrap().status(), 200);
    // Each window's count (the scripted 503 never reached the limit).
    let windows: Value = http
        .get(control("windows?bucket=catalogs-sync"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let counts: Vec<(u64, u64, u64)> = windows
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            assert_eq!(w["bucket"], "catalogs-sync");
            assert_eq!(w["seconds"], 3600);
            (
                w["start"].as_u64().unwrap() % 3600,
                w["served"].as_u64().unwrap(),
                w["refused"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, [(0, 2, 1), (0, 1, 0)]);

    // Items, rejects, records and counters.
    let items: Vec<Value> = (0..3).map(|i| json!({"id": format!("i{i}")})).collect();
    put(
        "operations/catalog_items_list/items",
        json!({"items": items, "page_size": 2}),
    )
    .await
    .unwrap();
    let r = http
        .get(format!("{}/catalogs/c/items", braze.url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["link"]
            .to_str()
            .unwrap()
            .contains("rel=\"next\"")
    );
    assert_eq!(
        r.json::<Value>().await.unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    put(
        "operations/users_track/reject",
        json!({"pointer": "/external_id", "equals": "ghost", "type": "unknown user"}),
    )
    .await
    .unwrap();
    let r = http
        .post(format!("{}/users/track", braze.url()))
        .bearer_auth(KEY)
        .json(&json!({"attributes": [{"external_id": "a"}, {"external_id": "ghost"}]}))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["errors"],
        json!([{"type": "unknown user", "input_array": "attributes", "index": 1}])
    );
    let counts: Value = http
        .get(control("counts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            counts["calls"]["catalogs_list"].as_u64(),
            counts["rate_limited"]["catalogs_list"].as_u64()
        ),
        (Some(5), Some(1))
    );
    let recorded: Value = http
        .get(control("requests?operation=users_track"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(recorded[0]["body"]["attributes"][1]["external_id"], "ghost");
    assert!(!recorded.to_string().contains(KEY), "no key in the records");
    // Control calls are not Braze's: not counted.
    assert_eq!(counts["total"].as_u64(), Some(7));
    // Wrong control calls say why.
    assert_eq!(
        put("operations/nope/items", json!({"items": []}))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        put("operations/users_track/items", json!({"items": []}))
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        post(
            "operations/users_track/faults",
            json!({"calls": "x", "drop": true})
        )
        .await
        .unwrap()
        .status(),
        400
    );
    assert_eq!(post("reset", Value::Null).await.unwrap().status(), 200);
    assert_eq!(braze.total_calls(), 0);
}
