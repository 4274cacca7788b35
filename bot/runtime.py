"""Running the bot: prepare the database, start platforms or the console, shut down gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import text

from bot.adapters.base import Adapter
from bot.adapters.console import ConsoleAdapter
from bot.bootstrap import App
from bot.migrate import at_heads
from directory.demo import seed_if_empty
from directory.identity import IdentityRepository, console_handle

if TYPE_CHECKING:
    # The HTTP server (aiohttp, the web view's templates) is imported where it is started:
    # `krokodil say` shares this module and never serves HTTP.
    from aiohttp import web

log = logging.getLogger("krokodil.runtime")


# Arbitrary but fixed: the advisory lock that makes replicas starting together prepare the
# database one after the other ("prep" in ASCII).
PREPARE_LOCK_ID = 0x70726570


@contextlib.asynccontextmanager
async def one_replica_at_a_time(app: App) -> AsyncIterator[None]:
    """On PostgreSQL, wait for a session advisory lock (on a connection of its own) while
    preparing: two replicas that start at once would otherwise both insert the theme catalog
    and one would die on its unique key. SQLite deployments are one process."""
    if app.engine.dialect.name != "postgresql":
        yield
        return
    async with app.engine.connect() as conn:
        await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PREPARE_LOCK_ID})
        await conn.commit()
        try:
            yield
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PREPARE_LOCK_ID})
            await conn.commit()


async def prepare(app: App, *, migrate: bool = True) -> None:
    """Migrate the schema and, on an empty directory, load the demo data (when enabled)."""
    async with one_replica_at_a_time(app):
        # Alembic is imported only when there is something to migrate (most starts: nothing).
        if migrate and not await at_heads(app.engine):
            from bot.migrate import upgrade_async

            await upgrade_async(app.settings.database.url)
        await seed_if_empty(
            app.deps.uow,
            app.deps.clock.now(),
            load_demo=app.settings.bot.demo_data,
            admins=app.settings.bot.admins,
        )


def platform_adapters(app: App) -> list[Adapter]:
    """Adapters for every platform whose token is set."""
    adapters: list[Adapter] = []
    if app.settings.slack.enabled:
        from bot.adapters.slack import SlackAdapter

        adapters.append(SlackAdapter(app))
    if app.settings.telegram.enabled:
        from bot.adapters.telegram import TelegramAdapter

        adapters.append(TelegramAdapter(app))
    if app.settings.teams.enabled:
        from bot.adapters.teams import TeamsAdapter

        adapters.append(TeamsAdapter(app))
    return adapters


async def resolve_console_handle(app: App, who: str) -> str:
    """The console account for `--as WHO` (an e-mail or a handle); unknown people keep WHO."""
    async with app.deps.uow() as uow:
        person = await uow.repo(IdentityRepository).find_console_person(who)
        if person is None:
            return who.lower()
        return console_handle(person.email, person.name)


async def run_console(app: App, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
    """The console chat until end of input, with what every platform has: timers, the
    outbox and the HTTP server (health, metrics, calendar feeds)."""
    if app.deps.directory is not None:
        await app.deps.directory.start()
    handle = await resolve_console_handle(app, app.settings.bot.console_user)
    console = ConsoleAdapter(app.dispatcher.handle, handle, stdin=stdin, stdout=stdout)
    app.add_adapter(console)
    runner = await _serve_http_for_console(app, console)
    assert app.ticker is not None
    # What is due now is done before the first line is read, then every tick as elsewhere.
    await app.ticker.run_pass()
    app.ticker.start(run_now=False)
    delivery = asyncio.create_task(app.delivery.serve(interval=1.0))
    try:
        await console.start()
        # End of input: what the last lines set in motion (a mee-loop round, a reminder
        # that fell due) still happens and is shown before the chat closes. The interval
        # timer and the delivery loop stop first: two senders would show a message twice.
        await app.ticker.stop()
        await app.ticker.run_pass()
        app.delivery.stop_serving()
        await asyncio.wait({delivery}, timeout=20)
        await app.delivery.flush()
    finally:
        await app.ticker.stop()
        app.delivery.stop_serving()
        delivery.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivery
        if runner is not None:
            await runner.cleanup()


async def _serve_http_for_console(app: App, console: ConsoleAdapter) -> web.AppRunner | None:
    """The HTTP server beside the console chat; a port in use is said, not fatal."""
    from aiohttp import web

    from bot.http import make_web_app

    host, port = app.settings.server.host, app.settings.server.port
    runner = web.AppRunner(make_web_app(app), handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        await runner.cleanup()
        log.warning("console: no HTTP server", extra={"host": host, "port": port})
        console.note(
            f"(Geen HTTP-server: {host}:{port} is niet beschikbaar ({error.strerror}). "
            "Kies een andere poort met KROKODIL_PORT.)"
        )
        return None
    console.note(f"(HTTP-server op http://{host}:{port}: /healthz, /metrics, agenda-feeds)")
    return runner


async def run_platforms(
    app: App, adapters: list[Adapter], stop: asyncio.Event | None = None
) -> None:
    """Serve every platform on one HTTP server until SIGTERM/SIGINT (or `stop`), then drain."""
    from aiohttp import web

    from bot.http import make_web_app

    for adapter in adapters:
        app.add_adapter(adapter)
    if app.deps.directory is not None:
        # Before listening: /readyz says ready only once lookups are served from memory.
        await app.deps.directory.start()
    web_app = make_web_app(app)
    runner = web.AppRunner(web_app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, app.settings.server.host, app.settings.server.port)
    await site.start()
    log.info(
        "listening", extra={"host": app.settings.server.host, "port": app.settings.server.port}
    )
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
    for adapter in adapters:
        await adapter.start()
    assert app.ticker is not None
    app.ticker.start()
    delivery = asyncio.create_task(app.delivery.serve())
    await stop.wait()
    # A second signal while draining takes the default action: stop at once.
    for sig in handled:
        loop.remove_signal_handler(sig)
    await shutdown(app, runner, delivery)


async def shutdown(
    app: App, runner: web.AppRunner, delivery: asyncio.Task[None], grace: float = 20
) -> None:
    """Stop taking requests, let in-flight ones finish, flush the outbox, release the database."""
    log.info("shutting down", extra={"in_flight": app.in_flight})
    # New requests get 503 and /readyz says "draining", so the load balancer moves on.
    app.draining = True
    if app.ticker is not None:
        # No new timer work here; another replica can take the scheduler lock now.
        await app.ticker.stop(keep_presence=True)
    for adapter in app.adapters.values():
        await adapter.stop()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(app.idle.wait(), timeout=grace)
    if app.ticker is not None:
        # Only now may another replica redo the events this one claimed and did not finish.
        await app.ticker.presence.release()
    # Let the delivery loop finish the message it is sending rather than cut it off.
    app.delivery.stop_serving()
    finished, _pending = await asyncio.wait({delivery}, timeout=grace)
    if not finished:
        delivery.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivery
    await app.delivery.flush()
    for adapter in app.adapters.values():
        # Adapters that hold connections release them only now: the flush above still sends.
        await adapter.close()
    await runner.cleanup()
    await app.close()


def console_streams() -> tuple[TextIO, TextIO]:
    """stdin/stdout (separated for tests)."""
    return sys.stdin, sys.stdout
