"""Accounts and offices in the editing workflow (:mod:`content.editing`); both are for admins only
(``content.accounts.permissions``). Passwords are hashed before the write transaction opens."""

from __future__ import annotations

from typing import Any

import aiosqlite
import msgspec

from content.accounts.offices import NewOffice, Office, get_office, insert_office, office_fields
from content.accounts.user_changes import (
    NewUser,
    PreparedUser,
    UserChanges,
    action_of,
    apply_user_changes,
    insert_user,
    prepare_new_user,
    prepare_user_changes,
)
from content.accounts.users import User, find_user_row, user_from_row
from content.core.errors import NotFound
from content.editing import Aggregate, Created, EditSession, Owner, create, write
from content.editing.changes import Change, Updated
from content.editing.merge_patch import strip_read_only

__all__ = ["OFFICES", "USERS", "edit_user", "new_user"]


async def _load_user(conn: aiosqlite.Connection, user_id: str) -> User | None:
    row = await find_user_row(conn, user_id=user_id)
    return None if row is None else user_from_row(row)


def _nobody(_: object) -> Owner:
    return Owner(None)


async def _insert_user(
    conn: aiosqlite.Connection, body: PreparedUser, session: EditSession, owner: Owner
) -> Created[User]:
    user, fields = await insert_user(conn, body, actor_id=session.user_id, now=session.now)
    return Created(user, fields)


USERS: Aggregate[str, User, PreparedUser, Any] = Aggregate(
    kind="user", noun="user", load=_load_user, owner=_nobody, insert=_insert_user
)
"""Accounts: use :func:`new_user` and :func:`edit_user` (they hash passwords first)."""


async def new_user(session: EditSession, new: NewUser) -> User:
    """Create an account. ``InvalidInput`` naming fields; ``Conflict`` if the email is taken."""
    return await create(session, USERS, await prepare_new_user(new))


async def edit_user(
    session: EditSession, user_id: str, changes: UserChanges, *, if_match: str | None
) -> User:
    """Apply a partial account update if ``if_match`` names its current ETag (428/412 otherwise)."""
    prepared = await prepare_user_changes(changes)

    async def change(conn: aiosqlite.Connection, current: User, session: EditSession) -> Updated[User]:
        checked = msgspec.structs.replace(prepared, changes=strip_read_only(prepared.changes, current))
        return await apply_user_changes(conn, current, checked, actor_id=session.user_id, now=session.now)

    return await write(session, USERS, user_id, if_match=if_match, action=_action, change=change)


def _action(change: Change) -> str:
    return action_of(change.after)


async def _load_office(conn: aiosqlite.Connection, office_id: str) -> Office | None:
    try:
        return await get_office(conn, office_id)
    except NotFound:
        return None


async def _insert_office(
    conn: aiosqlite.Connection, body: NewOffice, session: EditSession, owner: Owner
) -> Created[Office]:
    office = await insert_office(conn, body, now=session.now)
    return Created(office, office_fields(office))


OFFICES: Aggregate[str, Office, NewOffice, Any] = Aggregate(
    kind="office", noun="office", load=_load_office, owner=_nobody, insert=_insert_office
)
"""Tourist offices: ``editing.create(session, OFFICES, NewOffice(...))``."""
