"""``odyssee areas add`` and ``odyssee packs build|list|keys rotate`` against a real data directory."""

from __future__ import annotations

import json
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
