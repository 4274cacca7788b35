"""Forms in the dispatcher: on platforms without modals a form is a conversation, one
question at a time (its state in ``core.conversation``, where it is open in
``core.open_forms``); on Slack the whole form is a modal, with suggested choices filled
in (`with_suggestions`). A submission, however it arrives, goes to the form's handler.
A part of ``bot.dispatch.Dispatcher`` (its base class), which holds what these use."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bot import forms
from bot.parsing import Parsed, match_natural, parse
from core import conversation
from core.i18n import Translator
from core.messages import Form, FormSubmission, Invocation, Reply
from core.open_forms import OpenForms
from directory.identity import Actor, IdentityRepository, actor_of
from handlers.base import Command, Deps, Registry

log = logging.getLogger("krokodil.dispatch")


class FormConversation:
    """Starting, answering, cancelling and submitting forms."""

    deps: Deps
    registry: Registry
    modal_platforms: frozenset[str]
    open_forms: OpenForms
    # The dispatcher's own: a translator, a command, the answer to a stranger.
    _translator: Callable[[str | None], Translator]
    _command: Callable[[Invocation, Parsed, Actor | None, Translator], Awaitable[tuple[str, Reply]]]
    _onboarding: Callable[[Translator], Reply]

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

    async def _end_form(self, inv: Invocation) -> None:
        """Close the step-by-step form in this chat (finished, cancelled or abandoned)."""
        place = (inv.platform, inv.account, inv.chat)
        async with self.deps.uow() as uow:
            await conversation.end(uow.session, *place)
            since = await self.open_forms.closing(uow.session, place)
            await uow.commit()
        self.open_forms.closed(place, since)
