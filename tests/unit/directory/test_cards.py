"""Contact cards: how a person's job title and special roles read."""

from __future__ import annotations

from core.i18n import Translator
from directory.cards import role_text
from directory.models import Person


def _person(role_title: str, roles: list[str], department: str | None = None) -> Person:
    return Person(name="Linda Brinkman", role_title=role_title, department=department, roles=roles)


def test_a_special_role_is_shown_after_the_job_title() -> None:
    person = _person("wijkcoach", ["oliemannetje"], "Team Noord")
    assert (
        role_text(person, Translator.for_language("nl")) == "wijkcoach, Team Noord (oliemannetje)"
    )


def test_a_special_role_the_job_title_already_says_is_not_repeated() -> None:
    person = _person("Ervaringsdeskundige", ["ervaringsdeskundige"])
    assert role_text(person, Translator.for_language("nl")) == "Ervaringsdeskundige"
    both = _person("procesregisseur sociaal domein", ["procesregisseur", "vertrouwenspersoon"])
    assert role_text(both, Translator.for_language("nl")) == (
        "procesregisseur sociaal domein (vertrouwenspersoon)"
    )


def test_in_english_the_role_is_explained_after_the_dutch_job_title() -> None:
    person = _person("ervaringsdeskundige", ["ervaringsdeskundige"])
    assert role_text(person, Translator.for_language("en")) == (
        "ervaringsdeskundige (expert by experience)"
    )


def test_in_english_the_oliemannetje_is_explained_as_everywhere_else() -> None:
    person = _person("beleidsadviseur jeugd", ["oliemannetje"])
    assert role_text(person, Translator.for_language("en")) == (
        "beleidsadviseur jeugd (oliemannetje, red-tape cutter)"
    )
