"""Signing in to the web view with the one-time link from chat, sessions, CSRF and headers."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.bootstrap import App, build
from bot.http import make_web_app
from bot.web.pages_account import SIGNIN_COOKIE
from core.audit import AuditEntry
from core.clock import FrozenClock
from core.config import Settings
from core.messages import Invocation
from tests.integration.web.conftest import Client, link_from_chat, sign_in, signin_token
from tests.support import Chat, make_person


async def _person(app: App, **extra: object) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org", **extra)  # type: ignore[arg-type]


async def test_the_link_from_chat_signs_in_once(app: App, chat: Chat, client: Client) -> None:
    await _person(app)
    reply = await chat.say("/web")
    assert reply.private and "10 minuten" in reply.text and "één keer" in reply.text
    path = await link_from_chat(chat, "f.elamrani")
    # Opening the link only shows a button: a chat app's link preview cannot use it up.
    page = await client.get(path)
    text = await page.text()
    assert page.status == 200 and "Inloggen" in text
    # Only the sign-in form's own cookie, no session yet.
    assert set(page.cookies) == {SIGNIN_COOKIE}
    done = await client.post(path, data={"csrf": signin_token(text)}, allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == "/web/"
    cookie = done.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/web" in cookie
    assert "Secure" not in cookie  # plain http in the test; behind https it is set
    home = await client.get("/web/")
    assert home.status == 200 and "Fatima el Amrani" in await home.text()
    again = await client.post(path, data={"csrf": signin_token(text)}, allow_redirects=False)
    assert again.status == 410 and "al gebruikt" in await again.text()
    async with app.deps.uow() as uow:
        actions = list(await uow.session.scalars(select(AuditEntry.action)))
    assert "web.link_issued" in actions and "web.signed_in" in actions


async def test_a_late_link_is_refused_and_says_how_to_get_a_new_one(
    app: App, chat: Chat, client: Client, clock: FrozenClock
) -> None:
    await _person(app)
    path = await link_from_chat(chat, "f.elamrani")
    clock.advance(timedelta(minutes=11))
    page = await client.get(path)
    text = await page.text()
    assert page.status == 410 and "verlopen" in text and "/web" in text
    assert (await client.post(path, allow_redirects=False)).status == 410
    unknown = await client.get("/web/inloggen/niet-een-echte-link")
    assert unknown.status == 404 and "ken ik niet" in await unknown.text()


async def test_pages_need_a_session_that_lasts_a_working_day(
    app: App, chat: Chat, client: Client, clock: FrozenClock
) -> None:
    await _person(app)
    outside = await client.get("/web/wie")
    assert outside.status == 401 and "Typ /web" in await outside.text()
    await sign_in(client, chat, "f.elamrani")
    clock.advance(timedelta(hours=8, minutes=50))
    assert (await client.get("/web/wie")).status == 200
    clock.advance(timedelta(minutes=15))
    assert (await client.get("/web/wie")).status == 401


async def test_sign_out_needs_the_form_token_and_ends_the_session(
    app: App, chat: Chat, client: Client
) -> None:
    await _person(app)
    csrf = await sign_in(client, chat, "f.elamrani")
    forged = await client.post("/web/uitloggen", data={"csrf": "wrong"}, allow_redirects=False)
    assert forged.status == 403 and "Formulier verlopen" in await forged.text()
    assert (await client.get("/web/")).status == 200
    cross = await client.post(
        "/web/uitloggen",
        data={"csrf": csrf},
        headers={"Origin": "https://elders.example"},
        allow_redirects=False,
    )
    assert cross.status == 403
    out = await client.post("/web/uitloggen", data={"csrf": csrf}, allow_redirects=False)
    assert out.status == 303 and out.headers["Location"] == "/web/uitgelogd"
    assert (await client.get("/web/")).status == 401
    async with app.deps.uow() as uow:
        actions = list(await uow.session.scalars(select(AuditEntry.action)))
    assert "web.signed_out" in actions


async def test_every_page_sends_the_security_headers(app: App, client: Client) -> None:
    for path in ("/web/", "/web/inloggen/x", "/web/uitgelogd"):
        response = await client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src" not in csp and "default-src 'none'" in csp, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert 'lang="nl"' in await response.text()
    health = await client.get("/healthz")
    assert "Content-Security-Policy" not in health.headers  # other endpoints stay as they were


async def test_unregistered_accounts_get_no_link(app: App, chat: Chat) -> None:
    reply = await chat.as_("onbekend").say("/web")
    assert "/web/inloggen/" not in reply.text


async def test_pages_speak_the_persons_language(app: App, chat: Chat, client: Client) -> None:
    await _person(app, language="en")
    await sign_in(client, chat, "f.elamrani")
    html = await (await client.get("/web/")).text()
    assert '<html lang="en">' in html and "Sign out" in html and "Who does what" in html


async def test_housekeeping_forgets_ended_links_and_sessions_but_not_the_audit(
    app: App, chat: Chat, client: Client, clock: FrozenClock
) -> None:
    from directory.models_signin import WebLink, WebSession
    from handlers.housekeeping import tidy

    await _person(app)
    await sign_in(client, chat, "f.elamrani")
    await link_from_chat(chat, "f.elamrani")  # a second link, never used
    assert await tidy(app.deps, clock.now()) == 0
    clock.advance(timedelta(days=2))
    assert await tidy(app.deps, clock.now()) == 3
    async with app.deps.uow() as uow:
        assert list(await uow.session.scalars(select(WebLink))) == []
        assert list(await uow.session.scalars(select(WebSession))) == []
        actions = list(await uow.session.scalars(select(AuditEntry.action)))
    assert "web.signed_in" in actions


async def test_a_link_is_never_shown_in_a_group(app: App) -> None:
    await _person(app)
    reply = await app.dispatcher.handle(
        Invocation(
            platform="console", account="f.elamrani", chat="groep:1", text="/web", is_direct=False
        )
    )
    assert "privégesprek" in reply.text and "/web/inloggen/" not in reply.text


async def test_behind_https_the_cookie_is_secure(
    settings: Settings, clock: FrozenClock, chat: Chat
) -> None:
    behind_proxy = replace(
        settings, server=replace(settings.server, public_url="https://krokodil.example.org")
    )
    bot = build(behind_proxy, clock=clock, rng=random.Random(1))
    try:
        await make_person(bot, "Fatima el Amrani", email="f.elamrani@example.org")
        reply = await Chat(bot, "f.elamrani").say("/web")
        assert "https://krokodil.example.org/web/inloggen/" in reply.text
        path = reply.text.split("https://krokodil.example.org", 1)[1].split()[0]
        async with TestClient(TestServer(make_web_app(bot))) as http:
            page = await http.get(path)
            browser = page.cookies[SIGNIN_COOKIE]
            assert browser["secure"] and browser["httponly"]
            # The test client speaks http, so it would not send a Secure cookie by itself.
            done = await http.post(
                path,
                data={"csrf": signin_token(await page.text())},
                headers={"Cookie": f"{SIGNIN_COOKIE}={browser.value}"},
                allow_redirects=False,
            )
            assert done.status == 303 and "Secure" in done.headers["Set-Cookie"]
    finally:
        await bot.close()


async def test_the_sign_in_button_needs_the_token_of_its_own_page(
    app: App, chat: Chat, client: Client
) -> None:
    await _person(app)
    path = await link_from_chat(chat, "f.elamrani")
    # A form elsewhere posting the link (no page opened, so no token): refused, link kept.
    bare = await client.post(path, allow_redirects=False)
    text = await bare.text()
    assert bare.status == 403 and "Inloggen geweigerd" in text and "opnieuw" in text
    assert bare.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert SIGNIN_COOKIE not in bare.cookies and "krokodil_sessie" not in bare.cookies
    page = await client.get(path)
    token = signin_token(await page.text())
    # A token for another link, or a made-up one, is refused too.
    other = await link_from_chat(chat, "f.elamrani")
    assert (await client.post(other, data={"csrf": token}, allow_redirects=False)).status == 403
    assert (await client.post(path, data={"csrf": "0" * 64}, allow_redirects=False)).status == 403
    # A browser without the page's cookie cannot use the token it read elsewhere.
    client.session.cookie_jar.clear()
    assert (await client.post(path, data={"csrf": token}, allow_redirects=False)).status == 403
    page = await client.get(path)
    done = await client.post(
        path, data={"csrf": signin_token(await page.text())}, allow_redirects=False
    )
    assert done.status == 303 and (await client.get("/web/")).status == 200


@pytest.mark.parametrize(
    ("trusted", "proto", "secure"),
    [
        ((), "https", False),  # anyone can send the header: ignored without a trusted proxy
        (("127.0.0.1",), "https", True),
        (("127.0.0.0/8",), "http, https", True),  # the nearest proxy's value counts
        (("127.0.0.1",), "http", False),
        (("10.0.0.0/8",), "https", False),  # the header from an address not trusted
    ],
)
async def test_forwarded_proto_counts_only_from_a_trusted_proxy(
    settings: Settings,
    clock: FrozenClock,
    trusted: tuple[str, ...],
    proto: str,
    secure: bool,
) -> None:
    web_settings = replace(settings.web, trusted_proxies=trusted)
    bot = build(replace(settings, web=web_settings), clock=clock, rng=random.Random(1))
    try:
        await make_person(bot, "Fatima el Amrani", email="f.elamrani@example.org")
        path = await link_from_chat(Chat(bot, "f.elamrani"), "f.elamrani")
        headers = {"X-Forwarded-Proto": proto}
        async with TestClient(TestServer(make_web_app(bot))) as http:
            page = await http.get(path, headers=headers)
            browser = page.cookies[SIGNIN_COOKIE]
            assert bool(browser["secure"]) is secure
            done = await http.post(
                path,
                data={"csrf": signin_token(await page.text())},
                headers={**headers, "Cookie": f"{SIGNIN_COOKIE}={browser.value}"},
                allow_redirects=False,
            )
            assert done.status == 303
            assert bool(done.cookies["krokodil_sessie"]["secure"]) is secure
    finally:
        await bot.close()
