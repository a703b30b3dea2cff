"""The charts of the "Fréquentation" page and of a route's panel, built from one usage report.

Every caption and series name goes through ``gettext`` (the back-office catalogue); numbers come from
the report as they are, suppression included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from content.analytics.report import Figure, Report, Series
from content.analytics.titles import Titles
from packs.pack_id import PackId
from service.analytics_svg import Chart, bar_chart, hbar_chart

__all__ = ["Dashboard", "build_dashboard"]

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Dashboard:
    charts: list[Chart]
    rating_mean: float | None
    rating_count: Figure
    funnel_route: str | None


def _values(series: list[Series], metric: str, periods: int, object_id: str | None) -> list[Figure]:
    for item in series:
        if item.metric == metric and (object_id is None or item.object_id == object_id):
            return item.values
    return [0] * periods


def _split(
    report: Report, metric: str, dimension: str, order: list[str] | None = None
) -> tuple[list[str], list[Figure]]:
    found = {s.key: s.value for s in report.splits if s.metric == metric and s.dimension == dimension}
    keys = [k for k in order if k in found] if order else sorted(found, key=lambda k: -_rank(found[k]))
    return keys, [found[k] for k in keys]


def _rank(figure: Figure) -> int:
    return 0 if isinstance(figure, str) else figure


def build_dashboard(
    report: Report,
    titles: Titles,
    _: Gettext,
    *,
    route_id: str | None = None,
    funnel_route: str | None = None,
) -> Dashboard:
    """The charts for every object of the report, or for one route (its panel) when ``route_id`` is set;
    the stop-by-stop chart is for ``route_id``, else ``funnel_route``, else the first route with stops."""
    periods = report.periods
    n = len(periods)
    source, object_id = (report.series, route_id) if route_id else (report.overall, None)
    pack_id = str(PackId.route(route_id)) if route_id else None
    charts = [
        bar_chart(
            _("Offline packs"),
            periods,
            [
                (
                    _("Full downloads"),
                    _values(source, "pack_downloaded", n, pack_id),
                ),
                (
                    _("Updates (reported by the apps)"),
                    _values(source, "pack_updated", n, pack_id),
                ),
            ],
            _("Period"),
        ),
        bar_chart(
            _("Routes started and completed"),
            periods,
            [
                (_("Started"), _values(source, "route_started", n, object_id)),
                (_("Completed"), _values(source, "route_completed", n, object_id)),
            ],
            _("Period"),
        ),
    ]
    names = ["packs", "routes"]
    routes_with_stops = sorted({stop.route_id for stop in report.stops})
    wanted = route_id or funnel_route
    if wanted not in routes_with_stops:
        wanted = None if route_id or not routes_with_stops else routes_with_stops[0]
    funnel_route = wanted
    if funnel_route is not None:
        names.append("funnel")
        stops = [stop for stop in report.stops if stop.route_id == funnel_route]
        labels = [f"{stop.position}. {titles.stops.get(stop.stop_id, stop.stop_id)}" for stop in stops]
        route_name = titles.objects.get(f"route:{funnel_route}", funnel_route)
        charts.append(
            hbar_chart(
                _("Stop by stop: %(route)s") % {"route": route_name},
                labels,
                [
                    (_("Reached"), [stop.reached for stop in stops]),
                    (_("Narration finished"), [stop.narration_finished for stop in stops]),
                ],
                _("Stop"),
            )
        )
    names += ["triggers", "languages", "ratings"]
    trigger_names = {"gps": _("GPS"), "qr": _("QR code"), "manual": _("Manual")}
    keys, values = _split(report, "stop_reached", "trigger", ["gps", "qr", "manual"])
    charts.append(
        hbar_chart(
            _("How stops were reached"),
            [trigger_names[k] for k in keys],
            [(_("Stops reached"), values)],
            _("Trigger"),
        )
    )
    keys, values = _split(report, "route_started", "lang")
    charts.append(hbar_chart(_("Languages of the app"), keys, [(_("Routes started"), values)], _("Language")))
    keys, values = _split(report, "rating", "stars", ["5", "4", "3", "2", "1"])
    charts.append(
        hbar_chart(
            _("Ratings"),
            [_("%(stars)s stars") % {"stars": k} for k in keys],
            [(_("Ratings"), values)],
            _("Stars"),
        )
    )
    if not route_id:
        names.append("producers")
        charts.append(
            bar_chart(
                _("Producers: views and contacts"),
                periods,
                [
                    (_("Views"), _values(report.overall, "producer_viewed", n, None)),
                    (_("Contacts"), _values(report.overall, "producer_contacted", n, None)),
                ],
                _("Period"),
            )
        )
    ratings = [r for r in report.ratings if route_id is None or r.route_id == route_id]
    weighted = [(r.mean, r.count) for r in ratings if r.mean is not None and not isinstance(r.count, str)]
    mean = round(sum(m * c for m, c in weighted) / sum(c for _, c in weighted), 1) if weighted else None
    rated = [
        s.total for s in source if s.metric == "rating" and (route_id is None or s.object_id == route_id)
    ]
    named = [replace(chart, name=name) for chart, name in zip(charts, names, strict=True)]
    return Dashboard(
        charts=named, rating_mean=mean, rating_count=rated[0] if rated else 0, funnel_route=funnel_route
    )
