"""The report as text, in the reader's language. Totals only: it names themes and wijken,
never people."""

from __future__ import annotations

from datetime import date

from babel.numbers import format_decimal, format_percent

from core.i18n import N_, Translator
from reports.figures import DirectoryFigures, MonthReport

DECLINE_REASONS = {
    "theme": N_("past niet bij het thema"),
    "capacity": N_("geen ruimte"),
    "colleague": N_("een collega past beter"),
    "other": N_("anders"),
}
MEETING_KINDS = {
    "netwerkbijeenkomst": N_("netwerkbijeenkomst"),
    "dialoogtafel": N_("dialoogtafel"),
    "casuistiekoverleg": N_("casuïstiekoverleg"),
    "intervisie": N_("intervisie"),
    "vrij": N_("overig"),
}
SECTION_NAMES = {
    "handovers": N_("warme overdrachten"),
    "meetings": N_("bijeenkomsten"),
    "meeloop": N_("mee-loop-dagen"),
    "knelpunten": N_("knelpunten"),
}
MAX_NAMES = 12


def month_name(report: MonthReport, tr: Translator) -> str:
    """'november 2026'."""
    return tr.date(date(report.month.year, report.month.month, 1), "MMMM yyyy")


def number(value: float, tr: Translator) -> str:
    """One decimal in the reader's locale: '4,5' / '4.5'."""
    return format_decimal(value, format="#,##0.0", locale=tr.language)


def percent(part: int, whole: int, tr: Translator) -> str:
    """'40%' (or '–' when there is no whole)."""
    return format_percent(part / whole, locale=tr.language) if whole else "–"


def render_report(report: MonthReport, tr: Translator) -> str:
    """The whole report as plain text."""
    _ = tr.gettext
    lines: list[str] = []
    h = report.handovers
    if h is not None:
        lines.append(_("Warme overdrachten"))
        lines.append("  " + _("Verstuurd: {n}", n=h.sent))
        accepted = _("Geaccepteerd: {n}", n=h.accepted)
        if h.median_hours_to_accept is not None:
            accepted += " " + _(
                "(mediaan {hours} werkuur tot acceptatie)",
                hours=number(h.median_hours_to_accept, tr),
            )
        lines.append("  " + accepted)
        lines.append(
            "  "
            + _(
                "Binnen één werkdag geaccepteerd: {n} van {total} ({share})",
                n=h.accepted_within_one_day,
                total=h.sent,
                share=percent(h.accepted_within_one_day, h.sent, tr),
            )
        )
        declined = _("Afgewezen: {n}", n=h.declined)
        if h.declines_by_reason:
            reasons = ", ".join(
                f"{_(DECLINE_REASONS[r]) if r in DECLINE_REASONS else r}: {n}"
                for r, n in h.declines_by_reason.items()
            )
            declined += f" ({reasons})"
        lines.append("  " + declined)
        lines.append("  " + _("Geëscaleerd: {n}", n=h.escalated))
        lines.append("  " + _("Nog zonder antwoord: {n}", n=h.still_open))
    m = report.meetings
    if m is not None:
        lines.append(_("Bijeenkomsten"))
        held = _("Gehouden: {n}", n=m.held)
        if m.held_by_kind:
            kinds = ", ".join(
                f"{_(MEETING_KINDS[k]) if k in MEETING_KINDS else k} {n}"
                for k, n in m.held_by_kind.items()
            )
            held += f" ({kinds})"
        lines.append("  " + held)
        attendance = _("Aanmeldingen: {n}", n=m.attendees)
        if m.average_attendance is not None:
            attendance += " " + _(
                "(gemiddeld {avg} per bijeenkomst)", avg=number(m.average_attendance, tr)
            )
        lines.append("  " + attendance)
    lines.append(_("Nieuwe verbindingen"))
    c = report.connections
    lines.append(
        "  "
        + _(
            "Nieuwe kennismakingen: {n}, waarvan {cross} tussen organisaties",
            n=c.new,
            cross=c.cross_organisation,
        )
    )
    if report.meeloop is not None:
        mee = report.meeloop
        lines.append(
            "  "
            + _(
                "Mee-loop-dagen: {groups} koppels ({people} mensen), {done} keer meegelopen",
                groups=mee.groups,
                people=mee.people,
                done=mee.walked_along,
            )
        )
    k = report.knelpunten
    if k is not None:
        lines.append(_("Knelpunten"))
        lines.append(
            "  "
            + _(
                "Gemeld: {opened}; opgelost: {solved}; structureel opgepakt: {structural}; "
                "niet aan te passen: {unchangeable}",
                opened=k.opened,
                solved=k.solved,
                structural=k.structural,
                unchangeable=k.unchangeable,
            )
        )
        lines.append(
            "  "
            + _(
                "Open aan het eind van de maand: {open}; 'ik loop hier ook tegenaan': {me_too}",
                open=k.open_at_end,
                me_too=k.me_too,
            )
        )
    lines.extend(_directory_lines(report.directory, tr))
    if report.missing:
        names = tr.join(_(SECTION_NAMES.get(s, s)) for s in report.missing)
        lines.append(_("Nog geen gegevens over: {names}.", names=names))
    lines.append("")
    lines.append(_("Alleen totalen: dit rapport noemt en rangschikt geen personen."))
    return "\n".join(lines)


def _directory_lines(d: DirectoryFigures, tr: Translator) -> list[str]:
    _ = tr.gettext
    english = tr.language == "en"
    themes = [d.theme_names.get(k, (k, k))[1 if english else 0] for k in d.themes_uncovered]
    heading = _("Sociale kaart")
    if d.read_on is not None:
        heading = _("Sociale kaart (gegevens van {date})", date=tr.date(d.read_on, "d MMMM yyyy"))
    lines = [
        heading,
        "  "
        + _(
            "Niet op tijd bevestigd: {n} van {total} ({share})",
            n=d.stale,
            total=d.active_people,
            share=percent(d.stale, d.active_people, tr),
        ),
        "  "
        + _(
            "Thema's zonder bereikbare professional: {n} van {total}",
            n=len(themes),
            total=d.themes_total,
        )
        + _names(themes, tr),
        "  "
        + _(
            "Wijken zonder bereikbare professional: {n} van {total}",
            n=len(d.wijken_uncovered),
            total=d.wijken_total,
        )
        + _names(list(d.wijken_uncovered), tr),
    ]
    return lines


def _names(names: list[str], tr: Translator) -> str:
    if not names:
        return ""
    shown = ", ".join(names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        shown += " " + tr.gettext("en {n} meer", n=len(names) - MAX_NAMES)
    return f": {shown}"
