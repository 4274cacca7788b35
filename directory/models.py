"""Tables of the directory. No resident data lives here: only professionals."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime

ROLES = (
    "oliemannetje",
    "procesregisseur",
    "vertrouwenspersoon",
    "ervaringsdeskundige",
    "bestuurlijk",
)

person_themes = Table(
    "person_themes",
    Base.metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
)

person_wijken = Table(
    "person_wijken",
    Base.metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("wijk_id", ForeignKey("wijken.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Organisation(Base):
    """A gemeente department's parent, a wijkteam, a zorgaanbieder, a corporatie …"""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), default="overig")


class Theme(Base):
    """A social problem people work on, with synonyms for matching free text."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name_nl: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    domain: Mapped[str] = mapped_column(String(40), default="Wmo")
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    related: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Words that describe the theme rather than name it ("bier" for verslaving): weaker.
    hints: Mapped[list[str]] = mapped_column(JSON, default=list)
    from_catalog: Mapped[bool] = mapped_column(Boolean, default=True)


class Wijk(Base):
    """A neighbourhood."""

    __tablename__ = "wijken"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Person(Base):
    """A professional: who they are, what they work on, where, and when to call them."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    department: Mapped[str] = mapped_column(String(200), default="")
    role_title: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    language: Mapped[str | None] = mapped_column(String(5))
    # Weekly call windows as [weekday 0=Monday, start minute, end minute], local time.
    availability: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    absent_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    absent_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stand_in_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirm_reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_confirm_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A departure (directory.departures): the last day is the day before `leaving_on`; on
    # that date the person leaves /wie and their work goes to the successor.
    leaving_on: Mapped[date | None] = mapped_column(Date, index=True)
    # No foreign key (rows are never deleted; erasure clears references to the person).
    successor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Set when the person's data was erased (/ik verwijder, or retention after leaving):
    # the row stays only so the history of handovers keeps its shape; nothing personal is left.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    themes: Mapped[list[Theme]] = relationship(secondary=person_themes, lazy="selectin")
    wijken: Mapped[list[Wijk]] = relationship(secondary=person_wijken, lazy="selectin")
    accounts: Mapped[list[Account]] = relationship(
        back_populates="person", lazy="selectin", cascade="all, delete-orphan"
    )

    def has_role(self, role: str) -> bool:
        """True when the person holds a special role such as 'oliemannetje'."""
        return role in (self.roles or [])


# Only a few people hold a special role; a /wie without a match looks up the oliemannetjes
# among them, so this partial index spares a scan of the whole directory. Queries must repeat
# the predicate literally (see directory.fallback).
SPECIAL_ROLES_PREDICATE = "CAST(roles AS VARCHAR) != '[]'"
Index(
    "ix_people_special_roles",
    Person.id,
    sqlite_where=text(SPECIAL_ROLES_PREDICATE),
    postgresql_where=text(SPECIAL_ROLES_PREDICATE),
)
# Slack links people by the e-mail address it reports, in any capitalisation.
Index("ix_people_email_lower", func.lower(Person.email))


class Account(Base):
    """A chat account linked to a person: console handle, Slack member id, Telegram user."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    # Stable id on the platform (Slack U…, Telegram numeric id, console handle), lowercase.
    external_id: Mapped[str] = mapped_column(String(120))
    # Telegram @username from an import, until the user's numeric id is known.
    username: Mapped[str | None] = mapped_column(String(120), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(back_populates="accounts")


class Acquaintance(Base):
    """Two professionals who know each other (met in a handover, meeting or mee-loop-dag)."""

    __tablename__ = "acquaintances"
    __table_args__ = (CheckConstraint("person_a < person_b", name="ordered_pair"),)

    person_a: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    person_b: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    source: Mapped[str] = mapped_column(String(40))
    since: Mapped[datetime] = mapped_column(UTCDateTime())
