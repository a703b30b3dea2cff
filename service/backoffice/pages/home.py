"""The staff home page: what needs doing. Producers land on their offers."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from content.accounts.principal import Principal
from service.backoffice import domain
from service.backoffice._render import redirect, render
from service.backoffice.deps import UserDep
from service.deps import ClockDep, DatabaseDep

__all__ = ["home"]

_LANGS = ("fr", "en")


def _mine(principal: Principal, office_id: str | None) -> bool:
    return principal.role == "admin" or office_id == principal.office_id


@get("/", include_in_schema=False)
async def home(
    request: Request[Any, Any, Any], user: UserDep, db: DatabaseDep, clock: ClockDep
) -> Response[Any]:
    if user.role == "producer":
        if user.producer_id is None:
            return render(
                request, "error.html", {"status": 403, "message": ""}, principal=user, status_code=403
            )
        return redirect(f"/backoffice/producers/{user.producer_id}/offers")
    pois = [
        p for p in await domain.pois(db, user, statuses=("draft", "published")) if _mine(user, p.office_id)
    ]
    routes = [
        r for r in await domain.routes(db, user, statuses=("draft", "published")) if _mine(user, r.office_id)
    ]
    context = {
        "draft_pois": [p for p in pois if p.status == "draft"],
        "draft_routes": [r for r in routes if r.status == "draft"],
        "untranslated_pois": [p for p in pois if any(not p.name.get(lang) for lang in _LANGS)],
        "untranslated_routes": [r for r in routes if any(lang not in r.languages for lang in _LANGS)],
        "stale_packs": await domain.packs_being_rebuilt(db),
        "expiring": await domain.offers_expiring(db, now=clock()),
    }
    return render(request, "home.html", context, principal=user)
