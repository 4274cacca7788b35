"""A neutral reply as a Teams message with an Adaptive Card; a form as a card with inputs.

A form is shown whole (Teams cards hold inputs), with the user's earlier answers filled
in again and a handler's complaint right under the field it is about. Files go along as
attachments (images show inline; other files as a download where the client allows).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from microsoft_agents.activity import Activity, Attachment

from bot import forms
from bot.adapters.teams import cards
from bot.adapters.teams.cards import Element
from core.i18n import N_, Translator
from core.messages import Choice, Field, Form, Reply

TYPED = ".typed"
DATE, TIME, MULTI = ".date", ".time", ".multi"
INPUT_PREFIX = "f."
YES, NO = "ja", "nee"
MAX_CARDS = 10
# A bot message carries pictures inline; other files need a consent flow Teams offers only
# in personal chats, so the card names them instead (the calendar is also on /agenda's feed).
INLINE_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif"})
NOT_SENT = N_("Het bestand {name} kan ik in Teams niet meesturen.")


def reply_card(reply: Reply, tr: Translator, *, chat: str | None = None) -> Element | None:
    """The card of a reply (None when the reply has nothing to show).

    `chat` is the channel a form was asked in when the card is shown in a 1:1 chat: its
    submission then counts for that channel (e.g. a meeting planned for it).
    """
    if reply.form is not None:
        return form_card(reply.form, tr, intro=reply.text, chat=chat)
    body: list[Element] = []
    if reply.title:
        body.append(cards.title_block(reply.title))
    if reply.text:
        body.extend(cards.text_blocks(reply.text))
    numbered = len(reply.cards) > 1
    for index, person in enumerate(reply.cards[:MAX_CARDS], start=1):
        body.append(cards.contact(person, index if numbered else None))
    for file in reply.attachments:
        if file.mime_type not in INLINE_IMAGES:
            body.append(cards.text_block(tr.gettext(NOT_SENT, name=file.filename), isSubtle=True))
    body.extend(cards.action_sets(reply.buttons))
    if not body:
        return None
    return cards.card(body)


def message(reply: Reply, tr: Translator, *, chat: str | None = None) -> Activity | None:
    """The message activity for a reply (card plus files), or None when it is empty."""
    content = reply_card(reply, tr, chat=chat)
    attachments: list[Attachment] = []
    if content is not None:
        attachments.append(Attachment(content_type=cards.CARD_TYPE, content=content))
    for file in reply.attachments:
        if file.mime_type not in INLINE_IMAGES:
            continue  # said on the card (files_note): Teams takes only pictures inline
        encoded = base64.b64encode(file.content).decode("ascii")
        attachments.append(
            Attachment(
                content_type=file.mime_type,
                content_url=f"data:{file.mime_type};base64,{encoded}",
                name=file.filename,
            )
        )
    if not attachments:
        return None
    # The plain text is what notifications and screen readers show before the card opens.
    summary = (reply.title or reply.text or "").strip().split("\n", 1)[0][:200]
    if summary:
        return Activity(type="message", summary=summary, attachments=attachments)
    return Activity(type="message", attachments=attachments)


def pointer(text: str) -> Activity:
    """A short line without a card (the pointer in a channel to a private answer)."""
    return Activity(type="message", text=cards.escape(text), text_format="markdown")


def invoke_card(content: Element) -> dict[str, Any]:
    """The body of an invoke response that replaces the pressed card."""
    return {"statusCode": 200, "type": cards.CARD_TYPE, "value": content}


def invoke_message(text: str) -> dict[str, Any]:
    """The body of an invoke response that leaves the card and shows a short message."""
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}


def form_card(
    form: Form,
    tr: Translator,
    *,
    intro: str = "",
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    chat: str | None = None,
) -> Element:
    """A form as a card: every field an input, submit and cancel as Action.Execute."""
    given = values or {}
    problems = errors or {}
    body: list[Element] = [cards.title_block(form.title)]
    for text in (intro, form.intro):
        if text:
            body.extend(cards.text_blocks(text))
    for field in form.fields:
        body.extend(_inputs(field, tr, given))
        if field.name in problems:
            body.append(cards.text_block(problems[field.name], color="Attention", spacing="None"))
    # The form travels with its submit button, so a complaint can show it again, filled in.
    data: dict[str, Any] = {
        cards.MARK: cards.FORM,
        "form": form.form_id,
        "ctx": dict(form.context),
        "spec": forms.form_json(form),
    }
    if chat:
        data["chat"] = chat
    actions = [
        {
            "type": "Action.Execute",
            "title": form.submit_label or tr.gettext("Versturen"),
            "verb": "form.submit",
            "style": "positive",
            "data": data,
        },
        {
            "type": "Action.Execute",
            "title": tr.gettext("Annuleren"),
            "verb": "form.cancel",
            "associatedInputs": "none",
            "data": {cards.MARK: cards.CANCEL, "form": form.form_id},
        },
    ]
    return cards.card(body, actions)


def _inputs(field: Field, tr: Translator, given: Mapping[str, Any]) -> list[Element]:
    name = INPUT_PREFIX + field.name
    earlier = given.get(field.name)
    value = _text(earlier) if earlier is not None else field.initial
    label = field.label if not field.hint else f"{field.label} ({field.hint})"
    base: Element = {"id": name, "label": label, "isRequired": False}
    choices = field.choices
    if field.kind == "confirm":
        choices = (Choice(YES, tr.gettext("Ja")), Choice(NO, tr.gettext("Nee")))
    if field.kind in ("choice", "person", "multichoice", "confirm") and choices:
        multi = field.kind == "multichoice"
        element: Element = {
            **base,
            # Teams returns several choices as one comma-separated text; the suffix says so.
            "id": name + MULTI if multi else name,
            "type": "Input.ChoiceSet",
            "style": "expanded" if len(choices) <= 5 else "compact",
            "isMultiSelect": multi,
            "choices": [{"title": c.label, "value": c.value} for c in choices[:100]],
        }
        if value:
            element["value"] = value
        found = [element]
        if field.kind == "person":
            # A name typed here wins over the list (as in the Slack modal).
            typed = _text(given.get(field.name + TYPED, ""))
            found.append(
                {
                    "type": "Input.Text",
                    "id": name + TYPED,
                    "label": tr.gettext("Of typ een naam"),
                    "value": typed,
                }
            )
        return found
    if field.kind == "datetime":
        day, _, time = (value or "").partition(" ")
        return [
            {**base, "type": "Input.Date", "id": name + DATE, "value": day},
            {"type": "Input.Time", "id": name + TIME, "value": time, "spacing": "None"},
        ]
    return [{**base, "type": "Input.Text", "isMultiline": field.kind == "longtext", "value": value}]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value or "")
