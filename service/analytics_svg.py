"""Usage charts drawn on the server as SVG: no script, no charting library to vendor or keep up to date,
the same numbers as the CSV, and readable on a phone (drawn for a 360-unit-wide screen, scaled by CSS).

Each chart comes with the rows of its data table; the page shows the table to screen readers and hides
the drawing from them. A suppressed figure (``"<5"``) is drawn as a hatched bar of height 4, the most it
could be, and labelled ``<5``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

__all__ = ["COLOURS", "Chart", "Figure", "bar_chart", "hbar_chart"]

Figure = int | str
# Distinguishable for the common colour-vision deficiencies, each ≥ 3:1 against white.
COLOURS = ("#1f5f8b", "#c0561b", "#2e7d32", "#7b3fa0")
_WIDTH = 360
_SUPPRESSED_HEIGHT = 4


@dataclass(frozen=True)
class Chart:
    svg: str
    caption: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    name: str = ""  # what the chart is of, for pages that pick some


def _value(figure: Figure) -> int:
    return _SUPPRESSED_HEIGHT if isinstance(figure, str) else figure


def _label(figure: Figure) -> str:
    return figure if isinstance(figure, str) else f"{figure:,}".replace(",", "\u202f")


def _short(period: str) -> str:
    """``2026-07`` → ``07/26``, ``2026-07-14`` → ``14/07``: five characters fit under a bar group."""
    if len(period) == 7:
        return f"{period[5:7]}/{period[2:4]}"
    if len(period) == 10:
        return f"{period[8:10]}/{period[5:7]}"
    return period


def _nice_max(peak: int) -> int:
    if peak <= 5:
        return 5
    magnitude = 10 ** (len(str(peak)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= peak:
            return top
    return peak


def _defs() -> str:
    return (
        '<defs><pattern id="suppressed" width="4" height="4" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="2" height="4" fill="#777"/></pattern></defs>'
    )


def _legend(names: Sequence[str], y: float) -> str:
    parts, x = [], 8.0
    for n, name in enumerate(names):
        colour = COLOURS[n % len(COLOURS)]
        parts.append(f'<rect x="{x:.0f}" y="{y - 9:.0f}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14:.0f}" y="{y:.0f}" font-size="11">{escape(name)}</text>')
        x += 24 + 6.2 * len(name)
    return "".join(parts)


def bar_chart(
    caption: str,
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[Figure]]],
    first_column: str = "",
) -> Chart:
    """Grouped vertical bars: one group per period, one bar per series."""
    plot_left, plot_top, plot_height = 34, 22, 150
    plot_width = _WIDTH - plot_left - 6
    top = _nice_max(max((_value(v) for _, values in series for v in values), default=0))
    group = plot_width / max(1, len(periods))
    bar = max(1.0, (group - 2) / max(1, len(series)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} 220" class="chart" aria-hidden="true"'
        ' focusable="false" font-family="sans-serif">',
        _defs(),
    ]
    for tick in (0, top // 2, top) if top % 2 == 0 else (0, top):
        y = plot_top + plot_height - plot_height * tick / top
        parts.append(f'<line x1="{plot_left}" x2="{_WIDTH - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{plot_left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{tick}</text>'
        )
    every = max(1, -(-len(periods) // 7))  # at most 7 labels of 5 characters
    for p, period in enumerate(periods):
        x0 = plot_left + p * group + 1
        for s, (name, values) in enumerate(series):
            figure = values[p]
            height = plot_height * _value(figure) / top
            fill = "url(#suppressed)" if isinstance(figure, str) else COLOURS[s % len(COLOURS)]
            x = x0 + s * bar
            y = plot_top + plot_height - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar - 1, 0.5):.1f}" height="{height:.1f}"'
                f' fill="{fill}"><title>{escape(name)} {escape(period)}: {escape(_label(figure))}'
                "</title></rect>"
            )
        if p % every == 0:
            label = _short(period)
            parts.append(
                f'<text x="{x0 + group / 2:.1f}" y="{plot_top + plot_height + 14}" font-size="10"'
                f' text-anchor="middle">{escape(label)}</text>'
            )
    parts.append(_legend([name for name, _ in series], 212))
    parts.append("</svg>")
    rows = [[period, *(_label(values[p]) for _, values in series)] for p, period in enumerate(periods)]
    return Chart("".join(parts), caption, [first_column, *(name for name, _ in series)], rows)


def hbar_chart(
    caption: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Figure]]],
    first_column: str = "",
) -> Chart:
    """Horizontal bars, one row per label (a stop, a language, a trigger), one bar per series."""
    label_width, row_height = 118, 8 + 12 * len(series)
    plot_width = _WIDTH - label_width - 40
    top = _nice_max(max((_value(v) for _, values in series for v in values), default=0))
    height = 10 + row_height * len(labels) + 26
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" class="chart"'
        ' aria-hidden="true" focusable="false" font-family="sans-serif">',
        _defs(),
    ]
    for row, label in enumerate(labels):
        y0 = 10 + row * row_height
        short = label if len(label) <= 20 else label[:19] + "…"
        parts.append(
            f'<text x="{label_width - 4}" y="{y0 + row_height / 2 + 3:.1f}" font-size="10"'
            f' text-anchor="end">{escape(short)}</text>'
        )
        for s, (name, values) in enumerate(series):
            figure = values[row]
            width = plot_width * _value(figure) / top
            fill = "url(#suppressed)" if isinstance(figure, str) else COLOURS[s % len(COLOURS)]
            y = y0 + 4 + s * 12
            parts.append(
                f'<rect x="{label_width}" y="{y:.1f}" width="{width:.1f}" height="10" fill="{fill}">'
                f"<title>{escape(label)}, {escape(name)}: {escape(_label(figure))}</title></rect>"
            )
            parts.append(
                f'<text x="{label_width + width + 3:.1f}" y="{y + 9:.1f}" font-size="9">'
                f"{escape(_label(figure))}</text>"
            )
    parts.append(_legend([name for name, _ in series], height - 6))
    parts.append("</svg>")
    rows = [[label, *(_label(values[r]) for _, values in series)] for r, label in enumerate(labels)]
    return Chart("".join(parts), caption, [first_column, *(name for name, _ in series)], rows)
