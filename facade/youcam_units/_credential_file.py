"""Reading a credential from its file: the one reader of the library and the CLI alike.

An access token or API key file is a plain file of at most 64 KiB. It is opened without blocking
and checked on the open descriptor, so a FIFO or a device never hangs the caller and a file
swapped after the check is still the one checked. Errors name the file, never the credential; a
file other users can read is reported (as ssh does for keys) so that the caller can warn.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

from ._access_token import normalize_token
from ._config import MAX_CREDENTIAL_FILE_BYTES

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = ["read_credential_file"]


def read_credential_file(
    path: Path,
    *,
    source: str | None = None,
    kind: str = "access token",
    on_readable_by_others: Callable[[int], None] | None = None,
) -> str:
    """The bare credential in ``path``; ``ValueError`` naming ``source`` when it holds none.

    ``source`` names the file in messages (default: its path); ``kind`` names the credential
    (``"access token"`` or ``"API key"``). A BOM, surrounding quotes, ``Bearer`` and the other
    forgiven mistakes are removed as for a credential passed directly.
    ``on_readable_by_others`` gets the file's mode when other users can read it (POSIX).
    """
    source = source or str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ValueError(f"{source} is not a regular file: put the {kind} in a plain file")
            data = file.read(MAX_CREDENTIAL_FILE_BYTES + 1)
    except OSError as exc:
        why = type(exc).__name__ + (f" ({exc.strerror})" if exc.strerror else "")
        raise ValueError(f"cannot read {source}: {why}") from None
    if len(data) > MAX_CREDENTIAL_FILE_BYTES:
        limit = MAX_CREDENTIAL_FILE_BYTES // 1024
        raise ValueError(
            f"{source} is over {limit} KiB (no {kind} is more than {limit} KiB): point it at "
            f"the file with just the {kind}"
        )
    try:
        raw = data.decode("utf-8-sig")  # -sig: drop a BOM
    except UnicodeDecodeError:
        raise ValueError(f"cannot read {source}: it is not UTF-8 text") from None
    if not raw.strip():
        raise ValueError(f"{source} is empty: put the {kind} in it")
    mode = stat.S_IMODE(info.st_mode)
    if os.name == "posix" and mode & 0o077 and on_readable_by_others is not None:
        on_readable_by_others(mode)
    return normalize_token(raw, source=source, kind=kind)
