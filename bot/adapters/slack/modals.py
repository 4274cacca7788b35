"""Forms as Slack modals, and modal submissions back as neutral form submissions.

Each field becomes an input block whose block id is the field name, so
validation errors (``response_action: "errors"``) can point at a field. The
form id, its context and the chat the form was opened from travel in the
view's ``private_metadata``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.adapters.slack.render import Block, clip, plain, text_sections
from core.i18n import Translator
from core.messages import Choice, Field, Form, FormSubmission, Reply

CALLBACK_ID = "krokodil.form"
# Block id suffix of the "or type a name" box next to a list of people.
TYPED = ".typed"
MODAL_BLOCK_LIMIT = 100
METADATA_LIMIT = 3000
YES, NO = "ja", "nee"


class MalformedSubmission(ValueError):
    """A view_submission whose metadata or state we cannot read."""


def form_view(form: Form, tr: Translator, chat: str | None) -> dict[str, Any]:
    """A modal view for a form; `chat` is where the result should be announced."""
    needed = [f.name for f in form.fields if f.kind == "person" and f.choices and f.required]
    metadata = json.dumps(
        {"form": form.form_id, "context": form.context, "chat": chat, "pick": needed},
        ensure_ascii=False,
    )
    if len(metadata) > METADATA_LIMIT:
        raise ValueError(f"form {form.form_id!r} has a context too large for a Slack modal")
    blocks: list[Block] = []
    if form.intro:
        blocks.extend(text_sections(form.intro))
    for field in form.fields:
        blocks.extend(input_blocks(field, tr))
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain(form.title, 24),
        "submit": plain(form.submit_label or tr.gettext("Versturen"), 24),
        "close": plain(tr.gettext("Annuleren"), 24),
        "private_metadata": metadata,
        "blocks": blocks[:MODAL_BLOCK_LIMIT],
    }


def notice_view(reply: Reply, tr: Translator) -> dict[str, Any]:
    """A modal that only shows text (e.g. 'please register first')."""
    return {
        "type": "modal",
        "callback_id": "krokodil.notice",
        "title": plain(reply.title or "Groene Krokodil", 24),
        "close": plain(tr.gettext("Sluiten"), 24),
        "blocks": text_sections(reply.text)[:MODAL_BLOCK_LIMIT] or [],
    }


def _option(choice: Choice) -> dict[str, Any]:
    return {"text": plain(choice.label, 75), "value": choice.value}


def input_blocks(field: Field, tr: Translator) -> list[Block]:
    """The input block for a field; a person to pick also gets a box to type any name."""
    picked = field.kind == "person" and bool(field.choices)
    block: Block = {
        "type": "input",
        "block_id": field.name,
        "label": plain(field.label, 2000),
        "element": _element(field, tr),
        # Either the list or the typed name will do; required-ness is checked on submit.
        "optional": picked or not field.required,
    }
    if field.hint:
        block["hint"] = plain(field.hint, 2000)
    if not picked:
        return [block]
    typed: Block = {
        "type": "input",
        "block_id": field.name + TYPED,
        "label": plain(tr.gettext("Of typ een naam"), 2000),
        "element": {"action_id": field.name + TYPED, "type": "plain_text_input"},
        "optional": True,
    }
    return [block, typed]


def _element(field: Field, tr: Translator) -> dict[str, Any]:
    choices = field.choices
    if field.kind == "confirm":
        choices = (Choice(YES, tr.gettext("Ja")), Choice(NO, tr.gettext("Nee")))
        element: dict[str, Any] = {
            "type": "radio_buttons",
            "options": [_option(c) for c in choices],
        }
    elif field.kind == "multichoice" and choices:
        kind = "checkboxes" if len(choices) <= 10 else "multi_static_select"
        element = {"type": kind, "options": [_option(c) for c in choices[:100]]}
        initial = [c for c in choices if c.value in field.initial.split(",")]
        if initial:
            element["initial_options"] = [_option(c) for c in initial]
        if kind == "multi_static_select":
            element["placeholder"] = plain(tr.gettext("Kies…"))
        return {"action_id": field.name, **element}
    elif field.kind in ("choice", "person") and choices:
        kind = "radio_buttons" if len(choices) <= 5 else "static_select"
        element = {"type": kind, "options": [_option(c) for c in choices[:100]]}
        if kind == "static_select":
            element["placeholder"] = plain(tr.gettext("Kies…"))
    elif field.kind == "datetime":
        # Answers as "YYYY-MM-DD HH:MM" local time (see _value), which the date parsers read.
        return {"action_id": field.name, "type": "datetimepicker"}
    else:
        element = {"type": "plain_text_input", "multiline": field.kind == "longtext"}
        if field.initial:
            element["initial_value"] = field.initial
        return {"action_id": field.name, **element}
    chosen = next((c for c in choices if c.value == field.initial), None)
    if chosen is not None:
        element["initial_option"] = _option(chosen)
    return {"action_id": field.name, **element}


def read_metadata(view: dict[str, Any]) -> tuple[str, dict[str, str], str | None]:
    """(form id, context, chat) from a submitted view."""
    try:
        raw = json.loads(view.get("private_metadata") or "")
        form_id = raw["form"]
        context = {str(k): str(v) for k, v in dict(raw.get("context") or {}).items()}
        chat = raw.get("chat")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise MalformedSubmission("view without readable form metadata") from error
    if not isinstance(form_id, str) or not (chat is None or isinstance(chat, str)):
        raise MalformedSubmission("view metadata has the wrong types")
    return form_id, context, chat


def submission_of(view: dict[str, Any], timezone: str) -> FormSubmission:
    """The neutral submission of a modal; empty answers are left out like skipped questions."""
    form_id, context, _chat = read_metadata(view)
    state = view.get("state")
    if not isinstance(state, dict) or not isinstance(state.get("values", {}), dict):
        raise MalformedSubmission("view without state values")
    values: dict[str, str | list[str]] = {}
    typed: dict[str, str | list[str]] = {}
    try:
        for block_id, actions in state.get("values", {}).items():
            if not isinstance(actions, dict):
                raise MalformedSubmission("state block is not an object")
            for entry in actions.values():
                value = _value(entry, timezone)
                if value and str(block_id).endswith(TYPED):
                    typed[str(block_id).removesuffix(TYPED)] = value
                elif value:
                    values[str(block_id)] = value
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, OSError) as error:
        raise MalformedSubmission("state values of an unexpected shape") from error
    # A typed name wins over the list: the user went out of their way to type it.
    values.update(typed)
    return FormSubmission(form_id=form_id, values=values, context=context)


def missing_people(
    view: dict[str, Any], submission: FormSubmission, tr: Translator
) -> dict[str, str]:
    """Errors for required person fields left without a pick and without a typed name."""
    try:
        raw = json.loads(view.get("private_metadata") or "{}")
        needed = [str(n) for n in raw.get("pick") or ()]
    except (ValueError, TypeError, AttributeError):
        return {}
    message = tr.gettext("Kies iemand uit de lijst, of typ een naam.")
    return {name: message for name in needed if not submission.values.get(name)}


def _value(entry: Any, timezone: str) -> str | list[str] | None:
    if not isinstance(entry, dict):
        raise MalformedSubmission("state entry is not an object")
    kind = entry.get("type")
    if kind in ("checkboxes", "multi_static_select", "multi_external_select"):
        return [str(o["value"]) for o in entry.get("selected_options") or ()]
    if kind in ("static_select", "radio_buttons", "external_select"):
        option = entry.get("selected_option") or {}
        return str(option["value"]) if option.get("value") is not None else None
    if kind == "users_select":
        return entry.get("selected_user")
    if kind == "datetimepicker" and entry.get("selected_date_time") is not None:
        moment = datetime.fromtimestamp(int(entry["selected_date_time"]), ZoneInfo(timezone))
        return moment.strftime("%Y-%m-%d %H:%M")
    value = entry.get("value")
    return value.strip() if isinstance(value, str) and value.strip() else None


def field_errors(view: dict[str, Any], message: str, field: str | None) -> dict[str, str]:
    """A response_action errors map: the named field, else the first input of the view."""
    blocks = view.get("blocks")
    inputs = [
        b.get("block_id")
        for b in (blocks if isinstance(blocks, list) else ())
        if isinstance(b, dict) and b.get("type") == "input"
    ]
    target = field if field in inputs else (inputs[0] if inputs else None)
    return {str(target): clip(message, 2000)} if target else {}
