"""/wie asks back in Teams: Action.Execute buttons per theme, a press answers in place."""

from __future__ import annotations

from bot.bootstrap import App
from tests.adapters.teams.harness import TeamsHarness, card_of, last_card, personal
from tests.adapters.teams.standin import ConnectorStandIn, Member
from tests.support import make_person

FATIMA = Member(
    "29:fatima",
    "e0000000-0000-4000-8000-0000000000e1",
    "Fatima el Amrani",
    email="f.elamrani@example.org",
)


async def test_an_unclear_question_gets_theme_buttons_and_a_press_answers(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(app, "Joost de Wit", email="joost@example.org", themes=["schulden"])
    standin.add_member(FATIMA)
    await teams.say(FATIMA, "/wie iets met geld")
    sent, card = last_card(standin, personal(FATIMA)["id"])
    assert "Bedoel je: Schulden · Inkomen?" in sent.text
    answer = await teams.press(FATIMA, card, "Schulden", reply_to="9001")
    shown = str(card_of(answer)) if answer.status == 200 and answer.body else ""
    shown += " ".join(c.text for c in standin.sent(personal(FATIMA)["id"]))
    assert "Joost de Wit" in shown
