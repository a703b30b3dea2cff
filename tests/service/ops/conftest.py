from __future__ import annotations

from tests.service.accounts_fixtures import accounts, accounts_template, app, auth, clock, settings

__all__ = ["accounts", "accounts_template", "app", "auth", "clock", "settings"]
