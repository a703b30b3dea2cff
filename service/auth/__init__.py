"""Authentication: sign-in endpoints, the bearer-token guard and role guards."""

from __future__ import annotations

from service.auth.endpoints import auth_handlers
from service.auth.guards import (
    BEARER_SECURITY,
    admin_only,
    bearer_token,
    current_principal,
    editors_only,
    provide_principal,
    requires_role,
    signed_in,
)

__all__ = [
    "BEARER_SECURITY",
    "admin_only",
    "auth_handlers",
    "bearer_token",
    "current_principal",
    "editors_only",
    "provide_principal",
    "requires_role",
    "signed_in",
]
