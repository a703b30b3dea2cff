"""The README's first section tells a newcomer on a fresh machine what they need, and CI installs the same."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FIRST_SECTION = README[: README.index("## Try it")]


def _ci_packages() -> set[str]:
    found = re.search(r"packages=\(([^)]*)\)", (ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert found is not None
    return set(found[1].split())


def _readme_packages() -> set[str]:
    found = re.search(r"`sudo apt-get install ([^`]*)`", FIRST_SECTION)
    assert found is not None
    return set(found[1].split())


def test_the_prerequisites_name_what_the_tests_use() -> None:
    for needed in ("unzip", "ffmpeg", "espeak-ng", "chromium", "../shared/", "fixtures/", "Python 3.11"):
        assert needed in FIRST_SECTION, needed


def test_ci_installs_every_listed_package() -> None:
    assert _readme_packages() - {"python3", "python3-venv", "make"} <= _ci_packages()


def test_the_command_path_and_ports_are_said_where_first_used() -> None:
    assert "`.venv/bin/odyssee" in FIRST_SECTION
    assert ". .venv/bin/activate" in FIRST_SECTION
    assert "make run PORT=8741" in FIRST_SECTION
    assert "ODYSSEE_PORT=8741 make run" in FIRST_SECTION


def test_routes_in_english_are_said_to_be_the_complete_ones() -> None:
    line = next(line for line in README.splitlines() if "routes?lang=en" in line)
    assert "4 of the 5" in line


def test_the_producer_passwords_are_described_as_kept() -> None:
    assert "printing a new random password for each on every run" not in README
    assert "later runs keep it" in README


def test_the_licence_is_an_spdx_expression() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "AGPL-3.0-or-later"
