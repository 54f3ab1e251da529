"""A package's public names, imported on first use (PEP 562).

``youcam-units --help`` and ``summary`` must not pay for modules they never touch (the sync, the
mock's service, httpx): a package lists where each public name lives, and this builds the
module-level ``__getattr__`` and ``__dir__`` that import it when it is first asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, where: Mapping[str, str], namespace: dict[str, Any], public: Iterable[str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``where`` maps a name to its submodule.

    A name, once imported, is kept in ``namespace`` (the package's ``globals()``), so later
    lookups are ordinary attribute reads.
    """
    names = frozenset(public)

    def __getattr__(name: str) -> object:  # noqa: N807 - the PEP 562 hook's own name
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(where[name], package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the PEP 562 hook's own name
        return sorted({*namespace, *names})

    return __getattr__, __dir__
