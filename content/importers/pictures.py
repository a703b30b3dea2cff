"""Pictures of imported objects: fetched once per URL, through the media pipeline, never fatal."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from content.blobs import BlobStore
from content.core.db import Database
from content.core.errors import InvalidInput
from content.core.settings import Settings
from content.importers.fetch import FetchError, download_picture
from content.importers.model import Picture
from content.media import ingest

__all__ = ["PictureFetcher", "PictureLimits"]


@dataclass(frozen=True)
class PictureLimits:
    max_bytes: int = 20 * 1024 * 1024
    timeout_s: float = 20.0


@dataclass
class PictureFetcher:
    """Turns picture URLs into media ids; remembers both successes and failures for the whole run."""

    db: Database
    store: BlobStore
    settings: Settings
    limits: PictureLimits = field(default_factory=PictureLimits)
    _known: dict[str, str] = field(default_factory=dict)
    _failed: dict[str, str] = field(default_factory=dict)

    async def media_id(self, picture: Picture) -> str:
        """The media id of ``picture`` (fetched and ingested if new), or :class:`FetchError`."""
        if picture.url in self._known:
            return self._known[picture.url]
        if picture.url in self._failed:
            raise FetchError(self._failed[picture.url])
        directory = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="odyssee-import-"))
        try:
            path = await download_picture(
                picture.url,
                max_bytes=min(self.limits.max_bytes, self.settings.max_upload_bytes),
                timeout_s=self.limits.timeout_s,
                directory=directory,
            )
            ref = await ingest(
                self.db,
                self.store,
                self.settings,
                path,
                credit=(picture.credit or None) and picture.credit[:300],
                alt=(picture.alt or None) and picture.alt[:1000],
            )
        except FetchError as exc:
            self._failed[picture.url] = str(exc)
            raise
        except InvalidInput as exc:  # undecodable, bomb, over the upload limit
            self._failed[picture.url] = exc.detail
            raise FetchError(exc.detail) from None
        finally:
            await asyncio.to_thread(shutil.rmtree, directory, True)
        self._known[picture.url] = ref.id
        return ref.id
