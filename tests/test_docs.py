"""Keep the documentation honest: every setting is documented, and the README starts with its commands."""

from __future__ import annotations

from pathlib import Path

from content.core.settings import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.__struct_fields__ if f"`{ENV_PREFIX}{name.upper()}`" not in readme]
    assert missing == []


def test_readme_opens_with_the_run_and_test_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:8]
    text = "\n".join(head)
    assert "`make run`" in text
    assert "`make test`" in text


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
