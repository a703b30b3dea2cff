"""Reading submitted forms, and turning domain validation errors into messages beside the fields."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from content.core.errors import FieldError, InvalidInput

__all__ = ["field_errors", "read_form", "text"]


async def read_form(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    form = await request.form()
    values: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            values.setdefault(key, []).append(value)
    return values


def text(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0].strip()


def field_errors(exc: Exception) -> list[FieldError]:
    """The fields an error names: the domain's ``InvalidInput``, or msgspec's conversion error."""
    if isinstance(exc, InvalidInput):
        return exc.errors
    if isinstance(exc, msgspec.ValidationError):
        message = str(exc)
        field = message.rpartition("at `$.")[2].rstrip("`") if "at `$." in message else ""
        return [FieldError(field, message.partition(" - at ")[0])]
    return [FieldError("", str(exc))]
