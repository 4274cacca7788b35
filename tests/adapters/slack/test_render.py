"""Block Kit and modal rendering: what Slack shows, within Slack's limits."""

from __future__ import annotations

import json

from bot.adapters.slack.home import home_view
from bot.adapters.slack.modals import (
    field_errors,
    form_view,
    missing_people,
    read_metadata,
    submission_of,
)
from bot.adapters.slack.render import decode_action_id, fallback_text, reply_blocks
from core.i18n import Translator
from core.messages import Button, Choice, ContactCard, Field, Form, Reply

TR = Translator.for_language("nl")


def _card(**changes: object) -> ContactCard:
    values: dict[str, object] = {
        "person_id": 1,
        "name": "Joost de Wit",
        "organisation": "Woonstede",
        "role": "wijkconsulent",
        "phone": "+31612345678",
        "phone_display": "06-12345678",
        "reachability": "nu bereikbaar, tot 17:00",
        "email": "joost@example.org",
        "themes": ("wonen", "schulden"),
        "wijken": ("Molenwijk",),
    }
    values.update(changes)
    return ContactCard(**values)  # type: ignore[arg-type]


def test_a_contact_card_leads_with_a_tel_link_then_reachability_then_email() -> None:
    [section, context] = reply_blocks(Reply(cards=(_card(),)))
    text = section["text"]["text"]
    assert text.startswith("*Joost de Wit* — Woonstede, wijkconsulent")
    call = text.index("<tel:+31612345678|06-12345678>")
    assert call < text.index("nu bereikbaar, tot 17:00") < text.index("mailto:joost@example.org")
    assert "Molenwijk" in context["elements"][0]["text"]


def test_a_card_without_phone_still_says_when() -> None:
    [section, _context] = reply_blocks(Reply(cards=(_card(phone=None, phone_display=None),)))
    assert "tel:" not in section["text"]["text"]
    assert "nu bereikbaar" in section["text"]["text"]


def test_user_text_cannot_inject_slack_markup() -> None:
    [section] = reply_blocks(Reply(text="<!channel> & <@U1>"))
    assert section["text"]["text"] == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_buttons_with_the_same_action_get_unique_ids() -> None:
    buttons = tuple(Button(f"Bel {n}", "wie.call", str(n)) for n in range(30))
    blocks = reply_blocks(Reply(text="Kies", buttons=buttons))
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    ids = [e["action_id"] for a in actions for e in a["elements"]]
    assert len(set(ids)) == 30
    assert {decode_action_id(i) for i in ids} == {"wie.call"}


def test_a_url_button_is_a_link() -> None:
    [actions] = reply_blocks(Reply(buttons=(Button("Open", "x.y", url="https://example.org"),)))
    element = actions["elements"][0]
    assert element["url"] == "https://example.org"
    assert decode_action_id(element["action_id"]) == "link"


def test_long_answers_fit_slacks_limits() -> None:
    text = "\n".join(f"regel {i} " + "x" * 80 for i in range(200))
    cards = tuple(_card(person_id=i) for i in range(40))
    blocks = reply_blocks(Reply(title="T" * 300, text=text, cards=cards))
    assert len(blocks) <= 50
    assert len(blocks[0]["text"]["text"]) <= 150
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert len(fallback_text(Reply(text=text))) <= 3000


def _form() -> Form:
    return Form(
        form_id="handover.new",
        title="Warme overdracht naar een collega",
        intro="Wat heeft de inwoner nodig?",
        fields=(
            Field("vraag", "Wat is de vraag?", kind="longtext", hint="Geen namen"),
            Field("thema", "Thema", kind="choice", choices=(Choice("wonen", "Wonen"),)),
            Field("akkoord", "Weet de inwoner ervan?", kind="confirm"),
            Field(
                "domeinen",
                "Domeinen",
                kind="multichoice",
                choices=(Choice("Wmo", "Wmo"), Choice("Jeugd", "Jeugd")),
                required=False,
            ),
            Field("wanneer", "Wanneer", kind="datetime", required=False),
        ),
        context={"case": "7"},
    )


def test_a_form_becomes_a_modal_with_one_input_per_field() -> None:
    view = form_view(_form(), TR, "C1")
    assert view["type"] == "modal"
    assert len(view["title"]["text"]) <= 24
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == ["vraag", "thema", "akkoord", "domeinen", "wanneer"]
    kinds = [b["element"]["type"] for b in inputs]
    assert kinds == [
        "plain_text_input",
        "radio_buttons",
        "radio_buttons",
        "checkboxes",
        "datetimepicker",
    ]
    assert inputs[0]["element"]["multiline"] is True
    assert [o["value"] for o in inputs[2]["element"]["options"]] == ["ja", "nee"]
    assert inputs[3]["optional"] is True
    assert read_metadata(view) == ("handover.new", {"case": "7"}, "C1")


def test_a_submitted_modal_becomes_a_neutral_submission() -> None:
    view = form_view(_form(), TR, "C1")
    view["state"] = {
        "values": {
            "vraag": {"vraag": {"type": "plain_text_input", "value": "  hulp bij de huur "}},
            "thema": {"thema": {"type": "radio_buttons", "selected_option": {"value": "wonen"}}},
            "akkoord": {"akkoord": {"type": "radio_buttons", "selected_option": {"value": "ja"}}},
            "domeinen": {"domeinen": {"type": "checkboxes", "selected_options": []}},
            "wanneer": {"wanneer": {"type": "plain_text_input", "value": None}},
        }
    }
    submission = submission_of(view, "Europe/Amsterdam")
    assert submission.form_id == "handover.new"
    assert submission.context == {"case": "7"}
    assert submission.values == {"vraag": "hulp bij de huur", "thema": "wonen", "akkoord": "ja"}


def test_a_date_picker_answer_is_local_time() -> None:
    view = form_view(_form(), TR, None)
    view["state"] = {
        "values": {
            "wanneer": {"w": {"type": "datetimepicker", "selected_date_time": 1795510800}},
        }
    }
    assert submission_of(view, "Europe/Amsterdam").values == {"wanneer": "2026-11-24 10:00"}


def test_errors_point_at_the_field_or_else_the_first_input() -> None:
    view = form_view(_form(), TR, None)
    assert field_errors(view, "Te kort", "thema") == {"thema": "Te kort"}
    assert field_errors(view, "Te kort", None) == {"vraag": "Te kort"}
    assert field_errors(view, "Te kort", "bestaat-niet") == {"vraag": "Te kort"}


def test_the_home_shows_each_section_under_its_own_header() -> None:
    section = Reply(text="Geen open overdrachten", buttons=(Button("Nieuw", "home.command", "x"),))
    home = Reply(
        title="Groene Krokodil",
        text="Hallo Fatima!",
        buttons=(
            Button("Nieuwe overdracht", "home.command", "overdracht"),
            Button("Nieuw", "home.command", "x"),
        ),
        data={
            "greeting": "Hallo Fatima!",
            "shortcuts": 1,
            "sections": [{"title": "Mijn regie", "reply": section.to_json()}],
        },
    )
    view = home_view(home)
    assert view["type"] == "home"
    texts = json.dumps(view, ensure_ascii=False)
    assert texts.index("Hallo Fatima!") < texts.index("Mijn regie") < texts.index("Geen open")
    ids = [e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(ids) == len(set(ids)) == 2


def test_a_person_can_be_picked_or_typed() -> None:
    form = Form(
        form_id="handover.receiver",
        title="Aan wie?",
        fields=(
            Field(
                "receiver",
                "Aan wie draag je over?",
                kind="person",
                choices=(Choice("12", "Joost de Wit"), Choice("13", "Anna Bakker")),
            ),
        ),
    )
    view = form_view(form, TR, "C1")
    picked, typed = view["blocks"]
    assert picked["element"]["type"] == "radio_buttons" and picked["optional"] is True
    assert typed["block_id"] == "receiver.typed"
    view["state"] = {
        "values": {
            "receiver": {"receiver": {"type": "radio_buttons", "selected_option": None}},
            "receiver.typed": {"receiver.typed": {"type": "plain_text_input", "value": None}},
        }
    }
    empty = submission_of(view, "Europe/Amsterdam")
    assert missing_people(view, empty, TR) == {
        "receiver": "Kies iemand uit de lijst, of typ een naam."
    }
    view["state"]["values"]["receiver"]["receiver"]["selected_option"] = {"value": "13"}
    assert submission_of(view, "Europe/Amsterdam").values == {"receiver": "13"}
    view["state"]["values"]["receiver.typed"]["receiver.typed"]["value"] = "Sanne"
    chosen = submission_of(view, "Europe/Amsterdam")
    assert chosen.values == {"receiver": "Sanne"}
    assert missing_people(view, chosen, TR) == {}


def test_user_text_is_inert_in_the_text_field_and_every_block() -> None:
    hostile = "<!channel> @here @Everyone <https://evil.example/login|Klik hier> & co"
    reply = Reply(
        title=hostile,
        text=hostile,
        cards=(
            ContactCard(
                person_id=1,
                name=hostile,
                organisation=hostile,
                role=hostile,
                note=hostile,
                themes=(hostile,),
            ),
        ),
    )
    # plain_text (the header) is never parsed by Slack; mrkdwn and the text field are.
    marked = [
        t["text"] for b in reply_blocks(reply) for t in _texts(b) if t.get("type") == "mrkdwn"
    ]
    assert marked
    shown = [fallback_text(reply), *marked]
    for text in shown:
        assert "<!channel>" not in text and "<https://evil" not in text
        assert "@here" not in text and "@Everyone" not in text
    assert "&lt;!channel&gt; @\u2060here @\u2060Everyone" in shown[0]
    assert "&amp; co" in shown[0]


def _texts(node: object) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    if isinstance(node, dict):
        if isinstance(node.get("text"), str):
            found.append(node)
        for value in node.values():
            found.extend(_texts(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_texts(item))
    return found
