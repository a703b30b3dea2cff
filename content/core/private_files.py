"""Files only the service's own user may read: the database and its WAL, blobs (originals keep their
GPS until variants are made), keys, uploads. Directories 0700, files 0600 (issue 14, bug 7)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["DIR_MODE", "FILE_MODE", "private_dir", "private_file"]

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Make ``path`` and any missing parent 0700 (directories that already exist are left as they are,
    except ``path`` itself, which is tightened)."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=DIR_MODE)
    _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> None:
    """Create ``path`` empty if it does not exist, and make it 0600."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    _tighten(path, FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    try:
        if path.stat().st_mode & 0o777 & ~mode:
            path.chmod(mode)
    except PermissionError:  # not ours (a mounted volume's root): leave it
        pass
