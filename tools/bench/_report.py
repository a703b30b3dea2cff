"""The figures every benchmark reports, gathered into one table (and JSON) by ``python -m tools.bench``.

A benchmark calls :func:`record` for each ratio it measures against a baseline from the same run, with its
goal; ``python -m tools.bench all`` prints the table of every figure once all have run and writes it as
JSON, so that runs can be compared between commits.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Figure", "figures", "machine", "record", "table", "write_json"]


@dataclass(frozen=True)
class Figure:
    bench: str
    name: str
    value: float
    goal: str
    met: bool | None
    detail: str = ""


_FIGURES: list[Figure] = []


def record(
    bench: str,
    name: str,
    value: float,
    *,
    at_least: float | None = None,
    at_most: float | None = None,
    detail: str = "",
) -> Figure:
    """Keep one figure; ``at_least``/``at_most`` is its goal (neither: reported without a goal)."""
    if at_least is not None:
        goal, met = f">= {at_least:g}", value >= at_least
    elif at_most is not None:
        goal, met = f"<= {at_most:g}", value <= at_most
    else:
        goal, met = "", None
    figure = Figure(bench, name, value, goal, met, detail)
    _FIGURES.append(figure)
    return figure


def figures() -> list[Figure]:
    return list(_FIGURES)


def _value(value: float) -> str:
    return f"{value:.4f}" if abs(value) < 0.1 else f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def table(found: list[Figure]) -> str:
    """One line per figure: benchmark, figure, value, goal, met / not met."""
    rows = [("bench", "figure", "value", "goal", "met")]
    for figure in found:
        met = "" if figure.met is None else "met" if figure.met else "NOT MET"
        rows.append((figure.bench, figure.name, _value(figure.value), figure.goal, met))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def machine() -> dict[str, object]:
    """What the figures were measured on: commit, cores, load average."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {
        "commit": commit,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cores": os.cpu_count(),
        "load_average": list(os.getloadavg()),
    }


def write_json(path: Path, found: list[Figure], before: dict[str, object]) -> None:
    document = {"machine_before": before, "machine_after": machine(), "figures": [asdict(f) for f in found]}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
