"""Turning raw JSON into input Structs, with msgspec's errors restated as ``InvalidInput`` field paths."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from content.core.errors import FieldError, InvalidInput

__all__ = ["ErrorCollector", "convert_input", "decode_input", "field_of_validation_error", "prefixed"]

T = TypeVar("T")

_AT_PATH = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_NAMED = re.compile(r"^Object (?P<what>contains unknown|missing required) field `(?P<name>[^`]*)`$")


def field_of_validation_error(exc: msgspec.ValidationError | msgspec.DecodeError) -> tuple[str, str]:
    """``(dotted field, message)`` from a msgspec error: ``$.stops[2].title`` → ``stops[2].title``."""
    match = _AT_PATH.match(str(exc))
    assert match is not None  # the pattern matches any string
    message = match.group("message")
    # msgspec shows a value inside a map as ``name[...]``; the map itself is the field to name.
    path = (match.group("path") or "").lstrip(".").replace("[...]", "")
    named = _NAMED.match(message)
    if named:
        name = named.group("name")
        unknown = named.group("what") == "contains unknown"
        message = "unknown field" if unknown else "required field is missing"
        return (f"{path}.{name}" if path else name), message
    return path, message


def _error(exc: msgspec.ValidationError | msgspec.DecodeError, prefix: str) -> InvalidInput:
    path, message = field_of_validation_error(exc)
    return InvalidInput.field(prefixed(prefix, path) or "body", message)


def prefixed(prefix: str, field: str) -> str:
    """Join a path prefix and a relative field: ``features[3]`` + ``name.fr``, keeping ``[i]`` unjoined."""
    if not prefix:
        return field
    if not field:
        return prefix
    return f"{prefix}{field}" if field.startswith("[") else f"{prefix}.{field}"


def decode_input(data: bytes | str, type_: type[T], *, prefix: str = "") -> T:
    """Decode JSON into ``type_``; syntax and shape errors become ``InvalidInput`` naming the field."""
    try:
        return msgspec.json.decode(data, type=type_)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise _error(exc, prefix) from None


def convert_input(obj: Any, type_: type[T], *, prefix: str = "") -> T:
    """Like :func:`decode_input` for already parsed JSON (builtins)."""
    try:
        return msgspec.convert(obj, type_)
    except msgspec.ValidationError as exc:
        raise _error(exc, prefix) from None


class ErrorCollector:
    """Runs several checks and reports every failing field at once, each under ``prefix``."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.errors: list[FieldError] = []

    def run(self, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except InvalidInput as exc:
            self.errors.extend(FieldError(prefixed(self.prefix, e.field), e.message) for e in exc.errors)
            return None

    def add(self, field: str, message: str) -> None:
        self.errors.append(FieldError(prefixed(self.prefix, field), message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)
