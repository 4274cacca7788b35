"""The web view in a real browser: Debian's Chromium driven by Playwright, axe-core injected.

The bot's HTTP server runs in the test on a free port with the demo directory; sign-in
links come from `krokodil say "/web"` run as a separate process on the same database, as a
person would get them. Playwright never downloads a browser here: it drives
``/usr/bin/chromium`` (``KROKODIL_CHROMIUM`` to use another). When Chromium cannot be
started the tests are skipped on a developer's machine, and fail under CI (``CI`` set).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

import pytest
from aiohttp import web

from bot.bootstrap import App, build
from bot.http import make_web_app
from core.config import ServerConfig, Settings
from directory.demo import seed_if_empty

CHROMIUM = os.environ.get("KROKODIL_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# A folder to save a screenshot of every page in (the README's come from here: docs/web/).
SHOTS = os.environ.get("KROKODIL_WEB_SCREENSHOTS", "")
LINK = re.compile(r"(https?://\S+/web/inloggen/[A-Za-z0-9_-]+)")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def unavailable(reason: str) -> NoReturn:
    """No browser: a skip for a developer, a failure in CI (where it must run)."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Site:
    """The running bot: its App, its base URL, and how to run `krokodil` against it."""

    app: App
    url: str
    env: dict[str, str]
    cwd: Path

    async def krokodil(self, *args: str) -> str:
        """Run the `krokodil` command line on the same database and server address."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            *args,
            cwd=self.cwd,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        return out.decode()

    async def say(self, who: str, text: str) -> str:
        """`krokodil say --as WHO TEXT`: the reply and the messages delivered to people."""
        return await self.krokodil("say", "--as", who, text)

    async def say_json(self, who: str, text: str) -> dict[str, Any]:
        """`krokodil say --json`."""
        payload: dict[str, Any] = json.loads(
            await self.krokodil("say", "--as", who, "--json", text)
        )
        return payload

    async def sign_in_link(self, who: str) -> str:
        """The link `/web` answers with."""
        found = LINK.search(await self.say(who, "/web"))
        assert found, "no sign-in link in the answer to /web"
        return found.group(1)


@pytest.fixture
async def site(settings: Settings, tmp_path: Path) -> AsyncIterator[Site]:
    """The bot's HTTP server on a free port, the demo directory loaded, the real clock."""
    port = free_port()
    configured = replace(settings, server=ServerConfig(host="127.0.0.1", port=port))
    app = build(configured)
    await seed_if_empty(app.deps.uow, app.deps.clock.now(), load_demo=True)
    runner = web.AppRunner(make_web_app(app))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "TEAMS_"))
    }
    env.pop("KROKODIL_PUBLIC_URL", None)
    env.update(
        KROKODIL_DATABASE_URL=configured.database.url,
        KROKODIL_HOST="127.0.0.1",
        KROKODIL_PORT=str(port),
    )
    try:
        yield Site(app, f"http://127.0.0.1:{port}", env, tmp_path)
    finally:
        await runner.cleanup()
        await app.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Chromium, headless."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 - one stat before starting a browser
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    playwright = await async_playwright().start()
    try:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
        )
    except Exception as error:
        await playwright.stop()
        unavailable(f"Chromium could not be started: {type(error).__name__}: {error}")
    try:
        yield chromium
    finally:
        await chromium.close()
        await playwright.stop()


async def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA findings on the page as it is now."""
    # evaluate() runs over the DevTools protocol, so the page's CSP (no scripts) stays as is.
    await page.evaluate(AXE.read_text(encoding="utf-8"))
    found = await page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }""",
        AXE_TAGS,
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {v['targets']}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


async def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until the element has the focus, as someone without a mouse would."""
    target = await page.query_selector(selector)
    assert target is not None, f"no {selector} on {page.url}"
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate("(el) => document.activeElement === el", target):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key on {page.url}")


async def shot(page: Any, name: str) -> None:
    """Save a screenshot when KROKODIL_WEB_SCREENSHOTS names a folder."""
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        await page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))
