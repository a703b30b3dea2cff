"""``odyssee areas add`` and ``odyssee packs build|list|keys rotate`` against a real data directory."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.territory import SMALL_TERRITORY
from tools.cli import main


def test_build_list_rotate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    assert main(["demo", "--data-dir", data, "--file", str(SMALL_TERRITORY)]) == 0
    assert "offline packs: 2 built or updated" in capsys.readouterr().out
    assert (
        main(
            [
                "areas",
                "add",
                "perche",
                "--title",
                "Le Perche",
                "--title",
                "en=The Perche",
                "--bbox",
                "0.3,48.1,1.2,48.7",
                "--data-dir",
                data,
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["packs", "build", "--all", "--data-dir", data]) == 0
    out, err = capsys.readouterr()
    assert "3/3" in err
    states = {line.split("\t")[0]: line.split("\t")[3] for line in out.splitlines()}
    assert states == {
        "route:legendes-foret-de-belleme": "unchanged",
        "route:mortagne-cite-perchee": "unchanged",
        "area:perche": "built",
    }
    assert main(["packs", "list", "--json", "--data-dir", data]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(p["id"], p["version"]) for p in listed] == [
        ("area:perche", 1),
        ("route:legendes-foret-de-belleme", 1),
        ("route:mortagne-cite-perchee", 1),
    ]
    assert main(["packs", "keys", "rotate", "--data-dir", data]) == 0
    capsys.readouterr()
    assert main(["packs", "build", "area:perche", "--data-dir", data]) == 0
    assert "\tv2\t" in capsys.readouterr().out  # re-signed with the new key
    assert main(["packs", "build", "route:nowhere", "--data-dir", data]) == 1
    assert main(["packs", "build", "nowhere", "--data-dir", data]) == 2
    assert main(["areas", "add", "x", "--title", "T", "--bbox", "3,2,1,0", "--data-dir", data]) == 2
    assert "min <= max" in capsys.readouterr().err


def test_prune_drops_versions_older_than_the_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "data")
    assert main(["demo", "--no-media", "--data-dir", data, "--file", str(SMALL_TERRITORY)]) == 0
    assert main(["packs", "keys", "rotate", "--data-dir", data]) == 0
    assert main(["packs", "build", "--all", "--data-dir", data]) == 0  # every pack re-signed: version 2
    capsys.readouterr()
    assert main(["packs", "prune", "--data-dir", data]) == 0
    assert "pruned 0 pack versions and 0 deltas older than 90 days" in capsys.readouterr().out
    conn = sqlite3.connect(tmp_path / "data" / "odyssee.sqlite3")
    try:
        with conn:  # as if the packs had been built long ago
            conn.execute("UPDATE pack_versions SET built_at = '2020-01-01T00:00:00Z'")
        assert main(["packs", "prune", "--days", "30", "--data-dir", data]) == 0
        out = capsys.readouterr().out
        assert "pruned 2 pack versions and 0 deltas older than 30 days; 2 stored files deleted" in out
        kept = conn.execute("SELECT pack_id, version FROM pack_versions ORDER BY pack_id").fetchall()
    finally:
        conn.close()
    assert kept == [("route:legendes-foret-de-belleme", 2), ("route:mortagne-cite-perchee", 2)]
    with pytest.raises(SystemExit):
        main(["packs", "prune", "--days", "-1", "--data-dir", data])
    assert "must be 0 or more" in capsys.readouterr().err
