"""Where the web application keeps the bot's App, for every module that serves a route."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.bootstrap import App

APP_KEY: web.AppKey[App] = web.AppKey("krokodil", object)  # type: ignore[arg-type]
