"""One thread at a time turns source into a syntax tree, on Pythons that need it.

CPython 3.11.0 to 3.11.7 and 3.12.0 to 3.12.1 count the depth of the syntax tree
they are building in state shared by all threads. When a garbage collection
during that build runs Python code, another thread can start a build of its own,
and one of the two fails with ``SystemError: AST constructor recursion depth
mismatch``. CPython 3.11.8 and 3.12.2 keep the count per build.

Plone meets this whenever two requests compile templates at once, which every
freshly started instance does: Chameleon parses each template's expressions with
``compile(..., ast.PyCF_ONLY_AST)`` and RestrictedPython parses Python scripts
with ``ast.parse``. The failing request answers with an error page. No package
guards against it, so the platform wraps both entry points in one lock; on
Pythons without the fault nothing is changed.

Only the parse itself waits for the lock: the rest of a template's compilation,
and all rendering, still takes turns with other threads as before. Pages of a
warm instance parse nothing.
"""

import ast
import functools
import sys
import threading


# Reentrant: a garbage collection during a parse may run code that parses.
_lock = threading.RLock()

_FAULTY = ((3, 11, 0), (3, 11, 8)), ((3, 12, 0), (3, 12, 2))


def has_shared_depth_count(version: tuple[int, ...] = sys.version_info[:3]) -> bool:
    """Whether this Python's syntax tree builder fails when threads overlap."""
    return any(first <= version < fixed for first, fixed in _FAULTY)


def serialized(parse):
    """Wrap a parsing function so that one call runs at a time in the process."""

    @functools.wraps(parse)
    def locked_parse(*args, **kwargs):
        with _lock:
            return parse(*args, **kwargs)

    return locked_parse


def install() -> None:
    """Serialize ``ast.parse`` and Chameleon's parser if this Python needs it.

    Chameleon's modules import its ``parse`` by name, so each module's own
    reference is replaced.
    """
    if not has_shared_depth_count():
        return

    ast.parse = serialized(ast.parse)

    from chameleon import astutil
    from chameleon import codegen
    from chameleon import tales

    for module in (astutil, codegen, tales):
        module.parse = serialized(module.parse)
