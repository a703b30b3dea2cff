"""The pages that create a POI or a route: one form of the first fields, a draft made through the JSON
API's create body, then the edit page. A mistake re-shows the form as typed, with the fields named."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import msgspec
from litestar import Request, Response

from content.core.clock import Clock
from content.core.db import Database
from content.core.errors import Forbidden, InvalidInput
from content.core.events import EventHub
from service.backoffice import domain
from service.backoffice._render import gettext_for, redirect, render
from service.backoffice.pages._forms import field_errors, read_form, text
from service.backoffice.pages._labels import Gettext

__all__ = ["NewDraftForm"]

AnyRequest = Request[Any, Any, Any]


@dataclass(frozen=True)
class NewDraftForm:
    """One kind's creation page: its list's path (the form posts to ``<path>/new``), template, form
    fields with their first values, the choices its selects show, and how the fields become the JSON
    API's create body (``InvalidInput`` naming a field the form checks itself)."""

    kind: Literal["poi", "route"]
    path: str
    template: str
    fields: tuple[str, ...]
    defaults: Mapping[str, str]
    choices: Callable[[Gettext], dict[str, Any]]
    body: Callable[[dict[str, str], Gettext], dict[str, Any]]

    async def page(
        self,
        request: AnyRequest,
        user: Any,
        db: Database,
        *,
        values: dict[str, str] | None = None,
        errors: list[Any] | None = None,
        status_code: int = 200,
    ) -> Response[Any]:
        if not domain.can_create(user, self.kind):
            raise Forbidden(f"your role cannot create a {self.kind}")
        offices = await domain.offices(db, user) if user.role == "admin" else []
        context = {
            "path": self.path,
            "values": values or {**dict.fromkeys((*self.fields, "office_id"), ""), **self.defaults},
            "errors": errors or [],
            "offices": [(office.id, office.name) for office in offices],
            **self.choices(gettext_for(request)),
        }
        return render(request, self.template, context, principal=user, status_code=status_code)

    async def submit(
        self, request: AnyRequest, user: Any, db: Database, events: EventHub, clock: Clock
    ) -> Response[Any]:
        form = await read_form(request)
        values = {name: text(form, name) for name in (*self.fields, "office_id")}
        try:
            draft_id = await domain.create_draft(
                events,
                db,
                user,
                self.kind,
                self.body(values, gettext_for(request)),
                office_id=(values["office_id"] or None) if user.role == "admin" else None,
                now=clock(),
            )
        except (InvalidInput, msgspec.ValidationError) as exc:
            return await self.page(
                request, user, db, values=values, errors=field_errors(exc), status_code=422
            )
        return redirect(f"{self.path}/{draft_id}?done=created")
