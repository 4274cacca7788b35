"""Forms step by step in Telegram: typed answers, tapped buttons, and "annuleren"."""

from __future__ import annotations

from bot.adapters.telegram.callbacks import CallbackCodec
from bot.bootstrap import App
from core.messages import Attachment, Button, Field, Form, Reply
from handlers.base import ActionSpec, Command, CommandSpec, Deps, FormSpec
from tests.adapters.telegram.harness import TelegramHarness, User, labels
from tests.adapters.telegram.test_webhook import link_telegram
from tests.support import make_person

FATIMA = User(4242, "Fatima")


async def _ask(cmd: Command, deps: Deps) -> Reply:
    return Reply(
        form=Form(
            form_id="test.form",
            title="Testformulier",
            fields=(
                Field("need", "Wat heeft de inwoner nodig?"),
                Field("note", "Opmerking", required=False),
                Field("ok", "Weet de inwoner ervan?", kind="confirm"),
            ),
        )
    )


async def _submit(cmd: Command, deps: Deps) -> Reply:
    assert cmd.invocation.submission is not None
    values = cmd.invocation.submission.values
    return Reply(text=f"Opgeslagen: {values['need']}", data=dict(values))


async def _choices(cmd: Command, deps: Deps) -> Reply:
    # A value far longer than Telegram's 64 bytes of callback data.
    long_value = "thema:" + "schuldhulpverlening-" * 6
    return Reply(
        text="Kies",
        buttons=(
            Button("Kort", "test.pick", "1"),
            Button("Lang", "test.pick", long_value),
            Button("Bel Joost", "test.call", url="tel:+31612345678"),
            Button("Website", "test.web", url="https://example.org"),
        ),
    )


async def _picked(cmd: Command, deps: Deps) -> Reply:
    return Reply(text=f"Gekozen: {cmd.action_value}")


async def _calendar(cmd: Command, deps: Deps) -> Reply:
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    return Reply(
        text="In je agenda zetten:",
        attachments=(Attachment("netwerk.ics", "text/calendar", ics),),
    )


async def _setup(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await link_telegram(app, "f.elamrani@example.org", FATIMA)
    app.deps.registry.command(CommandSpec("testform", _ask, "test", "/testform"))
    app.deps.registry.form(FormSpec("test.form", _submit))
    app.deps.registry.command(CommandSpec("kies", _choices, "test", "/kies"))
    app.deps.registry.action(ActionSpec("test.pick", _picked))
    app.deps.registry.command(CommandSpec("agendabestand", _calendar, "test", "/agendabestand"))


async def test_a_form_is_asked_step_by_step_with_buttons(
    app: App, telegram: TelegramHarness
) -> None:
    await _setup(app)
    api = telegram.api
    await telegram.say(FATIMA, "/testform")
    first = api.last_to(FATIMA.id)
    assert "<b>Testformulier</b>" in first.params["text"]
    assert "Vraag 1 van 3: Wat heeft de inwoner nodig?" in first.params["text"]
    assert labels(first) == ["Annuleren"]
    await telegram.say(FATIMA, "hulp bij <de> huur")
    await telegram.say(FATIMA, "-")
    question = api.last_to(FATIMA.id)
    assert "Vraag 3 van 3" in question.params["text"]
    assert labels(question) == ["Ja", "Nee", "Annuleren"]
    await telegram.press(FATIMA, question, "Ja")
    assert api.ok("answerCallbackQuery")
    # The pressed message shows the choice and loses its keyboard.
    [edit] = api.ok("editMessageText")
    assert edit.params["message_id"] == question.result["message_id"]
    assert edit.params["text"].endswith("✓ <b>Ja</b>")
    assert "reply_markup" not in edit.params
    assert api.texts_to(FATIMA.id)[-1] == "Opgeslagen: hulp bij &lt;de&gt; huur"


async def test_annuleren_stops_the_form(app: App, telegram: TelegramHarness) -> None:
    await _setup(app)
    await telegram.say(FATIMA, "/testform")
    await telegram.say(FATIMA, "annuleren")
    assert telegram.api.texts_to(FATIMA.id)[-1] == "Gestopt. Er is niets opgeslagen."
    await telegram.say(FATIMA, "/testform")
    await telegram.press(FATIMA, telegram.api.last_to(FATIMA.id), "Annuleren")
    assert telegram.api.texts_to(FATIMA.id)[-1] == "Gestopt. Er is niets opgeslagen."


async def test_long_button_values_survive_the_64_byte_limit(
    app: App, telegram: TelegramHarness
) -> None:
    await _setup(app)
    await telegram.say(FATIMA, "/kies")
    sent = telegram.api.last_to(FATIMA.id)
    markup = sent.params["reply_markup"]["inline_keyboard"]
    datas = [b["callback_data"] for row in markup for b in row if "callback_data" in b]
    assert all(len(d.encode()) <= 64 for d in datas)
    assert [b.get("url") for row in markup for b in row if "url" in b] == ["https://example.org"]
    # Telegram does not allow tel: buttons: the number is in the text, where it is tappable.
    assert "☎ Bel Joost: +31612345678" in sent.params["text"]
    await telegram.press(FATIMA, sent, "Lang")
    assert telegram.api.texts_to(FATIMA.id)[-1] == "Gekozen: thema:" + "schuldhulpverlening-" * 6


async def test_unknown_buttons_say_so(app: App, telegram: TelegramHarness) -> None:
    await _setup(app)
    await telegram.say(FATIMA, "/kies")
    sent = telegram.api.last_to(FATIMA.id)
    update = telegram.press_update(FATIMA, sent, "Kort")
    update["callback_query"]["data"] = "~doesnotexist"
    assert await telegram.post(update) == 200
    [answer] = telegram.api.ok("answerCallbackQuery")
    assert answer.params["text"] == "Deze knop werkt niet meer."


async def test_attachments_arrive_as_documents(app: App, telegram: TelegramHarness) -> None:
    await _setup(app)
    await telegram.say(FATIMA, "/agendabestand")
    [text, document] = telegram.api.sent_to(FATIMA.id)
    assert text.params["text"] == "In je agenda zetten:"
    assert document.method == "sendDocument"
    assert document.params["document"]["filename"] == "netwerk.ics"
    assert document.params["document"]["size"] > 0


async def test_buttons_survive_a_restart(app: App, telegram: TelegramHarness) -> None:
    await _setup(app)
    await telegram.say(FATIMA, "/kies")
    sent = telegram.api.last_to(FATIMA.id)
    markup = sent.params["reply_markup"]["inline_keyboard"]
    [token] = [b["callback_data"] for row in markup for b in row if b["text"] == "Lang"]
    assert token.startswith("~")
    # A new process: a fresh codec on the same database still knows the button.
    fresh = CallbackCodec(app.deps.uow, app.deps.clock)
    action = await fresh.decode(token)
    assert action is not None and action.action_id == "test.pick"
    assert action.value == "thema:" + "schuldhulpverlening-" * 6
