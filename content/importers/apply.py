"""Writing one batch of an import: new POIs, changed POIs (local edits kept), returning POIs.

Every function runs on the connection it is given: the writer inside the batch's transaction, or a
reader for a dry run (``write=False``: the same decisions, counted, nothing written).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiosqlite
import msgspec

from content import editing
from content.core.model import Status
from content.core.paging import EVERY_STATUS
from content.editing import history
from content.editing.aggregates import POIS
from content.importers.merge import IMPORTED_FIELDS, merge_fields, merge_patch_document
from content.importers.model import Conflict, ImportReport, SourceObject
from content.importers.tracking import Tracked, insert_tracked, set_unpublished_missing, update_tracked
from content.pois.model import PoiInput, PoiPatch, PoiRecord
from content.pois.queries import get_poi
from content.pois.store import insert_checked_pois, insert_pois
from content.pois.validate import PoiValues

__all__ = ["Incoming", "apply_changed", "apply_new", "republish", "unpublish"]

_ACTION = "import"


@dataclass
class Incoming:
    """One object to write: its checked fields (``images`` only when pictures were fetched)."""

    source: SourceObject
    fields: dict[str, Any]
    digest: str
    pictures: dict[str, str]
    tracked: Tracked | None = None
    values: PoiValues | None = None  # ``fields`` as checked, when they point at no images


async def apply_new(
    conn: aiosqlite.Connection,
    items: list[Incoming],
    *,
    provider: str,
    office_id: str | None,
    status: Status,
    now: str,
    write: bool,
    report: ImportReport,
) -> None:
    report.created += len(items)
    if not write or not items:
        return
    checked = [item.values for item in items if item.values is not None and not item.fields.get("images")]
    if len(checked) == len(items):  # checked already, and no media to check: inserted as they are
        ids = await insert_checked_pois(
            conn, checked, office_id=office_id, user_id=None, updated_at=now, status=status
        )
    else:
        inputs = [msgspec.convert({"images": [], **item.fields}, PoiInput) for item in items]
        ids = await insert_pois(
            conn, inputs, office_id=office_id, user_id=None, updated_at=now, status=status
        )
    # By POI id, as the POIs went in: the history and source indexes are keyed by it too.
    by_id = sorted(zip(ids, items, strict=True), key=lambda pair: pair[0])
    await history.record_many(
        conn,
        entity_type="poi",
        action=_ACTION,
        user_id=None,
        entries=[
            (poi_id, 1, {}, {**item.fields, "status": status, "office_id": office_id})
            for poi_id, item in by_id
        ],
    )
    await insert_tracked(
        conn,
        (
            Tracked(
                poi_id=poi_id,
                provider=provider,
                external_id=item.source.external_id,
                source_updated_at=item.source.updated_at,
                digest=item.digest,
                baseline={"images": [], **item.fields},
                pictures=item.pictures,
                conflicts={},
                unpublished_missing=False,
            )
            for poi_id, item in by_id
        ),
        now,
    )


def _current(record: PoiRecord) -> dict[str, Any]:
    return {name: msgspec.to_builtins(getattr(record, name)) for name in IMPORTED_FIELDS}


def _open_conflicts(
    tracked: Tracked,
    current: dict[str, Any],
    incoming: dict[str, Any],
    found: dict[str, tuple[Any, Any]],
    now: str,
) -> dict[str, Any]:
    """Conflicts found now, plus earlier ones still standing (local value unchanged, source still differs)."""
    kept = {
        name: entry
        for name, entry in tracked.conflicts.items()
        if name not in found
        and current.get(name) == entry.get("local")
        and incoming.get(name, entry.get("source")) != current.get(name)
    }
    for name, (local, source) in found.items():
        kept[name] = {"local": local, "source": source, "detected_at": now}
    return kept


async def apply_changed(
    conn: aiosqlite.Connection,
    items: list[Incoming],
    *,
    session: editing.EditSession | None,
    now: str,
    report: ImportReport,
) -> None:
    """Objects whose source moved: overwrite the fields nobody edited here, keep and report the others."""
    done: list[Tracked] = []
    for item in items:
        tracked = item.tracked
        assert tracked is not None
        record = await get_poi(conn, tracked.poi_id, statuses=EVERY_STATUS)
        if record is None:  # cannot happen: POIs are archived, never deleted
            report.skip("tracked POI missing", tracked.poi_id)
            continue
        current = _current(record)
        merged = merge_fields(tracked.baseline, current, item.fields)
        for name, (local, source) in merged.conflicts.items():
            report.conflicts.append(
                Conflict(
                    poi_id=record.id, external_id=tracked.external_id, field=name, local=local, source=source
                )
            )
        changed = bool(merged.patch)
        if merged.patch and session is not None:
            patch = msgspec.convert(merge_patch_document(current, merged.patch), PoiPatch)
            updated = await editing.update(session, POIS, record.id, patch, if_match=editing.UNCHECKED)
            changed = updated.revision != record.revision
        report.updated += changed
        report.unchanged += not changed
        tracked.conflicts = _open_conflicts(tracked, current, item.fields, merged.conflicts, now)
        tracked.baseline = {**tracked.baseline, **item.fields}
        tracked.source_updated_at = item.source.updated_at
        tracked.digest = item.digest
        if "images" in item.fields:
            tracked.pictures = item.pictures
        done.append(tracked)
    if session is not None:
        await update_tracked(conn, done, now)


async def republish(
    conn: aiosqlite.Connection,
    tracked: list[Tracked],
    *,
    session: editing.EditSession | None,
    report: ImportReport,
) -> None:
    """Objects back in the feed after the import unpublished them: published again, unless a person
    changed their status since (then they are left as they are)."""
    for entry in tracked:
        record = await get_poi(conn, entry.poi_id, statuses=EVERY_STATUS)
        if record is None or record.status != "draft":
            continue
        report.republished += 1
        if session is not None:
            await editing.set_status(session, POIS, record.id, "published", if_match=editing.UNCHECKED)
    if session is not None:
        await set_unpublished_missing(conn, (entry.poi_id for entry in tracked), False)


async def unpublish(
    conn: aiosqlite.Connection,
    poi_ids: list[str],
    *,
    session: editing.EditSession | None,
    report: ImportReport,
) -> None:
    """Objects gone from a full feed: unpublished (draft), never deleted."""
    done = []
    for poi_id in poi_ids:
        record = await get_poi(conn, poi_id, statuses=EVERY_STATUS)
        if record is None or record.status != "published":
            continue
        report.unpublished += 1
        done.append(poi_id)
        if session is not None:
            await editing.set_status(session, POIS, poi_id, "draft", if_match=editing.UNCHECKED)
    if session is not None:
        await set_unpublished_missing(conn, done, True)
