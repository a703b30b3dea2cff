"""Who may do what, in one place. Pure functions of the principal and the resource's owners.

- ``admin``: everything, accounts and offices included.
- ``staff`` (one office): create POIs and routes (owned by their office); read everything in the
  editor; edit, publish, archive and see the history of what their office owns, including the
  producers it owns and their offers (creating offers too).
- ``producer`` (one producer): read and edit only their own producer profile and its offers.

Content with no owning office (``office_id`` null) is editable by admins only. Publishing,
unpublishing, archiving and history follow :func:`can_edit`; offers follow their producer.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from content.accounts.principal import Principal
from content.core.errors import Forbidden

__all__ = [
    "ContentKind",
    "assign_office",
    "can_create",
    "can_edit",
    "can_list",
    "can_manage_offices",
    "can_manage_users",
    "can_read",
    "can_upload_media",
    "edit_scope_sql",
    "read_scope_sql",
    "require_create",
    "require_edit",
    "require_list",
    "require_read",
]

ContentKind = Literal["poi", "route", "producer", "offer", "user", "office"]
_PRODUCER_OWNED: frozenset[str] = frozenset({"producer", "offer"})
_ADMIN_ONLY: frozenset[str] = frozenset({"user", "office"})  # accounts and offices: admins only
_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


def can_manage_users(principal: Principal) -> bool:
    return principal.role == "admin"


def can_manage_offices(principal: Principal) -> bool:
    return principal.role == "admin"


def can_upload_media(principal: Principal) -> bool:
    """Every signed-in role uploads pictures and audio (producers for their offers)."""
    return principal.role in ("admin", "staff", "producer")


def can_list(principal: Principal, kind: ContentKind) -> bool:
    """Whether the editor list of ``kind`` is open at all; narrow it with :func:`read_scope_sql`."""
    if kind in _ADMIN_ONLY:
        return principal.role == "admin"
    if principal.role in ("admin", "staff"):
        return True
    return kind in _PRODUCER_OWNED


def can_create(
    principal: Principal,
    kind: ContentKind,
    *,
    owner_office_id: str | None = None,
    producer_id: str | None = None,
) -> bool:
    """Creating a POI or route needs no owner yet (see :func:`assign_office`). Creating an offer is
    editing its producer: pass the producer's office and id. New producers are for admins."""
    if kind == "offer":
        return can_edit(principal, "producer", owner_office_id, producer_id)
    if principal.role == "admin":
        return True
    return principal.role == "staff" and kind in ("poi", "route")


def can_read(
    principal: Principal, kind: ContentKind, owner_office_id: str | None, producer_id: str | None = None
) -> bool:
    """Editor reads (drafts included). For a producer or offer, ``producer_id`` is the producer's id."""
    if kind in _ADMIN_ONLY:
        return principal.role == "admin"
    if principal.role in ("admin", "staff"):
        return True
    return kind in _PRODUCER_OWNED and producer_id is not None and producer_id == principal.producer_id


def can_edit(
    principal: Principal, kind: ContentKind, owner_office_id: str | None, producer_id: str | None = None
) -> bool:
    """Update, publish, unpublish, archive, history. ``owner_office_id`` is the resource's office
    (for an offer, its producer's office); ``producer_id`` is the producer's id for producers and
    offers."""
    if principal.role == "admin":
        return True
    if kind in _ADMIN_ONLY:
        return False
    if principal.role == "staff":
        return owner_office_id is not None and owner_office_id == principal.office_id
    return kind in _PRODUCER_OWNED and producer_id is not None and producer_id == principal.producer_id


def assign_office(principal: Principal, requested_office_id: str | None) -> str | None:
    """The owning office of something ``principal`` creates: staff always create for their own office
    (asking for another is refused); admins choose, or leave it unowned."""
    if principal.role == "admin":
        return requested_office_id
    if requested_office_id is not None and requested_office_id != principal.office_id:
        raise Forbidden("staff create content for their own office only")
    return principal.office_id


def require_list(principal: Principal, kind: ContentKind) -> None:
    if not can_list(principal, kind):
        raise Forbidden(f"your role cannot list {kind}s")


def require_create(
    principal: Principal,
    kind: ContentKind,
    *,
    owner_office_id: str | None = None,
    producer_id: str | None = None,
) -> None:
    if not can_create(principal, kind, owner_office_id=owner_office_id, producer_id=producer_id):
        raise Forbidden(f"your role cannot create this {kind}")


def require_read(
    principal: Principal, kind: ContentKind, owner_office_id: str | None, producer_id: str | None = None
) -> None:
    if not can_read(principal, kind, owner_office_id, producer_id):
        raise Forbidden(f"this {kind} is outside your scope")


def require_edit(
    principal: Principal, kind: ContentKind, owner_office_id: str | None, producer_id: str | None = None
) -> None:
    if not can_edit(principal, kind, owner_office_id, producer_id):
        raise Forbidden(f"this {kind} belongs to someone else; you can read it but not change it")


def _check_column(column: str) -> str:
    # Column names are spliced into SQL, so only plain identifiers from the calling code are accepted.
    if not _COLUMN.match(column):
        raise ValueError(f"not a column name: {column!r}")
    return column


def _producer_column(kind: ContentKind, producer_column: str | None) -> str:
    return _check_column(producer_column or ("id" if kind == "producer" else "producer_id"))


def read_scope_sql(
    principal: Principal, kind: ContentKind, *, producer_column: str | None = None
) -> tuple[str, tuple[Any, ...]]:
    """A ``WHERE`` fragment and its parameters limiting an editor list to what ``principal`` may
    read. ``producer_column`` defaults to ``id`` for producers and ``producer_id`` for offers."""
    if principal.role in ("admin", "staff"):
        return "1 = 1", ()
    if kind in _PRODUCER_OWNED and principal.producer_id is not None:
        return f"{_producer_column(kind, producer_column)} = ?", (principal.producer_id,)
    return "1 = 0", ()


def edit_scope_sql(
    principal: Principal,
    kind: ContentKind,
    *,
    office_column: str = "office_id",
    producer_column: str | None = None,
) -> tuple[str, tuple[Any, ...]]:
    """A ``WHERE`` fragment and its parameters selecting what ``principal`` may edit (for "mine"
    filters, or an ``editable`` flag in a list). Same rules as :func:`can_edit`."""
    if principal.role == "admin":
        return "1 = 1", ()
    if principal.role == "staff":
        if principal.office_id is None:
            return "1 = 0", ()
        return f"{_check_column(office_column)} = ?", (principal.office_id,)
    if kind in _PRODUCER_OWNED and principal.producer_id is not None:
        return f"{_producer_column(kind, producer_column)} = ?", (principal.producer_id,)
    return "1 = 0", ()
