"""A WSGI filter in front of Zope that refuses malformed and oversized bodies.

plone.restapi reads a JSON body whole and parses it with Python's ``json``
module: a body of hundreds of megabytes is held in memory several times over,
and nesting a few thousand levels deep ends in a ``RecursionError`` that Zope
answers with a 500. Both are refused here before Zope sees the request, with
413 (too large) or 400 (too deep) and a JSON error naming the limit. A
multipart body without a boundary makes Zope's form parser fail with a
``KeyError`` (answered 503); it is refused with 400. Other
bodies (file uploads, forms) keep the WSGI server's limit and Zope's
``dos_protection`` settings, which already bound them.

The depth is measured without parsing, in one pass over the brackets outside
strings, so the check stays linear and never recurses.

The filter is wired into ``zope.ini`` by :mod:`pro.instance.render` as::

    [filter:request_limits]
    paste.filter_factory = pro.security.request_limits:filter_factory

No maintained WSGI middleware checks JSON nesting, which is why this one
exists.
"""

from collections.abc import Callable
from collections.abc import Iterable
from io import BytesIO
import json
import re


MAX_JSON_BYTES = 32 * 1024**2
MAX_JSON_DEPTH = 64

# A JSON string, with its escapes; brackets inside it do not nest.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_A_BRACKET = bytes(set(range(256)) - set(b"[]{}"))
_OPENING = frozenset(b"[{")


def json_depth(body: bytes) -> int:
    """How deeply the arrays and objects of ``body`` nest; 0 for a scalar.

    Strings are cut out and everything but brackets dropped by the regular
    expression and bytes machinery, so only the brackets are walked one by
    one. Malformed JSON is measured as far as it goes; parsing it is left to
    the application, which answers its own 400.
    """
    brackets = _STRING.sub(b"", body).translate(None, _NOT_A_BRACKET)
    depth = deepest = 0
    for bracket in brackets:
        if bracket in _OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


class RequestLimits:
    """The filter: ``app`` wrapped with the JSON size and depth limits."""

    def __init__(
        self,
        app: Callable,
        max_json_bytes: int = MAX_JSON_BYTES,
        max_json_depth: int = MAX_JSON_DEPTH,
    ):
        self.app = app
        self.max_json_bytes = max_json_bytes
        self.max_json_depth = max_json_depth

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        content_type = environ.get("CONTENT_TYPE", "")
        if _is_multipart_without_boundary(content_type):
            return _refuse(
                start_response,
                400,
                "Content-Type",
                "A multipart body needs a boundary parameter in its Content-Type.",
            )
        if not _is_json(content_type):
            return self.app(environ, start_response)

        length = _content_length(environ)
        if length is None:
            return _refuse(
                start_response, 400, "Content-Length", "Send a valid length."
            )
        if length > self.max_json_bytes:
            return _refuse(
                start_response,
                413,
                "body",
                f"A JSON body may be at most {self.max_json_bytes} bytes; "
                f"this one is {length}.",
            )

        body = environ["wsgi.input"].read(length)
        if json_depth(body) > self.max_json_depth:
            return _refuse(
                start_response,
                400,
                "body",
                f"JSON may nest at most {self.max_json_depth} levels deep.",
            )
        environ["wsgi.input"] = BytesIO(body)
        return self.app(environ, start_response)


def filter_factory(global_conf: dict, **settings: str) -> Callable:
    """PasteDeploy entry point; settings ``max_json_bytes``, ``max_json_depth``."""
    max_json_bytes = int(settings.get("max_json_bytes", MAX_JSON_BYTES))
    max_json_depth = int(settings.get("max_json_depth", MAX_JSON_DEPTH))

    def make_filter(app: Callable) -> RequestLimits:
        return RequestLimits(app, max_json_bytes, max_json_depth)

    return make_filter


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _is_multipart_without_boundary(content_type: str) -> bool:
    media_type, _, parameters = content_type.partition(";")
    if not media_type.strip().lower().startswith("multipart/"):
        return False
    names = {part.split("=", 1)[0].strip().lower() for part in parameters.split(";")}
    return "boundary" not in names


def _content_length(environ: dict) -> int | None:
    value = environ.get("CONTENT_LENGTH") or "0"
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None


def _refuse(
    start_response: Callable, status: int, field: str, message: str
) -> list[bytes]:
    reason = {400: "Bad Request", 413: "Content Too Large"}[status]
    body = json.dumps(
        {"error": {"type": reason, "field": field, "message": message}}
    ).encode()
    start_response(
        f"{status} {reason}",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [body]
