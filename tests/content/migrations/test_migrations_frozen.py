"""Merged migrations are history: their bytes never change (issue 9.6).

``content/migrations/CHECKSUMS`` records the SHA-256 of every migration file, in ``sha256sum`` format,
so ``cd content/migrations && sha256sum -c CHECKSUMS`` checks them by hand too. A change to a recorded
file fails here; so does a migration without a recorded line (record it when you add it).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import content.migrations

MIGRATIONS = Path(content.migrations.__file__).parent
CHECKSUMS = MIGRATIONS / "CHECKSUMS"
_LINE = re.compile(r"^([0-9a-f]{64})  (\d{4}_[a-z0-9_]+\.sql)$")


def _recorded() -> dict[str, str]:
    recorded: dict[str, str] = {}
    for number, line in enumerate(CHECKSUMS.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        assert match, f"CHECKSUMS line {number} is not '<sha256>  <NNNN_name.sql>': {line!r}"
        assert match.group(2) not in recorded, f"CHECKSUMS names {match.group(2)} twice"
        recorded[match.group(2)] = match.group(1)
    return recorded


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_recorded_migrations_are_unchanged() -> None:
    changed = [
        name
        for name, digest in _recorded().items()
        if (MIGRATIONS / name).exists() and _digest(MIGRATIONS / name) != digest
    ]
    assert not changed, (
        f"merged migrations were edited: {changed}. Never edit a merged migration: revert it and add a"
        " new numbered one that makes the change"
    )


def test_recorded_migrations_still_exist() -> None:
    missing = [name for name in _recorded() if not (MIGRATIONS / name).exists()]
    assert not missing, f"merged migrations were removed or renamed: {missing}"


def test_every_migration_is_recorded() -> None:
    recorded = _recorded()
    unrecorded = sorted(p.name for p in MIGRATIONS.glob("*.sql") if p.name not in recorded)
    lines = "\n".join(f"{_digest(MIGRATIONS / name)}  {name}" for name in unrecorded)
    assert not unrecorded, f"add these lines to content/migrations/CHECKSUMS:\n{lines}"
