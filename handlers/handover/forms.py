"""The forms of a warm handover, built without the database (Slack opens form 1 at once).

Form 1 asks the question, form 2 the receiver, the sender's label and the
resident's consent; small follow-up forms ask about an absent receiver, a
decline reason, and the moment of the kennismaking.
"""

from __future__ import annotations

from datetime import datetime

from core.i18n import Translator
from core.messages import Choice, Field, Form
from directory.models import Person
from directory.reachability import reachability_text
from directory.themes import load_catalog
from handlers.handover.texts import DECLINE_REASONS

QUESTION = "handover.question"
RECEIVER = "handover.receiver"
STANDIN = "handover.standin"
DECLINE = "handover.decline"
KENNISMAKING = "handover.kennismaking"


def question_form(tr: Translator, context: dict[str, str] | None = None, need: str = "") -> Form:
    """Form 1: what does the resident need, which themes, which wijk."""
    return Form(
        form_id=QUESTION,
        title=tr.gettext("Warme overdracht"),
        intro=tr.gettext(
            "Eerst de vraag, dan zoeken we samen de juiste collega. De regie blijft bij jou "
            "tot die collega accepteert."
        ),
        fields=(
            Field(
                "need",
                tr.gettext("Wat heeft de inwoner nodig?"),
                kind="longtext",
                hint=tr.gettext(
                    "In een of twee zinnen. Geen namen, adressen, geboortedata of BSN."
                ),
                initial=need,
            ),
            Field(
                "themes",
                tr.gettext("Over welke thema's gaat het?"),
                kind="multichoice",
                choices=catalog_choices(tr),
            ),
            Field(
                "wijk",
                tr.gettext("In welke wijk woont de inwoner?"),
                kind="choice",
                required=False,
            ),
        ),
        submit_label=tr.gettext("Verder"),
        context=dict(context or {}),
    )


def catalog_choices(tr: Translator) -> tuple[Choice, ...]:
    """Every theme of the catalog, alphabetically (the list when nothing is suggested)."""
    themes = load_catalog()
    named = [(t.en if tr.language == "en" else t.nl, t.key) for t in themes]
    return tuple(Choice(key, name) for name, key in sorted(named))


def receiver_form(
    tr: Translator,
    context: dict[str, str],
    choices: tuple[Choice, ...],
    *,
    label: str = "",
    intro: str = "",
) -> Form:
    """Form 2: who receives it, the sender's own label, and the resident's consent."""
    return Form(
        form_id=RECEIVER,
        title=tr.gettext("Aan wie draag je over?"),
        intro=intro,
        fields=(
            Field(
                "receiver",
                tr.gettext("Aan wie draag je over?"),
                kind="person",
                hint=tr.gettext("Kies een collega uit de lijst, of typ een naam."),
                choices=choices,
            ),
            Field(
                "reference",
                tr.gettext("Jouw eigen kenmerk voor deze casus"),
                hint=tr.gettext(
                    "Bijvoorbeeld je dossiernummer in je eigen systeem. Nooit een BSN."
                ),
                initial=label,
            ),
            Field(
                "consent",
                tr.gettext("Weet de inwoner van deze overdracht en is die het ermee eens?"),
                kind="confirm",
            ),
        ),
        submit_label=tr.gettext("Versturen"),
        context=context,
    )


def standin_form(
    tr: Translator,
    context: dict[str, str],
    absent: Person,
    stand_in: Person | None,
    now: datetime,
) -> Form:
    """The receiver is away: say so before sending, and offer the stand-in."""
    choices = []
    if stand_in is not None:
        choices.append(
            Choice("standin", tr.gettext("Naar {name}, de vervanger", name=stand_in.name))
        )
    choices.append(
        Choice(
            "absent",
            tr.gettext("Toch naar {name}; die ziet het na terugkomst", name=absent.name),
        )
    )
    choices.append(Choice("other", tr.gettext("Iemand anders kiezen")))
    return Form(
        form_id=STANDIN,
        title=tr.gettext("Collega afwezig"),
        fields=(
            Field(
                "choice",
                tr.gettext(
                    "{name} is {away}. Naar wie stuur ik de overdracht?",
                    name=absent.name,
                    away=reachability_text(absent, now, tr),
                ),
                kind="choice",
                choices=tuple(choices),
            ),
        ),
        context={
            **context,
            "absent": str(absent.id),
            "standin": str(stand_in.id) if stand_in is not None else "",
        },
    )


def decline_form(tr: Translator, handover_id: int) -> Form:
    """Why the receiver does not take the handover (a reason is required)."""
    return Form(
        form_id=DECLINE,
        title=tr.gettext("Niet aannemen"),
        fields=(
            Field(
                "reason",
                tr.gettext("Waarom neem je de overdracht niet aan?"),
                kind="choice",
                choices=tuple(Choice(k, tr.gettext(v)) for k, v in DECLINE_REASONS.items()),
            ),
            Field(
                "note",
                tr.gettext("Toelichting voor de afzender"),
                kind="longtext",
                required=False,
                hint=tr.gettext("Kort, zonder gegevens van de inwoner. Bij 'andere reden' nodig."),
            ),
        ),
        submit_label=tr.gettext("Versturen"),
        context={"handover": str(handover_id)},
    )


def kennismaking_form(tr: Translator, handover_id: int) -> Form:
    """When the three-way kennismaking takes place."""
    return Form(
        form_id=KENNISMAKING,
        title=tr.gettext("Kennismaking plannen"),
        fields=(
            Field(
                "when",
                tr.gettext("Wanneer is de kennismaking?"),
                kind="datetime",
                hint=tr.gettext("Bijvoorbeeld: do 26-11 10:00, of morgen 14:00."),
            ),
        ),
        submit_label=tr.gettext("Vastleggen"),
        context={"handover": str(handover_id)},
    )
