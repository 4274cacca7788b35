"""Random text, unicode and huge inputs never crash the parser or the dispatcher.

They also exercise every registered command with random arguments, so each capability
that lands is fuzzed too."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import App
from bot.parsing import parse
from core.messages import Action, FormSubmission, Invocation, Reply
from tests.support import fuzz_examples, make_person

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50).map(lambda t: "/" + t),
    st.sampled_from(["/", "//", "/wie", "/krokodil", "/krokodil ", "@bot", "<@U1>", "/help@x y"]),
    st.integers(min_value=0, max_value=20000).map(lambda n: "/wie " + "x" * n),
)


@given(texts)
def test_parse_never_fails(text: str) -> None:
    parsed = parse(text)
    assert parsed.word is None or parsed.slash


@pytest.fixture
async def fuzz_app(app: App) -> App:
    """The bot with one registered professional (the fixture runs once for all examples)."""
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    return app


@settings(
    max_examples=fuzz_examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=texts, registered=st.booleans())
async def test_dispatch_always_answers(fuzz_app: App, text: str, registered: bool) -> None:
    account = "f.elamrani" if registered else "stranger"
    reply = await fuzz_app.dispatcher.handle(
        Invocation(platform="console", account=account, chat="c", text=text)
    )
    assert isinstance(reply, Reply)
    assert reply.text or reply.form or reply.cards or reply.data


@settings(
    max_examples=fuzz_examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    action=st.text(max_size=40),
    value=st.text(max_size=200),
    form_id=st.text(max_size=40),
    values=st.dictionaries(st.text(max_size=10), st.text(max_size=50), max_size=5),
)
async def test_random_buttons_and_forms_are_answered(
    app: App, action: str, value: str, form_id: str, values: dict[str, str]
) -> None:
    pressed = await app.dispatcher.handle(
        Invocation(platform="console", account="x", chat="c", action=Action(action, value))
    )
    submitted = await app.dispatcher.handle(
        Invocation(
            platform="console",
            account="x",
            chat="c",
            submission=FormSubmission(form_id, dict(values)),
        )
    )
    assert pressed.text and submitted.text
