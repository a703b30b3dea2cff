"""Pick the blob backend named by ``settings.storage``."""

from __future__ import annotations

from content.blobs.base import BlobStore
from content.blobs.local import LocalBlobStore
from content.blobs.s3 import S3BlobStore
from content.core.settings import Settings

__all__ = ["open_blob_store"]


def open_blob_store(settings: Settings) -> BlobStore:
    """The configured backend: a local folder (the default) or an S3-compatible bucket.

    Opening touches neither disk nor network; an S3 bucket must already exist (``odyssee storage init``).
    """
    if settings.storage == "s3":
        return S3BlobStore(settings)
    return LocalBlobStore(settings.blob_dir)
