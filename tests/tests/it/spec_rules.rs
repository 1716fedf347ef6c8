//! The spec itself: it passes the project rules, covers Braze's endpoint
//! list, and bad specs get located errors instead of panics.

use std::path::PathBuf;

use braze_openapi_generator::{self as generator, Diagnostics, load};
use braze_tests::reference::{endpoint_rows, spec_dir};

#[test]
fn the_spec_passes_every_rule() {
    if let Err(d) = generator::check(&spec_dir()) {
        panic!("the spec breaks the project rules:\n{d}");
    }
}

#[test]
fn coverage_of_the_glossary_endpoints() {
    let spec = generator::check(&spec_dir()).unwrap_or_else(|d| panic!("{d}"));
    let rows = endpoint_rows();
    assert_eq!(
        rows.len(),
        92,
        "endpoints.tsv should list the 92 glossary entries"
    );
    let mut missing = Vec::new();
    let mut deprecated_mismatch = Vec::new();
    for row in &rows {
        let ptr = format!(
            "/paths/{}/{}",
            row.path.replace('~', "~0").replace('/', "~1"),
            row.method
        );
        match spec.document.pointer(&ptr) {
            None => missing.push(format!(
                "  row {:>2}: {} {}",
                row.n,
                row.method.to_uppercase(),
                row.path
            )),
            Some(op) => {
                let deprecated = op
                    .get("deprecated")
                    .and_then(|d| d.as_bool())
                    .unwrap_or(false);
                if deprecated != row.deprecated {
                    deprecated_mismatch.push(format!(
                        "  row {:>2}: {} (Braze deprecated: {})",
                        row.n, row.path, row.deprecated
                    ));
                }
            }
        }
    }
    let covered = rows.len() - missing.len();
    println!("coverage: {covered}/{} glossary endpoints", rows.len());
    for m in &missing {
        println!("missing {m}");
    }
    assert!(
        missing.is_empty(),
        "{} endpoint(s) not in the spec:\n{}",
        missing.len(),
        missing.join("\n")
    );
    assert!(
        deprecated_mismatch.is_empty(),
        "deprecation differs from Braze:\n{}",
        deprecated_mismatch.join("\n")
    );
}

const ROOT: &str =
    "openapi: 3.0.3\ninfo: {title: t, version: '1.0.0'}\ntags: [{name: T}]\npaths: {}\n";

/// A fragment holding one operation at `path` with the given YAML body.
fn op(path: &str, body: &str) -> String {
    let indented: String = body.lines().map(|l| format!("      {l}\n")).collect();
    format!("paths:\n  {path}:\n    post:\n{indented}")
}

const GOOD_OP: &str = "operationId: do_it
tags: [T]
summary: s
description: d
externalDocs: {url: 'https://example.com'}
x-braze-rate-limit: {requests: 1, window_seconds: 60, bucket: default}
responses:
  '200':
    description: ok
    headers:
      X-RateLimit-Limit: {schema: {type: integer}}
      X-RateLimit-Remaining: {schema: {type: integer}}
      X-RateLimit-Reset: {schema: {type: integer}}
    content: {application/json: {schema: {type: object, properties: {message: {type: string}}}}}
  '400':
    description: bad
    content: {application/json: {schema: {type: object, properties: {message: {type: string}}}}}
";

fn load_fragment(fragment: &str) -> Result<generator::LoadedSpec, Diagnostics> {
    load::load_sources(&[
        (PathBuf::from("spec/openapi.yaml"), ROOT.to_string()),
        (PathBuf::from("spec/family.yaml"), fragment.to_string()),
    ])
}

/// Every problem of `fragment`, as `file#pointer: message` lines.
fn problems(fragment: &str) -> String {
    match load_fragment(fragment).and_then(generator::check_loaded) {
        Ok(_) => String::new(),
        Err(d) => d
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn a_good_operation_has_no_problem() {
    assert_eq!(problems(&op("/x", GOOD_OP)), "");
}

#[test]
fn missing_operation_id_is_located() {
    let p = problems(&op("/x", &GOOD_OP.replace("operationId: do_it\n", "")));
    assert!(
        p.contains("spec/family.yaml#/paths/~1x/post/operationId: missing operationId"),
        "{p}"
    );
}

#[test]
fn undeclared_path_parameter_is_located() {
    let p = problems(&op("/items/{item_id}", GOOD_OP));
    assert!(p.contains("spec/family.yaml#/paths/~1items~1{item_id}/post/parameters: path parameter `{item_id}` is not declared"), "{p}");
}

#[test]
fn two_success_responses_are_refused() {
    let body = GOOD_OP.replace("  '400':", "  '201':\n    description: created\n    content: {application/json: {schema: {type: string}}}\n  '400':");
    let p = problems(&op("/x", &body));
    assert!(
        p.contains(
            "#/paths/~1x/post/responses: exactly one success response is allowed, found 200, 201"
        ),
        "{p}"
    );
}

#[test]
fn two_error_schemas_are_refused() {
    let body = format!(
        "{GOOD_OP}  '500':\n    description: boom\n    content: {{application/json: {{schema: {{type: string}}}}}}\n"
    );
    let p = problems(&op("/x", &body));
    assert!(
        p.contains("#/paths/~1x/post/responses/500: error responses must share one schema"),
        "{p}"
    );
}

#[test]
fn two_request_media_types_are_refused() {
    let body = format!(
        "{GOOD_OP}requestBody:\n  content:\n    application/json: {{schema: {{type: string}}}}\n    text/csv: {{schema: {{type: string}}}}\n"
    );
    let p = problems(&op("/x", &body));
    assert!(p.contains("#/paths/~1x/post/requestBody/content: exactly one request media type is allowed, found 2"), "{p}");
}

#[test]
fn openapi_3_1_is_refused_at_the_root() {
    let root = ROOT.replace("3.0.3", "3.1.0");
    let spec = load::load_sources(&[
        (PathBuf::from("spec/openapi.yaml"), root),
        (PathBuf::from("spec/family.yaml"), op("/x", GOOD_OP)),
    ])
    .unwrap();
    let d = generator::check_loaded(spec).unwrap_err().to_string();
    assert!(
        d.contains("spec/openapi.yaml#/openapi: OpenAPI 3.1.0 is not supported"),
        "{d}"
    );
}

#[test]
fn yaml_syntax_error_names_file_and_line() {
    let err = load_fragment("paths:\n  /x:\n    post: [unclosed\n")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("spec/family.yaml#line "), "{err}");
    assert!(err.contains("YAML syntax error"), "{err}");
}

#[test]
fn all_problems_are_reported_at_once() {
    let body = GOOD_OP
        .replace("operationId: do_it\n", "")
        .replace("summary: s\n", "")
        .replace(
            "x-braze-rate-limit: {requests: 1, window_seconds: 60, bucket: default}\n",
            "",
        );
    let p = problems(&op("/x", &body));
    for wanted in [
        "missing operationId",
        "missing summary",
        "missing x-braze-rate-limit",
    ] {
        assert!(p.contains(wanted), "`{wanted}` not reported in:\n{p}");
    }
}

#[test]
fn a_path_defined_in_two_files_names_both() {
    let err = load::load_sources(&[
        (PathBuf::from("spec/openapi.yaml"), ROOT.to_string()),
        (PathBuf::from("spec/a.yaml"), op("/x", GOOD_OP)),
        (PathBuf::from("spec/b.yaml"), op("/x", GOOD_OP)),
    ])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("spec/b.yaml#/paths/~1x: already defined in spec/a.yaml"),
        "{err}"
    );
}

#[test]
fn placeholder_objects_and_dangling_refs_are_refused() {
    let with_schema = |schema: &str| {
        GOOD_OP.replacen(
            "{type: object, properties: {message: {type: string}}}",
            schema,
            1,
        )
    };
    let p = problems(&op("/x", &with_schema("{type: object}")));
    assert!(p.contains("#/paths/~1x/post/responses/200/content/application~1json/schema: placeholder `type: object`"), "{p}");
    let p = problems(&op(
        "/x",
        &with_schema("{$ref: '#/components/schemas/Nope'}"),
    ));
    assert!(
        p.contains("`#/components/schemas/Nope` does not resolve"),
        "{p}"
    );
}

#[test]
fn bad_vendor_extensions_are_refused() {
    let with_rate_limit = |rl: &str| {
        problems(&op(
            "/x",
            &GOOD_OP.replace("{requests: 1, window_seconds: 60, bucket: default}", rl),
        ))
    };
    // Each malformed extension is one diagnostic at the exact key.
    let p = with_rate_limit("{requests: 0, window_seconds: 60, bucket: b}");
    assert!(
        p.contains(
            "x-braze-rate-limit/requests: invalid value: integer `0`, expected a nonzero u32"
        ),
        "{p}"
    );
    let p = with_rate_limit("{requests: 1, window_seconds: 60, bucket: Default Bucket}");
    assert!(
        p.contains("x-braze-rate-limit/bucket: `bucket` must be a kebab-case name"),
        "{p}"
    );
    let p = with_rate_limit("{window_seconds: 60, bucket: b}");
    assert!(
        p.contains("x-braze-rate-limit/requests: `requests` must be a positive integer"),
        "{p}"
    );
    let p = with_rate_limit("{requests: 1, window_seconds: 60, bucket: b, per: user}");
    assert!(
        p.contains("x-braze-rate-limit/per: unknown field `per`"),
        "{p}"
    );

    let with_paging = |paging: &str| {
        problems(&op(
            "/x",
            &format!("{GOOD_OP}x-braze-pagination: {paging}\n"),
        ))
    };
    let p = with_paging("{style: page, param: page, page_size: 100, items: things}");
    assert!(
        p.contains("x-braze-pagination/param: `page` is not a parameter of this operation"),
        "{p}"
    );
    assert!(
        p.contains("x-braze-pagination/items: the success schema has no property `things`"),
        "{p}"
    );
    let p = with_paging("{style: page, param: page, page_size: 100, items: message, size: 3}");
    assert!(
        p.contains("x-braze-pagination: unknown field `size`"),
        "{p}"
    );
    let p = with_paging("{style: offset, offset_param: o, limit_param: l, items: message}");
    assert!(
        p.contains("x-braze-pagination: missing field `max_limit`"),
        "{p}"
    );
}

#[test]
fn a_progenitor_panic_becomes_a_located_error() {
    // Skip the rules (which would refuse this) to reach progenitor's own
    // panic on two success types: the generator must blame the operation.
    let body = GOOD_OP.replace("  '400':", "  '201':\n    description: created\n    content: {application/json: {schema: {type: string}}}\n  '400':");
    let spec = load_fragment(&op("/x", &body)).unwrap();
    let err = generator::generate_sdk(&spec).unwrap_err().to_string();
    assert!(
        err.contains("spec/family.yaml#/paths/~1x/post: progenitor"),
        "{err}"
    );
}

#[test]
fn a_default_on_a_request_body_property_is_refused() {
    let body = format!(
        "{GOOD_OP}requestBody:\n  content:\n    application/json:\n      schema: {{type: object, properties: {{send_to_existing_only: {{type: boolean, default: true}}}}}}\n"
    );
    let p = problems(&op("/x", &body));
    assert!(
        p.contains("#/paths/~1x/post/requestBody/content/application~1json/schema/properties/send_to_existing_only/default: a request body property must not have a `default`"),
        "{p}"
    );
    // The same default in a response is fine.
    let body = GOOD_OP.replacen(
        "properties: {message: {type: string}}",
        "properties: {message: {type: string, default: ok}}",
        1,
    );
    assert_eq!(problems(&op("/x", &body)), "");
}

#[test]
fn a_success_response_without_rate_limit_headers_is_refused() {
    let body = GOOD_OP.replace("      X-RateLimit-Reset: {schema: {type: integer}}\n", "");
    let p = problems(&op("/x", &body));
    assert!(
        p.contains("#/paths/~1x/post/responses/200/headers: the success response must declare the `X-RateLimit-Reset` header"),
        "{p}"
    );
}

#[test]
fn an_error_id_outside_the_error_id_schema_is_refused() {
    let root = format!(
        "{ROOT}components:\n  schemas:\n    BrazeErrorId: {{type: string, enum: [catalog-not-found]}}\n"
    );
    let body = format!("{GOOD_OP}x-braze-error-ids: [catalog-not-found, catalog-gone]\n");
    let spec = load::load_sources(&[
        (PathBuf::from("spec/openapi.yaml"), root),
        (PathBuf::from("spec/family.yaml"), op("/x", &body)),
    ])
    .unwrap();
    let d = generator::check_loaded(spec).unwrap_err().to_string();
    assert!(
        d.contains("spec/family.yaml#/paths/~1x/post/x-braze-error-ids/1: \"catalog-gone\" is not a value of the BrazeErrorId schema"),
        "{d}"
    );
    assert!(!d.contains("x-braze-error-ids/0"), "{d}");
}

#[test]
fn rate_limits_match_brazes_table() {
    use braze_tests::reference::parse_rate_limit;
    let spec = generator::check(&spec_dir()).unwrap_or_else(|d| panic!("{d}"));
    let (mut checked, mut conditional, mut unstated) = (0, 0, 0);
    let mut wrong = Vec::new();
    for row in endpoint_rows() {
        let ptr = format!("/paths/{}/{}", row.path.replace('/', "~1"), row.method);
        let rl = spec
            .document
            .pointer(&ptr)
            .and_then(|op| op.get("x-braze-rate-limit"))
            .unwrap_or_else(|| panic!("row {} has no x-braze-rate-limit", row.n));
        let got = (
            rl.get("requests").and_then(|v| v.as_u64()),
            rl.get("window_seconds").and_then(|v| v.as_u64()),
        );
        let text = row.rate_limit.as_str();
        if text.starts_with("not rate limited") {
            assert_eq!(
                rl.get("unlimited").and_then(|v| v.as_bool()),
                Some(true),
                "row {}: {text}",
                row.n
            );
            checked += 1;
        } else if text.contains(" when ") {
            // Two limits depending on the request (e.g. 250/min for segment
            // sends, else 250,000/hour): the spec carries the general one
            // and a note naming the other.
            conditional += 1;
            assert!(
                rl.get("note").is_some(),
                "row {}: a conditional limit needs a note: {text}",
                row.n
            );
        } else if let Some((requests, window)) = parse_rate_limit(text) {
            checked += 1;
            if got != (Some(requests), Some(window)) {
                wrong.push(format!(
                    "row {}: Braze says `{text}`, spec says {got:?}",
                    row.n
                ));
            }
        } else {
            unstated += 1;
        }
    }
    println!(
        "rate limits: {checked} checked, {conditional} conditional, {unstated} not stated or not per time window"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(checked >= 80, "only {checked} rows could be checked");
}

#[test]
fn endpoints_braze_says_share_a_limit_share_a_bucket() {
    let spec = generator::check(&spec_dir()).unwrap_or_else(|d| panic!("{d}"));
    let doc = &spec.document;
    // The bucket of every operation on `path` (any method).
    let buckets = |path: &str| -> Vec<String> {
        doc.pointer(&format!("/paths/{}", path.replace('/', "~1")))
            .and_then(|item| item.as_object())
            .into_iter()
            .flatten()
            .filter_map(|(_, op)| {
                op.pointer("/x-braze-rate-limit/bucket")
                    .and_then(|b| b.as_str())
                    .map(str::to_string)
            })
            .collect()
    };
    let mut pairs = 0;
    let mut wrong = Vec::new();
    for row in endpoint_rows() {
        let Some((_, shared)) = row.rate_limit.split_once("shared with") else {
            continue;
        };
        let own = doc
            .pointer(&format!(
                "/paths/{}/{}/x-braze-rate-limit/bucket",
                row.path.replace('/', "~1"),
                row.method
            ))
            .and_then(|b| b.as_str())
            .unwrap_or_default()
            .to_string();
        for other in shared.split([',', ' ']).filter(|w| w.starts_with('/')) {
            for bucket in
                buckets(other.trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '}'))
            {
                pairs += 1;
                if bucket != own {
                    wrong.push(format!("row {} ({}): bucket `{own}`, but it shares its limit with {other} (bucket `{bucket}`)", row.n, row.path));
                }
            }
        }
    }
    assert!(pairs >= 20, "only {pairs} shared-limit pairs found");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn untyped_arrays_are_refused() {
    let with_schema = |schema: &str| {
        GOOD_OP.replacen(
            "{type: object, properties: {message: {type: string}}}",
            schema,
            1,
        )
    };
    for untyped in [
        "{type: object, properties: {list: {type: array, items: {}}}}",
        "{type: object, properties: {list: {type: array}}}",
    ] {
        let p = problems(&op("/x", &with_schema(untyped)));
        assert!(
            p.contains("schema/properties/list: untyped array"),
            "{untyped}: {p}"
        );
    }
    let typed = "{type: object, properties: {list: {type: array, items: {type: string}}}}";
    assert_eq!(problems(&op("/x", &with_schema(typed))), "");
}

#[test]
fn a_required_string_parameter_must_refuse_the_empty_string() {
    let with_param = |schema: &str| {
        format!(
            "parameters:\n  - {{name: id, in: query, required: true, schema: {schema}}}\n{GOOD_OP}"
        )
    };
    let p = problems(&op("/x", &with_param("{type: string}")));
    assert!(
        p.contains(
            "#/paths/~1x/post/parameters/0/schema: a required string parameter needs `minLength: 1`"
        ),
        "{p}"
    );
    assert_eq!(
        problems(&op("/x", &with_param("{type: string, minLength: 1}"))),
        ""
    );
    // An optional one may be empty (it is simply not sent).
    let optional =
        format!("parameters:\n  - {{name: id, in: query, schema: {{type: string}}}}\n{GOOD_OP}");
    assert_eq!(problems(&op("/x", &optional)), "");
}

#[test]
fn info_version_must_be_a_package_version() {
    for (version, ok) in [
        ("2026.12.1", true),
        ("1.0.0", true),
        ("2026-11-26", false),
        ("2026.01.1", false),
        ("1.0", false),
        ("1.0.0-beta", false),
    ] {
        let root = ROOT.replacen("version: '1.0.0'", &format!("version: '{version}'"), 1);
        let spec = load::load_sources(&[
            (PathBuf::from("spec/openapi.yaml"), root),
            (PathBuf::from("spec/family.yaml"), op("/x", GOOD_OP)),
        ])
        .expect("loads");
        let d = generator::check_loaded(spec)
            .err()
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert_eq!(
            d.contains("spec/openapi.yaml#/info/version: info.version"),
            !ok,
            "{version}: {d}"
        );
    }
}

#[test]
fn nested_inline_objects_and_compositions_must_be_named() {
    let with_schema = |schema: &str| {
        GOOD_OP.replacen(
            "{type: object, properties: {message: {type: string}}}",
            schema,
            1,
        )
    };
    for nested in [
        "{type: object, properties: {a: {type: object, properties: {b: {type: string}}}}}",
        "{type: object, properties: {a: {oneOf: [{type: string}, {type: integer}]}}}",
        "{type: object, properties: {a: {type: array, items: {anyOf: [{type: string}, {type: integer}]}}}}",
    ] {
        let p = problems(&op("/x", &with_schema(nested)));
        assert!(p.contains("make it a named component"), "{nested}: {p}");
    }
    // A description wrapper around one reference, and the top-level body itself, are fine.
    let fine = "{type: object, properties: {a: {allOf: [{type: string}], description: d}}}";
    assert_eq!(problems(&op("/x", &with_schema(fine))), "");
}

#[test]
fn enum_values_differing_only_by_case_are_refused() {
    let body = GOOD_OP.replacen(
        "{type: object, properties: {message: {type: string}}}",
        "{type: object, properties: {state: {type: string, enum: [Subscribed, subscribed]}}}",
        1,
    );
    let p = problems(&op("/x", &body));
    assert!(
        p.contains("properties/state/enum: `subscribed` differs from another value only by case"),
        "{p}"
    );
}
