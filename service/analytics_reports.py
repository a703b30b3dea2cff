"""``GET /api/v1/editor/analytics`` and ``.csv``: usage figures for what the caller may see."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.params import QueryParameter

from content.analytics.export import report_csv
from content.analytics.params import parse_report_query
from content.analytics.recorder import local_day
from content.analytics.report import Report, read_report
from service.analytics import recorder_of
from service.auth.guards import BEARER_SECURITY, signed_in
from service.deps import PrincipalDep
from service.editor.http import EDITOR_CACHE
from service.problems import problem_responses

__all__ = ["AnalyticsReportController"]

OptionalQuery = str | None


class AnalyticsReportController(Controller):
    path = "/api/v1/editor"
    guards = (signed_in,)
    security = BEARER_SECURITY
    tags = ("editor", "analytics")

    async def _report(
        self,
        state: State,
        principal: PrincipalDep,
        start: str | None,
        end: str | None,
        granularity: str | None,
        route_id: str | None,
        poi_id: str | None,
        producer_id: str | None,
    ) -> Report:
        recorder = recorder_of(state)
        today = local_day(recorder.clock())
        query = parse_report_query(today, start, end, granularity, route_id, poi_id, producer_id)
        # Read your writes: what was counted a moment ago is in the figures.
        await recorder.flush()
        return await read_report(
            recorder.db,
            query,
            principal,
            today=today,
            retention_months=recorder.retention_months,
            cache=recorder.figures,
        )

    @get(
        "/analytics",
        cache_control=EDITOR_CACHE,
        responses=problem_responses(400, 401),
        summary="Usage figures",
    )
    async def analytics(
        self,
        state: State,
        principal: PrincipalDep,
        start: Annotated[OptionalQuery, QueryParameter(name="from", description="YYYY-MM-DD")] = None,
        end: Annotated[
            OptionalQuery, QueryParameter(name="to", description="YYYY-MM-DD, default today")
        ] = None,
        granularity: Annotated[OptionalQuery, QueryParameter(description="day, week or month")] = None,
        route_id: Annotated[OptionalQuery, QueryParameter(description="keep this object")] = None,
        poi_id: Annotated[OptionalQuery, QueryParameter(description="keep this object")] = None,
        producer_id: Annotated[OptionalQuery, QueryParameter(description="keep this object")] = None,
    ) -> Report:
        """Series per period, totals, the per-stop funnel, splits and ratings of what the caller may see
        (staff: their office's content and the area packs; producers: their own views and contacts;
        admins: everything). Figures from 1 to 4 are ``"<5"`` except for admins."""
        return await self._report(state, principal, start, end, granularity, route_id, poi_id, producer_id)

    @get(
        "/analytics.csv",
        media_type="text/csv; charset=utf-8",
        cache_control=EDITOR_CACHE,
        responses=problem_responses(400, 401),
        summary="Usage figures as CSV",
    )
    async def analytics_csv(
        self,
        state: State,
        principal: PrincipalDep,
        start: Annotated[OptionalQuery, QueryParameter(name="from", description="YYYY-MM-DD")] = None,
        end: Annotated[
            OptionalQuery, QueryParameter(name="to", description="YYYY-MM-DD, default today")
        ] = None,
        granularity: Annotated[OptionalQuery, QueryParameter(description="day, week or month")] = None,
        route_id: Annotated[OptionalQuery, QueryParameter(description="keep this object")] = None,
        poi_id: Annotated[OptionalQuery, QueryParameter(description="keep this object")] = None,
        producer_id: Annotated[OptionalQuery, QueryParameter(description="keep this object")] = None,
    ) -> Response[str]:
        """The same figures as one long CSV table:
        ``section,period,metric,object_id,stop_id,dimension,key,value``."""
        report = await self._report(state, principal, start, end, granularity, route_id, poi_id, producer_id)
        headers = {
            "Content-Disposition": f'attachment; filename="odyssee-analytics-{report.start}-{report.end}.csv"'
        }
        return Response(report_csv(report), media_type="text/csv; charset=utf-8", headers=headers)
