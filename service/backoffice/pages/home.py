"""The staff home page: what needs doing. Producers land on their offers."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from service.backoffice import domain
from service.backoffice._render import redirect, render
from service.backoffice.deps import UserDep
from service.deps import ClockDep, DatabaseDep

__all__ = ["home"]

_LANGS = ("fr", "en")


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
    context = {
        "todo": await domain.worklist(db, user, _LANGS),
        "stale_packs": await domain.packs_being_rebuilt(db),
        "expiring": await domain.offers_expiring(db, now=clock()),
    }
    return render(request, "home.html", context, principal=user)
