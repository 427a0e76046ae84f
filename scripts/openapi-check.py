#!/usr/bin/env python3
"""The OpenAPI document against the server it describes.

    MEDIAWORKER_HOOK_SECRET=... MEDIAWORKER_OPERATOR_TOKEN=... scripts/openapi-check.py http://127.0.0.1:8080 \
        --succeeded JOB --dead JOB

1. `/api/openapi.json` is a valid OpenAPI 3.1 document (openapi-spec-validator).
2. Real requests to a running `serve` — every operation's ordinary answer and its errors (401, 404, 409, 400) —
   are matched against the document: the path and method must be documented, the status listed for that
   operation, the content type one it names, and a JSON body must validate against the response schema
   (jsonschema, Draft 2020-12, as OpenAPI 3.1 says) with no property the schema does not declare.
Needs a succeeded job with outputs and a dead job (scripts/serve-check.sh makes both). Exits 1 on any mismatch.
Packages: pip install openapi-spec-validator (brings jsonschema).
"""
import argparse, json, os, re, sys, uuid

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mwclient import Client  # noqa: E402

problems = []


def undeclared(instance, schema, components, where):
    """Properties of `instance` that `schema` (with $refs resolved) does not declare."""
    while isinstance(schema, dict) and "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if not isinstance(schema, dict):
        return []
    found = []
    for key in ("oneOf", "anyOf"):
        if key in schema:
            # The first alternative the instance is valid against.
            for option in schema[key]:
                if Draft202012Validator({**option, "components": {"schemas": components}}).is_valid(instance):
                    return undeclared(instance, option, components, where)
    if isinstance(instance, dict) and "properties" in schema and "additionalProperties" not in schema:
        for name, value in instance.items():
            if name not in schema["properties"]:
                found.append(f"{where}.{name}")
            else:
                found += undeclared(value, schema["properties"][name], components, f"{where}.{name}")
    elif isinstance(instance, dict) and isinstance(schema.get("additionalProperties"), dict):
        for name, value in instance.items():
            found += undeclared(value, schema["additionalProperties"], components, f"{where}.{name}")
    elif isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for i, value in enumerate(instance):
            found += undeclared(value, schema["items"], components, f"{where}[{i}]")
    return found


def operation(document, method, path):
    """The documented operation for a concrete path (templates like /api/jobs/{id} matched by segment)."""
    bare = path.split("?", 1)[0]
    for template, item in document["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, bare) and method.lower() in item:
            return template, item[method.lower()]
    return None, None


def check(client, document, method, path, expect, body=None, headers=None, auth=True):
    status, response_headers, data = client.call(path, body, headers, auth=auth, method=method)
    label = f"{method} {path} → {status}"
    if status != expect:
        problems.append(f"{label}: expected {expect}")
        return None
    template, op = operation(document, method, path)
    if op is None:
        problems.append(f"{label}: the document has no {method} {path.split('?')[0]}")
        return None
    response = op["responses"].get(str(status))
    if response is None:
        problems.append(f"{label}: status {status} is not documented for {method} {template}")
        return None
    content_type = (response_headers.get("Content-Type") or "").split(";")[0].strip()
    content = response.get("content") or {}
    if content and content_type not in content:
        problems.append(f"{label}: content type {content_type!r}, documented {sorted(content)}")
        return None
    schema = (content.get("application/json") or {}).get("schema")
    if content_type == "application/json" and schema is not None:
        instance = json.loads(data)
        components = document["components"]["schemas"]
        validator = Draft202012Validator({**schema, "components": document["components"]})
        for error in validator.iter_errors(instance):
            problems.append(f"{label}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
        extra = undeclared(instance, schema, components, "body")
        if extra:
            problems.append(f"{label}: undocumented properties {extra}")
        print(f"openapi-check: {label} matches {template} ({len(data)} bytes)")
        return instance
    print(f"openapi-check: {label} matches {template} ({content_type or 'no body'})")
    return data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--succeeded", required=True)
    parser.add_argument("--dead", required=True)
    args = parser.parse_args()
    client = Client(args.base, os.environ["MEDIAWORKER_HOOK_SECRET"].split(",")[0],
                    os.environ["MEDIAWORKER_OPERATOR_TOKEN"], "openapi-check")
    document = check(client, {"paths": {"/api/openapi.json": {"get": {"responses": {"200": {}}}}}},
                     "GET", "/api/openapi.json", 200, auth=False)
    document = json.loads(document)
    validate_spec(document)  # raises on an invalid document
    print(f"openapi-check: the document is valid OpenAPI {document['openapi']} ({len(document['paths'])} paths)")

    done, dead = args.succeeded, args.dead
    unknown = "0" * 26
    json_headers = {"Content-Type": "application/json"}
    check(client, document, "GET", "/healthz", 200, auth=False)
    check(client, document, "GET", "/readyz", 200, auth=False)
    check(client, document, "GET", "/metrics", 200, auth=False)
    check(client, document, "GET", "/api/jobs", 200)
    check(client, document, "GET", "/api/jobs?state=dead&limit=5", 200)
    check(client, document, "GET", "/api/jobs", 401, auth=False)
    detail = check(client, document, "GET", f"/api/jobs/{done}", 200)
    check(client, document, "GET", f"/api/jobs/{dead}", 200)
    check(client, document, "GET", f"/api/jobs/{unknown}", 404)
    check(client, document, "GET", "/api/stats", 200)
    check(client, document, "POST", "/api/jobs/retry-failed?dry_run=1", 200, body=b"")
    check(client, document, "POST", f"/api/jobs/{done}/cancel", 409, body=b"")
    check(client, document, "POST", f"/api/jobs/{unknown}/retry", 404, body=b"")
    if detail:
        output = detail["outputs"][0]
        check(client, document, "GET", output["url"], 200)
        check(client, document, "GET", f"/api/jobs/{done}/files/no-such-file.png", 404)
    # The hook: a new delivery (202), the same again (200, existing), unsigned (401), outside the root (400).
    key = f"openapi-check-{uuid.uuid4().hex}"
    body, headers = client.signed({"input": "campaign-16x9.mp4", "template": "thumbnails", "key": key})
    check(client, document, "POST", "/hooks/upload", 202, body=body, headers=headers, auth=False)
    body, headers = client.signed({"input": "campaign-16x9.mp4", "template": "thumbnails", "key": key})
    check(client, document, "POST", "/hooks/upload", 200, body=body, headers=headers, auth=False)
    check(client, document, "POST", "/hooks/upload", 401, body=b'{"input":"x.mp4"}', headers=json_headers, auth=False)
    body, headers = client.signed({"input": "../outside.mp4"})
    check(client, document, "POST", "/hooks/upload", 400, body=body, headers=headers, auth=False)
    # The dashboard's pages (HTML) without a session.
    check(client, document, "GET", "/login", 200, auth=False)

    if problems:
        for problem in problems:
            print(f"openapi-check: FAIL: {problem}", file=sys.stderr)
        sys.exit(1)
    print("openapi-check: every answer matches the document")


if __name__ == "__main__":
    main()
