"""The server-drawn charts: well-formed SVG, a data table with the same figures, suppressed bars hatched."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from service.analytics_svg import bar_chart, hbar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_draws_one_bar_per_figure_and_tables_them() -> None:
    chart = bar_chart(
        "Parcours", ["2026-06", "2026-07"], [("Commencés <b>", [12, "<5"]), ("Terminés", [7, 0])]
    )
    root = ET.fromstring(chart.svg)
    assert root.get("aria-hidden") == "true"
    bars = root.findall(f"{SVG}rect[@fill]")
    titles = [bar.find(f"{SVG}title").text for bar in bars if bar.find(f"{SVG}title") is not None]
    assert titles == [
        "Commencés <b> 2026-06: 12",
        "Terminés 2026-06: 7",
        "Commencés <b> 2026-07: <5",
        "Terminés 2026-07: 0",
    ]
    hatched = [bar for bar in bars if bar.get("fill") == "url(#suppressed)"]
    assert len(hatched) == 1
    assert chart.columns == ["", "Commencés <b>", "Terminés"]
    assert chart.rows == [["2026-06", "12", "7"], ["2026-07", "<5", "0"]]


def test_hbar_chart_labels_every_row_and_handles_nothing() -> None:
    chart = hbar_chart("Déclenchement", ["gps", "qr", "manual"], [("Arrivées", [1200, 30, "<5"])])
    ET.fromstring(chart.svg)
    assert chart.rows == [["gps", "1\u202f200"], ["qr", "30"], ["manual", "<5"]]
    empty = hbar_chart("Rien", [], [("Arrivées", [])])
    ET.fromstring(empty.svg)
    assert empty.rows == []
