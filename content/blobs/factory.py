"""Pick the blob backend named by ``settings.storage``."""

from __future__ import annotations

from content.blobs.base import BlobStore
from content.blobs.local import LocalBlobStore
from content.settings import Settings

__all__ = ["open_blob_store"]


def open_blob_store(settings: Settings) -> BlobStore:
    """The configured backend. Raises ``ValueError`` (a settings error) for a backend this build lacks."""
    if settings.storage == "local":
        return LocalBlobStore(settings.blob_dir)
    raise ValueError(
        f"ODYSSEE_STORAGE={settings.storage!r}: this build has no {settings.storage} blob backend yet;"
        " use ODYSSEE_STORAGE=local"
    )
