"""Content-addressed blob storage for media originals, media variants and packs."""

from __future__ import annotations

from content.blobs.base import (
    DEFAULT_CHUNK_BYTES,
    BlobNotFound,
    BlobStore,
    SourceChanged,
    StoredBlob,
    validate_key,
)
from content.blobs.factory import open_blob_store
from content.blobs.local import LocalBlobStore
from content.blobs.s3 import BucketNotFound, S3BlobStore

__all__ = [
    "DEFAULT_CHUNK_BYTES",
    "BlobNotFound",
    "BlobStore",
    "BucketNotFound",
    "LocalBlobStore",
    "S3BlobStore",
    "SourceChanged",
    "StoredBlob",
    "open_blob_store",
    "validate_key",
]
