"""Regenerate the demo narration ``media/<stop-id>.<lang>.ogg`` from ``territory.json`` (espeak-ng, ffmpeg).

Run ``python -m tools.demo.make_narration`` after editing a story; ``--check`` only verifies the folder.
The output is byte-for-byte reproducible on one machine (bit-exact Ogg muxing), so re-runs cause no churn.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "MEDIA_DIR",
    "TERRITORY_FILE",
    "Narration",
    "expected_files",
    "main",
    "narrations",
    "spoken_text",
    "synthesise",
]

DEMO_DIR = Path(__file__).resolve().parent
TERRITORY_FILE = DEMO_DIR / "territory.json"
MEDIA_DIR = DEMO_DIR / "media"

VOICES = {"fr": "fr", "en": "en"}
WORDS_PER_MINUTE = 150  # a little slower than espeak's default, for listening while walking
BITRATE = "16k"  # Opus speech stays intelligible here and keeps the whole folder around 3 MB
SAMPLE_RATE_HZ = 24_000  # Opus "super-wideband": espeak's 22 kHz output loses nothing

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ORDINAL_FR = {
    1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième", 5: "cinquième", 6: "sixième",
    7: "septième", 8: "huitième", 9: "neuvième", 10: "dixième", 11: "onzième", 12: "douzième",
    13: "treizième", 14: "quatorzième", 15: "quinzième", 16: "seizième", 17: "dix-septième",
    18: "dix-huitième", 19: "dix-neuvième", 20: "vingtième", 21: "vingt et unième",
}  # fmt: skip
_CARDINAL_FR = {1: "premier", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit",
                9: "neuf", 10: "dix", 11: "onze", 12: "douze", 13: "treize", 14: "quatorze", 15: "quinze",
                16: "seize"}  # fmt: skip
_ORDINAL_EN = {1: "the First", 2: "the Second", 3: "the Third", 4: "the Fourth", 5: "the Fifth",
               6: "the Sixth", 7: "the Seventh", 8: "the Eighth", 9: "the Ninth", 10: "the Tenth",
               11: "the Eleventh", 12: "the Twelfth", 13: "the Thirteenth", 14: "the Fourteenth",
               15: "the Fifteenth", 16: "the Sixteenth"}  # fmt: skip
# "XIe siècle", "Ier": French ordinal suffixes after a Roman numeral.
_FR_ORDINAL = re.compile(r"\b([IVXLC]+)(?:e|er|ère)\b")
# "Rotrou III", "Henri IV", "David I": a regnal number right after a capitalised name.
_REGNAL = re.compile(r"\b([A-ZÀ-Ý][a-zà-ÿ]+) ([IVX]+)\b")


@dataclass(frozen=True, slots=True)
class Narration:
    stop_id: str
    lang: str
    text: str

    @property
    def file_name(self) -> str:
        return f"{self.stop_id}.{self.lang}.ogg"


def _roman_value(numeral: str) -> int:
    total = 0
    for index, char in enumerate(numeral):
        value = _ROMAN[char]
        following = _ROMAN[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def spoken_text(title: str, story: str, lang: str) -> str:
    """Title then story, with Roman numerals spelt out as a narrator would say them."""
    text = f"{title.strip()}.\n{story.strip()}"
    if lang == "fr":
        text = _FR_ORDINAL.sub(lambda m: _ORDINAL_FR.get(_roman_value(m[1]), m[0]), text)
        text = _REGNAL.sub(lambda m: f"{m[1]} {_CARDINAL_FR.get(_roman_value(m[2]), m[2])}", text)
    elif lang == "en":
        text = _REGNAL.sub(lambda m: f"{m[1]} {_ORDINAL_EN.get(_roman_value(m[2]), m[2])}", text)
    return text


def narrations(territory: dict[str, Any]) -> Iterator[Narration]:
    """One narration per stop and per language its story is written in."""
    for route in territory["routes"]:
        for stop in route["stops"]:
            for lang, story in sorted(stop["story"].items()):
                title = stop["title"].get(lang) or stop["title"]["fr"]
                yield Narration(stop["id"], lang, spoken_text(title, story, lang))


def expected_files(territory: dict[str, Any]) -> set[str]:
    return {narration.file_name for narration in narrations(territory)}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"make_narration: {name} is required (apt-get install {name})")
    return path


def synthesise(narration: Narration, output: Path, *, bitrate: str = BITRATE) -> None:
    """Speak ``narration`` with espeak-ng; write mono Ogg Opus to ``output``, replaced atomically."""
    espeak, ffmpeg = _tool("espeak-ng"), _tool("ffmpeg")
    voice = VOICES.get(narration.lang, narration.lang)
    output.parent.mkdir(parents=True, exist_ok=True)
    # Scratch files live beside the output so the final rename never crosses file systems.
    with tempfile.TemporaryDirectory(prefix=".narration-", dir=output.parent) as scratch:
        wav = Path(scratch) / "speech.wav"
        ogg = Path(scratch) / "speech.ogg"
        # Arguments are fixed and the text goes through stdin, so nothing here reaches a shell.
        subprocess.run(  # noqa: S603
            [espeak, "-v", voice, "-s", str(WORDS_PER_MINUTE), "-b", "1", "--stdin", "-w", str(wav)],
            input=narration.text.encode("utf-8"),
            check=True,
            capture_output=True,
        )
        encode = [
            ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-i", str(wav),
            "-ac", "1", "-ar", str(SAMPLE_RATE_HZ),
            "-c:a", "libopus", "-b:a", bitrate, "-application", "voip", "-frame_duration", "60",
            # Bit-exact muxing fixes the Ogg serial number and drops version tags: same text, same bytes.
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
            str(ogg),
        ]  # fmt: skip
        subprocess.run(encode, check=True, capture_output=True)  # noqa: S603
        os.replace(ogg, output)


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.demo.make_narration",
        description="Synthesise the demo stop narrations from territory.json into tools/demo/media/.",
    )
    parser.add_argument("--check", action="store_true", help="only verify that every narration file exists")
    parser.add_argument("--bitrate", default=BITRATE, help=f"Opus bitrate (default {BITRATE})")
    args = parser.parse_args(argv)

    territory = _load(TERRITORY_FILE)
    expected = expected_files(territory)
    present = {path.name for path in MEDIA_DIR.glob("*.ogg")}
    if args.check:
        missing, orphans = sorted(expected - present), sorted(present - expected)
        for name in missing:
            print(f"missing: {name}", file=sys.stderr)
        for name in orphans:
            print(f"orphan: {name}", file=sys.stderr)
        return 1 if missing or orphans else 0

    for narration in narrations(territory):
        synthesise(narration, MEDIA_DIR / narration.file_name, bitrate=args.bitrate)
        print(narration.file_name)
    for name in sorted(present - expected):  # stops that were renamed or removed
        (MEDIA_DIR / name).unlink()
        print(f"removed {name}")
    total = sum(path.stat().st_size for path in MEDIA_DIR.glob("*.ogg"))
    print(f"{len(expected)} files, {total / 1_000_000:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
