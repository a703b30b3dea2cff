"""Optimistic concurrency for editor resources: a revision-derived ETag and the ``If-Match`` check.

Every editor write reads the current revision inside its write transaction, calls
:func:`check_if_match` with the client's ``If-Match`` header, and only then writes (bumping the
revision). The writer is serialised, so nothing can slip in between the check and the write.
"""

from __future__ import annotations

import hashlib

from content.core.errors import PreconditionFailed, PreconditionRequired

__all__ = ["check_if_match", "etag_for"]


def etag_for(entity_type: str, entity_id: str, revision: int) -> str:
    """The strong ETag of one revision of one resource, quotes included: ``"r3-5f1c0a9e2b7d4c61"``.

    The hash of the type and id keeps an ETag read from one resource from validating a write to
    another that happens to be at the same revision.
    """
    identity = hashlib.sha256(f"{entity_type}\x00{entity_id}".encode()).hexdigest()[:16]
    return f'"r{revision}-{identity}"'


def check_if_match(header: str | None, current_etag: str) -> None:
    """Raise unless ``If-Match`` names ``current_etag``.

    Missing or ``*`` → :class:`PreconditionRequired` (428): ``*`` would only say "whatever is there",
    which is exactly the lost update this check exists to prevent. Any other list without the
    current ETag → :class:`PreconditionFailed` (412).

    A ``W/`` prefix is tolerated: proxies that compress responses (nginx's gzip) weaken ETags, and
    since these tags name a revision, the weak form still identifies exactly one state.
    """
    candidates = [tag.strip() for tag in (header or "").split(",") if tag.strip()]
    if not candidates:
        raise PreconditionRequired("this write needs an If-Match header with the ETag from your last read")
    if candidates == ["*"]:
        raise PreconditionRequired("If-Match must name the ETag from your last read, not *")
    for tag in candidates:
        if tag.removeprefix("W/") == current_etag:
            return
    raise PreconditionFailed(
        f"the resource changed since you read it (current ETag {current_etag}); read it again and"
        " reapply your change"
    )
