"""Dutch public holidays: our rules give the days and names the `holidays` package gives."""

from __future__ import annotations

from datetime import date

import holidays

from core.dutch_holidays import dutch_holidays


def test_every_year_the_package_knows_has_the_same_days_and_names() -> None:
    # The package counts from the Algemene termijnenwet (1966) up to 2100; before that
    # both know none.
    for year in range(1900, 2101):
        package = holidays.country_holidays("NL", years=year, language="nl")
        assert dutch_holidays(year) == {day: str(name) for day, name in package.items()}, year


def test_the_rules_that_move_days() -> None:
    # Koningsdag on a Sunday moves to the Saturday before; Bevrijdingsdag every fifth year;
    # Koninginnedag before 1980 went to the Monday after.
    assert dutch_holidays(2025)[date(2025, 4, 26)] == "Koningsdag"
    assert dutch_holidays(2025)[date(2025, 5, 5)] == "Bevrijdingsdag"
    assert date(2026, 5, 5) not in dutch_holidays(2026)
    assert dutch_holidays(1975)[date(1975, 4, 30)] == "Koninginnedag"
    assert dutch_holidays(1967)[date(1967, 5, 1)] == "Koninginnedag"
    assert dutch_holidays(2005)[date(2005, 5, 5)] == "Bevrijdingsdag; Hemelvaartsdag"
