"""A season of plausible usage figures for the demo: the twelve months up to yesterday, with a summer
peak, busier weekends, and visitors giving up at stop 4 of one route. Seeded per day, so the figures of a
day never change and running the demo again adds nothing (see ``content.analytics.counters.seed_counters``).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date, timedelta

from content.analytics.counters import CounterKey, Kind, days_counted, seed_counters
from content.analytics.known import Published, published_objects
from content.analytics.recorder import local_day
from content.core.clock import utc_now
from content.core.db import Database
from content.core.settings import Settings
from packs.pack_id import PackId

__all__ = ["DROP_ROUTE", "DROP_STOP_POSITION", "demo_figures", "seed_demo_figures", "seed_demo_figures_into"]

SEED = 2026
DAYS = 365
DROP_ROUTE = "nogent-cite-des-comtes"  # the demo staff account's office (perche-tourisme) owns it
DROP_STOP_POSITION = 4
_LANGS = (("fr", 0.72), ("en", 0.2), ("de", 0.05), ("nl", 0.03))
_PLATFORMS = (("android", 0.58), ("ios", 0.37), ("web", 0.05))
_TRIGGERS = (("gps", 0.72), ("qr", 0.18), ("manual", 0.1))
_COMPLETIONS = (("finished", 0.68), ("interrupted", 0.21), ("skipped", 0.11))
_STARS = (("5", 0.52), ("4", 0.3), ("3", 0.11), ("2", 0.04), ("1", 0.03))


def _season(day: date) -> float:
    """Visitors per route on a day: a summer peak in late July, weekends busier, winter quiet."""
    peak = math.exp(-(((day.timetuple().tm_yday - 205) / 48) ** 2))
    weekend = 1.6 if day.weekday() >= 5 else 1.0
    return (1.2 + 22 * peak) * weekend


def _pick(rng: random.Random, choices: tuple[tuple[str, float], ...], units: int) -> Counter[str]:
    names, weights = zip(*choices, strict=True)
    return Counter(rng.choices(names, weights, k=units))


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method is fine for the small means of a rural territory.
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class _Day:
    def __init__(self, day: date, rng: random.Random) -> None:
        self.day, self.rng = day.isoformat(), rng
        self.version = "2.5.0" if day.month in (7, 8, 9, 10, 11, 12) else "2.4.0"
        self.figures: dict[CounterKey, list[int]] = {}

    def add(
        self,
        type_: str,
        kind: Kind,
        object_id: str,
        units: int,
        stop_id: str = "",
        detail: str = "",
        value_per_unit: int = 0,
        audience: bool = True,
    ) -> None:
        if units <= 0:
            return
        if not audience:
            self._put(CounterKey(self.day, type_, kind, object_id, stop_id, detail), units, value_per_unit)
            return
        langs = _pick(self.rng, _LANGS, units)
        for lang, in_lang in langs.items():
            for platform, n in _pick(self.rng, _PLATFORMS, in_lang).items():
                key = CounterKey(
                    self.day, type_, kind, object_id, stop_id, detail, lang, platform, self.version
                )
                self._put(key, n, value_per_unit)

    def _put(self, key: CounterKey, units: int, value_per_unit: int) -> None:
        slot = self.figures.setdefault(key, [0, 0])
        slot[0] += units
        slot[1] += units * value_per_unit


def _route_day(today: _Day, route_id: str, stops: list[str], visitors: int, packs: dict[str, int]) -> None:
    rng = today.rng
    today.add("route_started", "route", route_id, visitors)
    today.add("route_read", "route", route_id, visitors + _poisson(rng, visitors * 0.8), audience=False)
    pack = str(PackId.route(route_id))
    if pack in packs:
        installs = _poisson(rng, visitors * 0.55)
        today.add("pack_installed", "pack", pack, installs, detail=str(packs[pack]))
        today.add("pack_downloaded", "pack", pack, installs, audience=False)
        version = packs[pack]
        updates = _poisson(rng, visitors * 0.08) if version > 1 else 0
        today.add("pack_updated", "pack", pack, updates, detail=str(version))
        today.add(
            "pack_delta_served", "pack", pack, updates, detail=f"{version - 1}-{version}", audience=False
        )
    still = visitors
    for position, stop_id in enumerate(stops, start=1):
        keep = 0.45 if route_id == DROP_ROUTE and position == DROP_STOP_POSITION else 0.93
        still = sum(1 for _ in range(still) if rng.random() < keep) if position > 1 else still
        for trigger, n in _pick(rng, _TRIGGERS, still).items():
            today.add("stop_reached", "route", route_id, n, stop_id, trigger)
        for completion, n in _pick(
            rng, _COMPLETIONS, sum(1 for _ in range(still) if rng.random() < 0.9)
        ).items():
            listened_s = {"finished": 150, "interrupted": 70, "skipped": 8}[completion]
            today.add("narration_played", "route", route_id, n, stop_id, completion, listened_s)
    completed = sum(1 for _ in range(still) if rng.random() < 0.85)
    today.add("route_completed", "route", route_id, completed)
    for stars, n in _pick(rng, _STARS, sum(1 for _ in range(completed) if rng.random() < 0.35)).items():
        today.add("rating", "route", route_id, n, detail=stars, value_per_unit=int(stars))


def demo_figures(
    published: Published, last_day: date, days: int = DAYS, skip: frozenset[str] = frozenset()
) -> dict[CounterKey, list[int]]:
    """The figures of ``days`` days ending with ``last_day`` but those in ``skip``; each day depends only
    on its own date."""
    figures: dict[CounterKey, list[int]] = {}
    routes = sorted(published.routes.items())
    for offset in range(days):
        day = last_day - timedelta(days=offset)
        if day.isoformat() in skip:
            continue
        rng = random.Random(f"{SEED}:{day.isoformat()}")  # noqa: S311 (demo figures, not security)
        today = _Day(day, rng)
        season = _season(day)
        for rank, (route_id, stops) in enumerate(routes):
            popularity = 1.0 / (1 + 0.35 * rank)
            _route_day(today, route_id, stops, _poisson(rng, season * popularity), published.packs)
        for rank, poi_id in enumerate(published.pois):
            today.add("poi_viewed", "poi", poi_id, _poisson(rng, season * 0.5 / (1 + rank % 7)))
            today.add("poi_read", "poi", poi_id, _poisson(rng, season * 0.3 / (1 + rank % 5)), audience=False)
        for rank, producer_id in enumerate(published.producers):
            views = _poisson(rng, season * 0.6 / (1 + rank % 4))
            today.add("producer_viewed", "producer", producer_id, views)
            today.add("producer_contacted", "producer", producer_id, _poisson(rng, views * 0.15))
            today.add("producer_read", "producer", producer_id, _poisson(rng, views * 0.4), audience=False)
        figures.update(today.figures)
    return figures


async def seed_demo_figures(db: Database, last_day: date) -> int:
    """Add the demo season to the store; returns the counter rows added (0 when already there)."""
    first_day = last_day - timedelta(days=DAYS - 1)
    async with db.read() as conn:
        published = await published_objects(conn)
        done = await days_counted(conn, first_day.isoformat(), last_day.isoformat())
    figures = demo_figures(published, last_day, skip=frozenset(done))
    if not figures:
        return 0
    async with db.write() as conn:
        return await seed_counters(conn, figures)


async def seed_demo_figures_into(settings: Settings) -> int:
    """:func:`seed_demo_figures` on the store of ``settings``, ending yesterday (the territory's day)."""
    async with Database(settings.db_path, readers=1) as db:
        return await seed_demo_figures(db, local_day(utc_now()) - timedelta(days=1))
