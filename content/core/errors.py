"""Domain errors. They know nothing of HTTP; ``service`` maps each one to a problem+json response."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Conflict",
    "FieldError",
    "Forbidden",
    "Gone",
    "InvalidInput",
    "InvalidParameter",
    "NotFound",
    "OdysseeError",
    "PayloadTooLarge",
    "PreconditionFailed",
    "PreconditionRequired",
    "RateLimited",
    "Unauthenticated",
    "Unavailable",
    "UnsupportedMedia",
]


@dataclass(frozen=True)
class FieldError:
    """One invalid field; ``field`` is a dotted path such as ``near`` or ``stops[2].title.fr``."""

    field: str
    message: str


class OdysseeError(Exception):
    """Base of every error the domain raises on purpose."""

    title = "Error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(OdysseeError):
    """Input that breaks a rule; names each offending field."""

    title = "Invalid input"

    def __init__(self, errors: list[FieldError] | FieldError, detail: str | None = None) -> None:
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        if detail is None:
            detail = "; ".join(f"{e.field}: {e.message}" for e in self.errors) or "invalid input"
        super().__init__(detail)

    @classmethod
    def field(cls, field: str, message: str) -> InvalidInput:
        return cls(FieldError(field, message))


class InvalidParameter(InvalidInput):
    """A request parameter (query string, CLI argument) that breaks a rule."""

    title = "Invalid parameter"


class UnsupportedMedia(InvalidInput):
    """An upload that is not a supported, decodable image or audio file."""

    title = "Unsupported media"


class PayloadTooLarge(InvalidInput):
    """An upload or body over its size limit."""

    title = "Payload too large"


class NotFound(OdysseeError):
    title = "Not found"


class Gone(OdysseeError):
    """Something that existed but can no longer be served (an expired pack version)."""

    title = "Gone"


class Unauthenticated(OdysseeError):
    title = "Unauthenticated"


class Forbidden(OdysseeError):
    title = "Forbidden"


class RateLimited(OdysseeError):
    title = "Too many requests"

    def __init__(self, detail: str, retry_after_s: int, scope: str = "") -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s
        self.scope = scope
        """What was throttled (sign-in: ``address``, ``pair`` or ``account``), for metrics."""


class PreconditionRequired(OdysseeError):
    """A write without ``If-Match``."""

    title = "Precondition required"


class PreconditionFailed(OdysseeError):
    """A write whose ``If-Match`` names a stale revision; nothing was written."""

    title = "Precondition failed"


class Conflict(OdysseeError):
    """A write that collides with existing state (a duplicate id)."""

    title = "Conflict"


class Unavailable(OdysseeError):
    """A part the service depends on (database, blob store) does not answer; names each failing part."""

    title = "Service unavailable"

    def __init__(self, errors: list[FieldError] | FieldError, detail: str | None = None) -> None:
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        if detail is None:
            detail = "; ".join(f"{e.field}: {e.message}" for e in self.errors) or "unavailable"
        super().__init__(detail)
