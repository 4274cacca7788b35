"""A private text read straight from the JSON is the invocation PTB's objects give."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Bot, Update

from bot.adapters.telegram import inbound
from tests.reliability.shapes import TELEGRAM_UPDATES, varied

ME = inbound.BotIdentity(id=777000, username="GroeneKrokodilBot")
BOT = Bot("123:abc")


def _through_ptb(payload: dict[str, Any]) -> tuple[Any, str | None] | None:
    """What the PTB path makes of an update (None: PTB refuses it or the bot stays silent)."""
    try:
        update = Update.de_json(copy.deepcopy(payload), BOT)
    except Exception:
        return None
    if update is None:
        return None
    inv = inbound.message_invocation(update, ME)
    if inv is None or update.message is None or update.message.from_user is None:
        return None
    return inv, update.message.from_user.username


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(TELEGRAM_UPDATES).flatmap(varied))
def test_the_direct_reading_agrees_with_ptb(payload: Any) -> None:
    if not isinstance(payload, dict) or inbound.problem(payload) is not None:
        return
    direct = inbound.private_text(payload)
    if direct is None:
        return
    assert _through_ptb(payload) == (direct.invocation, direct.username)


def test_a_name_is_read_as_ptb_reads_it_also_without_a_first_name() -> None:
    # Found by the property test above: PTB gives no name at all without a first name.
    for first, last in (("", "el Amrani"), ("", None), ("", ""), ("Fatima", ""), ("Fatima", None)):
        private = copy.deepcopy(TELEGRAM_UPDATES[0])
        user = private["message"]["from"]
        user["first_name"] = first
        if last is None:
            user.pop("last_name", None)
        else:
            user["last_name"] = last
        direct = inbound.private_text(private)
        assert direct is not None
        assert (direct.invocation, direct.username) == _through_ptb(private)


def test_a_private_text_is_read_directly_and_the_rest_through_ptb() -> None:
    private, group, press, joined = (copy.deepcopy(u) for u in TELEGRAM_UPDATES)
    direct = inbound.private_text(private)
    assert direct is not None and direct.username == "fatima"
    assert direct.invocation.display_name == "Fatima el Amrani"
    assert (direct.invocation, direct.username) == _through_ptb(private)
    for other in (group, press, joined):
        assert inbound.private_text(other) is None
    photo = copy.deepcopy(private)
    del photo["message"]["text"]
    photo["message"]["caption"] = "/wie schulden"
    assert inbound.private_text(photo) is None  # a caption goes through PTB
    from_a_bot = copy.deepcopy(private)
    from_a_bot["message"]["from"]["is_bot"] = True
    assert inbound.private_text(from_a_bot) is None
