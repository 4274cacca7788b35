"""Invocations never carry a NUL character; contact details in a shared space are private."""

from __future__ import annotations

from dataclasses import replace

from core.messages import (
    Action,
    ContactCard,
    FormSubmission,
    Invocation,
    Reply,
    for_a_shared_space,
    shows_contact_details,
)


def test_nul_characters_are_dropped_from_every_text_of_an_invocation() -> None:
    inv = Invocation(
        platform="slack",
        account="U\x001",
        chat="C\x001",
        text="/wie schul\x00den",
        event_id="command:\x00abc",
        display_name="Fa\x00tima",
        email_hint="f@example.org\x00",
        action=Action("handover.accept\x00", "1\x002"),
        submission=FormSubmission(
            "knelpunt.new\x00", {"wat": "a\x00b", "domeinen": ["Wmo\x00"]}, {"k\x00": "v\x00"}
        ),
    )
    assert (inv.account, inv.chat, inv.text) == ("U1", "C1", "/wie schulden")
    assert (inv.event_id, inv.display_name, inv.email_hint) == (
        "command:abc",
        "Fatima",
        "f@example.org",
    )
    assert inv.action == Action("handover.accept", "12")
    assert inv.submission == FormSubmission(
        "knelpunt.new", {"wat": "ab", "domeinen": ["Wmo"]}, {"k": "v"}
    )


def test_an_invocation_without_nul_is_kept_as_it_is() -> None:
    action = Action("rsvp", "1:ja")
    inv = Invocation(platform="console", account="samira", chat="c", text="/help", action=action)
    assert inv.action is action and inv.text == "/help"


def test_contact_details_are_found_in_cards_and_in_text() -> None:
    card = ContactCard(person_id=1, name="Joost", organisation="Woonstede")
    assert not shows_contact_details(Reply(cards=(card,)))
    assert shows_contact_details(Reply(cards=(replace(card, phone="+31612345678"),)))
    assert shows_contact_details(Reply(cards=(replace(card, reachability="nu bereikbaar"),)))
    for text in ("bel 06-12345678", "+31 6 1234 5678", "020 123 4567", "mail j.wit@x.nl"):
        assert shows_contact_details(Reply(text=text)), text
    for text in ("donderdag 2026-12-10 14:00", "knelpunt #123456789", "15:00 - 17:00"):
        assert not shows_contact_details(Reply(text=text)), text
    group = Invocation(platform="telegram", account="1", chat="-100", is_direct=False)
    direct = replace(group, chat="1", is_direct=True)
    details = Reply(text="bel 06-12345678")
    assert for_a_shared_space(group, details).private
    assert not for_a_shared_space(direct, details).private
    assert not for_a_shared_space(group, Reply(text="hallo")).private
