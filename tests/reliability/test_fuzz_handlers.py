"""Every command, button and form, typed, pressed and submitted with random values by
registered people (an admin among them), against a directory with a real handover and meeting.

tests/unit/bot/test_fuzz_dispatch.py throws random action and form ids at the dispatcher as
an unknown account, which mostly meets the onboarding answer. Here the handlers themselves
run: whatever the value, they answer, and nothing is logged as a crash (a crash is answered
calmly too, so the log is where it shows).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import App
from core.messages import Action, FormSubmission, Invocation
from handlers import build_registry
from tests.integration.handovers.helpers import send
from tests.integration.scheduler.helpers import plan
from tests.reliability.conftest import assert_calm
from tests.support import fuzz_examples, make_person

REGISTRY = build_registry()
PEOPLE = ("f.elamrani", "joost", "beheer")
FUZZ = settings(
    max_examples=fuzz_examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
values = st.one_of(
    st.text(max_size=60),
    st.integers(-3, 10**12).map(str),
    st.sampled_from(
        ["", "1", "2", "0", "-1", "#1", "1:1", "1|ja", "1:2026-12-01T13:00:00Z:ja", "?", "\x00"]
    ),
    st.sampled_from(["2147483648", "#99999999999999999999", "1 2 3", "morgen 25:99", "ja nee"]),
    st.builds(lambda n, rest: f"{n}:{rest}", st.integers(0, 3), st.text(max_size=30)),
)
field_values = st.one_of(values, st.lists(values, max_size=3))


def _field_names(form_ids: Sequence[str]) -> list[str]:
    """Field names the forms are likely to use, plus noise (gathered from the registry's forms)."""
    return ["reason", "note", "need", "reference", "receiver", "consent", "title", "when", "x"]


@pytest.fixture
async def world(app: App) -> App:
    """Three registered people (one admin), an open handover, a meeting next week."""
    fatima = await make_person(
        app, "Fatima el Amrani", email="f.elamrani@example.org", themes=["schulden"]
    )
    joost = await make_person(
        app, "Joost de Wit", email="joost@example.org", organisation="Wijkteam Noord"
    )
    await make_person(app, "Beheer Der", email="beheer@example.org", is_admin=True)
    await send(app, fatima, joost)
    await plan(app, fatima.id, app.deps.clock.now() + timedelta(days=7))
    return app


@FUZZ
@given(word=st.sampled_from(sorted(REGISTRY.words())), args=values, who=st.sampled_from(PEOPLE))
async def test_every_command_with_any_arguments_is_answered_without_a_crash(
    world: App, crashes: pytest.LogCaptureFixture, word: str, args: str, who: str
) -> None:
    reply = await world.dispatcher.handle(
        Invocation(platform="console", account=who, chat=f"console:{who}", text=f"/{word} {args}")
    )
    assert reply.text or reply.form or reply.cards or reply.buttons
    assert_calm(crashes)


@FUZZ
@given(
    action=st.sampled_from(sorted(REGISTRY.actions)),
    value=values,
    who=st.sampled_from(PEOPLE),
)
async def test_every_button_with_any_value_is_answered_without_a_crash(
    world: App, crashes: pytest.LogCaptureFixture, action: str, value: str, who: str
) -> None:
    reply = await world.dispatcher.handle(
        Invocation(
            platform="console", account=who, chat=f"console:{who}", action=Action(action, value)
        )
    )
    assert reply.text or reply.form or reply.cards or reply.buttons
    assert_calm(crashes)


@FUZZ
@given(
    form_id=st.sampled_from(sorted(REGISTRY.forms)),
    answers=st.dictionaries(st.sampled_from(_field_names(list(REGISTRY.forms))), field_values),
    context=st.dictionaries(
        st.sampled_from(["handover", "case", "meeting", "occurrence", "knelpunt", "x"]), values
    ),
    who=st.sampled_from(PEOPLE),
)
async def test_every_form_with_any_answers_is_answered_without_a_crash(
    world: App,
    crashes: pytest.LogCaptureFixture,
    form_id: str,
    answers: dict[str, object],
    context: dict[str, str],
    who: str,
) -> None:
    reply = await world.dispatcher.handle(
        Invocation(
            platform="console",
            account=who,
            chat=f"console:{who}",
            submission=FormSubmission(form_id, dict(answers), dict(context)),
        )
    )
    assert reply.text or reply.form or reply.cards
    assert_calm(crashes)


# Characters str.isdigit() accepts that int() refuses (superscripts, circled digits), and
# Arabic-Indic digits that int() reads.
ODD_DIGITS = ("6²", "#①", "٣", "1:²")


@pytest.mark.parametrize("value", ODD_DIGITS)
async def test_digits_that_are_no_number_get_an_answer_from_every_button_and_command(
    world: App, crashes: pytest.LogCaptureFixture, value: str
) -> None:
    for action in sorted(REGISTRY.actions):
        reply = await world.dispatcher.handle(
            Invocation(
                platform="console",
                account="beheer",
                chat="console:beheer",
                action=Action(action, value),
            )
        )
        assert reply.text or reply.form or reply.cards or reply.buttons, action
    for word in sorted(REGISTRY.commands):
        for args in (value, f"intrekken {value}", f"pauze {value}"):
            reply = await world.dispatcher.handle(
                Invocation(
                    platform="console",
                    account="f.elamrani",
                    chat="console:f.elamrani",
                    text=f"/{word} {args}",
                )
            )
            assert reply.text or reply.form or reply.cards or reply.buttons, word
    assert_calm(crashes)
