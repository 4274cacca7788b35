"""Typed text becomes a command word and arguments."""

from __future__ import annotations

from bot.parsing import parse


def test_slash_command_with_arguments() -> None:
    parsed = parse("/wie schulden in Noord")
    assert (parsed.word, parsed.args, parsed.slash) == ("wie", "schulden in Noord", True)


def test_telegram_bot_suffix_and_mentions_are_ignored() -> None:
    assert parse("/wie@GroeneKrokodilBot jeugd").word == "wie"
    assert parse("<@U0BOT> /help").word == "help"


def test_umbrella_command_takes_the_subcommand() -> None:
    parsed = parse("/krokodil wie schulden")
    assert (parsed.word, parsed.args) == ("wie", "schulden")


def test_free_text_has_no_command_word() -> None:
    parsed = parse("@krokodil wie kan helpen met schulden?")
    assert parsed.word is None
    assert parsed.args == "wie kan helpen met schulden?"
