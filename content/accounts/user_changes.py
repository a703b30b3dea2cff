"""Creating and changing accounts: validation naming each field and the writes. Passwords are hashed
before the write transaction opens (``prepare_*``), so argon2's deliberate slowness never holds the
single writer; the transaction, ``If-Match``, permissions and history are the editing workflow's
(``content.editing``; accounts are declared in ``content.editing.accounts``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, ClassVar

import aiosqlite
import msgspec
from msgspec import UNSET, UnsetType

from content.accounts.offices import office_exists
from content.accounts.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    validate_password,
)
from content.accounts.principal import Role
from content.accounts.tokens import revoke_user_tokens
from content.accounts.users import (
    MAX_EMAIL_LENGTH,
    User,
    find_user_row,
    normalize_email,
    user_from_row,
)
from content.core.clock import rfc3339
from content.core.db import Database
from content.core.errors import Conflict, FieldError, InvalidInput, NotFound
from content.editing import history
from content.editing.changes import Change, Updated

__all__ = [
    "NewUser",
    "PreparedChanges",
    "PreparedUser",
    "UserChanges",
    "action_of",
    "apply_user_changes",
    "change_user",
    "create_user",
    "insert_user",
    "prepare_new_user",
    "prepare_user_changes",
]

Email = Annotated[
    str, msgspec.Meta(min_length=3, max_length=MAX_EMAIL_LENGTH, examples=["guide@perche.example"])
]
Password = Annotated[str, msgspec.Meta(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)]
Reference = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
_REDACTED = "[redacted]"


class NewUser(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """``staff`` needs ``office_id``; ``producer`` needs ``producer_id``; ``admin`` has neither."""

    email: Email
    password: Password
    role: Role
    office_id: Reference | None = None
    producer_id: Reference | None = None


class UserChanges(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A partial update: absent fields are left as they are. Changing the password or disabling the
    account signs it out everywhere. When the role changes, an office or producer that no longer
    applies is dropped."""

    email: Email | UnsetType = UNSET
    password: Password | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    office_id: Reference | UnsetType | None = UNSET
    producer_id: Reference | UnsetType | None = UNSET
    disabled: bool | UnsetType = UNSET
    # Read-only (issue 9.7): an account read with GET may be sent back; unchanged values are ignored.
    read_only: ClassVar[tuple[str, ...]] = ("id", "revision", "created_at", "updated_at", "updated_by")
    id: str | UnsetType = UNSET
    revision: int | UnsetType = UNSET
    created_at: str | UnsetType = UNSET
    updated_at: str | UnsetType = UNSET
    updated_by: str | UnsetType | None = UNSET


def _assignment_problems(
    role: str, office_id: str | None, producer_id: str | None, explicit: set[str]
) -> list[FieldError]:
    problems = []
    if role == "staff" and office_id is None:
        problems.append(FieldError("office_id", "staff accounts need the office they belong to"))
    if role == "producer" and producer_id is None:
        problems.append(FieldError("producer_id", "producer accounts need the producer they belong to"))
    if role != "staff" and office_id is not None and "office_id" in explicit:
        problems.append(FieldError("office_id", "only staff accounts belong to an office"))
    if role != "producer" and producer_id is not None and "producer_id" in explicit:
        problems.append(FieldError("producer_id", "only producer accounts belong to a producer"))
    return problems


async def _existence_problems(
    conn: aiosqlite.Connection, office_id: str | None, producer_id: str | None
) -> list[FieldError]:
    problems = []
    if office_id is not None and not await office_exists(conn, office_id):
        problems.append(FieldError("office_id", "no office with this id"))
    if producer_id is not None:
        cursor = await conn.execute("SELECT 1 FROM producers WHERE id = ?", (producer_id,))
        found = await cursor.fetchone()
        await cursor.close()
        if found is None:
            problems.append(FieldError("producer_id", "no producer with this id"))
    return problems


async def _email_taken(conn: aiosqlite.Connection, email: str, except_id: str | None = None) -> bool:
    cursor = await conn.execute("SELECT id FROM users WHERE email = ?", (email,))
    row = await cursor.fetchone()
    await cursor.close()
    return row is not None and row["id"] != except_id


class PreparedUser(msgspec.Struct, frozen=True, kw_only=True):
    """A :class:`NewUser` checked and with its password hashed (done before the transaction)."""

    email: str
    password_hash: str
    role: Role
    office_id: str | None
    producer_id: str | None


class PreparedChanges(msgspec.Struct, frozen=True, kw_only=True):
    """:class:`UserChanges` checked, the email normalised and a new password hashed."""

    changes: UserChanges
    email: str | UnsetType
    password_hash: str | None


async def prepare_new_user(new: NewUser) -> PreparedUser:
    """Check a new account's fields (``InvalidInput`` naming each) and hash its password."""
    problems = []
    email = ""
    try:
        email = normalize_email(new.email)
    except InvalidInput as exc:
        problems.extend(exc.errors)
    try:
        validate_password(new.password)
    except InvalidInput as exc:
        problems.extend(exc.errors)
    problems += _assignment_problems(new.role, new.office_id, new.producer_id, {"office_id", "producer_id"})
    if problems:
        raise InvalidInput(problems)
    return PreparedUser(
        email=email,
        password_hash=await hash_password(new.password),
        role=new.role,
        office_id=new.office_id,
        producer_id=new.producer_id,
    )


async def insert_user(
    conn: aiosqlite.Connection, new: PreparedUser, *, actor_id: str | None, now: datetime
) -> tuple[User, dict[str, Any]]:
    """Insert a prepared account at revision 1; the account and its fields for the history entry.
    ``Conflict`` if the email is taken."""
    if await _email_taken(conn, new.email):
        raise Conflict(f"an account with the email {new.email!r} already exists")
    if problems := await _existence_problems(conn, new.office_id, new.producer_id):
        raise InvalidInput(problems)
    user_id = str(uuid.uuid4())
    stamp = rfc3339(now)
    await conn.execute(
        "INSERT INTO users (id, email, password_hash, role, office_id, producer_id, disabled, created_at,"
        " revision, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 1, ?, ?)",
        (
            user_id,
            new.email,
            new.password_hash,
            new.role,
            new.office_id,
            new.producer_id,
            stamp,
            stamp,
            actor_id,
        ),
    )
    row = await find_user_row(conn, user_id=user_id)
    assert row is not None
    fields = {
        "email": new.email,
        "role": new.role,
        "office_id": new.office_id,
        "producer_id": new.producer_id,
        "disabled": False,
    }
    return user_from_row(row), fields


async def prepare_user_changes(changes: UserChanges) -> PreparedChanges:
    """Check a change's email and password (``InvalidInput`` naming each) and hash the password."""
    problems: list[FieldError] = []
    email: str | UnsetType = UNSET
    if not isinstance(changes.email, UnsetType):
        try:
            email = normalize_email(changes.email)
        except InvalidInput as exc:
            problems.extend(exc.errors)
    if not isinstance(changes.password, UnsetType):
        try:
            validate_password(changes.password)
        except InvalidInput as exc:
            problems.extend(exc.errors)
    if problems:
        raise InvalidInput(problems)
    password_hash = None if isinstance(changes.password, UnsetType) else await hash_password(changes.password)
    return PreparedChanges(changes=changes, email=email, password_hash=password_hash)


async def apply_user_changes(
    conn: aiosqlite.Connection,
    current: User,
    prepared: PreparedChanges,
    *,
    actor_id: str | None,
    now: datetime,
) -> Updated[User]:
    """Validate the merged account and write it; signs the account out everywhere when its password
    changes or it is disabled. Nothing is written when nothing changes."""
    before, after = await _apply(
        conn, current, prepared.changes, prepared.email, prepared.password_hash is not None
    )
    if not after:
        return Updated(current, Change(entity_id=current.id, revision=current.revision, before={}, after={}))
    revision = current.revision + 1
    await conn.execute(
        "UPDATE users SET email = ?, role = ?, office_id = ?, producer_id = ?, disabled = ?,"
        " password_hash = coalesce(?, password_hash), revision = ?, updated_at = ?, updated_by = ?"
        " WHERE id = ?",
        (
            after.get("email", current.email),
            after.get("role", current.role),
            after.get("office_id", current.office_id),
            after.get("producer_id", current.producer_id),
            int(after.get("disabled", current.disabled)),
            prepared.password_hash,
            revision,
            rfc3339(now),
            actor_id,
            current.id,
        ),
    )
    if "password" in after or after.get("disabled") is True:
        await revoke_user_tokens(conn, current.id, now=now)
    updated = await find_user_row(conn, user_id=current.id)
    assert updated is not None
    return Updated(
        user_from_row(updated), Change(entity_id=current.id, revision=revision, before=before, after=after)
    )


async def create_user(db: Database, new: NewUser, *, actor_id: str | None, now: datetime) -> User:
    """Create an account through the editing workflow, as ``actor_id`` (None: the command line)."""
    from content.editing.accounts import new_user  # the workflow sits above the accounts package

    return await new_user(await _session(db, actor_id, now), new)


async def change_user(
    db: Database,
    user_id: str,
    changes: UserChanges,
    *,
    if_match: str | None,
    actor_id: str | None,
    now: datetime,
) -> User:
    """Change an account through the editing workflow if ``if_match`` names its current ETag."""
    from content.editing.accounts import edit_user  # the workflow sits above the accounts package

    return await edit_user(await _session(db, actor_id, now), user_id, changes, if_match=if_match)


async def _session(db: Database, actor_id: str | None, now: datetime) -> Any:
    from content.core.events import EventHub
    from content.editing import EditSession

    principal = None
    if actor_id is not None:
        async with db.read() as conn:
            row = await find_user_row(conn, user_id=actor_id)
        if row is None:
            raise NotFound(f"no user {actor_id!r}")
        principal = user_from_row(row).principal()
    return EditSession(db=db, events=EventHub(), principal=principal, now=now)


async def _apply(
    conn: aiosqlite.Connection,
    current: User,
    changes: UserChanges,
    email: str | UnsetType,
    password_changed: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate the merged account; return the changed fields ``(before, after)``."""
    explicit = {name for name in changes.__struct_fields__ if getattr(changes, name) is not UNSET}
    role = current.role if isinstance(changes.role, UnsetType) else changes.role
    office_id = current.office_id if isinstance(changes.office_id, UnsetType) else changes.office_id
    producer_id = current.producer_id if isinstance(changes.producer_id, UnsetType) else changes.producer_id
    if role != current.role:
        # A role change drops the office or producer that no longer applies, unless it was sent.
        if role != "staff" and "office_id" not in explicit:
            office_id = None
        if role != "producer" and "producer_id" not in explicit:
            producer_id = None
    problems = _assignment_problems(role, office_id, producer_id, explicit)
    if not problems:
        problems = await _existence_problems(
            conn,
            office_id if office_id != current.office_id else None,
            producer_id if producer_id != current.producer_id else None,
        )
    if problems:
        raise InvalidInput(problems)
    disabled = current.disabled if isinstance(changes.disabled, UnsetType) else changes.disabled
    new_email = current.email if isinstance(email, UnsetType) else email
    if new_email != current.email and await _email_taken(conn, new_email, except_id=current.id):
        raise Conflict(f"an account with the email {new_email!r} already exists")
    if current.role == "admin" and not current.disabled and (role != "admin" or disabled):
        cursor = await conn.execute(
            "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?", (current.id,)
        )
        others = await cursor.fetchone()
        await cursor.close()
        if others is None or others[0] == 0:
            raise Conflict("this is the last active admin account; create or enable another admin first")
    old = {
        "email": current.email,
        "role": current.role,
        "office_id": current.office_id,
        "producer_id": current.producer_id,
        "disabled": current.disabled,
    }
    new = {
        "email": new_email,
        "role": role,
        "office_id": office_id,
        "producer_id": producer_id,
        "disabled": disabled,
    }
    before, after = history.changed_fields(old, new)
    if password_changed:
        before["password"] = after["password"] = _REDACTED
    return before, after


def action_of(after: dict[str, Any]) -> str:
    """The history action of an account change: ``disable``, ``enable``, ``password`` or ``update``."""
    if after.keys() == {"disabled"}:
        return "disable" if after["disabled"] else "enable"
    if after.keys() == {"password"}:
        return "password"
    return "update"
