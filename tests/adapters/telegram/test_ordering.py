"""Updates of one chat are handled one at a time, in arrival order; other chats go ahead."""

from __future__ import annotations

import asyncio

from bot.adapters.telegram.ordering import ChatOrder


async def test_one_chat_waits_its_turn_other_chats_do_not() -> None:
    order = ChatOrder()
    log: list[str] = []
    release_first = asyncio.Event()

    async def handle(chat: str, name: str, hold: asyncio.Event | None = None) -> None:
        async with order.turn(chat):
            log.append(f"start {name}")
            if hold is not None:
                await hold.wait()
            log.append(f"end {name}")

    first = asyncio.create_task(handle("42", "first", release_first))
    second = asyncio.create_task(handle("42", "second"))
    other = asyncio.create_task(handle("-100", "other chat"))
    await other
    assert log == ["start first", "start other chat", "end other chat"]
    release_first.set()
    await asyncio.gather(first, second)
    assert log[3:] == ["end first", "start second", "end second"]
    # Nothing is kept for chats without updates in flight.
    assert len(order) == 0
