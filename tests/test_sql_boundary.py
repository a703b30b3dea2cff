"""SQL on content tables lives in ``content/`` only (issue 9.4): ``packs/``, ``service/`` and ``tools/``
ask the content layer through functions."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT_TABLES = (
    "routes|routes_rtree|pois|pois_rtree|pois_fts|stops|producers|producers_rtree|offers|media|media_variants"
    "|history|users|offices|tokens|import_sources"
)
SQL = re.compile(rf"\b(FROM|JOIN|UPDATE|INTO)\s+({CONTENT_TABLES})\b", re.IGNORECASE)
# tools/bench fabricates benchmark media rows on purpose.
NOT_YET = {"tools/bench/packs.py"}


def test_no_sql_on_content_tables_outside_content() -> None:
    offenders = []
    for folder in ("packs", "service", "tools"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in NOT_YET:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                # Only string literals count: prose and identifiers may say "from routes".
                if ('"' in line or "'" in line) and SQL.search(line) and "import" not in line:
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "SQL on content tables outside content/:\n" + "\n".join(offenders)
