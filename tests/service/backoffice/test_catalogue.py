"""Every text of the back-office goes through the catalogue, and French has a translation for each."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from service.backoffice._i18n import catalogue_path, translations

ROOT = Path(__file__).resolve().parents[3] / "service" / "backoffice"
_MESSAGE = re.compile(r"""\b_n?\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def _messages() -> set[str]:
    found = set()
    for path in [*ROOT.rglob("*.html"), *ROOT.rglob("*.py")]:
        for match in _MESSAGE.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    return found


def test_every_message_has_a_french_translation() -> None:
    with catalogue_path("fr").open("rb") as po:
        catalog = read_po(po, locale="fr")
    translated = {message.id for message in catalog if message.id and message.string}
    missing = sorted(_messages() - translated)
    assert not missing, f"add these to {catalogue_path('fr')}: {missing}"


def test_the_catalogue_is_compiled_at_start_up() -> None:
    assert translations("fr").gettext("Sign in") == "Se connecter"
    assert translations("en").gettext("Sign in") == "Sign in"


def test_placeholders_survive_translation() -> None:
    with catalogue_path("fr").open("rb") as po:
        catalog = read_po(po, locale="fr")
    for message in catalog:
        if message.id:
            wanted = sorted(re.findall(r"%\(\w+\)[sd]", str(message.id)))
            assert sorted(re.findall(r"%\(\w+\)[sd]", str(message.string))) == wanted, message.id
