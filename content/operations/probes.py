"""Deep health checks: can the store be read and written, can the blob store be reached.

Each probe returns None when the part works, else a short reason (never raises). Used by
``GET /api/v1/health?deep=true``; cheap enough to run every few seconds.
"""

from __future__ import annotations

import asyncio
import os

from content.blobs import BlobStore, LocalBlobStore
from content.core.db import Database

__all__ = ["probe_blob_store", "probe_database"]

# A key no blob has (the SHA-256 of nothing is a real digest, but nothing stores empty blobs).
_PROBE_KEY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


async def probe_database(db: Database, timeout_s: float = 5.0) -> str | None:
    try:
        async with asyncio.timeout(timeout_s):
            async with db.read() as conn:
                cursor = await conn.execute("SELECT count(*) FROM sqlite_master")
                await cursor.fetchone()
                await cursor.close()
            async with db.write() as conn:  # the single writer is free within the timeout
                await conn.execute("SELECT 1")
    except TimeoutError:
        return f"no answer within {timeout_s:g} s (a long write holds the database?)"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    return None


async def probe_blob_store(blobs: BlobStore, timeout_s: float = 5.0) -> str | None:
    try:
        async with asyncio.timeout(timeout_s):
            await blobs.exists(_PROBE_KEY)
            if isinstance(blobs, LocalBlobStore):
                root = blobs.root
                # Before the first blob, the directory is made inside the data directory.
                target = root if await asyncio.to_thread(root.is_dir) else root.parent
                if not await asyncio.to_thread(os.access, target, os.W_OK | os.X_OK):
                    return f"{target} is not writable"
    except TimeoutError:
        return f"no answer within {timeout_s:g} s"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    return None
