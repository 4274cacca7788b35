"""The messages of a warm handover: what the receiver, the sender and helpers read.

Every builder takes the reader's translator, so each person reads their own
language. Messages lead with who to call and their number: the bot's usual
outcome is a phone call.
"""

from __future__ import annotations

from datetime import datetime

from core.i18n import N_, Translator
from core.messages import Button, ContactCard, Reply
from directory.models import Person
from handlers.handover.people import card, first_name
from handovers.models import Handover

DECLINE_REASONS = {
    "theme": N_("Past niet bij mijn werk of thema"),
    "capacity": N_("Ik heb nu geen ruimte"),
    "colleague": N_("Een collega past beter"),
    "other": N_("Andere reden"),
}


def label_of(handover: Handover, tr: Translator) -> str:
    """The sender's reference label, or a neutral stand-in once retention removed it."""
    return handover.reference_label or tr.gettext("casus #{case}", case=handover.case_id)


def answer_buttons(handover: Handover, tr: Translator) -> tuple[Button, ...]:
    """Accept, decline, call me first."""
    value = str(handover.id)
    return (
        Button(tr.gettext("Accepteren"), "handover.accept", value, "primary"),
        Button(tr.gettext("Niet aannemen"), "handover.decline", value, "danger"),
        Button(tr.gettext("Bel me eerst"), "handover.callme", value),
    )


def kennismaking_buttons(handover: Handover, tr: Translator) -> tuple[Button, ...]:
    """Record that the kennismaking is planned, or that it took place."""
    value = str(handover.id)
    return (
        Button(tr.gettext("Kennismaking gepland"), "handover.kennismaking_plan", value, "primary"),
        Button(tr.gettext("Kennismaking gehouden"), "handover.kennismaking_held", value),
    )


def retry_buttons(handover: Handover, tr: Translator) -> tuple[Button, ...]:
    """Hand the same case to someone else."""
    return (
        Button(tr.gettext("Opnieuw overdragen"), "handover.retry", str(handover.id), "primary"),
    )


def call_line(person: Person, now: datetime, tr: Translator) -> str:
    """'Bel even met Joost: 06 12345670 (nu bereikbaar tot 17:00).'"""
    shown = card(person, now, tr)
    number = shown.phone_display or shown.phone or tr.gettext("geen nummer bekend")
    return tr.gettext(
        "Bel even met {name}: {phone} ({when}).",
        name=first_name(person),
        phone=number,
        when=shown.reachability,
    )


def request(
    handover: Handover,
    sender: Person,
    themes: str,
    now: datetime,
    tr: Translator,
    *,
    stand_in_for: Person | None = None,
    reminder: bool = False,
) -> Reply:
    """The receiver's direct message: the question, who sends it, and how to reach them."""
    lines = []
    if reminder:
        lines.append(tr.gettext("Herinnering: {name} wacht nog op je antwoord.", name=sender.name))
    lines.append(
        tr.gettext(
            "{name} ({organisation}) wil een inwoner warm aan je overdragen. De regie blijft bij "
            "{name} tot jij accepteert.",
            name=sender.name,
            organisation=sender.organisation.name,
        )
    )
    if stand_in_for is not None:
        lines.append(tr.gettext("Je krijgt dit als vervanger van {name}.", name=stand_in_for.name))
    lines.append(tr.gettext("Wat heeft de inwoner nodig: {need}", need=handover.need or "—"))
    if themes:
        lines.append(tr.gettext("Thema's: {themes}", themes=themes))
    if handover.wijk:
        lines.append(tr.gettext("Wijk: {wijk}", wijk=handover.wijk))
    lines.append(
        tr.gettext(
            "Kenmerk van {name}: {label}", name=first_name(sender), label=label_of(handover, tr)
        )
    )
    lines.append(tr.gettext("De inwoner weet van de overdracht en is het ermee eens."))
    lines.append(call_line(sender, now, tr))
    return Reply(
        title=tr.gettext("Warme overdracht van {name}", name=sender.name),
        text="\n".join(lines),
        cards=(card(sender, now, tr),),
        buttons=answer_buttons(handover, tr),
        data={"handover_id": handover.id, "event": "reminder" if reminder else "request"},
    )


def sent(
    handover: Handover,
    receiver: Person,
    now: datetime,
    tr: Translator,
    *,
    reachable_by_chat: bool,
    conflicts: list[str],
) -> Reply:
    """The sender's confirmation, with the receiver's number to call right away."""
    lines = [
        tr.gettext(
            "Verstuurd naar {name} (casus #{case}). De regie blijft bij jou tot {name} accepteert.",
            name=receiver.name,
            case=handover.case_id,
        ),
        call_line(receiver, now, tr),
    ]
    if not reachable_by_chat:
        lines.append(
            tr.gettext(
                "{name} heeft geen chat-account waar ik overdrachten naartoe mag sturen. Bel "
                "{name} dus zeker even; de overdracht staat klaar bij /regie.",
                name=first_name(receiver),
            )
        )
    lines.extend(conflicts)
    return Reply(
        title=tr.gettext("Warme overdracht verstuurd"),
        text="\n".join(lines),
        cards=(card(receiver, now, tr),),
        buttons=(Button(tr.gettext("Intrekken"), "handover.withdraw", str(handover.id), "danger"),),
        data={"handover_id": handover.id, "case_id": handover.case_id, "state": handover.state},
    )


def conflict(
    handover: Handover, other: Handover, other_receiver: Person, now: datetime, tr: Translator
) -> Reply:
    """Two would-be regie-holders for one label: call each other."""
    return Reply(
        title=tr.gettext("Let op: twee overdrachten voor één inwoner?"),
        text=tr.gettext(
            "Voor kenmerk {label} staat ook een overdracht open naar {other}. Er kan maar één "
            "regiehouder zijn. Bel elkaar even om af te spreken wie het oppakt.",
            label=label_of(handover, tr),
            other=other_receiver.name,
        ),
        cards=(card(other_receiver, now, tr),),
        data={"handover_id": handover.id, "conflicts_with": other.id, "event": "conflict"},
    )


def conflict_for_sender(
    own: Handover, other: Handover, other_sender: Person, other_receiver: Person,
    now: datetime, tr: Translator,
) -> Reply:  # fmt: skip
    """An earlier sender hears that a colleague used the same label: call that colleague."""
    return Reply(
        title=tr.gettext("Let op: twee overdrachten voor één inwoner?"),
        text=tr.gettext(
            "{sender} heeft ook een overdracht gestuurd met kenmerk {label}, naar {other}. "
            "Er kan maar één regiehouder zijn. Bel {first} even om af te spreken wie het oppakt.",
            sender=other_sender.name,
            label=label_of(own, tr),
            other=other_receiver.name,
            first=first_name(other_sender),
        ),
        cards=(card(other_sender, now, tr),),
        data={"handover_id": own.id, "conflicts_with": other.id, "event": "conflict"},
    )


def accepted_for_sender(
    handover: Handover, receiver: Person, now: datetime, tr: Translator
) -> Reply:
    """Regie moved: the sender hears it, and is asked to plan the kennismaking."""
    return Reply(
        title=tr.gettext("Overdracht geaccepteerd"),
        text="\n".join(
            [
                tr.gettext(
                    "{name} heeft de overdracht geaccepteerd ({label}). {name} heeft nu de regie.",
                    name=receiver.name,
                    label=label_of(handover, tr),
                ),
                tr.gettext(
                    "Plan nu een kennismaking met z'n drieën: jij, {name} en de inwoner.",
                    name=first_name(receiver),
                ),
                call_line(receiver, now, tr),
            ]
        ),
        cards=(card(receiver, now, tr),),
        buttons=kennismaking_buttons(handover, tr),
        data={"handover_id": handover.id, "event": "accepted"},
    )


def accepted_for_receiver(
    handover: Handover, sender: Person, now: datetime, tr: Translator
) -> Reply:
    """The receiver's answer after accepting."""
    return Reply(
        text="\n".join(
            [
                tr.gettext(
                    "Je hebt de overdracht geaccepteerd. Jij hebt nu de regie over casus #{case}.",
                    case=handover.case_id,
                ),
                tr.gettext(
                    "Stel een kennismaking voor met {name} en de inwoner, met z'n drieën.",
                    name=first_name(sender),
                ),
                call_line(sender, now, tr),
            ]
        ),
        cards=(card(sender, now, tr),),
        buttons=kennismaking_buttons(handover, tr),
        data={"handover_id": handover.id, "state": handover.state},
    )


def declined_for_sender(
    handover: Handover,
    receiver: Person,
    others: tuple[ContactCard, ...],
    tr: Translator,
    *,
    expired: bool = False,
) -> Reply:
    """No (or no answer): the sender keeps regie and sees who else could help."""
    if expired:
        first = tr.gettext(
            "{name} heeft niet op de overdracht gereageerd ({label}); ik heb de overdracht "
            "gesloten.",
            name=receiver.name,
            label=label_of(handover, tr),
        )
    else:
        reason = tr.gettext(DECLINE_REASONS.get(handover.decline_reason or "", "Andere reden"))
        first = tr.gettext(
            "{name} neemt de overdracht niet aan ({label}). Reden: {reason}.",
            name=receiver.name,
            label=label_of(handover, tr),
            reason=reason,
        )
        if handover.decline_note:
            first += "\n" + tr.gettext("Toelichting: {note}", note=handover.decline_note)
    lines = [first, tr.gettext("De regie blijft bij jou.")]
    if others:
        lines.append(tr.gettext("Deze collega's kunnen ook helpen:"))
    return Reply(
        title=tr.gettext("Overdracht niet aangenomen"),
        text="\n".join(lines),
        cards=others,
        buttons=(
            Button(tr.gettext("Opnieuw overdragen"), "handover.retry", str(handover.id), "primary"),
        ),
        data={"handover_id": handover.id, "event": "expired" if expired else "declined"},
    )


def withdrawn_for_receiver(handover: Handover, sender: Person, tr: Translator) -> Reply:
    """The receiver no longer needs to answer."""
    return Reply(
        text=tr.gettext(
            "{name} heeft de overdracht ingetrokken ({label}). Je hoeft niets meer te doen.",
            name=sender.name,
            label=label_of(handover, tr),
        ),
        data={"handover_id": handover.id, "event": "withdrawn"},
    )


def call_requested(handover: Handover, receiver: Person, now: datetime, tr: Translator) -> Reply:
    """The receiver wants to talk first."""
    return Reply(
        title=tr.gettext("Eerst even bellen"),
        text="\n".join(
            [
                tr.gettext(
                    "{name} wil eerst even met je bellen over de overdracht ({label}).",
                    name=receiver.name,
                    label=label_of(handover, tr),
                ),
                call_line(receiver, now, tr),
            ]
        ),
        cards=(card(receiver, now, tr),),
        data={"handover_id": handover.id, "event": "call_requested"},
    )
