"""Virtual users: signed Slack slash commands and Telegram webhook updates, sent over HTTP
by a fixed number of concurrent users, each waiting for its answer before asking again.

Slack answers a slash command with the HTTP acknowledgement, and the answer either in
that acknowledgement's body or posted afterwards to the command's ``response_url`` (here:
the stand-in in this process). Both are timed from the moment the request leaves.
Telegram's webhook answers after the bot has processed the update: with the answer in the
response's body (a Bot API call Telegram carries out), or after sending it to the Bot API
stand-in; either way the HTTP latency is the whole path.

A bot's answer counts only when a contact card reached the user: a phone number as a
``tel:`` link (Slack) or after ``☎`` (Telegram), in the acknowledgement or in the answer
that followed. An acknowledgement alone, "probeer het zo nog eens", an error or no answer
within ANSWER_TIMEOUT is a failure, counted by kind.
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
from tests.adapters.telegram.standin import BotApiStandIn

ANSWER_TIMEOUT = 10.0


CALM_FAILURE = "Probeer het zo nog eens"


@dataclass
class AnswerWatch(FakeSlack):
    """The Slack stand-in, noting when each response_url is answered (and what it said)."""

    waiting: dict[str, asyncio.Future[tuple[float, str]]] = field(default_factory=dict)
    keep_calls: bool = False

    def expect(self, response_url: str) -> asyncio.Future[tuple[float, str]]:
        """A future resolved with (arrival time, the posted JSON) when the bot answers this URL."""
        future: asyncio.Future[tuple[float, str]] = asyncio.get_running_loop().create_future()
        self.waiting[response_url.rsplit("/", 1)[-1]] = future
        return future

    def forget(self, response_url: str) -> None:
        """Stop waiting for an answer at this URL."""
        self.waiting.pop(response_url.rsplit("/", 1)[-1], None)

    def _record(self, method: str, params: dict[str, Any]) -> None:
        if method == "respond":
            future = self.waiting.pop(str(params["response_url"]).rsplit("/", 1)[-1], None)
            if future is not None and not future.done():
                future.set_result((time.perf_counter(), json.dumps(params, ensure_ascii=False)))
        if self.keep_calls or method != "respond":
            super()._record(method, params)


@dataclass
class Sample:
    """One request: acknowledged after `ack` s, answered after `answer` s (None: never).

    `failure` says why a request did not count: "http" (not a 200), "timeout" (no answer in
    time), "calm" (the answer asked to try again), "no_card" (an answer without a contact).
    `in_ack`: the contact card came in the acknowledgement itself.
    """

    ack: float
    answer: float | None
    status: int
    ok: bool
    failure: str | None = None
    in_ack: bool = False


def judged(ack: float, answer: float | None, status: int, text: str | None) -> Sample:
    """A sample of the bot: counted only when a contact card reached the user."""
    if status != 200:
        return Sample(ack, answer, status, False, "http")
    if text is None:
        return Sample(ack, None, status, False, "timeout")
    if CALM_FAILURE in text:
        return Sample(ack, answer, status, False, "calm")
    if "tel:" not in text and "☎" not in text:
        return Sample(ack, answer, status, False, "no_card")
    return Sample(ack, answer, status, True)


@dataclass
class Phase:
    """Everything measured while one target was under load."""

    name: str
    samples: list[Sample]
    seconds: float
    cpu: dict[str, float] = field(default_factory=dict)
    load_before: float | None = None  # 1-minute load average when the phase began


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
            acknowledgement = (await response.read()).decode(errors="replace")
            status = response.status
        acked = time.perf_counter() - started
        if future is None:
            ok = status == 200
            return Sample(acked, None, status, ok, None if ok else "http")
        if status == 200 and "tel:" in acknowledgement:
            # Answered in the acknowledgement: nothing more will come for this command.
            self.watch.forget(response_url)
            sample = judged(acked, acked, status, acknowledgement)
            sample.in_ack = True
            return sample
        try:
            arrived, text = await asyncio.wait_for(future, ANSWER_TIMEOUT)
        except TimeoutError:
            self.watch.forget(response_url)
            return judged(acked, None, status, None)
        return judged(acked, arrived - started, status, text)


class TelegramClient:
    """`/wie <theme>` messages in private chats, posted to the webhook with its secret."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        users: Sequence[VirtualUser],
        queries: Sequence[str],
        bot_api: BotApiStandIn,
        seed: int = 2,
    ) -> None:
        self.bot_api = bot_api
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
        calls = self.bot_api.calls
        seen = len(calls)
        started = time.perf_counter()
        async with self.session.post(self.url, data=json.dumps(update), headers=headers) as resp:
            body = await resp.read()
            status = resp.status
        took = time.perf_counter() - started
        if not wait_for_answer:
            ok = status == 200
            return Sample(took, took, status, ok, None if ok else "http")
        in_response = _answer_in_response(body, uid)
        if status == 200 and in_response is not None:
            # The answer came in the webhook's response; Telegram would send it from there.
            sample = judged(took, took, status, in_response)
            sample.in_ack = True
            return sample
        # Else the bot sent its answer before the webhook returned: what reached this chat.
        texts = [
            str(c.params.get("text", ""))
            for c in calls[seen:]
            if c.method == "sendMessage" and str(c.params.get("chat_id")) == str(uid)
        ]
        return judged(took, took, status, "\n".join(texts) if texts else None)


def _answer_in_response(body: bytes, chat_id: int) -> str | None:
    """The text of a sendMessage to this chat that a webhook response holds, or None."""
    try:
        call = json.loads(body)
    except ValueError:
        return None
    if not isinstance(call, dict) or call.get("method") != "sendMessage":
        return None
    if str(call.get("chat_id")) != str(chat_id):
        return None
    return str(call.get("text", ""))


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
                samples.append(Sample(0.0, None, 0, False, "http"))
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
        # Why the others did not count (see Sample.failure).
        "failures": {
            kind: sum(1 for s in phase.samples if s.failure == kind)
            for kind in ("http", "timeout", "calm", "no_card")
            if any(s.failure == kind for s in phase.samples)
        },
        "answered_in_ack": sum(1 for s in phase.samples if s.ok and s.in_ack),
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
        "load_before": round(phase.load_before, 2) if phase.load_before is not None else None,
        "server_cpu_ms_per_request": round(
            phase.cpu.get("server", 0.0) / max(len(phase.samples), 1) * 1000, 2
        ),
    }
