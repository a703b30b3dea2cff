"""The "Fréquentation" page and a route's usage panel in Chromium: charts drawn, tables for screen
readers, small numbers suppressed, no serious axe violation, readable at 390 px."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.browser.conftest import Site, check_axe, shoot


def _batch(day: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "app": "perche-odyssee",
        "app_version": "2.4.0",
        "platform": "android",
        "lang": "fr",
        "events": events,
    }


@pytest.fixture(scope="module")
def figures(site: Site) -> str:
    day = (date.today() - timedelta(days=1)).isoformat()
    events = [
        {"type": "route_started", "day": day, "count": 12, "route_id": "legendes"},
        {"type": "route_completed", "day": day, "count": 3, "route_id": "legendes"},
        {
            "type": "stop_reached",
            "day": day,
            "count": 11,
            "route_id": "legendes",
            "stop_id": "porte",
            "trigger": "gps",
        },
        {
            "type": "stop_reached",
            "day": day,
            "count": 2,
            "route_id": "legendes",
            "stop_id": "fontaine",
            "trigger": "qr",
        },
        {
            "type": "narration_played",
            "day": day,
            "count": 9,
            "route_id": "legendes",
            "stop_id": "porte",
            "listened_s": 120,
            "completion": "finished",
        },
        {"type": "rating", "day": day, "count": 6, "route_id": "legendes", "stars": 5},
        {"type": "producer_viewed", "day": day, "count": 8, "producer_id": "ferme-des-bois"},
    ]
    with site.api() as api:
        answer = api.post("/api/v1/analytics/batches", json=_batch(day, events))
        assert answer.status_code == 202, answer.text
        assert answer.json()["accepted"] == len(events)
    return day


def test_frequentation_page_draws_charts_with_tables(signed_in: Any, site: Site, figures: str) -> None:
    page = signed_in(site.seeded.staff)
    page.goto("/backoffice/analytics")
    assert page.locator("h1").inner_text() == "Fréquentation"
    captions = page.locator("figure.usage-chart figcaption").all_inner_texts()
    assert "Parcours commencés et terminés" in captions
    assert any(caption.startswith("Arrêt par arrêt") for caption in captions)
    assert page.locator("figure.usage-chart svg").count() == len(captions)
    # Screen readers get the numbers as tables; the drawings are hidden from them.
    assert page.locator("figure.usage-chart svg[aria-hidden='true']").count() == len(captions)
    started = page.get_by_role("table", name="Parcours commencés et terminés")
    text = started.inner_text()
    assert "12" in text
    assert "<5" in text  # three completions, suppressed for staff
    funnel = (
        page.locator("figure.usage-chart").filter(has_text="Arrêt par arrêt").locator("table").inner_text()
    )
    assert "1. La porte" in funnel
    assert "11" in funnel
    check_axe(page)
    shoot(page, "frequentation")


def test_frequentation_page_reads_on_a_phone_and_changes_period(
    signed_in: Any, site: Site, figures: str
) -> None:
    page = signed_in(site.seeded.staff, width=390)
    page.goto("/backoffice/analytics")
    page.get_by_label("Regrouper par").select_option("day")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state()
    assert "granularity=day" in page.url
    assert figures in page.get_by_role("table", name="Parcours commencés et terminés").inner_text()
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('svg.chart')).map(s => s.getBoundingClientRect().width)"
    )
    assert widths
    assert max(widths) <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(page)


def test_route_page_has_a_usage_panel(signed_in: Any, site: Site, figures: str) -> None:
    page = signed_in(site.seeded.staff)
    page.goto("/backoffice/routes/legendes")
    panel = page.get_by_role("region", name="Visiteurs sur les douze derniers mois")
    assert panel.locator("figure.usage-chart").count() >= 2
    assert "Note moyenne : 5.0 / 5" in panel.inner_text()
    check_axe(page)


def test_other_office_sees_nothing_of_the_route(signed_in: Any, site: Site, figures: str) -> None:
    page = signed_in(site.seeded.other_staff)
    page.goto("/backoffice/analytics")
    cells = page.get_by_role("table", name="Parcours commencés et terminés").locator("td").all_inner_texts()
    assert cells
    assert set(cells) == {"0"}
    assert page.locator("figure.usage-chart").filter(has_text="Arrêt par arrêt").count() == 0
