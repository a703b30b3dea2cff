"""The app-wide dependencies, as annotations for handler parameters (Litestar 2.23+ wants named
dependencies marked, and 3.0 will require it): ``db: DatabaseDep``, ``principal: PrincipalDep``…

The parameter name is what selects the dependency: ``db``, ``settings``, ``clock``, ``events``,
``principal`` (the signed-in account; 401 without a live token), ``blobs`` (the blob store),
``editor`` (an :class:`content.editing.EditSession` for the signed-in account, for editor writes).
"""

from __future__ import annotations

from litestar.di import NamedDependency

from content.accounts.principal import Principal
from content.blobs import BlobStore
from content.core.clock import Clock
from content.core.db import Database
from content.core.events import EventHub
from content.core.settings import Settings
from content.editing import EditSession

__all__ = [
    "BlobsDep",
    "ClockDep",
    "DatabaseDep",
    "EditorDep",
    "EventsDep",
    "PrincipalDep",
    "SettingsDep",
    "provide_editor",
]

DatabaseDep = NamedDependency[Database]
SettingsDep = NamedDependency[Settings]
ClockDep = NamedDependency[Clock]
EventsDep = NamedDependency[EventHub]
PrincipalDep = NamedDependency[Principal]
BlobsDep = NamedDependency[BlobStore]
EditorDep = NamedDependency[EditSession]


async def provide_editor(
    db: DatabaseDep, events: EventsDep, principal: PrincipalDep, clock: ClockDep
) -> EditSession:
    """The ``editor`` dependency: who edits, with the app's store, event hub and clock."""
    return EditSession(db=db, events=events, principal=principal, now=clock())
