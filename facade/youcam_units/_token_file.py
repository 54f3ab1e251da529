"""Reading the access token from a file, as applications and the CLI do.

Errors name the file, never the token; a file other users can read is reported (as ssh does for
keys) so the caller can warn.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

from youcam_units._access_token import normalize_token

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = ["read_token_file", "readable_by_others"]


def read_token_file(
    path: Path,
    *,
    source: str | None = None,
    on_readable_by_others: Callable[[int], None] | None = None,
) -> str:
    """The bare access token in ``path``; ``ValueError`` naming ``source`` when it has none.

    ``source`` names the file in messages (default: its path). A BOM, surrounding quotes,
    ``Bearer`` and the other forgiven mistakes are removed as for a token passed directly.
    ``on_readable_by_others`` gets the file's mode when other users can read a non-empty file.
    """
    source = source or str(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")  # -sig: drop a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {source}: {exc.__class__.__name__}") from None
    if not raw.strip():
        raise ValueError(f"{source} is empty: put the access token in it")
    mode = readable_by_others(path)
    if mode is not None and on_readable_by_others is not None:
        on_readable_by_others(mode)
    return normalize_token(raw, source=source)


def readable_by_others(path: Path) -> int | None:
    """The file's permission bits when group or others may read it (POSIX), else None."""
    if os.name != "posix":
        return None
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    return mode if mode & 0o077 else None
