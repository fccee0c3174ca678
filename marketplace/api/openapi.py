"""OpenAPI 3.1 document generated from the API's own routes and pydantic models."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel

from .schemas import MAX_ID, ErrorOut

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    schema: dict = field(default_factory=lambda: {"type": "string"})
    location: str = "query"
    required: bool = False


@dataclass(frozen=True)
class Operation:
    rule: str
    method: str
    summary: str
    params: tuple[Param, ...] = ()
    body: type[BaseModel] | None = None
    responses: dict[int, tuple[type[BaseModel] | None, str]] = field(default_factory=dict)
    links: dict[str, dict] = field(default_factory=dict)  # OpenAPI links of its 2xx answers


OPERATIONS: list[Operation] = []


def documented(rule: str, method: str, summary: str, *, params: tuple[Param, ...] = (),
               body: type[BaseModel] | None = None, responses: dict[int, tuple[type[BaseModel] | None, str]],
               links: dict[str, dict] | None = None):
    """Record a view's contract; the document below is built only from these records."""

    def decorate(view):
        OPERATIONS.append(Operation(rule, method.upper(), summary, params, body, responses, links or {}))
        return view

    return decorate


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def _schema_ref(model: type[BaseModel], components: dict) -> dict:
    schema = model.model_json_schema(ref_template=REF)
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _common_responses(op: Operation) -> list[tuple[int, str]]:
    """What any operation may answer besides its own: too many requests, a body over the size limit."""
    common = [(429, "too many requests from this token (or address): wait Retry-After seconds")]
    if op.body is not None:
        common.append((413, "the body is larger than 1 MiB"))
    return common


def build_document(server_url: str = "/") -> dict:
    """The whole OpenAPI document for every documented operation."""
    components: dict[str, dict] = {}
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        operation: dict = {"summary": op.summary, "operationId": f"{op.method.lower()}_{_path(op.rule)}",
                           "responses": {}}
        params = [{"name": p.name, "in": p.location, "required": p.required or p.location == "path",
                   "description": p.description, "schema": p.schema() if callable(p.schema) else p.schema}
                  for p in op.params]
        params += [{"name": name, "in": "path", "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
                   for name in re.findall(r"<int:([a-z_]+)>", op.rule) if name not in {p.name for p in op.params}]
        if params:
            operation["parameters"] = params
        if op.body is not None:
            operation["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": _schema_ref(op.body, components)}}}
        for status, (model, description) in sorted(op.responses.items()):
            response: dict = {"description": description}
            target = model if model is not None else (ErrorOut if status >= 400 else None)
            if target is not None:
                response["content"] = {"application/json": {"schema": _schema_ref(target, components)}}
            if op.links and 200 <= status < 300:
                response["links"] = op.links
            operation["responses"][str(status)] = response
        for status, description in _common_responses(op):
            operation["responses"].setdefault(str(status), {"description": description, "content": {
                "application/json": {"schema": _schema_ref(ErrorOut, components)}}})
        if "429" in operation["responses"]:
            operation["responses"]["429"]["headers"] = {"Retry-After": {
                "description": "seconds to wait before trying again", "schema": {"type": "integer"}}}
        paths.setdefault(_path(op.rule), {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Place de marché des clusters — API", "version": "1",
                 "description": "Catalogue, prices and quotes of the federation's clusters. Amounts are "
                                "integer euro cents; rates are basis points (2000 = 20 %)."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": dict(sorted(components.items()))},
    }
