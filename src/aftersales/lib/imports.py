"""Import a module while some optional libraries look absent to it (no Django here)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def hidden_modules(*names: str) -> Iterator[None]:
    """Make `import name` fail inside the block for each name not already imported.

    For libraries that import every optional backend they support when it is installed
    (huey imports redis and psycopg): a process that uses neither should not hold them.
    After the block the names import normally again.
    """
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # None: "import fails"
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
