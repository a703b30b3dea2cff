"""Remove what crashed uploads and builds left behind (issue 14, bug 8).

A killed upload leaves ``uploads/upload-*``, a killed blob write ``blobs/.incoming/blob-*``, a killed
pack build ``packs/*.part``, a killed media ingest a ``odyssee-media-*`` directory in the system
temporary directory. Each is removed once older than a grace period (``ODYSSEE_SWEEP_GRACE_S``,
default 6 hours), so that work still in progress — in this process or in another serving the same
data directory — is never touched. Runs at startup and in ``odyssee packs prune``.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from content.core.settings import Settings

__all__ = ["leftover_candidates", "sweep_leftovers"]

log = logging.getLogger("odyssee.sweep")


def leftover_candidates(settings: Settings) -> Iterator[Path]:
    """Every path that looks like a crash leftover, old or not."""
    patterns = (
        (settings.data_dir / "uploads", "upload-*"),
        (settings.blob_dir / ".incoming", "blob-*"),
        (settings.data_dir / "packs", "*.part"),
        (Path(tempfile.gettempdir()), "odyssee-media-*"),
    )
    for directory, pattern in patterns:
        if directory.is_dir():
            yield from directory.glob(pattern)


def sweep_leftovers(
    settings: Settings, *, grace_s: float | None = None, now: float | None = None
) -> list[Path]:
    """Delete the leftovers last modified more than ``grace_s`` ago; returns what was deleted."""
    grace = settings.sweep_grace_s if grace_s is None else grace_s
    cutoff = (time.time() if now is None else now) - grace
    removed = []
    for path in leftover_candidates(settings):
        try:
            if path.lstat().st_mtime > cutoff:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("could not remove leftover %s: %s", path, exc)
            continue
        removed.append(path)
    if removed:
        log.info("removed %d leftovers of crashed uploads and builds", len(removed))
    return removed
