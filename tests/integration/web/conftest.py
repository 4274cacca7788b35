"""A web client on the real HTTP application, and sign-in through the link `/web` gives in chat."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import App
from bot.http import make_web_app
from tests.support import Chat

Client = TestClient[object, object]
LINK = re.compile(r"https?://\S+(/web/inloggen/[A-Za-z0-9_-]+)")


@pytest.fixture
async def client(app: App) -> AsyncIterator[Client]:
    async with TestClient(TestServer(make_web_app(app))) as http:
        yield http


async def link_from_chat(chat: Chat, handle: str) -> str:
    """The path of the sign-in link `/web` answers with in the console chat."""
    reply = await chat.as_(handle).say("/web")
    found = LINK.search(reply.text)
    assert found, reply.text
    return found.group(1)


def signin_token(page: str) -> str:
    """The CSRF token in the sign-in page's form."""
    found = re.search(
        r'action="/web/inloggen/[^"]+">\s*<input type="hidden" name="csrf" value="([^"]+)"', page
    )
    assert found, page
    return found.group(1)


async def sign_in(client: Client, chat: Chat, handle: str) -> str:
    """Sign in as a console person: the link page, then its button. Returns the CSRF token."""
    path = await link_from_chat(chat, handle)
    page = await client.get(path)
    assert page.status == 200
    done = await client.post(
        path, data={"csrf": signin_token(await page.text())}, allow_redirects=False
    )
    assert done.status == 303, await done.text()
    home = await client.get("/web/")
    assert home.status == 200
    token = re.search(r'name="csrf" value="([^"]+)"', await home.text())
    assert token
    return token.group(1)
