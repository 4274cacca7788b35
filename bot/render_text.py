"""Plain-text rendering: the console's look and every platform's fallback text."""

from __future__ import annotations

from core.messages import Button, ContactCard, Reply


def render_card(card: ContactCard, index: int | None = None) -> str:
    """A contact as text, phone number first."""
    head = f"{index}. " if index is not None else ""
    lines = [f"{head}{card.name} — {card.organisation}" + (f", {card.role}" if card.role else "")]
    if card.phone_display or card.phone:
        lines.append(f"   ☎ {card.phone_display or card.phone}  ({card.reachability})")
    elif card.reachability:
        lines.append(f"   {card.reachability}")
    if card.note:
        lines.append(f"   {card.note}")
    if card.email:
        lines.append(f"   ✉ {card.email}")
    return "\n".join(lines)


def render_buttons(buttons: tuple[Button, ...], *, numbered: bool = True) -> str:
    """Buttons as numbered choices the user can type; unnumbered, the word to type instead
    (a form's '-' keeps the answer, 'stop' cancels in any language)."""
    if numbered:
        return "\n".join(f"  [{i}] {b.label}" for i, b in enumerate(buttons, start=1))
    return "\n".join(f"  [{b.value if b.value == '-' else 'stop'}] {b.label}" for b in buttons)


def render(reply: Reply, *, numbered: bool = True) -> str:
    """The whole reply as text."""
    parts: list[str] = []
    if reply.title:
        parts.append(f"== {reply.title} ==")
    if reply.text:
        parts.append(reply.text)
    if reply.cards:
        parts.append("\n".join(render_card(c, i) for i, c in enumerate(reply.cards, start=1)))
    if reply.attachments:
        parts.append(
            "\n".join(f"📎 {a.filename} ({len(a.content)} bytes)" for a in reply.attachments)
        )
    if reply.buttons:
        parts.append(render_buttons(reply.buttons, numbered=numbered))
    return "\n".join(parts)
