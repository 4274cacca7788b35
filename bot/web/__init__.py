"""The web view: the sociale kaart, coverage, the network report, knelpunten and the agenda.

Server-rendered pages (aiohttp-jinja2, no script needed) on the bot's own HTTP server,
under ``/web/``. People sign in with a one-time link from ``/web`` in chat
(``directory.signin``); ``guard`` adds the session, CSRF checks and security headers.
Pages reuse the handlers and domain code, so the web answers what chat answers.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.web import (
    guard,
    pages_account,
    pages_agenda,
    pages_directory,
    pages_knelpunten,
    pages_network,
)

STATIC = Path(__file__).resolve().parent / "static"


def add_routes(web_app: web.Application) -> None:
    """Templates, the static files and every page of the web view."""
    aiohttp_jinja2.setup(
        web_app,
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    web_app.router.add_static("/web/static/", STATIC, name="static", append_version=True)
    pages_account.add_routes(web_app)
    pages_directory.add_routes(web_app)
    pages_network.add_routes(web_app)
    pages_knelpunten.add_routes(web_app)
    pages_agenda.add_routes(web_app)


middleware = guard.middleware
