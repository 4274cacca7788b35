"""What knelpunt messages say: the form, the notice to oliemannetjes, updates to the reporter."""

from __future__ import annotations

from core.i18n import N_, Translator
from core.messages import Button, Choice, Field, Form, Reply
from directory.models import Person
from directory.phones import display_phone
from knelpunten.lifecycle import DOMAINS, FINAL_STATUSES, RECEIVED, STATUS_LABELS
from knelpunten.models import Knelpunt

NEW_FORM = "knelpunten.new"
OUTCOME_FORM = "knelpunten.explain"
TAKE = "knelpunten.take"
SUPPORT = "knelpunten.support"
OUTCOME = "knelpunten.outcome"

DOMAIN_LABELS = {
    "Jeugd": N_("Jeugd"),
    "Wmo": N_("Wmo"),
    "Participatie": N_("Participatie (werk en inkomen)"),
    "Opvang": N_("Opvang"),
}
OUTCOME_BUTTONS = {
    "opgelost": N_("Opgelost"),
    "structureel": N_("Structureel opgepakt"),
    "niet_aan_te_passen": N_("Niet aan te passen"),
}


def domains_field(tr: Translator) -> Field:
    """Which domains the knelpunt touches (one or more)."""
    return Field(
        "domeinen",
        tr.gettext("Welk domein raakt het?"),
        kind="multichoice",
        choices=tuple(Choice(d, tr.gettext(DOMAIN_LABELS[d])) for d in DOMAINS),
    )


def new_form(tr: Translator, description: str = "") -> Form:
    """The report form; with a description already typed, only the domains are asked."""
    fields: tuple[Field, ...] = (domains_field(tr),)
    if not description:
        fields = (
            Field(
                "wat",
                tr.gettext("Wat liep vast?"),
                kind="longtext",
                hint=tr.gettext(
                    "Beschrijf de regel, procedure of het systeem. Noem geen gegevens van de "
                    "inwoner: geen naam, adres, geboortedatum of BSN."
                ),
            ),
            *fields,
        )
    return Form(
        form_id=NEW_FORM,
        title=tr.gettext("Knelpunt melden"),
        fields=fields,
        submit_label=tr.gettext("Melden"),
        intro=tr.gettext(
            "Liep je vast op een regel, procedure of systeem terwijl je een inwoner hielp? "
            "Meld het hier; het oliemannetje van het domein pakt het op. Noem geen gegevens "
            "van de inwoner."
        ),
        context={"description": description} if description else {},
    )


def outcome_form(tr: Translator, knelpunt_id: int, status: str) -> Form:
    """The explanation that goes with an outcome (always required)."""
    return Form(
        form_id=OUTCOME_FORM,
        title=tr.gettext(
            "Knelpunt #{id}: {status}", id=knelpunt_id, status=tr.gettext(STATUS_LABELS[status])
        ),
        fields=(
            Field(
                "uitleg",
                tr.gettext("Wat is er gedaan, of waarom kan het niet anders?"),
                kind="longtext",
                hint=tr.gettext("De melder krijgt deze uitleg. Noem geen gegevens van inwoners."),
            ),
        ),
        submit_label=tr.gettext("Versturen"),
        context={"id": str(knelpunt_id), "status": status},
    )


def domain_names(tr: Translator, domains: list[str]) -> str:
    """'Jeugd en Wmo'."""
    return tr.join(tr.gettext(DOMAIN_LABELS.get(d, d)) for d in domains)


def who(person: Person | None, tr: Translator) -> str:
    """'Anna de Vries (Gemeente Groenwater)', or a neutral word for a removed person."""
    if person is None:
        return tr.gettext("een collega")
    return f"{person.name} ({person.organisation.name})"


def call_hint(person: Person | None, tr: Translator) -> str:
    """' Bel gerust: 038 …' when there is a phone number (call instead of mail)."""
    if person is None or not person.phone:
        return ""
    return " " + tr.gettext("Bel gerust: {phone}.", phone=display_phone(person.phone))


def body(knelpunt: Knelpunt, tr: Translator) -> str:
    """The description, or a note that the retention period removed it."""
    return knelpunt.description or tr.gettext("(tekst verwijderd na de bewaartermijn)")


def notice(knelpunt: Knelpunt, reporter: Person | None, tr: Translator) -> Reply:
    """A new knelpunt for an oliemannetje or a domain channel, with buttons to take it on."""
    text = "\n\n".join(
        (
            body(knelpunt, tr),
            tr.gettext("Gemeld door {who}.", who=who(reporter, tr)) + call_hint(reporter, tr),
        )
    )
    return Reply(
        title=tr.gettext(
            "Nieuw knelpunt #{id} · {domains}",
            id=knelpunt.id,
            domains=domain_names(tr, knelpunt.domains),
        ),
        text=text,
        buttons=(
            Button(tr.gettext("Ik pak dit op"), TAKE, str(knelpunt.id), "primary"),
            Button(tr.gettext("Ik loop hier ook tegenaan"), SUPPORT, str(knelpunt.id)),
        ),
        data={"knelpunt": knelpunt.id, "status": knelpunt.status},
    )


def outcome_buttons(knelpunt_id: int, tr: Translator) -> tuple[Button, ...]:
    """The three outcomes a handler can give."""
    return tuple(
        Button(tr.gettext(label), OUTCOME, f"{knelpunt_id}:{status}")
        for status, label in OUTCOME_BUTTONS.items()
    )


def taken_for_reporter(knelpunt: Knelpunt, handler: Person | None, tr: Translator) -> Reply:
    """The reporter hears who picked it up."""
    return Reply(
        title=tr.gettext("Knelpunt #{id}: in behandeling", id=knelpunt.id),
        text=tr.gettext("{who} pakt je knelpunt op.", who=who(handler, tr))
        + call_hint(handler, tr),
        data={"knelpunt": knelpunt.id, "status": knelpunt.status},
    )


def outcome_for(
    knelpunt: Knelpunt, handler: Person | None, tr: Translator, *, reporter: bool
) -> Reply:
    """The outcome with its explanation, for the reporter or for someone who ran into it too."""
    label = tr.gettext(STATUS_LABELS[knelpunt.status])
    intro = (
        tr.gettext("Je knelpunt is afgerond: {status}.", status=label)
        if reporter
        else tr.gettext(
            "Een knelpunt waar jij ook tegenaan liep is afgerond: {status}.", status=label
        )
    )
    parts = [intro]
    if not reporter:
        parts.append(body(knelpunt, tr))
    parts.append(f"{who(handler, tr)}: {knelpunt.explanation}")
    return Reply(
        title=tr.gettext("Knelpunt #{id}: {status}", id=knelpunt.id, status=label),
        text="\n\n".join(parts),
        data={"knelpunt": knelpunt.id, "status": knelpunt.status},
    )


def detail(
    knelpunt: Knelpunt,
    count: int,
    handler: Person | None,
    tr: Translator,
    buttons: tuple[Button, ...],
) -> Reply:
    """One knelpunt as /knelpunt <nummer> shows it."""
    lines = [
        body(knelpunt, tr),
        "",
        tr.gettext("Domein: {domains}", domains=domain_names(tr, knelpunt.domains)),
        tr.ngettext("{n} persoon loopt hier tegenaan.", "{n} mensen lopen hier tegenaan.", count),
    ]
    if knelpunt.status != RECEIVED:
        lines.append(tr.gettext("Opgepakt door {who}.", who=who(handler, tr)))
    if knelpunt.status in FINAL_STATUSES and knelpunt.explanation:
        lines.append(tr.gettext("Uitleg: {text}", text=knelpunt.explanation))
    return Reply(
        title=tr.gettext(
            "Knelpunt #{id} · {status}",
            id=knelpunt.id,
            status=tr.gettext(STATUS_LABELS[knelpunt.status]),
        ),
        text="\n".join(lines),
        buttons=buttons,
        data={"knelpunt": knelpunt.id, "status": knelpunt.status, "count": count},
    )


def list_line(knelpunt: Knelpunt, count: int, tr: Translator, width: int = 90) -> str:
    """'#12 · 3× · in behandeling — Aanvraag bijzondere bijstand …'."""
    text = body(knelpunt, tr)
    short = text if len(text) <= width else text[: width - 1].rstrip() + "…"
    status = tr.gettext(STATUS_LABELS[knelpunt.status])
    return f"#{knelpunt.id} · {count}× · {status} — {short}"
