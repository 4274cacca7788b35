"""Platform-neutral messages: what comes in (an invocation) and what goes out (a reply).

Adapters translate platform payloads into an :class:`Invocation` and render a
:class:`Reply` (Block Kit, Telegram HTML, console text). Handlers see only these
types. Replies serialise to JSON so they can wait in the outbox and be printed
by ``krokodil say --json``.
"""

from __future__ import annotations

import base64
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

# "web": the web view (bot/web) calling a handler for a signed-in person.
Platform = Literal["console", "slack", "telegram", "teams", "web"]
ButtonStyle = Literal["primary", "danger", "default"]
FieldKind = Literal["text", "longtext", "choice", "multichoice", "confirm", "person", "datetime"]


@dataclass(frozen=True)
class Action:
    """A button press or menu choice: which action, with which value."""

    action_id: str
    value: str = ""


@dataclass(frozen=True)
class FormSubmission:
    """A completed form (a Slack modal, or a step-by-step conversation)."""

    form_id: str
    values: dict[str, str | list[str]]
    context: dict[str, str] = field(default_factory=dict)


NUL = "\x00"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def _without_nul(submission: FormSubmission) -> FormSubmission:
    return FormSubmission(
        form_id=_clean(submission.form_id),
        values=_clean(submission.values),
        context=_clean(submission.context),
    )


@dataclass(frozen=True)
class Invocation:
    """One thing a user did: typed text, pressed a button or submitted a form."""

    platform: Platform
    account: str
    chat: str
    text: str = ""
    is_direct: bool = True
    action: Action | None = None
    submission: FormSubmission | None = None
    event_id: str | None = None
    display_name: str = ""
    email_hint: str | None = None
    language_hint: str | None = None
    # The adapter answers in the platform's acknowledgement where it can, and the platform
    # sends an event again only when that got lost (a Telegram message in a private chat,
    # not a Slack event, whose answer is posted apart and retried after 3 s).
    answer_in_ack: bool = False

    def __post_init__(self) -> None:
        # A NUL character means nothing to anyone and PostgreSQL refuses it in text:
        # whatever a platform sends, it never gets past this point.
        for name in ("account", "chat", "text", "event_id", "display_name", "email_hint"):
            value = getattr(self, name)
            if isinstance(value, str) and NUL in value:
                object.__setattr__(self, name, value.replace(NUL, ""))
        if self.action is not None and NUL in self.action.action_id + self.action.value:
            object.__setattr__(
                self,
                "action",
                Action(self.action.action_id.replace(NUL, ""), self.action.value.replace(NUL, "")),
            )
        if self.submission is not None:
            object.__setattr__(self, "submission", _without_nul(self.submission))


@dataclass(frozen=True)
class Button:
    """A choice the user can tap; the console shows it as a numbered option."""

    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = "default"
    url: str | None = None


@dataclass(frozen=True)
class ContactCard:
    """A professional to call: phone first, then when, then the rest."""

    person_id: int
    name: str
    organisation: str
    role: str = ""
    phone: str | None = None
    phone_display: str | None = None
    reachable_now: bool = False
    reachability: str = ""
    email: str | None = None
    note: str = ""
    themes: tuple[str, ...] = ()
    wijken: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply, e.g. a calendar (.ics) or a chart (.png)."""

    filename: str
    mime_type: str
    content: bytes

    def to_json(self) -> dict[str, str]:
        """Serialise with the content base64-encoded."""
        return {
            "filename": self.filename,
            "mime_type": self.mime_type,
            "content_base64": base64.b64encode(self.content).decode("ascii"),
        }


@dataclass(frozen=True)
class Choice:
    """One option of a choice field."""

    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One question of a form."""

    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = True
    hint: str = ""
    choices: tuple[Choice, ...] = ()
    initial: str = ""


@dataclass(frozen=True)
class Form:
    """A form: a modal in Slack, a step-by-step conversation elsewhere."""

    form_id: str
    title: str
    fields: tuple[Field, ...]
    submit_label: str = ""
    intro: str = ""
    context: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """What a handler answers; every adapter can render it, plain text is the fallback."""

    text: str = ""
    title: str = ""
    cards: tuple[ContactCard, ...] = ()
    buttons: tuple[Button, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    form: Form | None = None
    private: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (attachments base64)."""
        payload = asdict(self)
        payload["attachments"] = [a.to_json() for a in self.attachments]
        payload["contacts"] = [asdict(c) for c in self.cards]
        return payload

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> Reply:
        """Rebuild a reply stored by :meth:`to_json`."""
        form = payload.get("form")
        return cls(
            text=payload.get("text", ""),
            title=payload.get("title", ""),
            cards=tuple(_card(c) for c in payload.get("cards", ())),
            buttons=tuple(Button(**b) for b in payload.get("buttons", ())),
            attachments=tuple(
                Attachment(
                    filename=a["filename"],
                    mime_type=a["mime_type"],
                    content=base64.b64decode(a["content_base64"]),
                )
                for a in payload.get("attachments", ())
            ),
            form=_form(form) if form else None,
            private=bool(payload.get("private", False)),
            data=dict(payload.get("data", {})),
        )


# A phone number (Dutch 0…, or international +…) or an e-mail address written in a text.
_CONTACT_TEXT = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}|00\d{1,3}|0)[\s\-]?\(?\d\)?(?:[\s\-]?\d){7,11}(?!\d)"
    r"|[\w.+-]+@[\w-]+\.[\w.]+"
)


def shows_contact_details(reply: Reply) -> bool:
    """True when a reply holds someone's phone number, e-mail address or call moments.

    Those are for registered professionals only, so in a shared space (a channel, a group)
    such a reply is answered privately: the other members may not be registered.
    """
    if any(c.phone or c.phone_display or c.email or c.reachability for c in reply.cards):
        return True
    return bool(_CONTACT_TEXT.search(f"{reply.title}\n{reply.text}"))


def for_a_shared_space(inv: Invocation, reply: Reply) -> Reply:
    """The reply as it may be shown where the invocation came from: contact details in a
    channel or group make it private (an ephemeral message or a DM, never the group)."""
    if inv.is_direct or reply.private or not shows_contact_details(reply):
        return reply
    return replace(reply, private=True)


def _card(raw: dict[str, Any]) -> ContactCard:
    values = dict(raw)
    values["themes"] = tuple(values.get("themes", ()))
    values["wijken"] = tuple(values.get("wijken", ()))
    return ContactCard(**values)


def _form(raw: dict[str, Any]) -> Form:
    fields = tuple(
        Field(**{**f, "choices": tuple(Choice(**c) for c in f.get("choices", ()))})
        for f in raw["fields"]
    )
    return Form(
        form_id=raw["form_id"],
        title=raw["title"],
        fields=fields,
        submit_label=raw.get("submit_label", ""),
        intro=raw.get("intro", ""),
        context=dict(raw.get("context", {})),
    )


@dataclass(frozen=True)
class Recipient:
    """Where an outgoing message goes: a person (their linked account) or a channel."""

    person_id: int | None = None
    platform: Platform | None = None
    chat: str | None = None

    def __post_init__(self) -> None:
        if self.person_id is None and (self.platform is None or self.chat is None):
            raise ValueError("a recipient needs a person_id, or a platform and a chat")
