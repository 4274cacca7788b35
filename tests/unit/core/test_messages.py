"""Invocations never carry a NUL character, whatever a platform sends."""

from __future__ import annotations

from core.messages import Action, FormSubmission, Invocation


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
