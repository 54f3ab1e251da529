"""The cli extra's packages: a missing one is named in one line, never a traceback.

Its own module, importing nothing, so the entry point (before click is known to be there) and
the group's failure handling tell a missing package of the extra the same way.
"""

from typing import Final

CLI_DEPENDENCIES: Final = frozenset({"click", "rich", "platformdirs"})


def missing_dependency(exc: BaseException) -> str | None:
    """The package of the cli extra that ``exc`` says is missing, if it is one."""
    if not isinstance(exc, ModuleNotFoundError):
        return None
    missing = (exc.name or "").partition(".")[0]
    return missing if missing in CLI_DEPENDENCIES else None
