"""Values worth keeping between processes, on disk beside the package's bytecode.

A value is kept under a name its caller makes from everything that shapes it (so a
changed input is a new name, never a stale value), as `marshal` data behind its SHA-256:
a file that does not read back exactly as written is made again. Where the folder cannot
be written (a read-only image), the value is made each time. It is data, not bytecode:
PYTHONDONTWRITEBYTECODE does not stop it (`make` writes the bytecode regardless, too).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

FOLDER = Path(__file__).resolve().parent / "__pycache__"
# Of one kind of value, the newest few are kept; older ones go when a new one is written.
KEEP = 4
_SUFFIX = ".kept"
_DIGEST = hashlib.sha256().digest_size


def load_or_make(
    kind: str,
    name: str,
    make: Callable[[], T],
    *,
    to_state: Callable[[T], Any],
    from_state: Callable[[Any], T],
    folder: Path = FOLDER,
) -> T:
    """The kept value `kind`-`name`, else `make()`, kept for the next process."""
    path = folder / f"{kind}-{name}{_SUFFIX}"
    state = _read(path)
    if state is not None:
        try:
            return from_state(state)
        except (KeyError, TypeError, ValueError):
            pass  # written by other code under the same name: made again below
    value = make()
    _write(path, marshal.dumps(to_state(value)), kind)
    return value


def _read(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, payload = data[:_DIGEST], data[_DIGEST:]
    if hashlib.sha256(payload).digest() != digest:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, TypeError, ValueError):
        return None


def _write(path: Path, payload: bytes, kind: str) -> None:
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and moved in: a reader finds the whole file or none.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=_SUFFIX)
        with os.fdopen(handle, "wb") as out:
            out.write(hashlib.sha256(payload).digest() + payload)
        os.chmod(temporary, 0o644)  # like the bytecode beside it (mkstemp makes it 0600)
        os.replace(temporary, path)
        temporary = None
        _remove_old(path.parent, kind)
    except OSError:
        return
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _remove_old(folder: Path, kind: str) -> None:
    ages = []
    for path in folder.glob(f"{kind}-*{_SUFFIX}"):
        with contextlib.suppress(OSError):  # another process may have removed it already
            ages.append((path.stat().st_mtime_ns, path))
    for _age, old in sorted(ages, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)
