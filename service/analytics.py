"""``POST /api/v1/analytics/batches``: anonymous usage events that phones collected offline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

from content.analytics.events import EVENT_TYPES, MAX_EVENTS, Batch, BatchAnswer
from content.analytics.recorder import AnalyticsRecorder
from content.core.inputs import decode_input
from service.problems import problem_responses

__all__ = ["AnalyticsBatchController", "recorder_of"]


def recorder_of(state: State) -> AnalyticsRecorder:
    recorder = state["analytics"]
    assert isinstance(recorder, AnalyticsRecorder)
    return recorder


def _text(description: str) -> Schema:
    return Schema(type=OpenAPIType.STRING, description=description)


@dataclass
class _BatchOperation(Operation):
    """Declares the body, which the handler decodes itself so that each error names its field."""

    def __post_init__(self) -> None:
        event = Schema(
            type=OpenAPIType.OBJECT,
            required=["type", "day", "count"],
            properties={
                "type": Schema(type=OpenAPIType.STRING, enum=list(EVENT_TYPES)),
                "day": Schema(type=OpenAPIType.STRING, format=None, description="YYYY-MM-DD"),
                "count": Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=100),
            },
            additional_properties=Schema(
                one_of=[Schema(type=OpenAPIType.STRING), Schema(type=OpenAPIType.INTEGER)]
            ),
            description="route_id, stop_id, trigger, listened_s, completion, pack_id, version, stars, "
            "producer_id or poi_id, as the type needs (see API.md)",
        )
        body = Schema(
            type=OpenAPIType.OBJECT,
            required=["app", "app_version", "platform", "lang", "events"],
            properties={
                "app": _text("the app's slug"),
                "app_version": _text("digits and dots, such as 2.4.0"),
                "platform": Schema(type=OpenAPIType.STRING, enum=["android", "ios", "web"]),
                "lang": _text("the app's language tag"),
                "events": Schema(type=OpenAPIType.ARRAY, items=event, max_items=MAX_EVENTS),
            },
        )
        self.request_body = RequestBody(
            content={"application/json": OpenAPIMediaType(schema=body)}, required=True
        )


class AnalyticsBatchController(Controller):
    path = "/api/v1/analytics"
    tags = ("analytics",)

    @post(
        "/batches",
        status_code=202,
        operation_class=_BatchOperation,
        responses=problem_responses(400, 413, 422),
        summary="Send usage events collected offline",
    )
    async def post_batch(self, request: Request[Any, Any, Any], state: State) -> BatchAnswer:
        """Count the valid events (at most 500); each other one is dropped with its index and reason
        (``unknown_type``, ``invalid``, ``unknown_id``, ``future_day``, ``too_old``, ``out_of_range``,
        ``over_budget``). Only daily counters are kept: not the address, not a header, not the body."""
        batch = decode_input(await request.body(), Batch)
        address = request.client.host if request.client else ""
        return await recorder_of(state).ingest(batch, address)
