"""One call per tag of the spec, through the Python client openapi-python-client
generates from it, against a running braze-mock (`cargo xtask publish-check
--only python-mock` builds both and runs this).

usage: calls_per_tag.py SPEC_JSON BASE_URL

For each tag, the first operation of the spec with that tag is called with the
spec's examples (path, query and header parameters typed as the generated
function declares them, the body built with the generated model's from_dict):
the answer must have the status the spec documents, the rate-limit headers of
a limited bucket, and parse as the generated success model (not BrazeError,
not None). Then a call without a key must come back 401 and parse as
BrazeError, and a wrong body 400 with the pointer of the wrong field. Prints
one line per call; exits 1 on the first failure list that is not empty."""

from __future__ import annotations

import datetime
import enum
import importlib
import json
import pathlib
import re
import sys
import types
import typing
from typing import Any

import dateutil.parser

PACKAGE = "braze_rest_api_client"


def resolve(doc: dict[str, Any], value: Any) -> Any:
    for _ in range(16):
        if isinstance(value, dict) and isinstance(value.get("$ref"), str):
            node: Any = doc
            for part in value["$ref"][2:].split("/"):
                node = node[part]
            value = node
        else:
            break
    return value


def norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def find_module(operation_id: str) -> types.ModuleType:
    import importlib.util

    spec = importlib.util.find_spec(PACKAGE)
    assert spec is not None and spec.submodule_search_locations
    root = pathlib.Path(list(spec.submodule_search_locations)[0]) / "api"
    found = list(root.glob(f"*/{operation_id}.py"))
    if len(found) != 1:
        raise RuntimeError(f"{operation_id}: {len(found)} generated modules")
    return importlib.import_module(f"{PACKAGE}.api.{found[0].parent.name}.{operation_id}")


def members(annotation: Any) -> list[Any]:
    """The types of a union annotation (or the annotation itself)."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return [m for a in typing.get_args(annotation) for m in members(a)]
    return [annotation]


def typed(annotation: Any, value: Any) -> Any:
    """A JSON example as the Python type the generated function declares."""
    kinds = members(annotation)
    for kind in kinds:
        origin = typing.get_origin(kind)
        if origin is list:
            (item,) = typing.get_args(kind) or (str,)
            values = value if isinstance(value, list) else [value]
            return [typed(item, v) for v in values]
        if kind is datetime.datetime and isinstance(value, str):
            return dateutil.parser.isoparse(value)
        if kind is datetime.date and isinstance(value, str):
            return datetime.date.fromisoformat(value)
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return kind(value)
        if isinstance(kind, type) and hasattr(kind, "from_dict") and isinstance(value, dict):
            return kind.from_dict(value)
    return value


def synthetic(schema: dict[str, Any]) -> Any:
    if schema.get("enum"):
        return schema["enum"][0]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "array":
        return [synthetic(schema.get("items", {}))]
    return {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "email": "user@example.com"}.get(
        fmt or "", "example"
    )


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    out = []
    for path, item in doc["paths"].items():
        for method in ("get", "put", "post", "delete", "patch"):
            if method in item:
                out.append((path, method, item[method], item))
    return out


def call(doc: dict[str, Any], client: Any, op: dict[str, Any], item: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    module = find_module(op["operationId"])
    fn = module.sync_detailed
    hints = typing.get_type_hints(fn)
    by_norm = {norm(n): n for n in hints if n not in ("client", "return")}
    kwargs: dict[str, Any] = {}
    for p in item.get("parameters", []) + op.get("parameters", []):
        p = resolve(doc, p)
        schema = resolve(doc, p.get("schema", {}))
        if "example" in p:
            value = p["example"]
        elif "example" in schema:
            value = schema["example"]
        elif p.get("required"):
            value = synthetic(schema)
        else:
            continue
        name = by_norm.get(norm(p["name"]))
        if name is None:
            raise RuntimeError(f"{op['operationId']}: no argument for parameter {p['name']}")
        kwargs[name] = typed(hints[name], value)
    body = resolve(doc, op.get("requestBody", {})).get("content", {}).get("application/json")
    example = None
    if body is not None:
        example = body.get("example", resolve(doc, body.get("schema", {})).get("example"))
        if example is not None:
            kwargs["body"] = typed(hints["body"], example)
    return fn(client=client, **kwargs), {"module": module, "kwargs": kwargs, "example": example}


def scripted(base_url: str, client: Any, models: Any) -> list[str]:
    """Braze's behaviour set through braze-mock's control API (/_mock/)."""
    import httpx

    from braze_rest_api_client.api.campaigns import campaigns_list  # type: ignore[import-not-found]
    from braze_rest_api_client.api.catalogs import catalogs_list  # type: ignore[import-not-found]

    control = httpx.Client(base_url=f"{base_url}/_mock")
    failures: list[str] = []
    control.post("/reset").raise_for_status()  # calls are counted from here
    items = [
        {"id": f"c{i}", "name": f"campaign {i}", "is_api_campaign": False, "tags": [], "last_edited": "2026-01-01T00:00:00Z"}
        for i in range(150)
    ]
    control.put("/operations/campaigns_list/items", json={"items": items}).raise_for_status()
    pages = [campaigns_list.sync_detailed(client=client, page=p).parsed for p in (0, 1)]
    sizes = [len(p.campaigns) if isinstance(p, models.CampaignsListResponse) else -1 for p in pages]
    if sizes != [100, 50]:
        failures.append(f"campaigns_list pages of 150 items: {sizes}")
    else:
        print("ok     campaigns_list over 150 items set by the test -> pages of 100 and 50")
    control.post("/operations/catalogs_list/faults", json={"calls": "1", "status": 503}).raise_for_status()
    control.put("/buckets/catalogs-sync/limit", json={"requests": 1, "window_seconds": 3600}).raise_for_status()
    statuses = [int(catalogs_list.sync_detailed(client=client).status_code) for _ in range(3)]
    counts = control.get("/counts").json()
    if statuses != [503, 200, 429] or counts["rate_limited"].get("catalogs_list") != 1:
        failures.append(f"catalogs_list with a 503 then a limit of 1: {statuses}, counts {counts}")
    else:
        print("ok     catalogs_list with a scripted 503 and a limit of 1 -> 503, 200, 429")
    return failures


def main() -> int:
    spec_path, base_url = sys.argv[1], sys.argv[2]
    doc = json.loads(pathlib.Path(spec_path).read_text())
    client_mod = importlib.import_module(PACKAGE)
    models = importlib.import_module(f"{PACKAGE}.models")
    client = client_mod.AuthenticatedClient(base_url=base_url, token="python-mock-key")
    anonymous = client_mod.Client(base_url=base_url)
    failures: list[str] = []
    first_by_tag: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for _, _, op, item in operations(doc):
        first_by_tag.setdefault(op["tags"][0], (op, item))
    tags = [t["name"] for t in doc["tags"]]
    missing = [t for t in tags if t not in first_by_tag]
    if missing:
        failures.append(f"tags without an operation: {missing}")
    for tag in tags:
        if tag not in first_by_tag:
            continue
        op, item = first_by_tag[tag]
        oid = op["operationId"]
        try:
            response, _ = call(doc, client, op, item)
        except Exception as e:  # noqa: BLE001 - reported, then the run fails
            failures.append(f"{tag}: {oid}: {type(e).__name__}: {e}")
            continue
        status = int(response.status_code)
        documented = next(c for c in op["responses"] if c.startswith("2"))
        expected = 200 if documented == "2XX" else int(documented)
        parsed = response.parsed
        problems = []
        if status != expected:
            problems.append(f"status {status}, expected {expected}: {response.content[:300]!r}")
        if expected != 204 and (parsed is None or isinstance(parsed, models.BrazeError)):
            problems.append(f"parsed as {type(parsed).__name__}")
        limit = op.get("x-braze-rate-limit", {})
        if "requests" in limit and "x-ratelimit-remaining" not in response.headers:
            problems.append("no X-RateLimit-Remaining header")
        line = f"{tag}: {oid} -> {status} {type(parsed).__name__}"
        print(("ok     " if not problems else "FAILED ") + line + ("; " + "; ".join(problems) if problems else ""))
        if problems:
            failures.append(line + ": " + "; ".join(problems))
    # Braze's refusals, parsed by the generated error model.
    from braze_rest_api_client.api.user_data import users_track  # type: ignore[import-not-found]

    track = next(op for _, _, op, _ in operations(doc) if op["operationId"] == "users_track")
    example = track["requestBody"]["content"]["application/json"]["example"]
    r = users_track.sync_detailed(client=anonymous, body=models.UsersTrackRequest.from_dict(example))
    if int(r.status_code) != 401 or not isinstance(r.parsed, models.BrazeError):
        failures.append(f"users_track without a key: {int(r.status_code)} {type(r.parsed).__name__}")
    else:
        print("ok     users_track without a key -> 401 BrazeError")
    purchase = {"external_id": "u", "product_id": "p", "currency": "EUR", "price": 1.5, "time": "2026-01-01T00:00:00Z"}
    wrong = models.UsersTrackRequest.from_dict({"purchases": [purchase]})
    wrong.purchases[0].price = "free"  # a typed model lets any value through
    r = users_track.sync_detailed(client=client, body=wrong)
    pointers = [e.get("pointer") for e in json.loads(r.content).get("errors", [])] if r.content else []
    if int(r.status_code) != 400 or not isinstance(r.parsed, models.BrazeError) or "/purchases/0/price" not in pointers:
        failures.append(f"users_track with a wrong price: {int(r.status_code)} {r.content[:300]!r}")
    else:
        print("ok     users_track with a wrong price -> 400 BrazeError naming /purchases/0/price")
    failures += scripted(base_url, client, models)
    if failures:
        print(f"{len(failures)} failure(s):", *failures, sep="\n", file=sys.stderr)
        return 1
    print(f"python-mock: {len(tags)} tags, one call each, 2 refusals, and a paged list, a fault and a 429 set through the control API")
    return 0


if __name__ == "__main__":
    sys.exit(main())
