"""The back-office base over HTTP: sign-in redirect, language choice, static files, cookies, CSRF."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.backoffice._static import static_url
from tests.service.accounts_fixtures import *  # noqa: F403
from tests.service.accounts_fixtures import Accounts, count_rows


async def _csrf(client: AsyncTestClient[Litestar], path: str = "/backoffice/login") -> str:
    page = await client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def test_pages_need_a_session(client: AsyncTestClient[Litestar]) -> None:
    answer = await client.get("/backoffice/pois", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/backoffice/login?next=%2Fbackoffice%2Fpois"


async def test_french_first_then_accept_language_then_the_switch(client: AsyncTestClient[Litestar]) -> None:
    assert "Mot de passe" in (await client.get("/backoffice/login")).text
    english = await client.get("/backoffice/login", headers={"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
    assert english.headers["content-language"] == "en"
    assert "Password" in english.text
    token = await _csrf(client)
    await client.post(
        "/backoffice/language", data={"csrf_token": token, "lang": "en", "next": "/backoffice/login"}
    )
    assert "Password" in (await client.get("/backoffice/login", headers={"Accept-Language": "fr"})).text


async def test_static_files_are_immutable_and_compressed(client: AsyncTestClient[Litestar]) -> None:
    answer = await client.get(
        static_url("vendor/leaflet-1.9.4/leaflet.js"), headers={"Accept-Encoding": "gzip"}
    )
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.headers["content-type"].startswith("text/javascript")
    stale = await client.get("/backoffice/static/0000000000000000/app.css")
    assert stale.status_code == 404


async def test_sign_in_sets_a_session_cookie_and_wrong_passwords_stay_on_the_page(
    client: AsyncTestClient[Litestar], accounts: Accounts
) -> None:
    token = await _csrf(client)
    wrong = await client.post(
        "/backoffice/login", data={"csrf_token": token, "email": accounts.staff.email, "password": "nope"}
    )
    assert wrong.status_code == 401
    assert wrong.headers["content-type"].startswith("text/html")
    assert "Adresse e-mail ou mot de passe incorrect." in wrong.text
    answer = await client.post(
        "/backoffice/login",
        data={"csrf_token": token, "email": accounts.staff.email, "password": accounts.staff.password},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "odyssee_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Path=/backoffice" in cookie
    assert "Secure" not in cookie  # plain HTTP here; behind HTTPS the cookie is Secure


async def test_the_cookie_is_secure_behind_https(accounts: Accounts, app: Litestar) -> None:
    async with AsyncTestClient(app, base_url="https://backoffice.example") as client:
        token = await _csrf(client)
        answer = await client.post(
            "/backoffice/login",
            data={"csrf_token": token, "email": accounts.staff.email, "password": accounts.staff.password},
            follow_redirects=False,
        )
        assert "Secure" in answer.headers["set-cookie"]


async def test_a_login_post_without_the_csrf_token_is_refused(
    client: AsyncTestClient[Litestar], accounts: Accounts, db: object
) -> None:
    tokens = await count_rows(db, "auth_tokens")  # type: ignore[arg-type]
    answer = await client.post(
        "/backoffice/login", data={"email": accounts.staff.email, "password": accounts.staff.password}
    )
    assert answer.status_code == 403
    assert await count_rows(db, "auth_tokens") == tokens  # type: ignore[arg-type]


async def test_repeated_failures_are_throttled_like_the_api(
    client: AsyncTestClient[Litestar], accounts: Accounts
) -> None:
    token = await _csrf(client)
    wrong = {"csrf_token": token, "email": accounts.producer.email, "password": "wrong password"}
    for _ in range(5):
        assert (await client.post("/backoffice/login", data=wrong)).status_code == 401
    right = {**wrong, "password": accounts.producer.password}
    refused = await client.post("/backoffice/login", data=right)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "Trop d’essais manqués" in refused.text
    assert "odyssee_session" not in refused.headers.get("set-cookie", "")
