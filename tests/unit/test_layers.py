"""Imports point inward (docs/architecture.md, "what may import what") and go round no circle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = {"directory", "handovers", "scheduler", "knelpunten"}
PACKAGES = ("core", *sorted(DOMAIN), "reports", "handlers", "bot")
MAY_IMPORT = {
    "core": set(),
    "directory": {"core"},
    "handovers": {"core", "directory"},
    "scheduler": {"core", "directory"},
    "knelpunten": {"core", "directory"},
    "reports": {"core"} | DOMAIN,
    "handlers": {"core", "reports"} | DOMAIN,
    "bot": {"core", "reports", "handlers"} | DOMAIN,
}
PLATFORMS = ("slack", "telegram", "teams")


def modules() -> dict[str, Path]:
    """Every module of ours by dotted name (a package by its own name)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The modules of ours a module imports, also inside functions; not under TYPE_CHECKING."""
    for node in _walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                # `from package import module` needs the module, not what the package holds.
                submodule = f"{node.module}.{alias.name}"
                if submodule in known:
                    yield submodule
                elif node.module in known:
                    yield node.module


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and ast.unparse(child.test) == "TYPE_CHECKING":
            continue
        yield child
        yield from _walk(child)


def graph() -> dict[str, set[str]]:
    """Module → the modules of ours it imports."""
    known = modules()
    return {
        name: {other for other in imported(path, known) if other != name}
        for name, path in known.items()
    }


def test_every_package_imports_only_what_lies_below_it() -> None:
    wrong = [
        f"{name} imports {other}"
        for name, others in graph().items()
        for other in others
        if (top := name.split(".")[0]) != (below := other.split(".")[0])
        and below not in MAY_IMPORT[top]
    ]
    assert not wrong, "\n".join(sorted(wrong))


def test_a_platform_adapter_never_imports_another_platform() -> None:
    wrong = [
        f"{name} imports {other}"
        for name, others in graph().items()
        for other in others
        for mine in PLATFORMS
        for theirs in PLATFORMS
        if mine != theirs
        and name.startswith(f"bot.adapters.{mine}")
        and other.startswith(f"bot.adapters.{theirs}")
    ]
    assert not wrong, "\n".join(wrong)


def test_no_import_circle() -> None:
    edges = graph()
    circles: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for other in sorted(edges[name]):
            if state.get(other) == "open":
                circles.append([*path[path.index(other) :], other])
            elif other not in state:
                visit(other, [*path, other])
        state[name] = "done"

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert not circles, "\n".join(" → ".join(circle) for circle in circles)


def test_adapters_and_help_know_capabilities_only_through_the_registry() -> None:
    # A rule like "handovers are kept off Telegram" is declared by the capability on its
    # CommandSpec (kept_off) and read from the registry; no adapter, and not /help, names
    # a capability package (handlers.handover, handlers.meetings, …).
    readers = ("bot.adapters", "handlers.help")
    wrong = [
        f"{name} imports {other}"
        for name, others in graph().items()
        if name.startswith(readers)
        for other in others
        if other.startswith("handlers") and other != "handlers.base"
    ]
    assert not wrong, "\n".join(sorted(wrong))
