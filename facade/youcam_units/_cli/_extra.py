"""The cli extra's packages: a missing one is named in one line, never a traceback.

Its own module, importing nothing, so the entry point (before click is known to be there) and
the group's failure handling read the same set.
"""

from typing import Final

CLI_DEPENDENCIES: Final = frozenset({"click", "rich", "platformdirs"})
