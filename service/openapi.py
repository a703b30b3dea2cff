"""Keep the OpenAPI document truthful about errors: every error answer is problem+json.

Litestar documents a default 400 (its own validation-error body, as ``application/json``) on every handler
that takes parameters; ours are mapped to problem+json in ``service.problems``, so the document says so.
"""

from __future__ import annotations

from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, Operation, Reference

from service.problems import PROBLEM_JSON

__all__ = ["document_problem_answers"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def document_problem_answers(schema: OpenAPI) -> None:
    """Rewrite, in place, every 4xx/5xx answer documented as plain JSON into a ``Problem`` answer."""
    problem = OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))
    for item in (schema.paths or {}).values():
        for method in _METHODS:
            operation = getattr(item, method, None)
            if not isinstance(operation, Operation) or not operation.responses:
                continue
            for status, answer in operation.responses.items():
                content = getattr(answer, "content", None)
                if not status.startswith(("4", "5")) or not content or PROBLEM_JSON in content:
                    continue
                if "application/json" in content:
                    del content["application/json"]
                    content[PROBLEM_JSON] = problem
