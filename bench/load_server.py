"""The processes under load: the real bot, and the bare apps it is compared with.

    python -m bench.load_server bot --db URL --port P --slack-api URL --telegram-api URL
    python -m bench.load_server bare-slack --port P --slack-api URL
    python -m bench.load_server bare-telegram --port P --telegram-api URL

The bot is built exactly as ``krokodil run`` builds it (bootstrap, prepare,
run_platforms: HTTP server, ticker, outbox delivery), with the Slack adapter in
HTTP mode and the Telegram adapter in webhook mode, both pointed at local
stand-ins. The bare apps do only what every Slack or Telegram bot must: verify
and acknowledge (Slack: a Bolt AsyncApp whose listener only acks; Telegram: a
python-telegram-bot Application behind the same secret check, with a handler
that does nothing). Each runs until SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import signal
import sys
from dataclasses import replace
from typing import Any

from aiohttp import web

SLACK_SECRET = "bench-signing-secret-0123456789abcdef"
SLACK_TOKEN = "xoxb-bench"
TELEGRAM_TOKEN = "123456:BENCH-token"
TELEGRAM_SECRET = "bench-webhook-secret"


async def run_bot(args: argparse.Namespace) -> None:
    """The real bot on the given database, serving /slack/events and /telegram/webhook."""
    from bot.adapters.slack import SlackAdapter
    from bot.adapters.telegram import TelegramAdapter
    from bot.adapters.telegram.ratelimit import TelegramRateLimiter
    from bot.bootstrap import build
    from bot.logging_setup import configure_logging
    from bot.runtime import prepare, run_platforms
    from core.config import DatabaseConfig, ServerConfig, Settings, SlackConfig, TelegramConfig

    configure_logging()
    base = Settings()
    settings = replace(
        base,
        database=DatabaseConfig(url=args.db, pool_size=args.pool),
        server=ServerConfig(
            host="127.0.0.1", port=args.port, public_url=f"http://127.0.0.1:{args.port}"
        ),
        bot=replace(base.bot, demo_data=False),
        slack=SlackConfig(
            api_url=args.slack_api, bot_token=SLACK_TOKEN, signing_secret=SLACK_SECRET
        ),
        telegram=TelegramConfig(
            base_url=args.telegram_api,
            token=TELEGRAM_TOKEN,
            webhook_secret=TELEGRAM_SECRET,
            mode="webhook",
        ),
    )
    app = build(settings)
    await prepare(app, migrate=False)
    adapters = [
        SlackAdapter(app),
        # The stand-in does not throttle; Telegram's own 30 messages/s cap is a platform
        # limit documented next to the numbers, not a cost of the bot.
        TelegramAdapter(
            app,
            rate_limiter=TelegramRateLimiter(overall_per_second=1_000_000, private_per_second=0),
        ),
    ]
    await run_platforms(app, adapters)


async def run_bare_slack(args: argparse.Namespace) -> None:
    """A Bolt AsyncApp whose slash-command listener only acknowledges."""
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    api = args.slack_api if args.slack_api.endswith("/") else args.slack_api + "/"
    bolt = AsyncApp(
        client=AsyncWebClient(token=SLACK_TOKEN, base_url=api), signing_secret=SLACK_SECRET
    )

    async def ack_only(ack: Any) -> None:
        await ack()

    bolt.command(re.compile(r"^/"))(ack_only)
    await _serve(bolt.web_app(path="/slack/events"), args.port)


async def run_bare_telegram(args: argparse.Namespace) -> None:
    """A python-telegram-bot Application behind a secret-checked webhook; it does nothing."""
    import hmac

    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, TypeHandler

    application = (
        ApplicationBuilder().token(TELEGRAM_TOKEN).base_url(args.telegram_api).updater(None).build()
    )

    async def nothing(_update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        return None

    application.add_handler(TypeHandler(Update, nothing))
    await application.initialize()

    async def webhook(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), TELEGRAM_SECRET.encode()):
            return web.json_response({"ok": False}, status=403)
        update = Update.de_json(await request.json(), application.bot)
        await application.process_update(update)
        return web.json_response({"ok": True})

    web_app = web.Application()
    web_app.router.add_post("/telegram/webhook", webhook)
    web_app.router.add_get("/readyz", _ready)
    try:
        await _serve(web_app, args.port)
    finally:
        await application.shutdown()


async def _ready(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ready"})


async def _serve(web_app: web.Application, port: int) -> None:
    """Serve until SIGTERM/SIGINT."""
    if not any(r.resource and r.resource.canonical == "/readyz" for r in web_app.router.routes()):
        web_app.router.add_get("/readyz", _ready)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def main(argv: list[str]) -> int:
    """Parse the role and serve it."""
    parser = argparse.ArgumentParser(prog="python -m bench.load_server")
    parser.add_argument("role", choices=("bot", "bare-slack", "bare-telegram"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", default="")
    parser.add_argument("--pool", type=int, default=10)
    parser.add_argument("--slack-api", default="")
    parser.add_argument("--telegram-api", default="")
    args = parser.parse_args(argv)
    role = {"bot": run_bot, "bare-slack": run_bare_slack, "bare-telegram": run_bare_telegram}
    asyncio.run(role[args.role](args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
