"""/wie and /bel in Teams: cards with the phone number first, privately in channels."""

from __future__ import annotations

from bot.bootstrap import App
from tests.adapters.teams.harness import CHANNEL, TeamsHarness, actions, personal
from tests.adapters.teams.standin import ConnectorStandIn, Member

SAMIRA = Member(
    user_id="29:samira",
    aad_object_id="a1b2c3d4-0000-4000-8000-000000000001",
    name="Samira Bouzid",
    email="S.Bouzid@example.org",
)


async def test_a_user_linked_only_by_email_gets_a_contact_card(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(SAMIRA)
    answer = await teams.say(SAMIRA, "/wie schulden")
    assert answer.status == 202
    conversation = personal(SAMIRA)["id"]
    sent = standin.sent(conversation)
    assert len(sent) == 1
    card = sent[0].card
    assert card is not None and card["type"] == "AdaptiveCard"
    text = sent[0].text
    assert "Ingrid Veldkamp" in text
    # The phone number leads each person, with a tel: button to call.
    calls = [a for a in actions(card) if str(a.get("url", "")).startswith("tel:+31")]
    assert calls, "no call buttons"
    assert "nu bereikbaar" in text.lower() or "belmoment" in text.lower()
