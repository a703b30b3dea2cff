"""The back-office's own dependency: ``user``, the account of the session cookie."""

from __future__ import annotations

from litestar.di import NamedDependency

from content.accounts.principal import Principal

__all__ = ["UserDep"]

UserDep = NamedDependency[Principal]
