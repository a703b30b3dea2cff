from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.tools.stores import empty_store
from tools.cli import main


def test_import_prints_the_media_ref(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = empty_store(tmp_path / "data")
    argv = ["media", "import", str(fixtures_dir / "images" / "alpha.png"), "--data-dir", str(data_dir)]
    status = main([*argv, "--credit", "PETR du Perche", "--licence", "CC-BY-4.0", "--alt", "Logo"])
    assert status == 0
    ref = json.loads(capsys.readouterr().out)
    assert ref["kind"] == "image"
    assert (ref["credit"], ref["licence"], ref["alt"]) == ("PETR du Perche", "CC-BY-4.0", "Logo")
    assert set(ref["variants"]) == {"thumb", "screen"}
    assert ref["placeholder"]
    # Again: the same ref, from the cache, and still one row.
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == ref
    with sqlite3.connect(data_dir / "odyssee.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM media").fetchone() == (1,)


@pytest.mark.parametrize(("name", "reason"), [("bomb.png", "pixels"), ("truncated.mp3", "cut off")])
def test_bad_file_fails_with_the_reason(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str], name: str, reason: str
) -> None:
    status = main(
        ["media", "import", str(fixtures_dir / "bad" / name), "--data-dir", str(empty_store(tmp_path))]
    )
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == ""
    assert reason in captured.err
    assert name in captured.err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["media", "import", "--help"])
    assert caught.value.code == 0
    assert "--credit" in capsys.readouterr().out
