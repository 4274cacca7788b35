"""The one path every message takes: guard, deduplicate, identify, route, answer.

Adapters call :meth:`Dispatcher.handle` with a neutral invocation and render the
reply it returns. Nothing in here knows a chat platform.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot import forms
from bot.metrics import Metrics
from bot.parsing import Parsed, match_natural, parse, suggestions
from core import conversation, events
from core.audit import person_actor, record
from core.bsn import bsn_field, holds_bsn
from core.db import database_away
from core.errors import UserError
from core.i18n import N_, Translator
from core.messages import Form, FormSubmission, Invocation, Reply, for_a_shared_space
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


class Dispatcher:
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

    async def _end_form(self, inv: Invocation) -> None:
        """Close the step-by-step form in this chat (finished, cancelled or abandoned)."""
        place = (inv.platform, inv.account, inv.chat)
        async with self.deps.uow() as uow:
            await conversation.end(uow.session, *place)
            since = await self.open_forms.closing(uow.session, place)
            await uow.commit()
        self.open_forms.closed(place, since)

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

    async def _submit(
        self, inv: Invocation, submission: FormSubmission, actor: Actor | None, tr: Translator
    ) -> tuple[str, Reply]:
        spec = self.registry.forms.get(submission.form_id)
        if spec is None:
            return "form.unknown", Reply(
                text=tr.gettext("Dit formulier ken ik niet."), private=True
            )
        if actor is None:
            return spec.form_id, self._onboarding(tr)
        cmd = Command(inv, spec.form_id, "", actor, tr, self.deps.clock.now())
        # A submission may answer with a follow-up form (e.g. pick a receiver after the question).
        return spec.form_id, await self._maybe_start_form(
            inv, await spec.submit(cmd, self.deps), cmd
        )

    async def _maybe_start_form(self, inv: Invocation, reply: Reply, cmd: Command) -> Reply:
        """On platforms without modals a form becomes a conversation: ask the first question."""
        if reply.form is None or inv.platform in self.modal_platforms:
            return reply
        form = reply.form
        now = self.deps.clock.now()
        async with self.deps.uow() as uow:
            await conversation.end(uow.session, inv.platform, inv.account, inv.chat)
            uow.session.add(
                conversation.Conversation(
                    platform=inv.platform,
                    account=inv.account,
                    chat=inv.chat,
                    form=forms.form_json(form),
                    step=0,
                    values={},
                    updated_at=now,
                )
            )
            await self.open_forms.opened(uow.session, (inv.platform, inv.account, inv.chat))
            await uow.commit()
        step = await forms.step(self.deps, form, 0, {}, cmd)
        question = forms.prompt(cmd.tr, form, step, 0, first=True)
        intro = f"{reply.text}\n\n" if reply.text else ""
        return Reply(text=intro + question.text, title=question.title, buttons=question.buttons)

    async def with_suggestions(self, inv: Invocation, form: Form) -> Form:
        """The whole form with suggested choices filled in, for modals that show every field.

        Suggestions that depend on earlier answers cannot apply there; the form's context
        can. Never raises: on any trouble the form comes back as it was.
        """
        spec = self.registry.forms.get(form.form_id)
        if spec is None or spec.suggest is None:
            return form
        try:
            async with self.deps.uow() as uow:
                identity = uow.repo(IdentityRepository)
                person = await identity.person_for_account(inv.platform, inv.account)
                if person is None and inv.email_hint:
                    # Not linked yet (first use opens a modal before any dispatch).
                    person = await identity.person_by_email(inv.email_hint)
            if person is None:
                return form  # strangers get onboarding on submit; no need to suggest
            actor = actor_of(person)
            language = actor.language or inv.language_hint
            cmd = Command(
                inv, form.form_id, "", actor, self._translator(language), self.deps.clock.now()
            )
            fields = []
            for index, field in enumerate(form.fields):
                step = await forms.step(self.deps, form, index, {}, cmd)
                fields.append(replace(field, choices=step.choices))
        except Exception:
            log.exception("form suggestions failed", extra={"form": form.form_id})
            return form
        return replace(form, fields=tuple(fields))

    async def _answer(
        self,
        inv: Invocation,
        convo: conversation.Conversation,
        raw: str,
        actor: Actor | None,
        tr: Translator,
        *,
        pressed: bool = False,
    ) -> tuple[str, Reply]:
        form = Reply.from_json({"form": convo.form}).form
        assert form is not None
        cmd = Command(inv, form.form_id, raw, actor, tr, self.deps.clock.now())
        values: dict[str, Any] = dict(convo.values)
        index = convo.step
        step = await forms.step(self.deps, form, index, values, cmd)
        if not pressed and forms.cancels(step, raw):
            return await self._cancel(inv, tr)
        try:
            value = forms.parse_answer(step, raw, pressed=pressed)
        except forms.AnswerError as error:
            if not pressed and match_natural(self.registry, raw) is not None:
                # Not an answer but a new question ("wie kan helpen met …"): stop the form
                # and answer the question instead of repeating the choices.
                await self._cancel(inv, tr)
                label, reply = await self._command(inv, parse(raw), actor, tr)
                note = tr.gettext("Ik ben gestopt met het formulier; er is niets opgeslagen.")
                return label, replace(reply, text=f"{note}\n\n{reply.text}".strip())
            left_out = forms.not_applying(self.deps, form, values)
            again = forms.prompt(tr, form, step, index, first=False, left_out=left_out)
            return "form.answer", Reply(
                text=tr.gettext(error.msgid, **error.values) + "\n\n" + again.text,
                buttons=again.buttons,
            )
        if value is not None:
            values[step.field.name] = value
        left_out = forms.not_applying(self.deps, form, values)
        index = forms.next_question(form, index + 1, left_out)
        now = self.deps.clock.now()
        if index < len(form.fields):
            async with self.deps.uow() as uow:
                row = await conversation.current(
                    uow.session, inv.platform, inv.account, inv.chat, now
                )
                if row is not None:
                    row.step, row.values, row.updated_at = index, values, now
                await uow.commit()
            nxt = await forms.step(self.deps, form, index, values, cmd)
            question = forms.prompt(tr, form, nxt, index, first=False, left_out=left_out)
            note = await self._note(form, step.field.name, values, cmd)
            if note:
                question = replace(question, text=f"{note}\n\n{question.text}")
            return "form.answer", question
        await self._end_form(inv)
        submission = FormSubmission(form_id=form.form_id, values=values, context=form.context)
        done = Invocation(
            platform=inv.platform,
            account=inv.account,
            chat=inv.chat,
            is_direct=inv.is_direct,
            submission=submission,
            display_name=inv.display_name,
            language_hint=inv.language_hint,
        )
        return await self._submit(done, submission, actor, tr)

    async def _note(self, form: Form, field: str, values: dict[str, Any], cmd: Command) -> str:
        """What the form's spec wants said about this answer before the next question."""
        spec = self.registry.forms.get(form.form_id)
        if spec is None or spec.note is None:
            return ""
        return await spec.note(cmd, self.deps, field, {**form.context, **values})

    async def _cancel(self, inv: Invocation, tr: Translator) -> tuple[str, Reply]:
        await self._end_form(inv)
        return "form.cancel", Reply(text=tr.gettext("Gestopt. Er is niets opgeslagen."))

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
