"""/wie asks back in Slack: theme buttons in the answer, a press answers with people."""

from __future__ import annotations

from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person


async def test_an_unclear_question_gets_theme_buttons_and_a_press_answers(
    slack: SlackHarness,
) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="fatima@example.org")
    await make_person(slack.app, "Joost de Wit", email="joost@example.org", themes=["schulden"])
    slack.fake.add_user("U1", email="fatima@example.org")
    await slack.command("/wie", "iets met geld")
    [asked] = await slack.fake.wait_for("respond")
    assert "Bedoel je: Schulden · Inkomen?" in asked.blocks_text()
    action_id, value = asked.button("Schulden")
    await slack.click(action_id, value, user="U1")
    [_asked, answered] = await slack.fake.wait_for("respond", 2)
    assert "Joost de Wit" in answered.blocks_text()
    assert "Wie helpt met Schulden" in answered.blocks_text()
