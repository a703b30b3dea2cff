"""Accounts and offices in the editing workflow (:mod:`content.editing`); both are for admins only
(``content.accounts.permissions``), except one's own password (:func:`change_own_password`). Passwords
are hashed before the write transaction opens."""

from __future__ import annotations

from typing import Any

import aiosqlite
import msgspec

from content.accounts import throttle
from content.accounts.login import SignedIn, admit_attempt
from content.accounts.offices import NewOffice, Office, get_office, insert_office, office_fields
from content.accounts.passwords import validate_password, verify_password
from content.accounts.tokens import issue_token
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
from content.core.errors import Conflict, FieldError, InvalidInput, NotFound, Unauthenticated
from content.editing import Aggregate, Created, EditSession, Owner, _record, _transaction, create, write
from content.editing.changes import Change, Updated
from content.editing.merge_patch import strip_read_only

__all__ = ["OFFICES", "USERS", "change_own_password", "edit_user", "new_user"]


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


async def change_own_password(
    session: EditSession,
    *,
    current_password: str,
    new_password: str,
    address: str,
    ttl_s: int,
    policy: throttle.ThrottlePolicy = throttle.DEFAULT_POLICY,
) -> SignedIn:
    """The signed-in account changes its own password, whatever its role: the current password is
    checked under the sign-in throttle (a stolen token must not let anyone guess it faster than at the
    sign-in form), then the change is written with a history row by the account itself. Every token of
    the account is revoked, as for any password change, and a fresh one is returned for the session
    that asked. ``InvalidInput`` names ``current_password`` or ``new_password``; nothing is written then.
    """
    principal = session.principal
    if principal is None:
        raise Unauthenticated("sign in to change your password")
    problems = [] if current_password else [FieldError("current_password", "is required")]
    try:
        validate_password(new_password, "new_password")
    except InvalidInput as exc:
        problems.extend(exc.errors)
    if current_password and new_password == current_password:
        problems.append(FieldError("new_password", "must differ from the current password"))
    if problems:
        raise InvalidInput(problems)
    gate = await admit_attempt(
        session.db, address=address, email=principal.email, now=session.now, policy=policy
    )
    async with session.db.read() as conn:
        checked = await find_user_row(conn, user_id=principal.id)
    if checked is None or checked["disabled"]:
        raise Unauthenticated("this account no longer exists or is disabled")
    if not (await verify_password(checked["password_hash"], current_password)).ok:
        raise InvalidInput.field("current_password", "is not this account's password")
    prepared = await prepare_user_changes(UserChanges(password=new_password))
    async with _transaction(session) as pending:
        row = await find_user_row(pending.conn, user_id=principal.id)
        if row is None or row["disabled"] or row["password_hash"] != checked["password_hash"]:
            raise Conflict("the account changed meanwhile; sign in again")
        await throttle.forget_success(pending.conn, gate, now=session.now)
        updated = await apply_user_changes(
            pending.conn, user_from_row(row), prepared, actor_id=principal.id, now=session.now
        )
        await _record(pending.conn, session, USERS, updated.record, "password", updated.change)
        issued = await issue_token(pending.conn, principal.id, now=session.now, ttl_s=ttl_s)
    return SignedIn(token=issued.token, expires_at=issued.expires_at, user=updated.record.principal())


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
