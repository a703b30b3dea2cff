"""The import conflicts page in a browser: both values side by side, a choice, accessibility."""

from __future__ import annotations

from typing import Any

from content.core.db import Database
from content.editing import etag_for
from tests.browser.conftest import Site, _in_thread, check_axe, shoot
from tests.content.importers.helpers import feature, geojson_objects, import_objects


def _import(site: Site, features: list[dict[str, Any]]) -> None:
    async def run() -> None:
        async with Database(site.settings.db_path, readers=1) as db:
            await import_objects(db, geojson_objects(features), office_id="ot-perche", provider="tourinsoft")

    _in_thread(run)


def test_staff_see_both_values_and_keep_theirs(signed_in: Any, site: Site) -> None:
    _import(site, [feature(41), feature(42)])
    with site.api() as api:
        login = api.post(
            "/api/v1/auth/login",
            json={"email": site.seeded.staff.email, "password": site.seeded.staff.password},
        )
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        for poi_id in ("lavoir-n41", "lavoir-n42"):
            answer = api.patch(
                f"/api/v1/editor/pois/{poi_id}",
                json={"description": {"fr": "Texte revu par l'office, à garder."}},
                headers={**headers, "If-Match": etag_for("poi", poi_id, 1)},
            )
            assert answer.status_code == 200, answer.text
    moved = [
        feature(n, description="Nouveau texte de Tourinsoft.", updated="2026-04-01T00:00:00Z")
        for n in (41, 42)
    ]
    _import(site, moved)

    for width in (1280, 390):
        page = signed_in(site.seeded.staff, width=width)
        page.goto("/backoffice/imports/conflicts")
        assert (
            page.get_by_role("heading", name="Conflits d’import").count()
            + page.get_by_role("heading", name="Conflits d'import").count()
            == 1
        )
        assert page.get_by_text("fr: Nouveau texte de Tourinsoft.").count() == 2
        check_axe(page)
        shoot(page, "import-conflicts")
    page.get_by_role("button", name="Garder notre version").first.click()
    page.wait_for_url("**/imports/conflicts?done=local")
    assert page.get_by_role("status").inner_text() == "Votre version est conservée."
    assert page.get_by_role("button", name="Garder notre version").count() == 1
