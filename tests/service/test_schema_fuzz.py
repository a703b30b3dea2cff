"""Schemathesis against ``/schema/openapi.json``: every documented operation, called with generated
input as admin, staff, producer and anonymous, never answers 5xx and always answers as documented
(status code, content type, headers and body schema). Bounded: a few examples per operation."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.strategies import SearchStrategy
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.examples import get_strategies_from_examples

from content.accounts.tokens import issue_token
from content.core.clock import utc_now
from content.core.db import Database
from content.core.settings import load_settings
from service.app import create_app
from tests.service.accounts_fixtures import Accounts, accounts_template
from tests.territory import load_demo

__all__ = ["accounts_template"]

EXAMPLES_PER_OPERATION = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
Tokens = dict[str, dict[str, str]]


async def _seed(path: Path, accounts: Accounts) -> Tokens:
    tokens: Tokens = {"anonymous": {}}
    async with Database(path) as db:
        await load_demo(db)
        async with db.write() as conn:
            for role in ("admin", "staff", "producer"):
                account = getattr(accounts, role)
                issued = await issue_token(conn, account.id, now=utc_now(), ttl_s=3600)
                tokens[role] = {"Authorization": f"Bearer {issued.token}"}
    return tokens


@pytest.fixture(scope="module")
def fuzzed(
    tmp_path_factory: pytest.TempPathFactory, accounts_template: tuple[Path, Accounts]
) -> Iterator[tuple[Litestar, Tokens]]:
    data_dir = tmp_path_factory.mktemp("schema-fuzz") / "data"
    data_dir.mkdir()
    shutil.copyfile(accounts_template[0], data_dir / "odyssee.sqlite3")
    tokens = asyncio.run(_seed(data_dir / "odyssee.sqlite3", accounts_template[1]))
    app = create_app(load_settings(env={}, data_dir=data_dir))
    try:
        yield app, tokens
    finally:
        asgi.shutdown_lifespans()


def _call_as_everyone(strategy: SearchStrategy[schemathesis.Case], count: int, tokens: Tokens) -> None:
    @hypothesis_settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case: schemathesis.Case) -> None:
        for headers in tokens.values():
            case.call_and_validate(headers=headers, checks=CHECKS)

    call()


def test_every_operation_answers_as_documented(fuzzed: tuple[Litestar, Tokens]) -> None:
    app, tokens = fuzzed
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    failures: list[str] = []
    # Creations first, so that the documented example ids exist for the reads and writes that follow;
    # signing out revokes the token the case was sent with, so it goes last.
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: (operation.path == "/api/v1/auth/logout", operation.method.upper() != "POST"),
    )
    assert len(operations) > 20

    for operation in operations:
        # The documented examples once (valid bodies reach the write paths), then generated input.
        runs = [(strategy, 1) for strategy in get_strategies_from_examples(operation)]
        runs.append((operation.as_strategy(), EXAMPLES_PER_OPERATION))
        for strategy, count in runs:
            try:
                _call_as_everyone(strategy, count, tokens)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # schemathesis raises a BaseExceptionGroup; list every operation
                failures.append(f"{operation.label}: {exc}")
                break
    assert not failures, "\n\n".join(failures)
