"""Who is acting: the signed-in account as the permission rules see it."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["ROLES", "Principal", "Role"]

Role = Literal["admin", "staff", "producer"]
ROLES: tuple[Role, ...] = ("admin", "staff", "producer")


class Principal(msgspec.Struct, frozen=True):
    """The current user. Staff belong to one office; producer accounts to one producer.

    Also the ``user`` of the login answer and the body of ``GET /api/v1/me``.
    """

    id: str
    email: str
    role: Role
    office_id: str | None
    producer_id: str | None
