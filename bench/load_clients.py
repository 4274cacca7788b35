"""Virtual users: signed Slack slash commands and Telegram webhook updates, sent over HTTP
by a fixed number of concurrent users, each waiting for its answer before asking again.

Slack answers a slash command twice: the HTTP acknowledgement, then the real answer
posted to the command's ``response_url`` (here: the stand-in in this process). Both are
timed from the moment the request leaves. Telegram's webhook answers after the bot has
processed the update and sent its reply, so there the HTTP latency is the whole path.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bench.load_directory import VirtualUser
from bench.load_server import SLACK_SECRET, TELEGRAM_SECRET
from tests.adapters.slack.fake_slack import FakeSlack

ANSWER_TIMEOUT = 10.0


@dataclass
class AnswerWatch(FakeSlack):
    """The Slack stand-in, noting when each response_url is answered (and what it said)."""

    waiting: dict[str, asyncio.Future[tuple[float, str]]] = field(default_factory=dict)
    keep_calls: bool = False

    def expect(self, response_url: str) -> asyncio.Future[tuple[float, str]]:
        """A future resolved with (arrival time, text) when the bot answers this URL."""
        future: asyncio.Future[tuple[float, str]] = asyncio.get_running_loop().create_future()
        self.waiting[response_url.rsplit("/", 1)[-1]] = future
        return future

    def _record(self, method: str, params: dict[str, Any]) -> None:
        if method == "respond":
            future = self.waiting.pop(str(params["response_url"]).rsplit("/", 1)[-1], None)
            if future is not None and not future.done():
                future.set_result((time.perf_counter(), str(params.get("text") or "")))
        if self.keep_calls or method != "respond":
            super()._record(method, params)


@dataclass
class Sample:
    """One request: acknowledged after `ack` s, answered after `answer` s (None: never)."""

    ack: float
    answer: float | None
    status: int
    ok: bool


@dataclass
class Phase:
    """Everything measured while one target was under load."""

    name: str
    samples: list[Sample]
    seconds: float
    cpu: dict[str, float] = field(default_factory=dict)


def sign(body: str, timestamp: int, secret: str = SLACK_SECRET) -> str:
    """X-Slack-Signature as Slack computes it."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackClient:
    """Signed `/wie <theme>` slash commands against one server."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        watch: AnswerWatch,
        users: Sequence[VirtualUser],
        queries: Sequence[str],
        seed: int = 1,
    ) -> None:
        self.session = session
        self.url = url.rstrip("/") + "/slack/events"
        self.watch = watch
        self.users = users
        self.queries = queries
        self.rng = random.Random(seed)
        self.ids = itertools.count(1)

    async def ask(self, n: int, *, wait_for_answer: bool) -> Sample:
        """One slash command from user n % len(users); wait for its answer when asked to."""
        user = self.users[n % len(self.users)]
        response_url = self.watch.response_url()
        form = {
            "token": "legacy",
            "team_id": "T1",
            "channel_id": "C0BENCH",
            "channel_name": "algemeen",
            "user_id": user.account,
            "user_name": user.account.lower(),
            "command": "/wie",
            "text": self.rng.choice(self.queries),
            "response_url": response_url,
            "trigger_id": f"bench.{next(self.ids)}.{time.time_ns()}",
        }
        body = urlencode(form)
        moment = int(time.time())
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(moment),
            "X-Slack-Signature": sign(body, moment),
        }
        future = self.watch.expect(response_url) if wait_for_answer else None
        started = time.perf_counter()
        async with self.session.post(self.url, data=body, headers=headers) as response:
            await response.read()
            status = response.status
        acked = time.perf_counter() - started
        if future is None:
            return Sample(acked, None, status, status == 200)
        try:
            arrived, text = await asyncio.wait_for(future, ANSWER_TIMEOUT)
        except TimeoutError:
            self.watch.waiting.pop(response_url.rsplit("/", 1)[-1], None)
            return Sample(acked, None, status, False)
        calm_failure = "Probeer het zo nog eens" in text
        return Sample(acked, arrived - started, status, status == 200 and not calm_failure)


class TelegramClient:
    """`/wie <theme>` messages in private chats, posted to the webhook with its secret."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        users: Sequence[VirtualUser],
        queries: Sequence[str],
        seed: int = 2,
    ) -> None:
        self.session = session
        self.url = url.rstrip("/") + "/telegram/webhook"
        self.users = users
        self.queries = queries
        self.rng = random.Random(seed)
        # Ids never seen before, also across runs on a kept database: a repeated id is a
        # duplicate the bot rightly skips, which would look like a very fast answer.
        self.update_ids = itertools.count(time.time_ns() // 1_000)

    async def ask(self, n: int, *, wait_for_answer: bool = True) -> Sample:
        """One update; the webhook answers when the bot's reply has been sent."""
        user = self.users[n % len(self.users)]
        uid = int(user.account)
        text = "/wie " + self.rng.choice(self.queries)
        update = {
            "update_id": next(self.update_ids),
            "message": {
                "message_id": n + 1,
                "date": int(time.time()),
                "chat": {"id": uid, "type": "private", "first_name": "Bench"},
                "from": {"id": uid, "is_bot": False, "first_name": "Bench", "language_code": "nl"},
                "text": text,
                "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
            },
        }
        headers = {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
        }
        started = time.perf_counter()
        async with self.session.post(self.url, data=json.dumps(update), headers=headers) as resp:
            await resp.read()
            status = resp.status
        took = time.perf_counter() - started
        return Sample(took, took, status, status == 200)


async def drive(
    name: str,
    ask: Callable[[int], Awaitable[Sample]],
    total: int,
    concurrency: int,
    think: float = 0.0,
) -> Phase:
    """`concurrency` users, each asking and waiting in turn, until `total` requests are done.

    With `think` > 0 every user waits that long (±50 %, seeded) between getting an answer
    and asking again, as people do; with 0 the target is saturated.
    """
    counter = itertools.count()
    samples: list[Sample] = []
    rng = random.Random(3)

    async def user(index: int) -> None:
        if think:
            # Spread the first requests instead of sending all of them at once.
            await asyncio.sleep(think * index / concurrency)
        while (n := next(counter)) < total:
            try:
                samples.append(await ask(n))
            except (aiohttp.ClientError, TimeoutError, OSError):
                samples.append(Sample(0.0, None, 0, False))
            if think:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    started = time.perf_counter()
    await asyncio.gather(*(user(i) for i in range(concurrency)))
    return Phase(name, samples, time.perf_counter() - started)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), nearest-rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(phase: Phase, *, use_answer: bool) -> dict[str, Any]:
    """Latency percentiles (ms) and throughput (requests/s) of a phase."""
    done = [s for s in phase.samples if s.ok and (s.answer is not None or not use_answer)]
    lat = [(s.answer if use_answer else s.ack) or 0.0 for s in done]
    acks = [s.ack for s in phase.samples if s.status == 200]
    return {
        "name": phase.name,
        "requests": len(phase.samples),
        "ok": len(done),
        "failed": len(phase.samples) - len(done),
        # Answered with something other than 200 (or not at all): never expected.
        "http_errors": sum(1 for s in phase.samples if s.status != 200),
        "seconds": round(phase.seconds, 3),
        "throughput_rps": round(len(done) / phase.seconds, 1) if phase.seconds else 0.0,
        "p50_ms": round(percentile(lat, 50) * 1000, 1),
        "p99_ms": round(percentile(lat, 99) * 1000, 1),
        "max_ms": round(max(lat, default=float("nan")) * 1000, 1),
        "ack_p50_ms": round(percentile(acks, 50) * 1000, 1),
        "ack_p99_ms": round(percentile(acks, 99) * 1000, 1),
        "cpu_seconds": {k: round(v, 2) for k, v in phase.cpu.items()},
        "server_cpu_ms_per_request": round(
            phase.cpu.get("server", 0.0) / max(len(phase.samples), 1) * 1000, 2
        ),
    }
