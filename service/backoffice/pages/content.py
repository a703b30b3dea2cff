"""Staff content pages (POIs, routes), the uploads of pictures and narrations, and the live
opening-hours preview."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, FromQuery

from content.core.errors import InvalidInput, NotFound, PreconditionFailed, PreconditionRequired
from content.core.settings import Settings
from content.media import TEXT_LIMITS
from service.backoffice import domain
from service.backoffice._render import gettext_for, redirect
from service.backoffice.deps import UserDep
from service.backoffice.pages._labels import hours_text
from service.backoffice.pages.pois import poi_pages
from service.backoffice.pages.routes import route_pages
from service.deps import BlobsDep, ClockDep, DatabaseDep, EventsDep, SettingsDep
from service.editor.multipart_spool import spool_upload
from service.editor.uploads import MULTIPART_OVERHEAD_BYTES

__all__ = ["content_pages"]

AnyRequest = Request[Any, Any, Any]
_TEXTS = (*TEXT_LIMITS, "etag", "lang")


@get("/hours-preview", include_in_schema=False)
async def hours_preview(
    request: AnyRequest,
    user: UserDep,
    clock: ClockDep,
    value: FromQuery[str] = "",
    lat: FromQuery[float] = 48.4,
    lon: FromQuery[float] = 0.8,
) -> Response[str]:
    """The preview as text, for the live ``<output>`` beside an opening-hours field."""
    del user  # signed-in only
    text = hours_text(gettext_for(request), value, (lon, lat), clock())
    return Response(text, media_type="text/plain; charset=utf-8", headers={"Cache-Control": "no-store"})


def upload_handlers(settings: Settings) -> list[HTTPRouteHandler]:
    limit = settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES

    async def _ingest(
        request: AnyRequest, user: Any, db: Any, blobs: Any, settings: Settings
    ) -> tuple[Any, dict[str, str]]:
        async with spool_upload(
            request,
            temp_dir=settings.data_dir / "uploads",
            texts=_TEXTS,
            max_file_bytes=settings.max_upload_bytes,
        ) as upload:
            ref = await domain.upload(
                db,
                blobs,
                settings,
                user,
                upload.path,
                credit=upload.texts.get("credit"),
                licence=upload.texts.get("licence"),
                alt=upload.texts.get("alt"),
            )
            return ref, upload.texts

    @post("/pois/{poi_id:str}/media", include_in_schema=False, status_code=303, request_max_body_size=limit)
    async def poi_media(
        request: AnyRequest,
        user: UserDep,
        db: DatabaseDep,
        blobs: BlobsDep,
        settings: SettingsDep,
        events: EventsDep,
        clock: ClockDep,
        poi_id: FromPath[str],
    ) -> Response[Any]:
        record = await domain.poi_for_editor(db, user, poi_id)
        if not domain.can_edit(user, "poi", record.office_id):
            from content.core.errors import Forbidden

            raise Forbidden("not your office's POI")
        ref, texts = await _ingest(request, user, db, blobs, settings)
        if ref.kind == "image":
            fields: dict[str, Any] = {"images": [*record.images, ref.id]}
        else:
            fields = {"audio": {**record.audio, (texts.get("lang") or "fr"): ref.id}}
        try:
            await domain.save_poi(
                events, db, user, poi_id, fields, if_match=texts.get("etag", ""), now=clock()
            )
        except (PreconditionFailed, PreconditionRequired):
            latest = await domain.poi_for_editor(db, user, poi_id)
            await domain.save_poi(
                events,
                db,
                user,
                poi_id,
                fields if ref.kind != "image" else {"images": [*latest.images, ref.id]},
                if_match=domain.poi_etag(latest),
                now=clock(),
            )
        return redirect(f"/backoffice/pois/{poi_id}?done=uploaded#h-media")

    @post(
        "/producers/{producer_id:str}/offers/{offer_id:str}/media",
        include_in_schema=False,
        status_code=303,
        request_max_body_size=limit,
    )
    async def offer_media(
        request: AnyRequest,
        user: UserDep,
        db: DatabaseDep,
        blobs: BlobsDep,
        settings: SettingsDep,
        events: EventsDep,
        clock: ClockDep,
        producer_id: FromPath[str],
        offer_id: FromPath[str],
    ) -> Response[Any]:
        offer = await domain.offer(db, user, producer_id, offer_id)
        ref, _texts = await _ingest(request, user, db, blobs, settings)
        if ref.kind != "image":
            raise InvalidInput.field("file", "an offer's photo must be a picture")
        await domain.save_offer(
            events,
            db,
            user,
            producer_id,
            offer_id,
            {"images": [*offer.images, ref.id]},
            if_match=None,
            now=clock(),
            require_match=False,
        )
        return redirect(f"/backoffice/producers/{producer_id}/offers/{offer_id}")

    @post(
        "/routes/{route_id:str}/stops/{stop_id:str}/media",
        include_in_schema=False,
        status_code=303,
        request_max_body_size=limit,
    )
    async def stop_media(
        request: AnyRequest,
        user: UserDep,
        db: DatabaseDep,
        blobs: BlobsDep,
        settings: SettingsDep,
        events: EventsDep,
        clock: ClockDep,
        route_id: FromPath[str],
        stop_id: FromPath[str],
    ) -> Response[Any]:
        """A picture or a narration (in the chosen language) for one stop; the other stops are kept."""
        route = await domain.route_for_editor(db, user, route_id)
        domain.require_edit(user, "route", route.office_id)
        if stop_id not in {stop.id for stop in route.stops}:
            raise NotFound(f"route {route_id!r} has no stop {stop_id!r}")
        ref, texts = await _ingest(request, user, db, blobs, settings)
        latest = await domain.route_for_editor(db, user, route_id)
        stops = [msgspec.to_builtins(stop.to_input()) for stop in latest.stops]
        for stop in stops:
            if stop.get("id") == stop_id:
                if ref.kind == "image":
                    stop["images"] = [*stop.get("images", []), ref.id]
                else:
                    stop["audio"] = {**stop.get("audio", {}), (texts.get("lang") or "fr"): ref.id}
        await domain.save_stops(
            events, db, user, route_id, stops, if_match=domain.route_etag(latest), now=clock()
        )
        return redirect(f"/backoffice/routes/{route_id}?done=uploaded#stops")

    return [poi_media, offer_media, stop_media]


def content_pages(settings: Settings) -> list[Any]:
    return [*poi_pages, *route_pages, hours_preview, *upload_handlers(settings)]
