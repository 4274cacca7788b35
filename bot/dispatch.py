"""The one path every message takes: guard, deduplicate, identify, route, answer.

Adapters call :meth:`Dispatcher.handle` with a neutral invocation and render the
reply it returns. Nothing in here knows a chat platform.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from datetime import datetime

from bot import forms
from bot.form_conversation import FormConversation
from bot.metrics import Metrics
from bot.parsing import Parsed, match_natural, parse, suggestions
from core import conversation, events
from core.audit import person_actor, record
from core.bsn import bsn_field, holds_bsn
from core.db import database_away
from core.errors import UserError
from core.i18n import N_, Translator
from core.messages import Invocation, Reply, for_a_shared_space
from core.open_forms import OpenForms
from directory.identity import Actor, IdentityRepository, actor_of
from handlers.base import Command, Deps, Handler

log = logging.getLogger("krokodil.dispatch")

BSN_REFUSAL = N_(
    "Je bericht lijkt een BSN te bevatten. Groene Krokodil bewaart geen gegevens van "
    "inwoners, dus ik heb het niet opgeslagen. Haal het nummer weg en probeer het opnieuw."
)
TRY_AGAIN = N_("Er ging iets mis aan mijn kant. Probeer het zo nog eens.")
UNAVAILABLE = N_("Ik kan even niet bij de gegevens. Probeer het zo nog eens.")


class Dispatcher(FormConversation):
    """Routes invocations to handlers and turns every failure into a calm answer."""

    def __init__(
        self,
        deps: Deps,
        metrics: Metrics | None = None,
        modal_platforms: Iterable[str] = ("slack",),
    ) -> None:
        self.deps = deps
        self.registry = deps.registry
        self.metrics = metrics or Metrics()
        self.modal_platforms = frozenset(modal_platforms)
        # Work in flight is bounded by the connection pool: the rest waits its turn here,
        # rather than timing out in the pool and being answered "probeer het zo nog eens".
        self._in_flight = asyncio.Semaphore(max(1, deps.settings.database.pool_size))
        self._database_away = False
        self.events = events.EventLedger(deps.uow, deps.instance)
        # Where a step-by-step form is open, in memory (core.open_forms).
        self.open_forms = OpenForms(deps.uow.engine)

    async def handle(self, inv: Invocation, *, finish: bool = True) -> Reply:
        """Answer one invocation; never raises.

        With ``finish=False`` a platform event's claim stays open until the caller calls
        `finish` once the answer is out, so a process that dies before answering leaves
        the event to be redone (a redelivery or the inbox), not a duplicate.
        """
        started = time.perf_counter()
        label = "unknown"
        tr = self._translator(inv.language_hint)
        try:
            if holds_bsn(inv):
                label = "bsn_refused"
                return Reply(
                    text=tr.gettext(BSN_REFUSAL),
                    private=True,
                    data={"user_error": True, "field": bsn_field(inv)},
                )
            async with self._in_flight:
                label, reply = await self._handle(inv)
            if label != "duplicate" and finish:
                await self._finish(inv)
            if self._database_away:
                self._database_away = False
                log.warning("database available again")
            return reply
        except UserError as error:
            if finish:
                await self._finish(inv)
            label = f"{label}:user_error"
            if error.language:
                tr = self._translator(error.language)
            # Marked so a modal can show it next to the field instead of closing.
            return Reply(
                text=tr.gettext(error.msgid, **error.values),
                private=True,
                data={"user_error": True, "field": error.form_field},
            )
        except Exception as error:
            if database_away(error):
                # An outage or every connection busy: it passes; say so calmly.
                self.metrics.errors.labels(kind="database").inc()
                if not self._database_away:
                    # Once per outage: every request during it would say the same.
                    self._database_away = True
                    log.warning("database unavailable: %s", type(error).__name__)
                if inv.event_id:
                    self.events.abandon(inv.platform, inv.event_id)
                return Reply(text=tr.gettext(UNAVAILABLE), private=True)
            if finish:
                await self._finish(inv)
            self.metrics.errors.labels(kind="handler").inc()
            # Logged once with its traceback, never with the message text.
            log.exception("handler failed", extra={"command": label, "platform": inv.platform})
            return Reply(text=tr.gettext(TRY_AGAIN), private=True)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.observe(label, inv.platform, elapsed)
            if self.deps.directory is not None:
                self.deps.directory.end_request()

    async def finish(self, inv: Invocation) -> None:
        """Close the claim `handle(inv, finish=False)` left open, now its answer is out
        (nothing when it made none: a duplicate, a refusal, the database away)."""
        if inv.event_id and self.events.holds(inv.platform, inv.event_id):
            await self._finish(inv)

    async def _finish(self, inv: Invocation) -> None:
        """Mark a platform event handled, so a redelivery is a duplicate (core.events)."""
        if inv.event_id:
            # Written with others a moment later; a failure there is logged by the ledger.
            self.events.finish(inv.platform, inv.event_id)

    def _translator(self, language: str | None) -> Translator:
        return self.deps.translator(language)

    async def _handle(self, inv: Invocation) -> tuple[str, Reply]:
        now = self.deps.clock.now()
        known = await self._known_actor(inv)
        if inv.platform not in self.modal_platforms:
            await self.open_forms.fresh()
        if known is not None and inv.event_id and self._only_reads(inv):
            # Nothing to deduplicate in the database: a redelivery is answered again.
            if not self.events.claim_here(inv.platform, inv.event_id):
                return "duplicate", Reply(data={"duplicate": True})
            return await self._answer_as(inv, known, None)
        if known is not None and inv.event_id:
            # Known from the index: the claim is the only statement before the handler.
            quick = await self._claim_alone(inv, now)
            if quick is not None:
                claimed, convo = quick
                if not claimed:
                    return "duplicate", Reply(data={"duplicate": True})
                return await self._answer_as(inv, known, convo)
        if known is not None and not inv.event_id and not self._form_may_be_open(inv):
            # Nothing to claim, link or resume: no session at all.
            return await self._answer_as(inv, known, None)
        async with self.deps.uow() as uow:
            if inv.event_id and not await self.events.claim(
                uow.session, inv.platform, inv.event_id, now
            ):
                return "duplicate", Reply(data={"duplicate": True})
            identity = uow.repo(IdentityRepository)
            person = None if known else await identity.person_for_account(inv.platform, inv.account)
            if known is None and person is None and inv.email_hint:
                person = await identity.person_by_email(inv.email_hint)
                if person is not None:
                    await identity.link(person, inv.platform, inv.account, now)
                    record(
                        uow.session,
                        at=now,
                        actor=person_actor(person.id),
                        action="account.linked_by_email",
                        object_type="person",
                        object_id=person.id,
                        origin=inv.platform,
                    )
            actor = known or (actor_of(person) if person is not None else None)
            # Forms become conversations only where there are no modals (_maybe_start_form).
            convo = (
                None
                if not self._form_may_be_open(inv)
                else await conversation.current(
                    uow.session, inv.platform, inv.account, inv.chat, now
                )
            )
            await uow.commit()
        return await self._answer_as(inv, actor, convo)

    async def _claim_alone(
        self, inv: Invocation, now: datetime
    ) -> tuple[bool, conversation.Conversation | None] | None:
        """Claim the event in one statement that also says whether a form is open here.

        None when the id was claimed before (the transaction in `_handle` decides then).
        """
        assert inv.event_id is not None
        place = (inv.platform, inv.account, inv.chat) if self._form_may_be_open(inv) else None
        claimed = await self.events.claim_alone(inv.platform, inv.event_id, now, place)
        if claimed is None or not claimed[0] or not claimed[1]:
            return None if claimed is None else (claimed[0], None)
        async with self.deps.uow() as uow:
            convo = await conversation.current(
                uow.session, inv.platform, inv.account, inv.chat, now
            )
            await uow.commit()
        return True, convo

    def _form_may_be_open(self, inv: Invocation) -> bool:
        """False when certainly no step-by-step form is open in this chat (forms are modals
        on some platforms; elsewhere core.open_forms knows, or the database is asked)."""
        if inv.platform in self.modal_platforms:
            return False
        return self.open_forms.may_be_open(
            self.deps.uow.quick, (inv.platform, inv.account, inv.chat)
        )

    def _only_reads(self, inv: Invocation) -> bool:
        """Whether the message asks a command that changes nothing, with no form open, where
        a redelivery means its answer was lost (`Invocation.answer_in_ack`)."""
        if (
            not inv.answer_in_ack
            or inv.action is not None
            or inv.submission is not None
            or self._form_may_be_open(inv)
        ):
            return False
        parsed = parse(inv.text)
        if parsed.word is not None:
            spec = self.registry.lookup(parsed.word)
        else:
            natural = match_natural(self.registry, parsed.args)
            spec = natural[0] if natural is not None else None
        return spec is not None and spec.reads_only

    async def _answer_as(
        self, inv: Invocation, actor: Actor | None, convo: conversation.Conversation | None
    ) -> tuple[str, Reply]:
        language = (actor.language if actor else None) or inv.language_hint
        try:
            label, reply = await self._route(inv, actor, convo, self._translator(language))
        except UserError as error:
            # Answered in the asker's own language, not the platform's hint.
            error.language = language
            raise
        # Contact details never go to a whole channel or group, whatever the handler said.
        return label, for_a_shared_space(inv, reply)

    async def _known_actor(self, inv: Invocation) -> Actor | None:
        """The account's person from the directory index (None: ask the database)."""
        directory = self.deps.directory
        state = await directory.fresh() if directory is not None else None
        if directory is None or state is None:
            return None
        return directory.actor(state, inv.platform, inv.account)

    async def _route(
        self,
        inv: Invocation,
        actor: Actor | None,
        convo: conversation.Conversation | None,
        tr: Translator,
    ) -> tuple[str, Reply]:
        if inv.submission is not None:
            return await self._submit(inv, inv.submission, actor, tr)
        if inv.action is not None and inv.action.action_id in (
            forms.ANSWER_ACTION,
            forms.CANCEL_ACTION,
        ):
            if convo is None:
                return "form.stale", Reply(
                    text=tr.gettext("Dit formulier is al afgerond of verlopen.")
                )
            if inv.action.action_id == forms.CANCEL_ACTION:
                return await self._cancel(inv, tr)
            return await self._answer(inv, convo, inv.action.value, actor, tr, pressed=True)
        if inv.action is not None:
            return await self._action(inv, actor, tr)

        parsed = parse(inv.text)
        if convo is not None and not (parsed.slash and parsed.word not in forms.CANCEL_WORDS):
            if inv.text.strip().lower() in forms.CANCEL_WORDS:
                return await self._cancel(inv, tr)
            return await self._answer(inv, convo, inv.text, actor, tr)
        if convo is not None:
            # A new command abandons the open form.
            await self._end_form(inv)
        return await self._command(inv, parsed, actor, tr)

    async def _command(
        self, inv: Invocation, parsed: Parsed, actor: Actor | None, tr: Translator
    ) -> tuple[str, Reply]:
        if parsed.word is None:
            natural = match_natural(self.registry, parsed.args)
            if natural is None:
                for name, guess in self.registry.guesses.items():
                    cmd = Command(inv, name, parsed.args, actor, tr, self.deps.clock.now())
                    guessed = await guess(cmd, self.deps)
                    if guessed is not None:
                        return f"{name}.guess", guessed
                hint = tr.gettext(
                    "Ik begreep je vraag niet helemaal. Probeer bijvoorbeeld /wie schulden, "
                    "of typ /help voor alles wat ik kan."
                )
                return "free_text", Reply(text=hint)
            spec, args = natural
        else:
            found = self.registry.lookup(parsed.word)
            if found is None:
                return "unknown", self._unknown(parsed.word, tr)
            spec, args = found, parsed.args
        if actor is None and not spec.public:
            return spec.name, self._onboarding(tr)
        cmd = Command(inv, spec.name, args, actor, tr, self.deps.clock.now())
        reply = await spec.handler(cmd, self.deps)
        return spec.name, await self._maybe_start_form(inv, reply, cmd)

    async def _action(
        self, inv: Invocation, actor: Actor | None, tr: Translator
    ) -> tuple[str, Reply]:
        assert inv.action is not None
        spec = self.registry.actions.get(inv.action.action_id)
        if spec is None:
            return "action.unknown", Reply(
                text=tr.gettext("Deze knop werkt niet meer."), private=True
            )
        if actor is None and not spec.public:
            return spec.action_id, self._onboarding(tr)
        cmd = Command(inv, spec.action_id, inv.action.value, actor, tr, self.deps.clock.now())
        reply = await spec.handler(cmd, self.deps)
        return spec.action_id, await self._maybe_start_form(inv, reply, cmd)

    def _unknown(self, word: str, tr: Translator) -> Reply:
        close = suggestions(self.registry, word)
        if close:
            options = tr.join(f"/{name}" for name in close)
            text = tr.gettext(
                "/{word} ken ik niet. Bedoel je {options}?", word=word, options=options
            )
        else:
            text = tr.gettext("/{word} ken ik niet. Typ /help voor alles wat ik kan.", word=word)
        return Reply(text=text, private=True, data={"suggestions": close})

    def _onboarding(self, tr: Translator) -> Reply:
        return Reply(
            text=tr.gettext(
                "Welkom bij Groene Krokodil! Ik ken je account nog niet. Ik help professionals "
                "in het sociaal domein elkaar te vinden. Vraag de beheerder of je organisatie "
                "je op de sociale kaart zet, of koppel je account met /koppel. Typ /help voor "
                "wat ik kan."
            ),
            private=True,
            data={"registered": False},
        )


__all__ = ["Dispatcher", "Handler"]
