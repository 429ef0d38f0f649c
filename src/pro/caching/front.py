"""plone.app.caching's RAM cache, answered in front of Zope's publisher.

plone.app.caching keeps anonymous pages in the process's RAM cache, but it
finds them only after Zope has traversed to the page, authenticated the
request, begun a transaction and computed the page's ETag: on a 2-core
machine that is about a hundred hits a second, a seventh of what rendering
the page costs. This WSGI filter, in the ``zope.ini`` pipeline in front of
Zope, answers the same pages before any of that. No maintained package does
this for Zope: the caches that do (Varnish, nginx) run in another process
and know nothing of the catalog, which is what keeps this one fresh.

What is kept is decided by plone.app.caching alone. A response is stored here
only when its caching rule asked for the RAM cache and plone.app.caching found
it public (an anonymous visitor, a page Anonymous may view, no cache-stop
variable): :class:`pro.caching.ramcache.LabelForFrontCache` then labels it
with the generation of the platform it was rendered in, and the filter takes
the label off. Entries live in the process's RAM cache utility (``IRAMCache``,
the one plone.app.caching and plone.memoize use) under their own global key,
so its size limit (``ram_cache_entries`` in ``instance.yaml``) applies and
its control panel shows and empties them.

A request is answered here only if it is a GET or HEAD without an
``Authorization`` header and without cookies once the analytics cookies that
scripts set are left out (the same rule as ``docker/varnish/default.vcl``).
Pages are kept apart by scheme, host, forwarded host, protocol and port,
path with query string, and whether JSON was asked for.

A stored page is served while it is younger than its ``s-maxage`` and the
platform is still in the generation the page was rendered in: the same
catalog counter and the same settings serial (:func:`platform_generation`).
plone.app.caching's own RAM cache has the counter in its key (the
``catalogCounter`` ETag part), so a change of content anywhere in the
platform makes every page stale in both. The settings serial grows with each
change of a registry record (:func:`pro.caching.ramcache.note_settings_change`):
the caching rules themselves, the theme's resources, any control panel.

A commit in this process moves the generation here at once
(:func:`pro.caching.ramcache.note_generation`); commits of other instances on
the same database are read by a thread every :data:`POLL_INTERVAL` seconds,
so this instance may serve a page up to that long after another instance
changed it. A cache in front of the instances that is purged on changes must
therefore not fill itself from here: the Varnish configuration sends
:data:`PASS_HEADER` with every backend request.
"""

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from plone.memoize.ram import RAMCacheAdapter
from zope.component import getGlobalSiteManager
from zope.ramcache.interfaces.ram import IRAMCache
import logging
import re
import threading
import time
import transaction


logger = logging.getLogger("pro.caching")

GLOBAL_KEY = "pro.caching.front"

# Set by pro.caching.ramcache on responses to keep; never sent to a client.
LABEL_HEADER = "X-Pro-Ram-Cache-Generation"
_LABEL = LABEL_HEADER.lower()
# A request carrying it is neither answered from nor kept in this cache.
PASS_HEADER = "X-Pro-Ram-Cache-Pass"  # noqa: S105 (a header name)
PASS_ENVIRON = "HTTP_" + PASS_HEADER.upper().replace("-", "_")
# Tells Zope the filter is in front, so its pages are to be labelled.
FRONT_ENVIRON = "pro.caching.front"

POLL_INTERVAL = 1.0

# Where the platform's site keeps its settings serial (a BTrees Length).
SETTINGS_SERIAL = "_pro_settings_serial"

# Larger bodies stream through untouched; pages are far smaller.
MAX_BODY = 2 * 1024 * 1024

# Cookies analytics scripts set in the browser; the server never reads them.
SCRIPT_COOKIE = re.compile(
    r"(_ga.*|_gid|_gat.*|_pk_.*|_hj.*|__utm.*|_fbp|_gcl_.*|utm_.*)"
)

# Request headers Zope builds the page's URLs from, besides the path.
KEY_HEADERS = (
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_PORT",
)
# Vary names the key above already tells apart.
KEYED_VARY = frozenset(
    {"accept-encoding", "host", "x-forwarded-host", "x-forwarded-proto"}
)

# Not kept: the server writes these for each response itself, and a page
# kept from a hit in plone.app.caching's RAM cache would say it came from there.
NOT_KEPT = frozenset(
    {
        _LABEL,
        "x-ramcache",
        "date",
        "server",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "age",
    }
)
# What a 304 repeats of the full response (RFC 9110, section 15.4.5).
NOT_MODIFIED_HEADERS = frozenset(
    {"cache-control", "content-location", "etag", "expires", "vary", "last-modified"}
)
NO_CACHE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})


@dataclass(frozen=True)
class Entry:
    """One kept response, as the RAM cache holds it."""

    generation: tuple[int, int]
    stored: float
    expires: float
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def etag(self) -> str | None:
        for name, value in self.headers:
            if name.lower() == "etag":
                return value
        return None


class PlatformGeneration:
    """The platform's generation as this process last saw it.

    Both of its numbers only grow, so a reading older than one already taken
    (a poll that began before a local commit) never moves it back.
    """

    def __init__(self) -> None:
        self._value: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def current(self) -> tuple[int, int] | None:
        return self._value

    def advance(self, value: tuple[int, int]) -> None:
        with self._lock:
            old = self._value
            if old is None or (
                value != old
                and all(new >= was for new, was in zip(value, old, strict=True))
            ):
                self._value = value


process_generation = PlatformGeneration()


class FrontCache:
    """Answers anonymous page requests from the RAM cache, else asks ``app``."""

    def __init__(
        self,
        app: Callable,
        cache: RAMCacheAdapter | None,
        generation: PlatformGeneration,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.cache = cache
        self.generation = generation
        self.clock = clock

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        environ[FRONT_ENVIRON] = True
        key = request_key(environ)
        cache = self.cache if key is not None else None
        if cache is None:
            return self.app(environ, _unlabelled(start_response))

        entry = cache.get(key)
        now = self.clock()
        if (
            isinstance(entry, Entry)
            and entry.generation == self.generation.current()
            and now < entry.expires
        ):
            return _serve(entry, environ, start_response, now)
        return self._fetch(environ, start_response, cache, key)

    def _fetch(
        self, environ: dict, start_response: Callable, cache, key: str
    ) -> Iterable[bytes]:
        """Ask Zope, and keep the answer when it is labelled and may be kept."""
        answer = {}

        def capture(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return start_response(status, _without_label(headers), exc_info)

        body = self.app(environ, capture)
        if environ.get("REQUEST_METHOD") != "GET" or "status" not in answer:
            return body
        generation = _label(answer["headers"])
        ttl = keepable_for(answer["status"], answer["headers"])
        if generation is None or ttl <= 0:
            return body

        content = _read_whole(body)
        if content is None:
            return body
        # A label tells a committed state: Zope answers only after commit.
        self.generation.advance(generation)
        if generation == self.generation.current() and len(content) <= MAX_BODY:
            now = self.clock()
            cache[key] = Entry(
                generation=generation,
                stored=now,
                expires=now + ttl,
                status=answer["status"],
                headers=tuple(
                    (name, value)
                    for name, value in answer["headers"]
                    if name.lower() not in NOT_KEPT
                ),
                body=content,
            )
        return [content]


def request_key(environ: dict) -> str | None:
    """The page's key in the cache, or ``None`` when it must go to Zope."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    if (
        environ.get("HTTP_AUTHORIZATION")
        or environ.get(PASS_ENVIRON)
        or environ.get("HTTP_RANGE")
        or _carries_cookies(environ.get("HTTP_COOKIE", ""))
    ):
        return None
    wants_json = "application/json" in environ.get("HTTP_ACCEPT", "")
    parts = [
        environ.get("wsgi.url_scheme", "http"),
        *(environ.get(name, "") for name in KEY_HEADERS),
        environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        "json" if wants_json else "page",
    ]
    return "\n".join(parts)


def keepable_for(status: str, headers: list[tuple[str, str]]) -> float:
    """Seconds a response may be kept by a shared cache; 0 when not at all."""
    if not status.startswith("200"):
        return 0
    cache_control = ""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie" or lowered == "content-encoding":
            return 0
        if lowered == "vary" and not _vary_is_keyed(value):
            return 0
        if lowered == "cache-control":
            cache_control = value
    directives = _directives(cache_control)
    if NO_CACHE_DIRECTIVES & directives.keys():
        return 0
    for name in ("s-maxage", "max-age"):
        if name in directives:
            try:
                return max(0, int(directives[name]))
            except ValueError:
                return 0
    return 0


def platform_generation(platform) -> tuple[int, int] | None:
    """The catalog counter and settings serial of the platform's site."""
    catalog = getattr(platform, "portal_catalog", None)
    if catalog is None:
        return None
    return int(catalog.getCounter()), settings_serial(platform)


def settings_serial(platform) -> int:
    serial = getattr(platform, "__dict__", {}).get(SETTINGS_SERIAL)
    return 0 if serial is None else int(serial())


def read_generation(db, site_id: str) -> tuple[int, int] | None:
    """The platform's generation as committed now, or ``None`` without one."""
    manager = transaction.TransactionManager(explicit=True)
    connection = db.open(transaction_manager=manager)
    try:
        manager.begin()
        try:
            platform = connection.root()["Application"]._getOb(site_id, None)
            return None if platform is None else platform_generation(platform)
        finally:
            manager.abort()
    finally:
        connection.close()


def poll_generation(
    open_db: Callable,
    site_id: str,
    generation: PlatformGeneration,
    stop: threading.Event,
    interval: float = POLL_INTERVAL,
) -> None:
    """Move ``generation`` to each new reading until ``stop`` is set."""
    failing = False
    while True:
        try:
            reading = read_generation(open_db(), site_id)
        except Exception:
            # The database may be restarting. Pages kept so far go on being
            # served meanwhile: only a commit could have made them stale, and
            # a commit needs the database.
            if not failing:
                logger.warning(
                    "The platform's generation could not be read", exc_info=True
                )
            failing = True
        else:
            if failing:
                logger.info("The platform's generation is read again")
            failing = False
            if reading is not None:
                generation.advance(reading)
        if stop.wait(interval):
            return


def size_ram_cache(utility: IRAMCache | None, max_entries: int) -> None:
    """Let the process's RAM cache hold ``max_entries`` values.

    zope.ramcache's default of 1,000 is shared by every page and every other
    value Plone keeps there; Plone's control panel changes it only in the
    instance that saved the form, until it restarts.
    """
    if utility is not None:
        utility.update(maxEntries=max_entries)


def filter_factory(global_config: dict, max_entries: str = "") -> Callable:
    """PasteDeploy entry: ``use = call:pro.caching.front:filter_factory``."""

    def make_filter(app: Callable) -> FrontCache:
        # Looked up once, in the global registry: a worker thread may still
        # have a Plone site set from its last request, whose registry cannot
        # be read once that request's connection closed.
        utility = getGlobalSiteManager().queryUtility(IRAMCache)
        if max_entries:
            size_ram_cache(utility, int(max_entries))
        _start_polling()
        cache = None if utility is None else RAMCacheAdapter(utility, GLOBAL_KEY)
        return FrontCache(app, cache, process_generation)

    return make_filter


def _start_polling() -> None:
    from App.config import getConfiguration
    import Zope2

    settings = getConfiguration().product_config.get("pro", {})
    threading.Thread(
        target=poll_generation,
        args=(lambda: Zope2.DB, settings.get("site_id", "pro"), process_generation),
        kwargs={"stop": threading.Event()},
        name="pro.caching.front poll",
        daemon=True,
    ).start()


def _serve(
    entry: Entry, environ: dict, start_response: Callable, now: float
) -> list[bytes]:
    age = ("Age", str(int(now - entry.stored)))
    hit = ("X-RAMCache", GLOBAL_KEY)
    if _matches(environ.get("HTTP_IF_NONE_MATCH", ""), entry.etag()):
        headers = [
            (name, value)
            for name, value in entry.headers
            if name.lower() in NOT_MODIFIED_HEADERS
        ]
        start_response("304 Not Modified", [*headers, age, hit])
        return []
    start_response(entry.status, [*entry.headers, age, hit])
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [entry.body]


def _unlabelled(start_response: Callable) -> Callable:
    def without_label(status, headers, exc_info=None):
        return start_response(status, _without_label(headers), exc_info)

    return without_label


def _without_label(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers if name.lower() != _LABEL]


def label(generation: tuple[int, int]) -> str:
    """The label header's value for ``generation``."""
    return " ".join(str(number) for number in generation)


def _label(headers: list[tuple[str, str]]) -> tuple[int, int] | None:
    for name, value in headers:
        if name.lower() == _LABEL:
            try:
                counter, serial = (int(number) for number in value.split())
            except ValueError:
                return None
            return counter, serial
    return None


def _read_whole(body: Iterable[bytes]) -> bytes | None:
    """A body Zope holds in memory as bytes; ``None`` for a stream or file."""
    if not isinstance(body, list | tuple):
        return None
    return b"".join(body)


def _carries_cookies(header: str) -> bool:
    for part in header.split(";"):
        name = part.split("=", 1)[0].strip()
        if name and not SCRIPT_COOKIE.fullmatch(name):
            return True
    return False


def _vary_is_keyed(value: str) -> bool:
    names = {name.strip().lower() for name in value.split(",") if name.strip()}
    return names <= KEYED_VARY


def _directives(cache_control: str) -> dict[str, str]:
    directives = {}
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name.lower()] = value.strip('"')
    return directives


def _matches(if_none_match: str, etag: str | None) -> bool:
    if not if_none_match or etag is None:
        return False
    wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in wanted or etag.removeprefix("W/") in wanted
