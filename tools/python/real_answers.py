#!/usr/bin/env python3
"""Real Braze answers through the response parsing of generated Python clients.

Run by `cargo xtask publish-check --only real-answers` with the clients the
`python-client` (openapi-python-client) and `generator-python`
(openapi-generator `python`) gates generated. Every case is a (operation,
status, body) decoded by each client's own code: openapi-python-client's
`_parse_response` of the operation's module, openapi-generator's
`ApiClient.response_deserialize` with the operation's `_response_types_map`
(read from the generated method's source). The cases:

- every response example of the spec (errors too), with its status (a range
  such as `2XX` or `5XX` as its first code);
- every answer of the vendored corpus (tests/real_answers/*.json), with its
  recorded status; an answer marked `refused` (with the reason the spec does
  not follow it) must still be refused by at least one client, so the mark
  cannot go stale and the harness shows it can fail;
- per operation, one of those bodies with another 2xx status;
- per enum a response carries (`<Name>Received` in the published spec), a
  body holding it with a value Braze might add later, and with a known value
  in another case (`Subscribed` for `subscribed`): after decoding, the value
  must still be there, so the case proves it reached the enum's position.

Controls (the harness must be able to fail): a 418 must be refused by both
clients. Exit status 1 on any failure; the failures are listed.
"""

import argparse
import ast
import copy
import importlib
import json
import pathlib
import sys
import time

UNKNOWN = "value-braze-added-later"


def load_spec(path):
    spec = json.loads(pathlib.Path(path).read_text())
    inline_external_examples(spec, pathlib.Path(path).parent)
    return spec


def inline_external_examples(node, base):
    """Replaces each `examples` entry that references an example file beside
    the spec (`{"$ref": "examples/..."}`, written by the export for examples a
    linter would misread) with that file's Example Object, so every example is
    decoded; a missing file fails the run."""
    if isinstance(node, dict):
        for name, ex in list(node.get("examples", {}).items()) if isinstance(node.get("examples"), dict) else []:
            ref = ex.get("$ref", "") if isinstance(ex, dict) else ""
            if ref.startswith("examples/"):
                node["examples"][name] = json.loads((base / ref).read_text())
        for v in node.values():
            inline_external_examples(v, base)
    elif isinstance(node, list):
        for v in node:
            inline_external_examples(v, base)


def operations(spec):
    for path, item in spec["paths"].items():
        for method in ("get", "put", "post", "delete", "patch"):
            op = item.get(method)
            if op:
                yield path, method, op


def success_has_body(op):
    for code, r in op["responses"].items():
        if code.startswith("2") and "content" in r:
            return True
    return False


def spec_examples(spec):
    for path, method, op in operations(spec):
        for code, r in op["responses"].items():
            if "$ref" in r:
                r = spec["components"]["responses"][r["$ref"].rsplit("/", 1)[-1]]
            # A range (`2XX`, `5XX`) is sent as its first code.
            status = int(code.replace("XX", "00"))
            media = r.get("content", {}).get("application/json", {})
            if "example" in media:
                yield op["operationId"], status, media["example"], f"spec example {code}"
            for name, ex in media.get("examples", {}).items():
                if "value" in ex:
                    yield op["operationId"], status, ex["value"], f"spec example {code} {name}"


def corpus(corpus_dir):
    files = sorted(pathlib.Path(corpus_dir).glob("*.json"))
    if not files:
        raise SystemExit(f"no corpus files in {corpus_dir}")
    for f in files:
        doc = json.loads(f.read_text())
        for i, a in enumerate(doc["answers"]):
            yield a["operation"], a["status"], a["body"], f"{f.name}#{i} ({a['source']})", a.get("refused")


# ---------------------------------------------------------------- enum positions


def open_enums(spec):
    """`<Name>Received` components: anyOf of a `$ref` to an enum and a string."""
    out = {}
    schemas = spec["components"]["schemas"]
    for name, s in schemas.items():
        arms = s.get("anyOf")
        if not (name.endswith("Received") and isinstance(arms, list) and len(arms) == 2):
            continue
        ref = arms[0].get("$ref", "")
        target = schemas.get(ref.rsplit("/", 1)[-1], {})
        if "enum" in target and arms[1].get("type") == "string":
            out[name] = [v for v in target["enum"] if isinstance(v, str)]
    return out


def enums_left_closed(spec):
    """Inline or component enums a response still reaches without the open form."""
    schemas = spec["components"]["schemas"]
    opened = open_enums(spec)
    known_lists = {s["anyOf"][0]["$ref"].rsplit("/", 1)[-1] for s in (schemas[n] for n in opened)}
    closed = []
    seen = set()

    def walk(s, where):
        if not isinstance(s, dict):
            return
        ref = s.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name in opened or name in seen:
                return
            seen.add(name)
            target = schemas.get(name, {})
            if "enum" in target and name not in known_lists:
                closed.append(f"{where} -> {name}")
            elif "enum" in target:
                closed.append(f"{where} -> {name} (the known values, not their open form)")
            walk(target, name)
            return
        if "enum" in s:
            closed.append(where)
        for key, sub in (s.get("properties") or {}).items():
            walk(sub, f"{where}.{key}")
        for key in ("items", "additionalProperties"):
            if isinstance(s.get(key), dict):
                walk(s[key], f"{where}[{key}]")
        for key in ("anyOf", "oneOf", "allOf"):
            for i, sub in enumerate(s.get(key) or []):
                walk(sub, f"{where}/{key}/{i}")

    for path, method, op in operations(spec):
        for code, r in op["responses"].items():
            if "$ref" in r:
                r = spec["components"]["responses"][r["$ref"].rsplit("/", 1)[-1]]
            schema = r.get("content", {}).get("application/json", {}).get("schema")
            if schema:
                walk(schema, f"{method.upper()} {path} {code}")
    return closed


def enum_positions(spec, schema, value, opened, path=()):
    """(enum component, JSON path) of every open enum `value` holds."""
    schemas = spec["components"]["schemas"]
    found = []
    if not isinstance(schema, dict):
        return found
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name in opened:
            if isinstance(value, str):
                found.append((name, path))
            return found
        return enum_positions(spec, schemas.get(name, {}), value, opened, path)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            found += enum_positions(spec, sub, value, opened, path)
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for k, v in value.items():
            if k in props:
                found += enum_positions(spec, props[k], v, opened, path + (k,))
            elif isinstance(extra, dict):
                found += enum_positions(spec, extra, v, opened, path + (k,))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(value):
            found += enum_positions(spec, schema["items"], v, opened, path + (i,))
    return found


def set_at(body, path, value):
    body = copy.deepcopy(body)
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return body


def get_at(data, path):
    for step in path:
        if isinstance(data, dict):
            data = data[step]
        elif isinstance(data, list):
            data = data[step]
        else:
            raise KeyError(step)
    return data


def other_case(value):
    swapped = value.lower() if value != value.lower() else value[:1].upper() + value[1:]
    return swapped if swapped != value else None


# ---------------------------------------------------------------- the two clients


class OpenapiPythonClient:
    name = "openapi-python-client"

    def __init__(self, site, package="braze_rest_api_client"):
        sys.path.insert(0, str(site))
        import httpx

        self.httpx = httpx
        client_mod = importlib.import_module(f"{package}.client")
        self.errors = importlib.import_module(f"{package}.errors")
        self.client = client_mod.Client(base_url="http://127.0.0.1:9", raise_on_unexpected_status=True)
        self.modules = {}
        api = pathlib.Path(site) / package / "api"
        for f in api.rglob("*.py"):
            if f.name != "__init__.py":
                rel = f.relative_to(site).with_suffix("")
                self.modules[f.stem] = ".".join(rel.parts)

    def decode(self, op_id, status, body):
        mod = importlib.import_module(self.modules[op_id])
        content = b"" if body is None else json.dumps(body).encode()
        response = self.httpx.Response(status, content=content, headers={"content-type": "application/json"})
        parsed = mod._parse_response(client=self.client, response=response)
        return None if parsed is None else (parsed.to_dict() if hasattr(parsed, "to_dict") else parsed)


class GeneratorPython:
    name = "openapi-generator python"

    def __init__(self, out, package="braze_client"):
        sys.path.insert(0, str(out))
        pkg = importlib.import_module(package)
        self.rest = importlib.import_module(f"{package}.rest")
        self.exceptions = importlib.import_module(f"{package}.exceptions")
        self.api_client = pkg.ApiClient()
        self.maps = {}
        for f in (pathlib.Path(out) / package / "api").glob("*.py"):
            tree = ast.parse(f.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef):
                    for stmt in node.body:
                        if isinstance(stmt, ast.AnnAssign) and getattr(stmt.target, "id", "") == "_response_types_map":
                            self.maps[node.name] = ast.literal_eval(stmt.value)

    class _Urllib3Response:
        def __init__(self, status, data):
            self.status = status
            self.reason = "recorded"
            self.data = data
            self.headers = {"content-type": "application/json"}

    def decode(self, op_id, status, body):
        data = b"" if body is None else json.dumps(body).encode()
        response = self.rest.RESTResponse(self._Urllib3Response(status, data))
        response.read()
        try:
            result = self.api_client.response_deserialize(response_data=response, response_types_map=self.maps[op_id]).data
        except self.exceptions.ApiException as e:
            # A documented error: the client raises, carrying the decoded body.
            if 200 <= status <= 299 or e.data is None:
                raise
            result = e.data
        if result is None:
            return None
        return result.to_dict() if hasattr(result, "to_dict") else result


# ---------------------------------------------------------------- the run


def response_schema(spec, op, status):
    """The schema `op` declares for `status` (exact code first, then its range)."""
    responses = op["responses"]
    r = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or {}
    if "$ref" in r:
        r = spec["components"]["responses"][r["$ref"].rsplit("/", 1)[-1]]
    return r.get("content", {}).get("application/json", {}).get("schema")


def build_cases(spec, corpus_dir):
    ops = {op["operationId"]: op for _, _, op in operations(spec)}
    cases = []  # (kind, op, status, body, label, check) check: (path, value) or None
    for op_id, status, body, label in spec_examples(spec):
        cases.append(("spec example", op_id, status, body, label, None))
    answers = list(corpus(corpus_dir))
    unknown_ops = sorted({a[0] for a in answers if a[0] not in ops})
    if unknown_ops:
        raise SystemExit(f"corpus names operations the spec does not have: {unknown_ops}")
    for op_id, status, body, label, refused in answers:
        if refused:
            cases.append(("refused answer", op_id, status, body, label, None))
        else:
            cases.append(("real answer", op_id, status, body, label, None))
    # Per operation: a success body it answered with, under another 2xx; a
    # bodiless success as a bodiless 200.
    first = {}
    for kind, op_id, status, body, label, _ in cases:
        if 200 <= status <= 299 and kind != "refused answer":
            first.setdefault(op_id, (status, body, label))
    for op_id, op in ops.items():
        if op_id not in first and not success_has_body(op):
            first[op_id] = (204, None, "no body")
    for op_id, (status, body, label) in sorted(first.items()):
        other = 200 if status != 200 else 202
        cases.append(("other 2xx", op_id, other, body, f"{label} sent as {other}", None))
    # Per open enum: an unknown value and a known value in another case.
    opened = open_enums(spec)
    placed = {}
    for kind, op_id, status, body, label, _ in list(cases):
        if kind in ("other 2xx", "refused answer"):
            continue
        schema = response_schema(spec, ops[op_id], status)
        for name, path in enum_positions(spec, schema, body, opened):
            placed.setdefault(name, (op_id, status, body, label, path))
    for name, (op_id, status, body, label, path) in sorted(placed.items()):
        cases.append(("unknown enum value", op_id, status, set_at(body, path, UNKNOWN),
                      f"{name} at {list(path)} in {label}", (path, UNKNOWN)))
        known = get_at(body, path)
        swapped = other_case(known)
        if swapped:
            cases.append(("enum value in another case", op_id, status, set_at(body, path, swapped),
                          f"{name} at {list(path)} in {label}", (path, swapped)))
    missing = sorted(set(opened) - set(placed))
    missing_ops = sorted(op_id for op_id in ops if op_id not in first)
    return cases, missing, missing_ops, answers


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--python-client-site", required=True)
    ap.add_argument("--generator-python-out", required=True)
    args = ap.parse_args()
    started = time.monotonic()
    spec = load_spec(args.spec)
    problems = []
    closed = enums_left_closed(spec)
    problems += [f"enum in a response is not open: {c}" for c in closed]
    cases, missing, missing_ops, answers = build_cases(spec, args.corpus)
    problems += [f"no example or answer carries the open enum {m}: add a response example holding it" for m in missing]
    problems += [f"{m}: no response example or recorded answer to decode" for m in missing_ops]
    clients = [OpenapiPythonClient(args.python_client_site), GeneratorPython(args.generator_python_out)]
    refused_by = {id(c): [] for c in cases if c[0] == "refused answer"}
    for client in clients:
        # Controls: a status outside 2xx must be refused.
        try:
            client.decode("users_track", 418, {"message": "success"})
            problems.append(f"{client.name}: control failed: a 418 was accepted")
        except Exception:
            pass
        for case in cases:
            kind, op_id, status, body, label, check = case
            if kind == "refused answer":
                try:
                    client.decode(op_id, status, body)
                except Exception:  # noqa: BLE001 - refusing is the expected outcome
                    refused_by[id(case)].append(client.name)
                continue
            try:
                decoded = client.decode(op_id, status, body)
            except Exception as e:  # noqa: BLE001 - every failure is reported
                problems.append(f"{client.name}: {op_id} {status} ({kind}: {label}): {type(e).__name__}: {str(e)[:300]}")
                continue
            if decoded is None and body is not None:
                problems.append(f"{client.name}: {op_id} {status} ({kind}: {label}): decoded to nothing")
                continue
            if check:
                path, value = check
                try:
                    got = get_at(decoded, path)
                except (KeyError, IndexError, TypeError):
                    got = "<missing>"
                got = getattr(got, "value", got)
                if got != value:
                    problems.append(f"{client.name}: {op_id} ({kind}: {label}): decoded {got!r}, not {value!r}")
    # An answer the corpus marks refused (with the reason) must still be
    # refused by a client: if the spec changed to accept it, the mark is stale.
    for case in cases:
        if case[0] == "refused answer" and not refused_by[id(case)]:
            problems.append(f"{case[1]} {case[2]} ({case[4]}): marked refused in the corpus but every client decodes it: drop the mark")
    kinds = {}
    for c in cases:
        kinds[c[0]] = kinds.get(c[0], 0) + 1
    answer_ops = len({a[0] for a in answers if not a[4]})
    summary = (
        f"{len(cases)} cases x {len(clients)} clients ("
        + ", ".join(f"{n} {k}" for k, n in kinds.items())
        + f"; corpus: {sum(1 for a in answers if not a[4])} real answers over {answer_ops} operations), "
        f"{len(open_enums(spec))} open enums: {len(problems)} failure(s) in {time.monotonic() - started:.1f}s"
    )
    for p in problems:
        print(p)
    print(summary)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
