"""``GET /metrics`` in the Prometheus text format (``prometheus-client``), one registry per app.

Off by default: without ``ODYSSEE_METRICS_TOKEN`` the path answers 404 like any unknown path, so the
public address shows nothing. With a token set it answers only ``Authorization: Bearer <token>``
(Prometheus: ``authorization: {credentials: <token>}`` in the scrape config); anything else gets 401.

What is measured: requests and latency by method, route template and status; pack builds and their
duration (by outcome); packs marked stale and the rebuild lag (seconds since the first change not yet
rebuilt); sign-in failures and throttled attempts; blob store errors.

With ``odyssee serve --workers N`` every worker is a process with its own instruments; the supervisor
gives them a shared directory (``PROMETHEUS_MULTIPROC_DIR``, see :func:`multiprocess_dir`) where
prometheus-client keeps each process's values, and a scrape, whichever worker answers it, sums them
all. The two gauges come from the database (the packs still stale, the oldest mark not yet rebuilt),
so every worker reads the same values.
"""

from __future__ import annotations

import hmac
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from content.core.db import Database
from content.core.errors import NotFound, Unauthenticated
from packs.builder import BuildResult, PackBuilder
from packs.due import oldest_mark
from packs.pack_id import PackId
from packs.store import stale_pack_ids

__all__ = ["MULTIPROCESS_ENV", "MeteredPackBuilder", "Metrics", "metrics_endpoint", "multiprocess_dir"]

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""prometheus-client's own variable: set, each process keeps its values in files in that directory."""

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The app's instruments; ``app.state.metrics``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "odyssee_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "odyssee_http_request_duration_seconds",
            "Time to answer a request, until the last byte was handed to the server",
            ["method", "route"],
            buckets=_BUCKETS,
            registry=r,
        )
        self.pack_builds = Counter("odyssee_pack_builds", "Pack builds by outcome", ["result"], registry=r)
        self.pack_build_seconds = Histogram(
            "odyssee_pack_build_duration_seconds", "Time to bring one pack up to date", registry=r,
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
        )  # fmt: skip
        # Set from the database just before a scrape: across workers, the scraping one's value is the one.
        self.stale_packs = Gauge(
            "odyssee_packs_stale", "Packs marked stale, waiting for a rebuild", registry=r,
            multiprocess_mode="mostrecent",
        )  # fmt: skip
        self.rebuild_lag = Gauge(
            "odyssee_pack_rebuild_lag_seconds",
            "Seconds since the first content change that no rebuild has caught up with yet",
            registry=r,
            multiprocess_mode="mostrecent",
        )
        self.login_failures = Counter(
            "odyssee_login_failures", "Sign-ins refused for wrong credentials", registry=r
        )
        self.login_throttled = Counter(
            "odyssee_login_throttled", "Sign-in attempts refused by the throttle", ["scope"], registry=r
        )
        self.blob_errors = Counter(
            "odyssee_blob_store_errors", "Blob store operations that failed", ["kind"], registry=r
        )
        self._request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        # The labelled children, looked up once per (method, route, status): ``labels()`` takes a lock and
        # builds its key on every call, a few microseconds per request (issue 15).
        children = self._request_children.get((method, route, status))
        if children is None:
            children = (self.requests.labels(method, route, str(status)), self.latency.labels(method, route))
            self._request_children[(method, route, status)] = children
        children[0].inc()
        children[1].observe(seconds)

    async def refresh(self, db: Database) -> None:
        """Read the gauges that come from the store, just before a scrape. The lag counts from the oldest
        change the rebuilder has marked and not yet built (whichever worker took the edit)."""
        async with db.read() as conn:
            stale = len(await stale_pack_ids(conn))
            since = await oldest_mark(conn) if stale else None
        self.stale_packs.set(stale)
        self.rebuild_lag.set(0.0 if since is None else max(0.0, time.time() - since))

    def exposition(self) -> bytes:
        """This process's values, or with ``PROMETHEUS_MULTIPROC_DIR`` set, the sum over all workers."""
        directory = os.environ.get(MULTIPROCESS_ENV)
        if not directory:
            return generate_latest(self.registry)
        every_worker = CollectorRegistry()
        MultiProcessCollector(every_worker, path=directory)  # type: ignore[no-untyped-call]
        return generate_latest(every_worker)


@contextmanager
def multiprocess_dir() -> Iterator[Path]:
    """For the supervisor of several workers: a fresh private directory named in ``PROMETHEUS_MULTIPROC_DIR``
    for the workers it starts (set before they import prometheus-client), removed on exit."""
    directory = Path(tempfile.mkdtemp(prefix="odyssee-metrics-"))
    previous = os.environ.get(MULTIPROCESS_ENV)
    os.environ[MULTIPROCESS_ENV] = str(directory)
    try:
        yield directory
    finally:
        if previous is None:
            os.environ.pop(MULTIPROCESS_ENV, None)
        else:
            os.environ[MULTIPROCESS_ENV] = previous
        shutil.rmtree(directory, ignore_errors=True)


class MeteredPackBuilder(PackBuilder):
    """The app's pack builder, counting and timing each build."""

    metrics: Metrics | None = None

    async def build(self, pack_id: PackId, *, force: bool = False) -> BuildResult | None:
        started = time.perf_counter()
        result = "failed"
        try:
            built = await super().build(pack_id, force=force)
            result = "removed" if built is None else ("built" if built.changed else "unchanged")
            return built
        finally:
            if self.metrics is not None:
                self.metrics.pack_builds.labels(result).inc()
                self.metrics.pack_build_seconds.observe(time.perf_counter() - started)


@get("/metrics", include_in_schema=False)
async def metrics_endpoint(request: Request[Any, Any, Any]) -> Response[bytes]:
    state = request.app.state
    token: str | None = state.settings.metrics_token
    if not token:
        raise NotFound("no such path")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Unauthenticated("send Authorization: Bearer <ODYSSEE_METRICS_TOKEN>")
    metrics: Metrics = state.metrics
    await metrics.refresh(state.db)
    return Response(
        metrics.exposition(), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"}
    )
