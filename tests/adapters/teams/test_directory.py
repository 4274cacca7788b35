"""/wie and /bel in Teams: cards with the phone number first, privately in channels."""

from __future__ import annotations

from bot.bootstrap import App
from tests.adapters.teams.harness import (
    CHANNEL,
    TeamsHarness,
    actions,
    card_of,
    last_card,
    personal,
)
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


async def test_in_a_channel_contact_details_go_to_a_private_chat(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(SAMIRA)
    answer = await teams.say(SAMIRA, "/wie schulden", conversation=CHANNEL)
    assert answer.status == 202
    created = [c for c in standin.calls if c.path == "v3/conversations"]
    assert len(created) == 1 and created[0].body["members"] == [{"id": SAMIRA.user_id}]
    private = standin.sent(personal(SAMIRA)["id"])
    assert len(private) == 1 and "Ingrid Veldkamp" in private[0].text
    in_channel = standin.sent(CHANNEL["id"])
    assert len(in_channel) == 1
    pointer = in_channel[0]
    assert pointer.card is None and "privéchat" in pointer.text
    assert "038" not in pointer.text and "@" not in pointer.text
    # The pointer answers in the thread of the question.
    assert pointer.path.endswith(f"/activities/{teams._next_id}")


async def test_when_no_private_chat_is_allowed_nothing_private_goes_in_the_channel(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(SAMIRA)
    standin.not_installed.add(SAMIRA.user_id)
    await teams.say(SAMIRA, "/wie schulden", conversation=CHANNEL)
    in_channel = standin.sent(CHANNEL["id"])
    assert len(in_channel) == 1
    assert in_channel[0].card is None
    assert "kan je geen privébericht sturen" in in_channel[0].text
    assert "Veldkamp" not in in_channel[0].text and "038" not in in_channel[0].text


async def test_a_public_answer_stays_in_the_channel_thread(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(SAMIRA)
    await teams.say(SAMIRA, "/themas jeugd", conversation=CHANNEL)
    in_channel = standin.sent(CHANNEL["id"])
    assert len(in_channel) == 1 and in_channel[0].card is not None
    assert [c for c in standin.calls if c.path == "v3/conversations"] == []


async def test_user_text_cannot_inject_links_or_mentions(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(SAMIRA)
    await teams.say(SAMIRA, "/bel [klik](https://evil.example.org) <at>Iedereen</at> *x*")
    sent = standin.sent(personal(SAMIRA)["id"])
    blocks = _blocks(sent[-1].card)
    echoed = [b for b in blocks if "klik" in b]
    assert echoed, blocks  # the answer names what was typed …
    for block in echoed:  # … with every Markdown and mention character escaped
        assert "\\[klik\\](https://evil.example.org)" in block
        assert "\\*x\\*" in block
        assert "<at>" not in block  # mentions are taken out of what users type


def _blocks(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "TextBlock":
            found.append(str(node.get("text")))
        for value in node.values():
            found.extend(_blocks(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_blocks(item))
    return found


async def test_klopt_nog_updates_the_card_in_place(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(SAMIRA)
    await teams.say(SAMIRA, "/ik")
    _sent, card = last_card(standin, personal(SAMIRA)["id"])
    answer = await teams.press(SAMIRA, card, "Klopt nog", reply_to="6001")
    updated = card_of(answer)
    assert "Klopt nog" not in [a.get("title") for a in actions(updated)]
    assert "actueel genoteerd" in str(updated)


async def test_a_knelpunt_notice_is_taken_on_with_its_button(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    ricardo = Member(
        "29:ricardo",
        "a1b2c3d4-0000-4000-8000-000000000006",
        "Ricardo Doelwijt",
        email="r.doelwijt@example.org",
    )
    standin.add_member(SAMIRA)
    standin.add_member(ricardo)
    await teams.say(ricardo, "/help")  # Ricardo (oliemannetje Wmo) has a chat with the bot
    await teams.say(SAMIRA, "/knelpunt Wmo: de aanvraag wacht op een formulier dat niet bestaat")
    await demo_app.delivery.flush()
    _sent, notice = last_card(standin, personal(ricardo)["id"])
    updated = card_of(await teams.press(ricardo, notice, "Ik pak dit op", reply_to="6002"))
    assert "Ik pak dit op" not in [a.get("title") for a in actions(updated)]
    await demo_app.delivery.flush()
    assert "Ricardo Doelwijt" in standin.sent(personal(SAMIRA)["id"])[-1].text


async def test_in_a_channel_only_the_bots_mention_is_taken_out(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(SAMIRA)
    payload = teams.message(SAMIRA, "/bel <at>Joost de Wit</at>", conversation=CHANNEL)
    payload["entities"].append(
        {
            "type": "mention",
            "text": "<at>Joost de Wit</at>",
            "mentioned": {"id": "29:joost", "name": "Joost de Wit"},
        }
    )
    assert (await teams.post(payload)).status == 202
    private = standin.sent(personal(SAMIRA)["id"])
    # /bel found the name in the mention (and answered privately: it holds a phone number).
    assert private and "Joost de Wit" in private[-1].text


async def test_bel_in_a_channel_and_knelpunt_text_for_others_stay_safe(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    ricardo = Member(
        "29:ricardo",
        "a1b2c3d4-0000-4000-8000-000000000006",
        "Ricardo Doelwijt",
        email="r.doelwijt@example.org",
    )
    standin.add_member(SAMIRA)
    standin.add_member(ricardo)
    # /bel in a channel: the number goes to Samira's 1:1 chat, the channel reads a pointer.
    await teams.say(SAMIRA, "/bel Ricardo Doelwijt", conversation=CHANNEL)
    [pointer] = standin.sent(CHANNEL["id"])
    assert pointer.card is None and "Doelwijt" not in pointer.text
    assert "Ricardo Doelwijt" in standin.sent(personal(SAMIRA)["id"])[-1].text
    # Samira's typed knelpunt reaches Ricardo's card as text, not as a link or a mention.
    await teams.say(ricardo, "/help")
    await teams.say(
        SAMIRA, "/knelpunt Wmo: traplift [Klik hier](https://evil.example) <at>Iedereen</at>"
    )
    await demo_app.delivery.flush()
    _sent, notice = last_card(standin, personal(ricardo)["id"])
    echoed = [b for b in _blocks(notice) if "Klik hier" in b]
    assert echoed
    for block in echoed:
        assert "\\[Klik hier\\](https://evil.example)" in block and "<at>" not in block
