"""Answer beacons in front of Zope, so a hit never costs a publish.

A page view through Zope's publisher (traversal, security, a transaction)
takes milliseconds of a worker thread; a beacon has nothing to look up but
the list of sites. This WSGI filter, first in the ``zope.ini`` pipeline,
answers every request whose path ends in ``/@@hit`` itself: it parses the
payload, counts it in the process's :class:`~pro.stats.counter.HitCounter`
and answers ``204`` (POST) or a one-pixel GIF (GET, the ``<noscript>``
image), never cached. Every other request goes on to Zope unchanged.

Logged-in users are recognised without asking Zope: a request with Plone's
``__ac`` login cookie, plone.restapi's ``auth_token`` cookie or an
``Authorization`` header is not counted. That means a visitor with a stale
login cookie is not counted either, which errs on the side of counting less.

The counter writes into a shard keyed by an instance id stored in
``<var_dir>/stats-instance-id``, made on the first start, so a restarted
instance goes on writing where it wrote before. On SIGTERM (how ``make run``
and container runtimes stop the server) and at exit the last batch is
written before the process ends.
"""

from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path
from pro.stats.beacon import parse_hit
from pro.stats.counter import FLUSH_INTERVAL
from pro.stats.counter import HitCounter
from pro.stats.counter import process_counter
from pro.stats.counter import reset_process_counter
from pro.stats.exceptions import InvalidHit
import atexit
import base64
import logging
import os
import signal
import threading
import uuid


logger = logging.getLogger("pro.stats")

BEACON_SUFFIX = "/@@hit"
AUTH_COOKIES = ("__ac", "auth_token")
MAX_BODY = 4096
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = [
    ("Cache-Control", "no-store, max-age=0"),
    ("X-Content-Type-Options", "nosniff"),
]
INSTANCE_ID_FILE = "stats-instance-id"


class BeaconMiddleware:
    """Counts beacons for ``/@@hit`` and passes everything else to ``app``."""

    def __init__(self, app: Callable, counter: Callable[[], HitCounter]) -> None:
        self.app = app
        self.counter = counter

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").endswith(BEACON_SUFFIX):
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "POST"):
            return _answer(start_response, "405 Method Not Allowed", b"", "GET, POST")

        try:
            payload = _payload(environ, method)
            hit = parse_hit(payload)
        except InvalidHit as error:
            body = f"{error.field}: {error.message}\n".encode()
            return _answer(start_response, "400 Bad Request", body)

        self.counter().count(
            hit,
            headers=_headers(environ),
            address=client_address(environ),
            authenticated=carries_login(environ),
        )
        if method == "GET":
            return _answer(start_response, "200 OK", PIXEL, content_type="image/gif")
        return _answer(start_response, "204 No Content", b"")


def client_address(environ: dict) -> str:
    """The visitor's address as the front proxies report it.

    The first address of ``X-Forwarded-For`` is what the load balancer was
    told; a visitor can forge it, which only makes them count as more than
    one visitor.
    """
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",", 1)[0].strip()
    return environ.get("REMOTE_ADDR", "")


def carries_login(environ: dict) -> bool:
    if environ.get("HTTP_AUTHORIZATION"):
        return True
    cookies = environ.get("HTTP_COOKIE", "")
    names = {part.split("=", 1)[0].strip() for part in cookies.split(";")}
    return any(name in names for name in AUTH_COOKIES)


def filter_factory(global_config: dict, **local_config) -> Callable:
    """PasteDeploy entry: ``use = call:pro.stats.middleware:filter_factory``."""

    def make_filter(app: Callable) -> BeaconMiddleware:
        counter = _counter_from_zope_config
        _stop_on_shutdown()
        # Start counting now, so the first beacon does not wait for the salts.
        threading.Thread(target=_start_quietly, daemon=True).start()
        return BeaconMiddleware(app, counter)

    return make_filter


def instance_id(var_dir: Path) -> str:
    """The id of this instance's shard, the same across restarts."""
    path = Path(var_dir) / INSTANCE_ID_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        identifier = uuid.uuid4().hex
        path.write_text(identifier + "\n", encoding="utf-8")
        return identifier


def flush_interval() -> float:
    """Seconds between flushes: ``PRO_STATS_FLUSH_INTERVAL``, else 10."""
    value = os.environ.get("PRO_STATS_FLUSH_INTERVAL", "")
    try:
        seconds = float(value) if value else FLUSH_INTERVAL
    except ValueError:
        seconds = FLUSH_INTERVAL
    return seconds if seconds > 0 else FLUSH_INTERVAL


def portal_opener(db, portal_path: tuple[str, ...]) -> Callable:
    """Open ``db`` and find the platform at ``portal_path`` in it."""

    def open_portal(manager):
        connection = db.open(transaction_manager=manager)
        app = connection.root()["Application"]
        return connection, app.unrestrictedTraverse("/".join(portal_path))

    return open_portal


def _counter_from_zope_config() -> HitCounter:
    def make() -> HitCounter:
        from App.config import getConfiguration
        import Zope2

        settings = getConfiguration().product_config.get("pro", {})
        site_id = settings.get("site_id", "pro")
        var_dir = Path(settings.get("var_dir", "."))
        return HitCounter(portal_opener(Zope2.DB, ("", site_id)), instance_id(var_dir))

    return process_counter(make)


def _start_quietly() -> None:
    try:
        _counter_from_zope_config()
    except Exception:
        logger.exception("The statistics counter could not start")


def _stop_on_shutdown() -> None:
    atexit.register(reset_process_counter)
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.getsignal(signal.SIGTERM)

    def on_terminate(signum, frame):
        reset_process_counter()
        if callable(previous):
            previous(signum, frame)
            return
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_terminate)


def _payload(environ: dict, method: str) -> str:
    if method == "GET":
        return environ.get("QUERY_STRING", "")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise InvalidHit("payload", "send a Content-Length header") from None
    if length > MAX_BODY:
        raise InvalidHit("payload", f"send at most {MAX_BODY} bytes")
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidHit("payload", "send URL-encoded UTF-8 parameters") from None


def _headers(environ: dict) -> dict[str, str]:
    return {
        "dnt": environ.get("HTTP_DNT", ""),
        "sec-gpc": environ.get("HTTP_SEC_GPC", ""),
        "user-agent": environ.get("HTTP_USER_AGENT", ""),
    }


def _answer(
    start_response: Callable,
    status: str,
    body: bytes,
    allow: str | None = None,
    content_type: str = "text/plain; charset=utf-8",
) -> list[bytes]:
    headers = [
        *NO_STORE,
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
    ]
    if allow is not None:
        headers.append(("Allow", allow))
    start_response(status, headers)
    return [body]
