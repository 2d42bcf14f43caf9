"""One OpenAPI document for the whole public API, merged from the services' own documents."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from gateway.policy import RULES

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}
_STANDARD_ERRORS = {
    "401": "No valid API key.",
    "403": "The key's role may not call this endpoint.",
    "429": "Rate limit exceeded.",
    "503": "A service behind the gateway is unavailable.",
}


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def merge_openapi(
    gateway_doc: Mapping[str, Any], service_docs: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The gateway's document plus every public ``/v1`` path of the services, with bearer auth."""
    doc = copy.deepcopy(dict(gateway_doc))
    paths: dict[str, Any] = {p: v for p, v in doc.get("paths", {}).items()}
    components: dict[str, Any] = doc.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    public = {(rule.method.lower(), rule.path) for rule in RULES}
    for service_doc in service_docs:
        for path, operations in service_doc.get("paths", {}).items():
            for method, operation in operations.items():
                if (method, path) in public:
                    paths.setdefault(path, {})[method] = copy.deepcopy(operation)
        for name, schema in service_doc.get("components", {}).get("schemas", {}).items():
            schemas.setdefault(name, copy.deepcopy(schema))
    schemas["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = {
        "ApiKey": {"type": "http", "scheme": "bearer", "description": "Routeway API key (rw_...)."}
    }
    for path, operations in paths.items():
        if not path.startswith("/v1"):
            continue
        for operation in operations.values():
            operation["security"] = [{"ApiKey": []}]
            responses = operation.setdefault("responses", {})
            for status, description in _STANDARD_ERRORS.items():
                responses.setdefault(status, _problem_response(description))
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = _problem_response("")["content"]
    doc["paths"] = dict(sorted(paths.items()))
    return doc
