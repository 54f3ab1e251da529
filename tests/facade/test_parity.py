"""Client and AsyncClient offer the same methods, parameters and defaults.

Most of it holds by construction (both are ``BaseClient``), but a method either client defines
itself could drift; this compares the two public surfaces, awaiting aside.
"""

from __future__ import annotations

import inspect
from typing import Any

import youcam_units as yu

#: The async spelling of a sync method (the rest are spelled alike).
_ASYNC_NAME = {"close": "aclose", "__enter__": "__aenter__", "__exit__": "__aexit__"}
_DUNDERS = frozenset({"__init__", *_ASYNC_NAME, *_ASYNC_NAME.values()})


def _surface(cls: type[Any], *, rename: dict[str, str]) -> dict[str, list[tuple[str, str, Any]]]:
    """Public name -> its parameters as (name, kind, default); properties have none."""
    surface: dict[str, list[tuple[str, str, Any]]] = {}
    for name in dir(cls):
        if name.startswith("_") and name not in _DUNDERS:
            continue
        member = inspect.getattr_static(cls, name)
        key = rename.get(name, name)
        if isinstance(member, property):
            surface[key] = []
            continue
        function = inspect.unwrap(getattr(cls, name))
        surface[key] = [
            (p.name, p.kind.name, p.default)
            for p in inspect.signature(function).parameters.values()
        ]
    return surface


def parity_gaps(sync_cls: type[Any], async_cls: type[Any]) -> list[str]:
    """Every way the two clients' public surfaces differ, in words."""
    sync = _surface(sync_cls, rename=_ASYNC_NAME)
    async_ = _surface(async_cls, rename={})
    gaps = [f"{sync_cls.__name__} lacks {name}" for name in sorted(async_.keys() - sync.keys())]
    gaps += [f"{async_cls.__name__} lacks {name}" for name in sorted(sync.keys() - async_.keys())]
    gaps += [
        f"{name}: {sync[name]} != {async_[name]}"
        for name in sorted(sync.keys() & async_.keys())
        if sync[name] != async_[name]
    ]
    return gaps


def test_client_and_async_client_match() -> None:
    """Same public methods and properties, same parameters, kinds and defaults."""
    assert parity_gaps(yu.Client, yu.AsyncClient) == []


def test_the_surfaces_compared_are_the_real_ones() -> None:
    """The comparison sees the methods that matter, so an empty difference means something."""
    surface = _surface(yu.AsyncClient, rename={})
    assert {
        "history",
        "history_page",
        "balance",
        "feature_costs",
        "aclose",
        "base_url",
        "__init__",
        "__aexit__",
    } <= set(surface)
    parameters = [name for name, _, _ in surface["__init__"]]
    assert parameters[:4] == ["self", "access_token", "api_key", "base_url"]
    assert ("page_size", "KEYWORD_ONLY", 20) in surface["feature_costs"]
    assert ("page_size", "KEYWORD_ONLY", 30) in surface["history"]
    assert ("page_size", "KEYWORD_ONLY", 30) in surface["history_page"]


def test_a_method_on_one_client_only_is_found() -> None:
    """An AsyncClient method the Client lacks (and the reverse) is reported."""

    class Wider(yu.AsyncClient):
        async def usage_report(self) -> None:
            """A new operation added to one client only."""

    class Narrower(yu.Client):
        def close(self, *, force: bool = False) -> None:
            """A parameter added to one client only."""

    assert parity_gaps(yu.Client, Wider) == ["Client lacks usage_report"]
    assert parity_gaps(Wider, yu.AsyncClient) == ["AsyncClient lacks usage_report"]
    gaps = parity_gaps(Narrower, yu.AsyncClient)
    assert len(gaps) == 1
    assert gaps[0].startswith("aclose:")


def test_a_changed_default_is_found() -> None:
    """A default that differs between the clients is reported."""

    class Drifted(yu.AsyncClient):
        async def history_page(
            self, *, page_size: int = 20, starting_token: str | None = None
        ) -> yu.Page:
            """history_page with another default page size."""
            return await super().history_page(page_size=page_size, starting_token=starting_token)

    gaps = parity_gaps(yu.Client, Drifted)
    assert len(gaps) == 1
    assert gaps[0].startswith("history_page:")


def test_help_shows_real_types() -> None:
    """help(Client) names the real pager and credential types, no type variables (issue 20.17)."""
    import pydoc  # noqa: PLC0415 - only this test renders help

    for cls in (yu.Client, yu.AsyncClient):
        text = pydoc.render_doc(cls, renderer=pydoc.plaintext)  # type: ignore[attr-defined] # documented, untyped
        for leftover in ("PagerT", "AccessTokenT", "HttpT", "__orig_bases__"):
            assert leftover not in text, (cls.__name__, leftover)
        assert "Pager[HistoryEntry, Page]" in text
        assert "Pager[FeatureCost, FeatureCostPage]" in text
