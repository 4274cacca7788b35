"""Test helpers: a scripted console chat with a transcript, and a person factory."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from bot.adapters.console import CollectingAdapter, ConsoleAdapter, by_number
from bot.bootstrap import App
from bot.render_text import render
from core.messages import Reply
from directory.identity import console_handle
from directory.models import Account, Organisation, Person, Theme, Wijk


class Chat:
    """Talk to the bot as a console user; numbers press buttons, like a person would."""

    def __init__(self, app: App, handle: str) -> None:
        self.app = app
        self.outbox = CollectingAdapter()
        app.add_adapter(self.outbox)
        self._console = ConsoleAdapter(app.dispatcher.handle, handle, interactive=False)
        self.replies: list[Reply] = []

    @property
    def handle(self) -> str:
        """Who is typing."""
        return self._console.handle

    def as_(self, handle: str) -> Chat:
        """Continue as another person; their delivered buttons become pressable."""
        self._console.handle = handle.lower()
        self._console._buttons = self._console._buttons_for.get(handle.lower(), ())
        return self

    async def say(self, text: str) -> Reply:
        """Send a line (or a button number) and return the reply."""
        reply = await self.app.dispatcher.handle(self._console.invocation(text))
        self._console._buttons = reply.buttons
        self.replies.append(reply)
        await self.deliver()
        return reply

    async def deliver(self) -> list[tuple[str, Reply]]:
        """Run the outbox; remember buttons sent to each console handle."""
        before = len(self.outbox.sent)
        await self.app.delivery.flush()
        new = self.outbox.sent[before:]
        for who, reply in new:
            self._console._buttons_for[who] = reply.buttons
        return new

    def messages_for(self, handle: str) -> list[str]:
        """Rendered texts delivered to someone."""
        return [render(r) for who, r in self.outbox.sent if who == handle]

    async def script(self, turns: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Verify a dialogue: each line sent must get a reply containing every expected piece."""
        for line, expected in turns:
            reply = await self.say(line)
            shown = render(reply, numbered=by_number(reply.buttons))
            for piece in expected:
                assert piece in shown, f"after {line!r} expected {piece!r} in:\n{shown}"


async def make_person(
    app: App,
    name: str,
    *,
    organisation: str = "Gemeente Groenwater",
    email: str | None = None,
    phone: str | None = "+31612345670",
    themes: Sequence[str] = (),
    wijken: Sequence[str] = (),
    roles: Sequence[str] = (),
    availability: Sequence[tuple[int, int, int]] = (
        (0, 540, 1020),
        (1, 540, 1020),
        (2, 540, 1020),
        (3, 540, 1020),
        (4, 540, 1020),
    ),
    language: str | None = None,
    is_admin: bool = False,
    now: datetime | None = None,
) -> Person:
    """Create a registered professional with a console account (handle = e-mail local part)."""
    moment = now or app.deps.clock.now()
    email = email or f"{name.lower().replace(' ', '.')}@example.org"
    async with app.deps.uow() as uow:
        session = uow.session
        org = await session.scalar(select(Organisation).where(Organisation.name == organisation))
        if org is None:
            org = Organisation(name=organisation, kind="gemeente")
            session.add(org)
            await session.flush()
        theme_rows = list(await session.scalars(select(Theme).where(Theme.key.in_(list(themes)))))
        missing = set(themes) - {t.key for t in theme_rows}
        assert not missing, f"unknown theme keys in test: {missing}"
        wijk_rows: list[Wijk] = []
        for wijk_name in wijken:
            wijk = await session.scalar(select(Wijk).where(Wijk.name == wijk_name))
            if wijk is None:
                wijk = Wijk(name=wijk_name)
                session.add(wijk)
            wijk_rows.append(wijk)
        person = Person(
            name=name,
            organisation=org,
            email=email,
            phone=phone,
            language=language,
            availability=[list(w) for w in availability],
            roles=list(roles),
            is_admin=is_admin,
            last_confirmed_at=moment,
            created_at=moment,
            updated_at=moment,
            themes=theme_rows,
            wijken=wijk_rows,
        )
        session.add(person)
        await session.flush()
        session.add(
            Account(
                person_id=person.id,
                platform="console",
                external_id=console_handle(email, name),
                linked_at=moment,
            )
        )
        await uow.commit()
        return person


def fuzz_examples(count: int) -> int:
    """Hypothesis examples per fuzz test: `count` in `make test`, times KROKODIL_FUZZ_SCALE
    for a deeper run by hand (e.g. KROKODIL_FUZZ_SCALE=20)."""
    return count * max(1, int(os.environ.get("KROKODIL_FUZZ_SCALE", "1")))
