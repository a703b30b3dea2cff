"""The "Fréquentation" page: anonymous usage figures as charts drawn on the server, each followed by its
data table (for screen readers), and the same figures as CSV."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import FromQuery, QueryParameter

from content.accounts.principal import Principal
from content.analytics.export import report_csv
from content.core.errors import InvalidInput
from service.analytics_dashboard import Dashboard, build_dashboard
from service.backoffice import domain
from service.backoffice._i18n import choose_lang
from service.backoffice._render import gettext_for, render
from service.backoffice.deps import UserDep

__all__ = ["analytics_pages", "route_usage"]

AnyRequest = Request[Any, Any, Any]
Optional = str | None
FromDay = Annotated[Optional, QueryParameter(name="from", required=False)]
ToDay = Annotated[Optional, QueryParameter(name="to", required=False)]


@get("/analytics", include_in_schema=False)
async def analytics_page(
    request: AnyRequest,
    user: UserDep,
    start: FromDay = None,
    end: ToDay = None,
    granularity: FromQuery[Optional] = None,
    route_id: FromQuery[Optional] = None,
) -> Response[Any]:
    _ = gettext_for(request)
    errors: list[Any] = []
    try:
        figures = await domain.usage_figures(
            request.app.state.analytics, user, start, end, granularity or "month", choose_lang(request)
        )
    except InvalidInput as exc:
        errors = exc.errors
        figures = await domain.usage_figures(
            request.app.state.analytics, user, None, None, "month", choose_lang(request)
        )
    report, titles = figures
    board = build_dashboard(report, titles, _, funnel_route=route_id)
    charts = board.charts
    if user.role == "producer":
        charts = [chart for chart in charts if chart.name == "producers"]
    route_choices = sorted(
        {stop.route_id for stop in report.stops}, key=lambda rid: titles.objects.get(f"route:{rid}", rid)
    )
    context = {
        "report": report,
        "board": board,
        "charts": charts,
        "errors": errors,
        "route_choices": [(rid, titles.objects.get(f"route:{rid}", rid)) for rid in route_choices],
        "query": request.url.query or "",
        "chosen": {"from": report.start, "to": report.end, "granularity": report.granularity},
    }
    return render(request, "analytics.html", context, principal=user)


@get("/analytics.csv", include_in_schema=False)
async def analytics_csv(
    request: AnyRequest,
    user: UserDep,
    start: FromDay = None,
    end: ToDay = None,
    granularity: FromQuery[Optional] = None,
) -> Response[str]:
    report, _titles = await domain.usage_figures(
        request.app.state.analytics, user, start, end, granularity or "month", choose_lang(request)
    )
    name = f"odyssee-frequentation-{report.start}-{report.end}.csv"
    return Response(
        report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


async def route_usage(request: AnyRequest, user: Principal, route_id: str) -> Dashboard:
    """The usage panel of a route's page: starts and completions, stop by stop, the mean rating."""
    _ = gettext_for(request)
    report, titles = await domain.usage_figures(
        request.app.state.analytics, user, None, None, "month", choose_lang(request), route_id=route_id
    )
    board = build_dashboard(report, titles, _, route_id=route_id)
    keep = (_("Routes started and completed"), _("Offline packs"))
    charts = [
        c for c in board.charts if c.caption in keep or c.caption.startswith(_("Stop by stop: %(route)s")[:8])
    ]
    return Dashboard(
        charts=charts,
        rating_mean=board.rating_mean,
        rating_count=board.rating_count,
        funnel_route=board.funnel_route,
    )


analytics_pages = [analytics_page, analytics_csv]
