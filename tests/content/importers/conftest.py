from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.core.db import Database


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "odyssee.sqlite3", readers=2) as db:
        yield db
