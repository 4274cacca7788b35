"""GET /agenda/{token}.ics: a person's meetings as a calendar feed Outlook can subscribe to."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.http_key import APP_KEY
from directory.models import Person
from scheduler import feed

log = logging.getLogger("krokodil.http.agenda")


async def agenda_feed(request: web.Request) -> web.Response:
    """The feed for the secret token in the URL; 404 for an unknown token (and no hint why)."""
    app = request.app[APP_KEY]
    token = request.match_info.get("token", "")
    now = app.deps.clock.now()
    async with app.deps.uow() as uow:
        person_id = await feed.person_for_token(uow.session, token)
        person = await uow.session.get(Person, person_id) if person_id is not None else None
        if person is None or not person.active:
            raise web.HTTPNotFound(text="not found")
        body = await feed.person_feed(
            uow.session, person.id, now, f"Groene Krokodil — {person.name}"
        )
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


def add_routes(web_app: web.Application) -> None:
    """Add the feed route."""
    web_app.router.add_get("/agenda/{token}.ics", agenda_feed)
