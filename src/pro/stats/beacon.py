"""What one beacon says, and whether its visitor is counted at all.

A page's script (``static/beacon.js``) and its ``<noscript>`` image send the
same URL-encoded parameters, by POST body or query string:

=============  ==========================================================
``s``          site id (required)
``p``          path of the page or of the downloaded file (required)
``k``          ``page`` (default) or ``download``
``r``          host name of the referring page, when it is another site
``utm_*``      ``utm_source``, ``utm_medium``, ``utm_campaign``
``w``          viewport width in CSS pixels; gives the device class
``q``, ``n``   the site search's terms and its number of results
=============  ==========================================================

:func:`parse_hit` turns them into a :class:`Hit` or refuses them with
:class:`~pro.stats.exceptions.InvalidHit` naming the parameter. Search terms
that look like an e-mail address or a long number (a citizen service number,
a phone number) are replaced, so a visitor searching for their own data does
not end up in the figures.

:func:`refusal` says why a request is not counted: Do Not Track, Global
Privacy Control, a bot's user agent or a logged-in user. Bots are recognised
by the maintained pattern list of the ``crawler-user-agents`` package.
:func:`visitor_hash` is the only place an address and a user agent are used:
they are hashed with the day's salt and forgotten.
"""

from collections.abc import Mapping
from crawleruseragents import is_crawler
from dataclasses import dataclass
from functools import lru_cache
from pro.stats.exceptions import InvalidHit
from urllib.parse import parse_qs
import hashlib
import re


MAX_PAYLOAD = 4096
MAX_PATH = 300
MAX_TERMS = 200
MAX_CAMPAIGN = 100
MAX_WIDTH = 100_000

KINDS = ("page", "download")
DEVICES = ("mobile", "tablet", "desktop", "unknown")
# Breakpoints of the theme: below 768 px one column, below 1200 px two.
MOBILE_BELOW = 768
TABLET_BELOW = 1200

CAMPAIGN_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign")
HIDDEN_TERMS = "(verborgen)"

_SITE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")
_HOST = re.compile(r"[a-z0-9.\-\[\]:]{1,253}")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
_PERSONAL = re.compile(r"@|\d[\d\s.\-]{6,}\d")


@dataclass(frozen=True)
class Hit:
    """One page view or download, as counted."""

    site: str
    path: str
    kind: str = "page"
    referrer: str = ""
    campaign: tuple[str, str, str] | None = None
    device: str = "unknown"
    search_terms: str | None = None
    search_results: int | None = None


def parse_hit(payload: str) -> Hit:
    """Read a beacon's URL-encoded parameters.

    :param payload: the query string or the form-encoded POST body.
    :raises InvalidHit: naming the first parameter that is missing or wrong.
    """
    if len(payload) > MAX_PAYLOAD:
        raise InvalidHit("payload", f"send at most {MAX_PAYLOAD} bytes")
    try:
        values = parse_qs(payload, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise InvalidHit("payload", "send URL-encoded UTF-8 parameters") from None
    single = _single_values(values)

    terms = _search_terms(single)
    return Hit(
        site=_site(single),
        path=_path(single),
        kind=_kind(single),
        referrer=_referrer(single),
        campaign=_campaign(single),
        device=_device(single),
        search_terms=terms,
        search_results=_search_results(single) if terms is not None else None,
    )


def refusal(headers: Mapping[str, str], authenticated: bool) -> str | None:
    """Why this request is not counted, or None when it is.

    :param headers: the request's headers, names in lower case.
    :param authenticated: whether the request carries a logged-in user.
    """
    if headers.get("dnt", "").strip() == "1":
        return "do-not-track"
    if headers.get("sec-gpc", "").strip() == "1":
        return "global-privacy-control"
    if is_bot(headers.get("user-agent", "")):
        return "bot"
    if authenticated:
        return "authenticated"
    return None


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Whether ``user_agent`` is a crawler's, or missing as only scripts do.

    Matching the full pattern list takes a tenth of a millisecond; visitors
    share few distinct user agents, so the answers are cached.
    """
    if not user_agent.strip():
        return True
    return is_crawler(user_agent)


def visitor_hash(salt: bytes, address: str, user_agent: str, site: str) -> int:
    """A number that is the same for one visitor of one site on one day.

    The salt changes every day and is deleted afterwards, so yesterday's
    numbers cannot be linked to an address any more, not even by the
    platform. 64 bits keep collisions negligible at millions of visitors.
    """
    digest = hashlib.blake2b(
        "\x00".join((address, user_agent, site)).encode("utf-8", "replace"),
        key=salt,
        digest_size=8,
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def device_class(width: int | None) -> str:
    if width is None or width == 0:
        return "unknown"
    if width < MOBILE_BELOW:
        return "mobile"
    if width < TABLET_BELOW:
        return "tablet"
    return "desktop"


def _single_values(values: dict[str, list[str]]) -> dict[str, str]:
    for name, given in values.items():
        if len(given) > 1:
            raise InvalidHit(name, "send this parameter once")
    return {name: given[0] for name, given in values.items()}


def _site(values: dict[str, str]) -> str:
    site = values.get("s", "")
    if not _SITE_ID.fullmatch(site):
        raise InvalidHit("s", "send the site id: 1 to 50 lower-case letters, digits, -")
    return site


def _path(values: dict[str, str]) -> str:
    path = values.get("p", "")
    # A query string or fragment would split one page into many.
    path = path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        raise InvalidHit("p", "send the page's path, starting with /")
    if len(path) > MAX_PATH:
        raise InvalidHit("p", f"send a path of at most {MAX_PATH} characters")
    if _UNPRINTABLE.search(path):
        raise InvalidHit("p", "send a path without control characters")
    return path


def _kind(values: dict[str, str]) -> str:
    kind = values.get("k", "page") or "page"
    if kind not in KINDS:
        raise InvalidHit("k", "send 'page' or 'download'")
    return kind


def _referrer(values: dict[str, str]) -> str:
    host = values.get("r", "").strip().lower()
    if host and not _HOST.fullmatch(host):
        raise InvalidHit("r", "send the referring page's host name only")
    return host


def _campaign(values: dict[str, str]) -> tuple[str, str, str] | None:
    parts = []
    for name in CAMPAIGN_PARAMETERS:
        value = " ".join(values.get(name, "").split())
        if len(value) > MAX_CAMPAIGN:
            raise InvalidHit(name, f"send at most {MAX_CAMPAIGN} characters")
        parts.append(value)
    if not any(parts):
        return None
    return tuple(parts)


def _device(values: dict[str, str]) -> str:
    width = values.get("w", "")
    if not width:
        return "unknown"
    if not width.isascii() or not width.isdigit() or int(width) > MAX_WIDTH:
        raise InvalidHit("w", f"send the viewport width in pixels, 0 to {MAX_WIDTH}")
    return device_class(int(width))


def _search_terms(values: dict[str, str]) -> str | None:
    if "q" not in values:
        return None
    terms = " ".join(values["q"].lower().split())
    if not terms:
        return None
    if len(terms) > MAX_TERMS:
        raise InvalidHit("q", f"send at most {MAX_TERMS} characters of search terms")
    if _UNPRINTABLE.search(terms):
        raise InvalidHit("q", "send search terms without control characters")
    if _PERSONAL.search(terms):
        return HIDDEN_TERMS
    return terms


def _search_results(values: dict[str, str]) -> int:
    count = values.get("n", "")
    if not count.isascii() or not count.isdigit() or len(count) > 9:
        raise InvalidHit("n", "send the number of search results with the terms")
    return int(count)
