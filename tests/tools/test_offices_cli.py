from __future__ import annotations

from pathlib import Path

import pytest

from tests.tools.stores import empty_store
from tools.cli import main


def test_add_and_list_offices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(empty_store(tmp_path))]
    assert main(["offices", "add", "ot-perche", "Office de tourisme du Perche", *data]) == 0
    assert main(["offices", "add", "ot-loir", "Robert'); DROP TABLE offices;--", *data]) == 0
    capsys.readouterr()
    assert main(["offices", "list", *data]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "ot-loir\tRobert'); DROP TABLE offices;--",
        "ot-perche\tOffice de tourisme du Perche",
    ]


def test_bad_or_duplicate_office_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(empty_store(tmp_path))]
    assert main(["offices", "add", "../etc", "x", *data]) == 2
    assert "id:" in capsys.readouterr().err
    assert main(["offices", "add", "ot-perche", "Perche", *data]) == 0
    assert main(["offices", "add", "ot-perche", "Again", *data]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["offices", "list", *data]) == 0
    assert capsys.readouterr().out.splitlines() == ["ot-perche\tPerche"]


def test_every_offices_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["offices", "--help"], ["offices", "add", "--help"], ["offices", "list", "--help"]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 0
    assert "ID" in capsys.readouterr().out
