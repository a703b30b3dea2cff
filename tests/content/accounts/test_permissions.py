from __future__ import annotations

import sqlite3

import pytest

from content.accounts.permissions import (
    ContentKind,
    assign_office,
    can_create,
    can_edit,
    can_list,
    can_manage_offices,
    can_manage_users,
    can_read,
    can_upload_media,
    edit_scope_sql,
    read_scope_sql,
    require_edit,
)
from content.accounts.principal import Principal
from content.core.errors import Forbidden

ADMIN = Principal(id="a", email="a@x.example", role="admin", office_id=None, producer_id=None)
STAFF = Principal(id="s", email="s@x.example", role="staff", office_id="ot-perche", producer_id=None)
PRODUCER = Principal(id="p", email="p@x.example", role="producer", office_id=None, producer_id="ferme")


def test_only_admins_manage_accounts_and_offices() -> None:
    assert can_manage_users(ADMIN)
    assert can_manage_offices(ADMIN)
    for principal in (STAFF, PRODUCER):
        assert not can_manage_users(principal)
        assert not can_manage_offices(principal)


def test_everyone_signed_in_uploads_media() -> None:
    assert all(can_upload_media(p) for p in (ADMIN, STAFF, PRODUCER))


@pytest.mark.parametrize(
    ("principal", "kind", "office", "producer", "expected"),
    [
        (ADMIN, "poi", "ot-loir", None, True),
        (ADMIN, "route", None, None, True),
        (STAFF, "poi", "ot-perche", None, True),
        (STAFF, "route", "ot-perche", None, True),
        (STAFF, "poi", "ot-loir", None, False),
        (STAFF, "poi", None, None, False),
        (STAFF, "producer", "ot-perche", "ferme", True),
        (STAFF, "offer", "ot-perche", "ferme", True),
        (STAFF, "producer", "ot-loir", "ferme", False),
        (PRODUCER, "producer", "ot-loir", "ferme", True),
        (PRODUCER, "offer", "ot-loir", "ferme", True),
        (PRODUCER, "producer", "ot-loir", "autre-ferme", False),
        (PRODUCER, "offer", None, None, False),
        (PRODUCER, "poi", "ot-perche", None, False),
        (PRODUCER, "route", None, None, False),
    ],
)
def test_edit_rules(
    principal: Principal, kind: ContentKind, office: str | None, producer: str | None, expected: bool
) -> None:
    assert can_edit(principal, kind, office, producer) is expected
    if expected:
        require_edit(principal, kind, office, producer)
    else:
        with pytest.raises(Forbidden):
            require_edit(principal, kind, office, producer)


def test_reading_and_listing() -> None:
    assert can_read(STAFF, "poi", "ot-loir")
    assert can_read(STAFF, "producer", "ot-loir", "autre-ferme")
    assert can_read(PRODUCER, "producer", None, "ferme")
    assert not can_read(PRODUCER, "producer", None, "autre-ferme")
    assert not can_read(PRODUCER, "route", "ot-perche")
    assert can_list(STAFF, "route")
    assert can_list(ADMIN, "poi")
    assert can_list(PRODUCER, "offer")
    assert not can_list(PRODUCER, "poi")


def test_creation_rules() -> None:
    assert can_create(ADMIN, "producer")
    assert can_create(STAFF, "poi")
    assert can_create(STAFF, "route")
    assert not can_create(STAFF, "producer")
    assert not can_create(PRODUCER, "poi")
    assert not can_create(PRODUCER, "producer")
    assert can_create(PRODUCER, "offer", producer_id="ferme")
    assert not can_create(PRODUCER, "offer", producer_id="autre-ferme")
    assert can_create(STAFF, "offer", owner_office_id="ot-perche", producer_id="ferme")
    assert not can_create(STAFF, "offer", owner_office_id="ot-loir", producer_id="ferme")


def test_new_content_belongs_to_the_staffs_office() -> None:
    assert assign_office(STAFF, None) == "ot-perche"
    assert assign_office(STAFF, "ot-perche") == "ot-perche"
    with pytest.raises(Forbidden):
        assign_office(STAFF, "ot-loir")
    assert assign_office(ADMIN, "ot-loir") == "ot-loir"
    assert assign_office(ADMIN, None) is None


def test_scope_filters_select_what_the_rules_allow() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE pois (id TEXT, office_id TEXT)")
    conn.executemany("INSERT INTO pois VALUES (?, ?)", [("a", "ot-perche"), ("b", "ot-loir"), ("c", None)])
    conn.execute("CREATE TABLE offers (id TEXT, producer_id TEXT, office_id TEXT)")
    conn.executemany(
        "INSERT INTO offers VALUES (?, ?, ?)", [("o1", "ferme", "ot-loir"), ("o2", "autre", "ot-perche")]
    )

    def ids(table: str, clause: tuple[str, tuple[object, ...]]) -> list[str]:
        sql, params = clause
        return [row[0] for row in conn.execute(f"SELECT id FROM {table} WHERE {sql} ORDER BY id", params)]

    assert ids("pois", edit_scope_sql(ADMIN, "poi")) == ["a", "b", "c"]
    assert ids("pois", edit_scope_sql(STAFF, "poi")) == ["a"]
    assert ids("pois", edit_scope_sql(PRODUCER, "poi")) == []
    assert ids("pois", read_scope_sql(STAFF, "poi")) == ["a", "b", "c"]
    assert ids("pois", read_scope_sql(PRODUCER, "poi")) == []
    assert ids("offers", edit_scope_sql(PRODUCER, "offer")) == ["o1"]
    assert ids("offers", read_scope_sql(PRODUCER, "offer")) == ["o1"]
    assert ids("offers", edit_scope_sql(STAFF, "offer")) == ["o2"]
    with pytest.raises(ValueError, match="column"):
        edit_scope_sql(STAFF, "poi", office_column="office_id; DROP TABLE pois")
