"""The one aiohttp server: platform webhooks, health, readiness and metrics."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from sqlalchemy import text

from bot import http_agenda
from bot import web as web_view
from bot.gauges import refresh as refresh_gauges
from bot.http_key import APP_KEY

if TYPE_CHECKING:
    from bot.bootstrap import App

log = logging.getLogger("krokodil.http")


def make_web_app(app: App) -> web.Application:
    """Routes shared by every deployment; adapters add their own webhook routes."""
    web_app = web.Application(
        client_max_size=1024 * 1024, middlewares=[_in_flight(app), web_view.middleware]
    )
    web_app[APP_KEY] = app
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readyz)
    web_app.router.add_get("/metrics", metrics)
    http_agenda.add_routes(web_app)
    web_view.add_routes(web_app)
    for adapter in app.adapters.values():
        adapter.add_routes(web_app)
    return web_app


def _in_flight(app: App) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if app.draining and request.path not in ("/healthz", "/readyz", "/metrics"):
            return web.json_response({"error": "shutting down"}, status=503)
        app.in_flight += 1
        app.idle.clear()
        try:
            return await handler(request)
        finally:
            app.in_flight -= 1
            if app.in_flight == 0:
                app.idle.set()

    return middleware


async def healthz(_request: web.Request) -> web.Response:
    """200 while the process runs."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """200 when the database answers (and we are not draining), 503 otherwise."""
    app = request.app[APP_KEY]
    body: dict[str, object] = {
        "scheduler_running": bool(app.ticker and app.ticker.running),
        "scheduler_leader": app.ticker.leadership.is_leader if app.ticker else False,
        "last_tick": app.ticker.last_pass.isoformat()
        if app.ticker and app.ticker.last_pass
        else None,
    }
    if app.draining:
        return web.json_response({**body, "status": "draining"}, status=503)
    try:
        async with asyncio.timeout(2):
            async with app.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except Exception as error:
        log.warning("readiness check failed: %s", type(error).__name__)
        return web.json_response({**body, "status": "database unavailable"}, status=503)
    return web.json_response({**body, "status": "ready"})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format; database-backed gauges are read at scrape time."""
    app = request.app[APP_KEY]
    await refresh_gauges(app.deps.uow, app.metrics, app.deps.clock.now())
    return web.Response(body=app.metrics.render(), content_type="text/plain", charset="utf-8")
