"""CSV import and export on a real database: checks, all-or-nothing, idempotency, round trip."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.bootstrap import App
from core.clock import FrozenClock
from directory.csv_format import column_limits
from directory.csv_io import Sync, export_csv, import_csv
from directory.demo import DEMO_CSV
from directory.models import Account, Organisation, Person, Theme, Wijk, person_themes

HEADER = "naam,organisatie,functie,telefoon,email,themas,wijken,bereikbaar,rollen,slack,telegram\n"
FATIMA = (
    "Fatima el Amrani,Gemeente Haarlem,schuldhulpverlener,06-12345678,f.elamrani@example.org,"
    "schulden;inkomen,Schalkwijk,ma-do 09:00-17:00,,U012AB3CD,@fatima_ea\n"
)
JOOST = (
    "Joost de Wit,Sociaal Wijkteam Noord,wijkcoach,023 511 5115,joost@example.org,"
    "jeugd;opvoeding;huiselijk geweld,Noord;Centrum,ma-vr 08:30-12:30,oliemannetje,,123456789\n"
)


async def counts(app: App) -> dict[str, int]:
    async with app.deps.uow() as uow:
        s = uow.session
        return {
            "people": await s.scalar(select(func.count()).select_from(Person)) or 0,
            "accounts": await s.scalar(select(func.count()).select_from(Account)) or 0,
            "themes": await s.scalar(select(func.count()).select_from(person_themes)) or 0,
        }


async def test_the_demo_directory_imports_and_again_changes_nothing(
    app: App, clock: FrozenClock
) -> None:
    text = DEMO_CSV.read_text(encoding="utf-8")
    first = await import_csv(app.deps.uow, text, now=clock.now())
    assert first.ok and first.imported
    assert first.created == 35
    before = await counts(app)
    second = await import_csv(app.deps.uow, text, now=clock.now())
    assert (second.created, second.updated, second.unchanged) == (0, 0, 35)
    assert await counts(app) == before
    assert "35 regels gelezen: 0 nieuw, 0 bijgewerkt, 35 ongewijzigd." in second.summary()


async def test_people_accounts_and_organisations_are_created(app: App, clock: FrozenClock) -> None:
    report = await import_csv(
        app.deps.uow, HEADER + FATIMA + JOOST, now=clock.now(), admins=["JOOST@example.org"]
    )
    assert report.ok and report.created == 2
    async with app.deps.uow() as uow:
        s = uow.session
        joost = await s.scalar(select(Person).where(Person.email == "joost@example.org"))
        assert joost is not None
        assert joost.phone == "+31235115115"
        assert joost.roles == ["oliemannetje"]
        assert joost.is_admin
        assert joost.organisation.kind == "wijkteam"
        assert sorted(t.key for t in joost.themes) == ["huiselijk_geweld", "jeugd", "opvoeding"]
        assert sorted(w.name for w in joost.wijken) == ["Centrum", "Noord"]
        accounts = {
            (a.platform, a.external_id, a.username) for a in await s.scalars(select(Account))
        }
        kinds = dict((await s.execute(select(Organisation.name, Organisation.kind))).all())
    assert accounts == {
        ("console", "f.elamrani", None),
        ("slack", "u012ab3cd", None),
        # A Telegram @name waits as a placeholder id until the user talks to the bot.
        ("telegram", "@fatima_ea", "fatima_ea"),
        ("console", "joost", None),
        ("telegram", "123456789", None),
    }
    assert kinds == {"Gemeente Haarlem": "gemeente", "Sociaal Wijkteam Noord": "wijkteam"}


async def test_nothing_is_imported_when_a_row_is_invalid(app: App, clock: FrozenClock) -> None:
    bad = FATIMA.replace("06-12345678", "06-1234")
    report = await import_csv(app.deps.uow, HEADER + JOOST + bad, now=clock.now())
    assert not report.ok and not report.imported
    assert report.error_lines() == ['regel 3: telefoon "06-1234" is geen geldig nummer']
    assert "Er is niets geïmporteerd: 1 regel heeft een fout" in report.summary()
    assert (await counts(app))["people"] == 0


async def test_skip_invalid_imports_the_good_rows(app: App, clock: FrozenClock) -> None:
    bad = FATIMA.replace("f.elamrani@example.org", "geen-adres")
    report = await import_csv(
        app.deps.uow, HEADER + bad + JOOST, now=clock.now(), skip_invalid=True
    )
    assert report.imported and report.created == 1
    assert report.error_lines() == ['regel 2: e-mail "geen-adres" is geen geldig adres']
    assert "1 regel met een fout overgeslagen." in report.summary()


async def test_a_bsn_refuses_the_row_and_is_never_echoed(app: App, clock: FrozenClock) -> None:
    leaky = JOOST.replace("wijkcoach", "wijkcoach 111222333")
    report = await import_csv(app.deps.uow, HEADER + FATIMA + leaky, now=clock.now())
    assert not report.imported
    summary = report.summary()
    assert "regel 3: kolom functie bevat een nummer dat op een BSN lijkt" in summary
    assert "111222333" not in summary


async def test_an_unknown_column_stops_the_whole_file(app: App, clock: FrozenClock) -> None:
    report = await import_csv(
        app.deps.uow,
        HEADER.replace("wijken", "wijkjes") + FATIMA,
        now=clock.now(),
        skip_invalid=True,
    )
    assert not report.imported
    assert report.error_lines()[0].startswith('regel 1: onbekende kolom "wijkjes"')


async def test_duplicates_and_taken_accounts_are_row_errors(app: App, clock: FrozenClock) -> None:
    twin = FATIMA.replace("Fatima el Amrani", "Fatima Tweeling")
    report = await import_csv(app.deps.uow, HEADER + FATIMA + twin, now=clock.now())
    assert report.error_lines() == [
        "regel 3: dezelfde persoon als regel 2 (zelfde email)",
    ]
    other = FATIMA.replace("f.elamrani@example.org", "ander@example.org").replace(
        ",@fatima_ea", ","
    )
    report = await import_csv(app.deps.uow, HEADER + FATIMA + other, now=clock.now())
    assert report.error_lines() == [
        "regel 3: slack u012ab3cd hoort al bij iemand anders in de sociale kaart"
    ]


async def test_an_edited_file_updates_the_people_in_it(app: App, clock: FrozenClock) -> None:
    await import_csv(app.deps.uow, HEADER + FATIMA + JOOST, now=clock.now())
    edited = FATIMA.replace("06-12345678", "06-87654321").replace("schulden;inkomen", "schulden")
    report = await import_csv(app.deps.uow, HEADER + edited + JOOST, now=clock.now())
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    async with app.deps.uow() as uow:
        fatima = await uow.session.scalar(select(Person).where(Person.name == "Fatima el Amrani"))
    assert fatima is not None
    assert fatima.phone == "+31687654321"
    assert [t.key for t in fatima.themes] == ["schulden"]


async def test_unknown_themes_are_created_and_reported(app: App, clock: FrozenClock) -> None:
    row = FATIMA.replace("schulden;inkomen", "schuldhulpverlening;Paarse krokodillen")
    report = await import_csv(app.deps.uow, HEADER + row, now=clock.now())
    assert report.new_themes == ["Paarse krokodillen"]
    assert "Nieuwe thema's (niet in de themalijst): Paarse krokodillen." in report.summary()
    async with app.deps.uow() as uow:
        theme = await uow.session.scalar(select(Theme).where(Theme.key == "paarse_krokodillen"))
        fatima = await uow.session.scalar(select(Person).where(Person.name == "Fatima el Amrani"))
    assert theme is not None and not theme.from_catalog
    assert fatima is not None
    assert sorted(t.key for t in fatima.themes) == ["paarse_krokodillen", "schulden"]


async def test_export_round_trips(app: App, clock: FrozenClock) -> None:
    await import_csv(app.deps.uow, DEMO_CSV.read_text(encoding="utf-8"), now=clock.now())
    await import_csv(app.deps.uow, HEADER + FATIMA + JOOST, now=clock.now())
    exported = await export_csv(app.deps.uow)
    assert exported.splitlines()[0] == (
        "naam,organisatie,afdeling,functie,telefoon,email,themas,wijken,bereikbaar,rollen,slack,"
        "telegram,teams"
    )
    assert "Fatima el Amrani,Gemeente Haarlem,,schuldhulpverlener,+31612345678" in exported
    assert ",U012AB3CD,@fatima_ea" in exported
    report = await import_csv(app.deps.uow, exported, now=clock.now())
    assert report.ok and (report.created, report.updated) == (0, 0)
    assert report.unchanged == 37
    assert await export_csv(app.deps.uow) == exported


async def test_the_teams_column_links_an_entra_object_id(app: App, clock: FrozenClock) -> None:
    header = "naam,organisatie,email,themas,teams\n"
    rows = (
        "Fatima el Amrani,Gemeente Haarlem,f@example.org,schulden,"
        "{0F5E8A47-1C1E-4D7B-9A3B-2D6C5E4F3A21}\n"
        # Digit groups of a GUID can pass the 11-proef; a GUID in this column is no BSN.
        "Joost de Wit,Woonstede,j@example.org,wonen,12345678-0012-4345-8678-901234567890\n"
    )
    result = await import_csv(app.deps.uow, header + rows, now=clock.now())
    assert result.errors == []
    exported = await export_csv(app.deps.uow)
    assert exported.rstrip("\n").endswith(",12345678-0012-4345-8678-901234567890")
    assert ",0f5e8a47-1c1e-4d7b-9a3b-2d6c5e4f3a21" in exported
    bad = await import_csv(
        app.deps.uow, header + "Els,Org,e@example.org,wonen,not-a-guid\n", now=clock.now()
    )
    assert [e.line for e in bad.errors] == [2]


FULL_HEADER = (
    "naam,organisatie,afdeling,functie,telefoon,email,themas,wijken,bereikbaar,rollen,"
    "slack,telegram,teams\n"
)
GOOD = {
    "naam": "Fatima el Amrani",
    "organisatie": "Gemeente Haarlem",
    "afdeling": "Schuldhulp",
    "functie": "schuldhulpverlener",
    "telefoon": "06-12345678",
    "email": "f.elamrani@example.org",
    "themas": "schulden;inkomen",
    "wijken": "Schalkwijk",
    "bereikbaar": "ma-do 09:00-17:00",
    "rollen": "",
    "slack": "U012AB3CD",
    "telegram": "@fatima_ea",
    "teams": "0f5e8a47-1c1e-4d7b-9a3b-2d6c5e4f3a21",
}


def _over_long(column: str, limit: int) -> str:
    """A value for the column, valid in every other way, one character longer than fits."""
    if column == "email":
        return "f" * (limit + 1 - len("@example.org")) + "@example.org"
    if column == "slack":
        return "U" + "A" * limit
    if column in ("themas", "wijken"):
        return f"{GOOD[column]};{'n' * (limit + 1)}"
    return "n" * (limit + 1)


def _row(**cells: str) -> str:
    values = {**GOOD, **cells}
    return ",".join(values[c] for c in FULL_HEADER.strip().split(",")) + "\n"


def _other(**cells: str) -> str:
    """A row of someone else: no phone or accounts shared with GOOD."""
    return _row(telefoon="", slack="", telegram="", teams="", **cells)


async def _everything(app: App) -> dict[str, int]:
    async with app.deps.uow() as uow:
        s = uow.session
        tables = {"organisations": Organisation, "themes": Theme, "wijken": Wijk}
        found = {
            name: await s.scalar(select(func.count()).select_from(model)) or 0
            for name, model in tables.items()
        }
    return {**await counts(app), **found}


async def test_a_value_too_long_for_its_column_is_a_row_error_and_nothing_is_written(
    app: App, clock: FrozenClock
) -> None:
    before = await _everything(app)
    limits = column_limits()
    for column in ("naam", "organisatie", "afdeling", "functie", "email", "themas", "wijken"):
        limit = limits[column]
        value = _over_long(column, limit)
        joost = _other(naam="Joost de Wit", email="joost@example.org")
        report = await import_csv(
            app.deps.uow, FULL_HEADER + joost + _row(**{column: value}), now=clock.now()
        )
        long = value.split(";")[-1]
        assert report.error_lines() == [
            f'regel 3: {column} "{long[:20]}…" is te lang: {limit + 1} tekens, hoogstens {limit}'
        ], column
        assert not report.imported
        assert await _everything(app) == before, column
    limit = limits["wijken"]
    english = report.summary(app.deps.translator("en"))
    assert f'wijken "{"n" * 20}…" is too long: {limit + 1} characters, at most {limit}' in english


async def test_an_over_long_account_id_or_number_is_a_row_error_too(
    app: App, clock: FrozenClock
) -> None:
    before = await _everything(app)
    limits = column_limits()
    for column in ("slack", "telegram", "teams", "telefoon"):
        # No valid Telegram name, Entra id or phone number is this long: those are refused
        # by their own check before their length matters.
        report = await import_csv(
            app.deps.uow,
            FULL_HEADER + _row(**{column: _over_long(column, limits[column])}),
            now=clock.now(),
        )
        assert report.invalid_lines == [2], column
        assert all(f"{column} " in line for line in report.error_lines()), column
        assert await _everything(app) == before, column


async def test_skip_invalid_imports_the_rest_and_the_preview_shows_the_long_row(
    app: App, clock: FrozenClock
) -> None:
    limit = column_limits()["naam"]
    long_name = _other(naam="N" * (limit + 1), email="lang@example.org")
    error = f'regel 3: naam "{"N" * 20}…" is te lang: {limit + 1} tekens, hoogstens {limit}'
    text = FULL_HEADER + _row() + long_name
    # The preview before a sync (krokodil directory import --sync) reads the same rows.
    preview = await import_csv(app.deps.uow, text, now=clock.now(), sync=Sync(), dry_run=True)
    assert preview.error_lines() == [error]
    assert error in preview.summary()
    assert (await counts(app))["people"] == 0
    report = await import_csv(app.deps.uow, text, now=clock.now(), skip_invalid=True)
    assert report.imported and report.created == 1
    assert report.error_lines() == [error]


async def test_a_long_name_without_email_gets_a_console_handle_that_fits(
    app: App, clock: FrozenClock
) -> None:
    limit = Account.__table__.c.external_id.type.length
    name = "Lang" * 40  # 160 letters: fits a name, not a console handle as it is
    rows = "".join(
        _other(naam=name, organisatie=org, email="")
        for org in ("Gemeente Haarlem", "Sociaal Wijkteam Noord")
    )
    report = await import_csv(app.deps.uow, FULL_HEADER + rows, now=clock.now())
    assert report.ok and report.created == 2
    async with app.deps.uow() as uow:
        handles = sorted(
            await uow.session.scalars(
                select(Account.external_id).where(Account.platform == "console")
            )
        )
    assert handles == sorted([name.lower()[:limit], name.lower()[: limit - 1] + "2"])


async def test_new_themes_whose_long_names_start_alike_get_keys_of_their_own(
    app: App, clock: FrozenClock
) -> None:
    limit = Theme.__table__.c.key.type.length
    first, second = "thema " * 15 + "een", "thema " * 15 + "twee"  # 93 and 94 characters
    assert first.replace(" ", "_")[:limit] == second.replace(" ", "_")[:limit]
    rows = _other(email="a@example.org", themas=first) + _other(
        naam="Joost de Wit", email="b@example.org", themas=f"{first};{second}"
    )
    report = await import_csv(app.deps.uow, FULL_HEADER + rows, now=clock.now())
    assert report.ok and report.new_themes == [first, second]
    async with app.deps.uow() as uow:
        keys = list(
            await uow.session.scalars(
                select(Theme.key).where(Theme.name_nl.in_([first, second])).order_by(Theme.id)
            )
        )
    assert len(set(keys)) == 2 and all(len(k) <= limit for k in keys)
