"""The one place where errors become RFC 9457 problem+json responses."""

from __future__ import annotations

import errno
import logging
import re
import sqlite3
from typing import Any

import msgspec
from botocore.exceptions import BotoCoreError
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from content.core import errors

__all__ = [
    "PROBLEM_JSON",
    "Problem",
    "ProblemField",
    "exception_handlers",
    "problem_response",
    "problem_responses",
]

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("odyssee.service")


class ProblemField(msgspec.Struct, frozen=True):
    field: str
    message: str


class Problem(msgspec.Struct, frozen=True, omit_defaults=True):
    """The error body of every endpoint."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemField] = []


_STATUS: list[tuple[type[errors.OdysseeError], int, str]] = [
    (errors.PayloadTooLarge, 413, "payload-too-large"),
    (errors.UnsupportedMedia, 415, "unsupported-media"),
    (errors.InvalidParameter, 400, "invalid-parameter"),
    (errors.InvalidInput, 422, "invalid-input"),
    (errors.NotFound, 404, "not-found"),
    (errors.Gone, 410, "gone"),
    (errors.Unauthenticated, 401, "unauthenticated"),
    (errors.Forbidden, 403, "forbidden"),
    (errors.RateLimited, 429, "rate-limited"),
    (errors.PreconditionRequired, 428, "precondition-required"),
    (errors.PreconditionFailed, 412, "precondition-failed"),
    (errors.Conflict, 409, "conflict"),
    (errors.Unavailable, 503, "unavailable"),
]
_encoder = msgspec.json.Encoder()


def problem_response(
    status: int,
    title: str,
    detail: str,
    slug: str,
    fields: list[ProblemField] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    body = Problem(type=f"/problems/{slug}", title=title, status=status, detail=detail, errors=fields or [])
    return Response(_encoder.encode(body), status_code=status, media_type=PROBLEM_JSON, headers=headers or {})


def _domain_error(_: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    assert isinstance(exc, errors.OdysseeError)
    status, slug = next(((code, name) for cls, code, name in _STATUS if isinstance(exc, cls)), (400, "error"))
    fields = [ProblemField(e.field, e.message) for e in getattr(exc, "errors", [])]
    headers = {}
    if isinstance(exc, errors.RateLimited):
        headers["Retry-After"] = str(exc.retry_after_s)
    if isinstance(exc, errors.Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="odyssee"'
    return problem_response(status, exc.title, exc.detail, slug, fields, headers)


def _validation_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    assert isinstance(exc, ValidationException)
    fields: list[ProblemField] = []
    in_body = False
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        source = item.get("source")
        in_body = in_body or source == "body"
        key = item.get("key")
        message = str(item.get("message", "invalid value"))
        if source == "body" and key == "data" and message == "'data'":
            # Litestar's KeyError text when there is no body at all.
            key, message = "body", "a JSON body is required"
        elif not key or (source == "body" and key == "data"):
            # Litestar names the whole body "data"; msgspec's message says which field is at fault.
            key = _field_from_message(message) or str(source or "body")
        else:
            key = _public_name(request, str(key))
        fields.append(ProblemField(str(key), message))
    if not fields:
        missing = _MISSING.match(exc.detail or "")
        if missing:
            fields.append(ProblemField(missing.group(2), f"the {missing.group(1)} parameter is required"))
        else:
            in_body = request.method in {"POST", "PUT", "PATCH"}
            fields.append(ProblemField("body", exc.detail))
    if in_body:
        return problem_response(422, "Invalid input", _detail(fields), "invalid-input", fields)
    return problem_response(400, "Invalid parameter", _detail(fields), "invalid-parameter", fields)


# Litestar's text for a missing required parameter, which comes without a key.
_MISSING = re.compile(r"Missing required (query|path|header|cookie) parameter '([^']+)'")


def _public_name(request: Request[Any, Any, Any], key: str) -> str:
    """The name a client sends (``from``) for a handler's Python parameter name (``from_version``)."""
    try:
        parameter = request.route_handler.parsed_fn_signature.parameters.get(key)
    except AttributeError:  # no handler resolved (routing errors)
        return key
    definition = getattr(parameter, "kwarg_definition", None)
    name = getattr(definition, "name", None) or getattr(definition, "query", None)
    return name if isinstance(name, str) and name else key


def _field_from_message(message: str) -> str | None:
    # msgspec reports paths as "... - at `$.stops[2].title`", and unknown and missing fields as
    # "unknown field `x`" and "missing required field `x`" (with the path of the object holding them).
    path = message.rsplit("- at `$.", 1)[1].rstrip("`") if "- at `$." in message else None
    for marker in ("unknown field `", "missing required field `"):
        if marker in message:
            name = message.split(marker, 1)[1].split("`", 1)[0]
            return f"{path}.{name}" if path else name
    return path


def _detail(fields: list[ProblemField]) -> str:
    return "; ".join(f"{f.field}: {f.message}" for f in fields)


def _http_error(_: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    slug = {
        404: "not-found",
        405: "method-not-allowed",
        401: "unauthenticated",
        403: "forbidden",
        413: "payload-too-large",
    }.get(status, "http-error")
    headers = dict(exc.headers or {})
    return problem_response(status, _reason(status), exc.detail, slug, headers=headers)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        HTTP_500_INTERNAL_SERVER_ERROR, "Internal error", "an unexpected error occurred", "internal"
    )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _count_blob_error(request: Request[Any, Any, Any], kind: str) -> None:
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.blob_errors.labels(kind).inc()


def _store_unreachable(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """The S3 blob store does not answer (stopped, network down): 503, nothing was recorded."""
    log.warning("blob store unreachable on %s %s: %s", request.method, request.url.path, exc)
    _count_blob_error(request, "unreachable")
    return problem_response(
        503,
        "Service unavailable",
        "the media and pack store cannot be reached; nothing was changed, try again shortly",
        "store-unavailable",
        [ProblemField("blob_store", type(exc).__name__)],
        {"Retry-After": "30"},
    )


def _os_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    # A full disk: OSError(ENOSPC) from files, or SQLite's own "database or disk is full".
    full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
    full = full or (isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc))
    if full:
        log.error("disk full on %s %s: %s", request.method, request.url.path, exc)
        _count_blob_error(request, "disk_full")
        return problem_response(
            507,
            "Insufficient Storage",
            "the server's disk is full; nothing was changed",
            "storage-full",
            headers={"Retry-After": "300"},
        )
    return _unexpected(request, exc)


exception_handlers: dict[type[Exception] | int, Any] = {
    BotoCoreError: _store_unreachable,
    OSError: _os_error,
    sqlite3.OperationalError: _os_error,
    errors.OdysseeError: _domain_error,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """``responses=`` for a handler, so OpenAPI documents its error statuses as problem+json."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            generate_examples=False,
            description=_reason(status),
            media_type=PROBLEM_JSON,
        )
        for status in statuses
    }
