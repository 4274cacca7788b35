"""Rendering replies as Telegram HTML: escaping, contact cards, links, keyboards, long texts."""

from __future__ import annotations

from bot.adapters.telegram.adapter import file_url
from bot.adapters.telegram.render import MAX_CHUNK, keyboard, render_html
from core.messages import Attachment, Button, ContactCard, Reply
from tests.adapters.telegram.bot_api_rules import problem


def test_everything_from_handlers_is_escaped() -> None:
    rendered = render_html(Reply(title="<Wie & wat>", text="a < b & <i>c</i>"))
    assert rendered.chunks == ("<b>&lt;Wie &amp; wat&gt;</b>\na &lt; b &amp; &lt;i&gt;c&lt;/i&gt;",)


def test_cards_lead_with_the_phone_number() -> None:
    card = ContactCard(
        person_id=1,
        name="Joost <de> Wit",
        organisation="Sociaal Wijkteam Noord",
        role="wijkcoach",
        phone="+31235115115",
        phone_display="023 511 5115",
        reachability="nu bereikbaar, tot 12:30",
        email="joost@example.org",
        note="oliemannetje Jeugd",
    )
    [chunk] = render_html(Reply(text="Bel:", cards=(card,))).chunks
    lines = chunk.split("\n")
    assert lines[2] == "<b>Joost &lt;de&gt; Wit</b> — Sociaal Wijkteam Noord, wijkcoach"
    # The international form, which Telegram clients make tappable.
    assert lines[3] == "☎ +31235115115 (nu bereikbaar, tot 12:30)"
    assert "<i>oliemannetje Jeugd</i>" in lines
    assert "✉ joost@example.org" in lines


def test_several_cards_are_numbered() -> None:
    cards = tuple(ContactCard(person_id=i, name=f"P{i}", organisation="Org") for i in (1, 2))
    [chunk] = render_html(Reply(cards=cards)).chunks
    assert "<b>1. P1</b> — Org" in chunk and "<b>2. P2</b> — Org" in chunk


def test_phone_and_mail_buttons_become_text() -> None:
    reply = Reply(
        text="Neem contact op",
        buttons=(
            Button("Bel Joost", "x.call", url="tel:+31235115115"),
            Button("Mail Joost", "x.mail", url="mailto:joost@example.org"),
            Button("Open", "x.web", url="https://example.org/a?b=1&c=2"),
            Button("Accepteren", "handover.accept", "12", "primary"),
        ),
    )
    rendered = render_html(reply)
    assert rendered.chunks[0].split("\n")[1:] == [
        "☎ Bel Joost: +31235115115",
        "→ Mail Joost: joost@example.org",
    ]
    assert [b.label for b in rendered.buttons] == ["Open", "Accepteren"]


def test_keyboard_rows_and_button_kinds() -> None:
    short = [Button("Ja", "a", "1"), Button("Nee", "a", "2"), Button("Annuleren", "c")]
    markup = keyboard(short, ["a|1", "a|2", "c|"])
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Ja", "Nee", "Annuleren"]]
    long = [Button("Schuldhulpverlening Noord", "t", "1"), Button("Web", "w", url="https://x.nl")]
    markup = keyboard(long, ["t|1", ""])
    assert markup is not None
    rows = markup.inline_keyboard
    assert len(rows) == 2
    assert rows[0][0].callback_data == "t|1" and rows[1][0].url == "https://x.nl"
    assert keyboard([], []) is None


def test_long_texts_are_split_on_lines_below_the_limit() -> None:
    text = "\n".join(f"regel {i} " + "x & y " * 40 for i in range(100))
    rendered = render_html(Reply(text=text, buttons=(Button("OK", "ok"),)))
    assert len(rendered.chunks) > 1
    assert all(len(c) <= MAX_CHUNK for c in rendered.chunks)
    assert "\n".join(rendered.chunks).count("regel ") == 100
    one_huge_line = render_html(Reply(text="<" * 20000))
    assert all(len(c) <= 4096 for c in one_huge_line.chunks)


def test_nothing_to_send_for_an_empty_reply() -> None:
    assert render_html(Reply(data={"duplicate": True})).empty
    only_buttons = render_html(Reply(buttons=(Button("OK", "ok"),)))
    assert only_buttons.chunks and not only_buttons.empty
    with_file = render_html(Reply(attachments=(Attachment("a.ics", "text/calendar", b"x"),)))
    assert not with_file.empty and not with_file.chunks


def test_file_url_follows_the_base_url() -> None:
    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url("http://h/bot{token}/x") == "http://h/file/bot{token}/x"


def test_rendered_replies_pass_the_bot_api_rules() -> None:
    nasty = "a <b> & c </i> &amp x < y > z \"q\" 'r' &#12; &lt"
    card = ContactCard(person_id=1, name=nasty, organisation=nasty, note=nasty, email=nasty)
    reply = Reply(
        title=nasty,
        text="\n".join([nasty] * 300),
        cards=(card,),
        buttons=(Button(nasty, "x.y", "1"), Button("Bel", "x.call", url="tel:+31612345678")),
    )
    rendered = render_html(reply)
    data = ["x.y|1"] * len(rendered.buttons)
    markup = keyboard(rendered.buttons, data)
    assert markup is not None
    for index, chunk in enumerate(rendered.chunks):
        params: dict[str, object] = {"text": chunk, "parse_mode": "HTML"}
        if index == len(rendered.chunks) - 1:
            params["reply_markup"] = markup.to_dict()
        assert problem("sendMessage", params) is None


def test_the_stand_in_refuses_what_telegram_refuses() -> None:
    html = {"parse_mode": "HTML"}
    assert problem("sendMessage", {**html, "text": "<x>a</x>"})
    assert problem("sendMessage", {**html, "text": "a < b"})
    assert problem("sendMessage", {**html, "text": "a & b"})
    assert problem("sendMessage", {**html, "text": "<b>a"})
    assert problem("sendMessage", {"text": "x" * 4097})
    tel = {"inline_keyboard": [[{"text": "Bel", "url": "tel:+31612345678"}]]}
    assert problem("sendMessage", {"text": "x", "reply_markup": tel}) == "BUTTON_URL_INVALID"
    long = {"inline_keyboard": [[{"text": "a", "callback_data": "x" * 65}]]}
    assert problem("sendMessage", {"text": "x", "reply_markup": long}) == "BUTTON_DATA_INVALID"
    assert problem("sendMessage", {**html, "text": "<b>a &lt; b &amp; c</b>"}) is None
