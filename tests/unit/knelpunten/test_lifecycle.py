"""The rules of a knelpunt's life, without storage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import Forbidden, UserError
from knelpunten import lifecycle

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "domains", "rest"),
    [
        ("Wmo: traplift alleen op papier", ["Wmo"], "traplift alleen op papier"),
        ("jeugd, WMO: twee loketten", ["Jeugd", "Wmo"], "twee loketten"),
        (
            "Participatie/Wmo - drie keer dezelfde stukken",
            ["Participatie", "Wmo"],
            "drie keer dezelfde stukken",
        ),
        (
            "het schoolvervoer stopt #jeugd bij verhuizing",
            ["Jeugd"],
            "het schoolvervoer stopt bij verhuizing",
        ),
        ("Let op: de termijn is te kort", [], "Let op: de termijn is te kort"),
        ("niets bijzonders", [], "niets bijzonders"),
    ],
)
def test_domains_come_from_a_prefix_or_tags(typed: str, domains: list[str], rest: str) -> None:
    assert lifecycle.parse_domains(typed) == (domains, rest)


def test_domains_are_checked_and_ordered() -> None:
    assert lifecycle.check_domains(["opvang", "Jeugd", "Opvang"]) == ["Jeugd", "Opvang"]
    with pytest.raises(UserError):
        lifecycle.check_domains(["Zorg"])


def test_a_bsn_is_never_stored() -> None:
    with pytest.raises(UserError) as refused:
        lifecycle.new_knelpunt(1, ["Wmo"], "inwoner 1234.56.782 krijgt geen traplift", NOW)
    assert "BSN" in refused.value.msgid


def test_the_whole_way_from_received_to_an_outcome() -> None:
    knelpunt = lifecycle.new_knelpunt(1, ["Wmo"], "de traplift kan alleen op papier", NOW)
    assert knelpunt.status == lifecycle.RECEIVED
    with pytest.raises(Forbidden):
        lifecycle.take(knelpunt, 2, (), False, NOW)
    lifecycle.take(knelpunt, 3, ("oliemannetje",), False, NOW)
    assert (knelpunt.status, knelpunt.handler_id, knelpunt.taken_at) == ("in_behandeling", 3, NOW)
    with pytest.raises(UserError):
        lifecycle.take(knelpunt, 4, ("oliemannetje",), False, NOW)
    with pytest.raises(Forbidden):
        lifecycle.close(
            knelpunt, 4, False, lifecycle.SOLVED, "opgelost met een nieuw formulier", NOW
        )
    with pytest.raises(UserError):
        lifecycle.close(knelpunt, 3, False, lifecycle.SOLVED, "", NOW)
    with pytest.raises(UserError):
        lifecycle.close(knelpunt, 3, False, "weg", "opgelost met een nieuw formulier", NOW)
    lifecycle.close(knelpunt, 3, False, lifecycle.UNCHANGEABLE, "Het staat zo in de wet.", NOW)
    assert knelpunt.status == "niet_aan_te_passen" and knelpunt.closed_at == NOW
    assert not lifecycle.is_open(knelpunt)
    with pytest.raises(UserError):
        lifecycle.close(knelpunt, 3, False, lifecycle.SOLVED, "toch opgelost, alsnog", NOW)


def test_an_admin_may_close_for_someone_else() -> None:
    knelpunt = lifecycle.new_knelpunt(1, ["Opvang"], "briefadres duurt zes weken", NOW)
    lifecycle.take(knelpunt, 3, (), True, NOW)
    lifecycle.close(knelpunt, 9, True, lifecycle.SOLVED, "De termijn is nu twee weken.", NOW)
    assert knelpunt.status == lifecycle.SOLVED


def test_redaction_keeps_status_and_times() -> None:
    knelpunt = lifecycle.new_knelpunt(1, ["Opvang"], "briefadres duurt zes weken", NOW)
    lifecycle.redact(knelpunt, NOW)
    assert (knelpunt.description, knelpunt.explanation, knelpunt.redacted_at) == ("", "", NOW)
    assert knelpunt.status == lifecycle.RECEIVED and knelpunt.created_at == NOW
