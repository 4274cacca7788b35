"""Step-by-step forms for platforms without modals (console, Telegram).

The dispatcher starts a conversation when a handler replies with a form; each
next message answers the current field. 'annuleren' stops, '-' skips an
optional field. Choice fields come as buttons the user can tap or number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.i18n import Translator
from core.messages import Button, Choice, Field, Form, Reply
from handlers.base import Command, Deps

ANSWER_ACTION = "form.answer"
CANCEL_ACTION = "form.cancel"
CANCEL_WORDS = frozenset(
    {"annuleren", "annuleer", "stop", "cancel", "/annuleren", "/cancel", "/stop"}
)
SKIP_WORDS = frozenset({"-", "overslaan", "skip"})
YES_WORDS = frozenset({"ja", "j", "yes", "y", "akkoord", "ok", "oké", "true"})
NO_WORDS = frozenset({"nee", "n", "no", "false"})


class AnswerError(ValueError):
    """The answer does not fit the field; the msgid explains why."""

    def __init__(self, msgid: str, **values: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.values = values


@dataclass(frozen=True)
class Step:
    """A field with the choices in force for it right now."""

    field: Field
    choices: tuple[Choice, ...]


def prompt(
    tr: Translator,
    form: Form,
    step: Step,
    index: int,
    first: bool,
    left_out: frozenset[str] = frozenset(),
) -> Reply:
    """The question for one field, with its choices as buttons; questions left out are not
    counted."""
    lines: list[str] = []
    if first and form.intro:
        lines.append(form.intro)
    before = sum(1 for f in form.fields[:index] if f.name in left_out)
    counter = tr.gettext(
        "Vraag {i} van {n}", i=index + 1 - before, n=len(form.fields) - len(left_out)
    )
    lines.append(f"{counter}: {step.field.label}")
    if step.field.hint:
        lines.append(step.field.hint)
    keep = step.field.initial and step.field.kind in ("text", "longtext")
    if keep:
        # Step by step there is no prefilled box, as in a modal: show the current answer.
        lines.append(tr.gettext("Nu: {value}", value=step.field.initial))
        lines.append(tr.gettext("Typ - om dit te houden, of typ iets nieuws."))
    elif not step.field.required:
        lines.append(tr.gettext("Typ - om over te slaan."))
    if step.field.kind == "multichoice":
        lines.append(tr.gettext("Kies een of meer nummers, gescheiden door komma's."))
    buttons: list[Button] = [Button(c.label, ANSWER_ACTION, c.value) for c in step.choices]
    if keep:
        buttons.append(Button(tr.gettext("Zo houden"), ANSWER_ACTION, "-", "primary"))
    if step.field.kind == "confirm":
        buttons = [
            Button(tr.gettext("Ja"), ANSWER_ACTION, "ja", "primary"),
            Button(tr.gettext("Nee"), ANSWER_ACTION, "nee"),
        ]
    buttons.append(Button(tr.gettext("Annuleren"), CANCEL_ACTION, "", "danger"))
    return Reply(text="\n".join(lines), title=form.title if first else "", buttons=tuple(buttons))


def parse_answer(step: Step, raw: str, *, pressed: bool = False) -> str | list[str] | None:
    """The stored value for a typed or tapped answer; None means skipped.

    A pressed button carries a choice's value, which may itself be digits ("90"), so it is
    matched by value; a typed number means the option with that number.
    """
    text = raw.strip()
    field = step.field
    if pressed and field.kind != "confirm":
        for choice in step.choices:
            if choice.value == text:
                return [text] if field.kind == "multichoice" else text
    if text.lower() in SKIP_WORDS:
        if field.initial and field.kind in ("text", "longtext"):
            return field.initial
        if field.required:
            raise AnswerError("Deze vraag is verplicht.")
        return None
    if not text:
        raise AnswerError("Ik kreeg geen antwoord. Typ je antwoord, of 'annuleren' om te stoppen.")
    if field.kind == "confirm":
        if text.lower() in YES_WORDS:
            return "ja"
        if text.lower() in NO_WORDS:
            return "nee"
        raise AnswerError("Antwoord met ja of nee.")
    if field.kind == "choice" and step.choices:
        return _one_choice(step.choices, text)
    if field.kind == "person" and step.choices:
        # A suggested person by number, or any name the handler will look up itself.
        return _one_choice(step.choices, text) if text.isdecimal() else _choice_or_text(step, text)
    if field.kind == "multichoice" and step.choices:
        picked = [_one_choice(step.choices, part) for part in text.replace(";", ",").split(",")]
        return list(dict.fromkeys(p for p in picked if p))
    return text


def cancels(step: Step, raw: str) -> bool:
    """Whether a typed number is the one shown for 'Annuleren', after the choices."""
    text = raw.strip()
    return (
        step.field.kind in SUGGESTIBLE
        and bool(step.choices)
        and text.isdecimal()
        and int(text) == len(step.choices) + 1
    )


def _one_choice(choices: tuple[Choice, ...], text: str) -> str:
    """A choice by its number, value or label."""
    token = text.strip()
    # What is shown is numbered: the choices, then 'Annuleren' (see `cancels`).
    shown = len(choices) + 1
    if token.isdecimal():
        index = int(token) - 1
        if 0 <= index < len(choices):
            return choices[index].value
        raise AnswerError("Kies een nummer van 1 tot {n}.", n=shown)
    for choice in choices:
        if token.lower() in (choice.value.lower(), choice.label.lower()):
            return choice.value
    raise AnswerError(
        "'{answer}' is geen van de keuzes. Kies een nummer van 1 tot {n}.",
        answer=token,
        n=shown,
    )


def _choice_or_text(step: Step, text: str) -> str:
    try:
        return _one_choice(step.choices, text)
    except AnswerError:
        return text


SUGGESTIBLE = ("choice", "multichoice", "person")


def not_applying(deps: Deps, form: Form, values: dict[str, Any]) -> frozenset[str]:
    """The questions the answers so far made moot (the form spec's `applies`)."""
    spec = deps.registry.forms.get(form.form_id)
    if spec is None or spec.applies is None:
        return frozenset()
    answers = {**form.context, **values}
    return frozenset(f.name for f in form.fields if not spec.applies(f.name, answers))


def next_question(form: Form, index: int, left_out: frozenset[str]) -> int:
    """The first question from `index` on that applies (len(fields) when none is left)."""
    while index < len(form.fields) and form.fields[index].name in left_out:
        index += 1
    return index


async def step(deps: Deps, form: Form, index: int, values: dict[str, Any], cmd: Command) -> Step:
    """Question `index` of a form, its choices suggested from the answers so far where the
    form's spec can (e.g. themes from the handover question)."""
    field = form.fields[index]
    spec = deps.registry.forms.get(form.form_id)
    if spec is None or spec.suggest is None or field.kind not in SUGGESTIBLE:
        return Step(field=field, choices=field.choices)
    suggested = await spec.suggest(cmd, deps, field.name, {**form.context, **values})
    return Step(field=field, choices=suggested or field.choices)


def form_json(form: Form) -> dict[str, Any]:
    """A form as stored with a step-by-step conversation."""
    payload = Reply(form=form).to_json()["form"]
    assert isinstance(payload, dict)
    return payload
