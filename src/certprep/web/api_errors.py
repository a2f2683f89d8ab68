"""The error responses of the JSON API, as documented in its OpenAPI description.

Every error the API sends is one of these shapes: ``{"detail": ..., "code": ...}``; a request
whose body or parameters fail validation (422) also lists each problem; a body over the route's
size limit (413) is plain text, as Starlette's limiter sends it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    detail: str = Field(description="What went wrong, in words a learner can act on")
    code: str | None = Field(default=None, description="A stable code for programs")


class Problem(BaseModel):
    field: str
    message: str


class InvalidRequest(BaseModel):
    detail: str
    problems: list[Problem] = Field(
        default_factory=list, description="Each field that failed validation, when some did"
    )
    code: str | None = Field(
        default=None, description="'bad_input' when valid values are not ones the exam knows"
    )


_MEANING = {
    400: "Bad request (for example a sign-up or sign-in refused)",
    401: "Sign in first (multi-user mode)",
    403: "Missing or wrong CSRF token, or an action this server does not offer",
    404: "No such attempt, question or lab (or not yours)",
    409: "Refused by the attempt's state: it is over, paused, or time is up",
    413: "The request body is larger than this address takes",
    422: "The request's values are not valid",
    429: "Too many failed sign-ins: wait Retry-After seconds",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of routes that may answer with these error statuses."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        if code == 413:
            out[code] = {
                "description": _MEANING[code],
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        else:
            model = InvalidRequest if code == 422 else ErrorBody
            out[code] = {"description": _MEANING[code], "model": model}
    return out


#: What any API route may answer: a body that is not JSON (400), the caller (401), the CSRF
#: check (403), the body limit (413), validation (422).
COMMON = (400, 401, 403, 413, 422)


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON Schema with its ``$defs`` written in place, for an OpenAPI document that
    does not carry them (``#/$defs/...`` would not resolve there)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return resolve(schema)  # type: ignore[no-any-return]
