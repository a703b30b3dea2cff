"""``odyssee analytics report|publish`` and the demo's season of figures."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from content.analytics.known import Published
from content.analytics.recorder import local_day
from content.core.clock import utc_now
from content.core.db import Database
from tests.territory import load_demo
from tests.tools.stores import empty_store
from tools.cli import main
from tools.demo_analytics import DROP_ROUTE, DROP_STOP_POSITION, demo_figures, seed_demo_figures

ROUTE = "legendes-foret-de-belleme"


def _published() -> Published:
    stops = [f"stop-{n}" for n in range(1, 8)]
    return Published(
        routes={DROP_ROUTE: stops, "autre-route": [f"autre-{n}" for n in range(1, 8)]},
        pois=["eglise"],
        producers=["ferme"],
        packs={f"route:{DROP_ROUTE}": 4},
    )


def test_demo_figures_are_seeded_with_a_summer_peak_and_a_drop_at_stop_4() -> None:
    last = date(2026, 10, 31)
    figures = demo_figures(_published(), last)
    assert figures == demo_figures(_published(), last)
    per_month: dict[str, int] = {}
    reached: dict[tuple[str, str], int] = {}
    for key, (count, _) in figures.items():
        if key.type == "route_started":
            per_month[key.day[:7]] = per_month.get(key.day[:7], 0) + count
        if key.type == "stop_reached":
            reached[key.object_id, key.stop_id] = reached.get((key.object_id, key.stop_id), 0) + count
    assert max(per_month, key=lambda month: per_month[month]) in ("2026-07", "2026-08")
    assert per_month["2026-07"] > 5 * per_month["2026-01"]
    drop = [reached[DROP_ROUTE, f"stop-{n}"] for n in range(1, 8)]
    other = [reached["autre-route", f"autre-{n}"] for n in range(1, 8)]
    before, at = DROP_STOP_POSITION - 2, DROP_STOP_POSITION - 1
    assert drop[at] < 0.6 * drop[before]
    assert other[at] > 0.85 * other[before]
    # A day's figures depend on its date only: a later run agrees on the common days.
    later = demo_figures(_published(), last + timedelta(days=3))
    assert {k: v for k, v in later.items() if k.day <= last.isoformat()} == {
        k: v for k, v in figures.items() if k.day >= (last + timedelta(days=3 - 364)).isoformat()
    }


async def _seed(data_dir: Path) -> int:
    async with Database(data_dir / "odyssee.sqlite3") as db:
        await load_demo(db)
        first = await seed_demo_figures(db, local_day(utc_now()) - timedelta(days=1))
        again = await seed_demo_figures(db, local_day(utc_now()) - timedelta(days=1))
        assert again == 0
        return first


def test_report_prints_exact_figures_and_publish_writes_suppressed_months(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert asyncio.run(_seed(tmp_path)) > 0
    data = ["--data-dir", str(tmp_path)]
    assert main(["analytics", "report", "--format", "json", *data]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["suppressed_below"] == 0
    assert len(report["periods"]) == 12
    started = next(s for s in report["series"] if s["metric"] == "route_started" and s["object_id"] == ROUTE)
    assert started["total"] > 100
    assert any(isinstance(v, int) and 0 < v < 5 for s in report["series"] for v in s["values"])

    assert (
        main(
            [
                "analytics",
                "report",
                "--from",
                "2026-01-01",
                "--to",
                "2026-01-31",
                "--granularity",
                "day",
                *data,
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["period"] for r in rows if r["section"] == "series"} <= {
        f"2026-01-{d:02d}" for d in range(1, 32)
    }

    target = tmp_path / "open-data.csv"
    assert main(["analytics", "publish", "--to", str(target), *data]) == 0
    assert "wrote" in capsys.readouterr().out
    published = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert published
    assert set(published[0]) == {"month", "metric", "object_kind", "object_id", "object_title", "value"}
    assert not [r for r in published if r["value"] in {"1", "2", "3", "4"}]
    assert "<5" in {r["value"] for r in published}
    titled = next(r for r in published if r["object_id"] == ROUTE)
    assert titled["object_title"] == "Légendes de la forêt de Bellême"
    this_month = local_day(utc_now()).isoformat()[:7]
    assert this_month not in {r["month"] for r in published}


def test_bad_arguments_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(empty_store(tmp_path))]
    assert main(["analytics", "report", "--from", "2026-02-30", *data]) == 2
    assert "from" in capsys.readouterr().err
    assert main(["analytics", "publish", "--to", str(tmp_path / "x.csv"), "--months", "0", *data]) == 2
    assert not (tmp_path / "x.csv").exists()
