"""Keep the OpenAPI document truthful about errors (every error answer is problem+json) and about
answers that may take one of several shapes.

Litestar documents a default 400 (its own validation-error body, as ``application/json``) on every handler
that takes parameters; ours are mapped to problem+json in ``service.problems``, so the document says so.
"""

from __future__ import annotations

from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, Operation, Reference, Schema

from service.problems import PROBLEM_JSON

__all__ = ["document_problem_answers", "document_response_unions"]

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


def document_response_unions(schema: OpenAPI) -> None:
    """Document answers typed as a union of structs (``PoiCollection | PoiCollectionAll``) as ``anyOf``.

    Litestar writes ``oneOf``, which claims that exactly one branch matches; an empty collection, or a
    feature without translated text, matches both, so a validator would reject a right answer."""
    for item in (schema.paths or {}).values():
        for method in _METHODS:
            operation = getattr(item, method, None)
            if not isinstance(operation, Operation) or not operation.responses:
                continue
            for status, answer in operation.responses.items():
                if not status.startswith("2"):
                    continue
                for media in (getattr(answer, "content", None) or {}).values():
                    union = media.schema
                    if isinstance(union, Schema) and union.one_of and union.any_of is None:
                        union.any_of, union.one_of = union.one_of, None
