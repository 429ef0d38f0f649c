"""plone.app.caching's RAM cache, answered in front of Zope's publisher.

plone.app.caching keeps anonymous pages in the process's RAM cache, but it
finds them only after Zope has traversed to the page, authenticated the
request, begun a transaction and computed the page's ETag: on a 2-core
machine a hit costs nearly as much worker time as a small page. This WSGI
filter, in the ``zope.ini`` pipeline in front of Zope, answers the same pages
before any of that. No maintained package does this for Zope: the caches
that do (Varnish, nginx) run in another process and know nothing of the
catalog, which is what keeps this one fresh.

What is kept is decided by plone.app.caching alone. A response is stored here
only when its caching rule asked for the RAM cache and plone.app.caching found
it public (an anonymous visitor, a page Anonymous may view, no cache-stop
variable): :class:`pro.caching.ramcache.LabelForFrontCache` then labels it
with the catalog counter it was rendered under, and the filter takes the
label off. Entries live in the process's RAM cache utility (``IRAMCache``,
the one plone.app.caching and plone.memoize use) under their own global key,
so its size limits apply and its control panel shows and empties them.

A request is answered here only if it is a GET or HEAD without an
``Authorization`` header and without cookies once the analytics cookies that
scripts set are left out (the same rule as ``docker/varnish/default.vcl``).
Pages are kept apart by scheme, host, forwarded host, protocol and port,
path with query string, and whether JSON was asked for.

A stored page is served while it is younger than its ``s-maxage`` and the
platform's catalog counter is still the one it was rendered under.
plone.app.caching's own RAM cache has the counter in its key (the
``catalogCounter`` ETag part), so a change anywhere in the platform makes
every page stale in both. A commit in this process moves the counter here at
once (:func:`pro.caching.ramcache.note_catalog_counter`); commits of other
instances on the same database are read by a thread every
:data:`POLL_INTERVAL` seconds, so this instance may serve a page up to that
long after another instance changed it. A cache in front of the instances
that is purged on changes must therefore not fill itself from here: the
Varnish configuration sends :data:`PASS_HEADER` with every backend request.
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

    generation: int
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


class CatalogGeneration:
    """The platform's catalog counter as this process last saw it.

    The counter only grows, so a reading older than one already taken (a
    poll that began before a local commit) never moves it back.
    """

    def __init__(self) -> None:
        self._value: int | None = None
        self._lock = threading.Lock()

    def current(self) -> int | None:
        return self._value

    def advance(self, value: int) -> None:
        with self._lock:
            if self._value is None or value > self._value:
                self._value = value


process_generation = CatalogGeneration()


class FrontCache:
    """Answers anonymous page requests from the RAM cache, else asks ``app``."""

    def __init__(
        self,
        app: Callable,
        cache: Callable[[], RAMCacheAdapter | None],
        generation: CatalogGeneration,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.cache = cache
        self.generation = generation
        self.clock = clock

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        environ[FRONT_ENVIRON] = True
        key = request_key(environ)
        cache = self.cache() if key is not None else None
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
        # The label is a committed counter: Zope answers only after commit.
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


def read_catalog_counter(db, site_id: str) -> int | None:
    """The counter of the platform's catalog as committed now, or ``None``."""
    manager = transaction.TransactionManager(explicit=True)
    connection = db.open(transaction_manager=manager)
    try:
        manager.begin()
        try:
            site = connection.root()["Application"]._getOb(site_id, None)
            catalog = getattr(site, "portal_catalog", None) if site else None
            return None if catalog is None else int(catalog.getCounter())
        finally:
            manager.abort()
    finally:
        connection.close()


def poll_catalog_counter(
    open_db: Callable,
    site_id: str,
    generation: CatalogGeneration,
    stop: threading.Event,
    interval: float = POLL_INTERVAL,
) -> None:
    """Move ``generation`` to each new counter until ``stop`` is set."""
    failing = False
    while True:
        try:
            counter = read_catalog_counter(open_db(), site_id)
        except Exception:
            # The database may be restarting; pages wait in Zope meanwhile,
            # since the counter cannot move past what they were labelled.
            if not failing:
                logger.warning("The catalog counter could not be read", exc_info=True)
            failing = True
        else:
            if failing:
                logger.info("The catalog counter is read again")
            failing = False
            if counter is not None:
                generation.advance(counter)
        if stop.wait(interval):
            return


def global_ram_cache() -> RAMCacheAdapter | None:
    """The process's RAM cache, looked up without a local site.

    A worker thread may still have a Plone site set from its last request,
    whose registry cannot be read once that request's connection closed.
    """
    utility = getGlobalSiteManager().queryUtility(IRAMCache)
    return None if utility is None else RAMCacheAdapter(utility, globalkey=GLOBAL_KEY)


def filter_factory(global_config: dict, **local_config) -> Callable:
    """PasteDeploy entry: ``use = call:pro.caching.front:filter_factory``."""

    def make_filter(app: Callable) -> FrontCache:
        _start_polling()
        cache = global_ram_cache()
        return FrontCache(app, lambda: cache, process_generation)

    return make_filter


def _start_polling() -> None:
    from App.config import getConfiguration
    import Zope2

    settings = getConfiguration().product_config.get("pro", {})
    threading.Thread(
        target=poll_catalog_counter,
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


def _label(headers: list[tuple[str, str]]) -> int | None:
    for name, value in headers:
        if name.lower() == _LABEL:
            try:
                return int(value)
            except ValueError:
                return None
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
