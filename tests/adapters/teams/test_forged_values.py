"""Card data comes back from the Teams client, so anyone can change it: a forged id or form
context gets a calm "this no longer works", never a traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot import forms
from bot.bootstrap import App
from core.i18n import Translator
from handlers.meetings.plan import FORM_ID, plan_form
from tests.adapters.teams.harness import TeamsHarness
from tests.adapters.teams.standin import ConnectorStandIn, Member
from tests.support import make_person

SAMIRA = Member(
    user_id="29:samira",
    aad_object_id="a1b2c3d4-0000-4000-8000-000000000001",
    name="Samira Bouzid",
    email="s.bouzid@example.org",
)


def _said(answer: Any) -> str:
    return str(answer.body)


async def test_a_button_with_a_twenty_digit_id_no_longer_works(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    await make_person(app, "Samira Bouzid", email="s.bouzid@example.org")
    standin.add_member(SAMIRA)
    caplog.set_level(logging.INFO)
    for action_id, value in (
        ("meetings.rsvp", "99999999999999999999:tof7c0:ja"),
        ("meetings.participants", "99999999999999999999:tof7c0"),
        ("handover.accept", "99999999999999999999"),
        ("knelpunten.take", "99999999999999999999"),
    ):
        press = {"verb": action_id, "data": {"krokodil": "button", "a": action_id, "v": value}}
        answer = await teams.post(teams.invoke(SAMIRA, press))
        assert answer.status == 200
        said = _said(answer)
        assert "Er ging iets mis" not in said, (action_id, said)
    assert not [r for r in caplog.records if r.exc_info], "a forged id logged a traceback"


async def test_a_plan_form_with_a_forged_context_is_stale(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    await make_person(app, "Samira Bouzid", email="s.bouzid@example.org")
    standin.add_member(SAMIRA)
    caplog.set_level(logging.INFO)
    spec = forms.form_json(plan_form(Translator.for_language("nl")))
    for answers in ("{not json", "[1, 2]", '{"title": 5}', "null"):
        data = {"krokodil": "form", "form": FORM_ID, "ctx": {"answers": answers}, "spec": spec}
        answer = await teams.post(teams.invoke(SAMIRA, {"verb": "form.submit", "data": data}))
        assert answer.status == 200
        assert "afgerond of verlopen" in str(answer.body), answers
    assert not [r for r in caplog.records if r.exc_info], "a forged context logged a traceback"
