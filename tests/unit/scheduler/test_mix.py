"""A dialoogtafel proposal mixes organisations and roles and seats an ervaringsdeskundige."""

from __future__ import annotations

import random

from scheduler.mix import Candidate, mix_of, propose


def test_proposal_spreads_over_organisations_and_includes_lived_experience() -> None:
    pool = [
        Candidate(1, "A", "Gemeente", "consulent"),
        Candidate(2, "B", "Gemeente", "consulent"),
        Candidate(3, "C", "Gemeente", "beleidsmedewerker"),
        Candidate(4, "D", "Wijkteam", "wijkcoach"),
        Candidate(5, "E", "Woonstede", "huismeester"),
        Candidate(6, "F", "Cliëntenraad", "", ("ervaringsdeskundige",), on_theme=False),
    ]
    chosen = propose(pool, 4, random.Random(1))
    assert len(chosen) == 4
    assert 6 in {c.person_id for c in chosen}
    assert len({c.organisation for c in chosen}) == 4


def test_the_theme_comes_before_the_mix() -> None:
    pool = [
        Candidate(1, "A", "Gemeente", "schuldhulpverlener"),
        Candidate(2, "B", "Taalhuis", "taalcoach", on_theme=False),
        Candidate(3, "C", "Cliëntenraad", "", ("ervaringsdeskundige",), on_theme=False),
        Candidate(4, "D", "Gemeente", "consulent"),
    ]
    for seed in range(20):
        # One seat: someone on the theme, never the off-theme ervaringsdeskundige.
        assert [c.person_id for c in propose(pool, 1, random.Random(seed))] in ([1], [4])
        # Two: the ervaringsdeskundige and one on the theme; three: everyone on the theme
        # before anyone off it, even from the same organisation.
        two = {c.person_id for c in propose(pool, 2, random.Random(seed))}
        assert 3 in two and two & {1, 4}
        assert {c.person_id for c in propose(pool, 3, random.Random(seed))} == {1, 3, 4}


def test_proposal_is_repeatable_with_a_seed_and_never_larger_than_the_pool() -> None:
    pool = [Candidate(i, f"P{i}", f"Org{i % 3}", f"rol{i % 2}") for i in range(1, 8)]
    assert propose(pool, 5, random.Random(9)) == propose(pool, 5, random.Random(9))
    assert len(propose(pool, 50, random.Random(9))) == 7
    assert propose(pool, 0, random.Random(9)) == []


def test_mix_counts_organisations_and_roles_largest_first() -> None:
    table = [
        Candidate(1, "A", "Gemeente", "consulent"),
        Candidate(2, "B", "Gemeente", "wijkcoach"),
        Candidate(3, "C", "Cliëntenraad", "", ("ervaringsdeskundige",)),
    ]
    mix = mix_of(table)
    assert mix.people == 3
    assert mix.organisations == (("Gemeente", 2), ("Cliëntenraad", 1))
    assert dict(mix.roles) == {"consulent": 1, "wijkcoach": 1, "ervaringsdeskundige": 1}
