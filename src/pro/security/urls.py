"""The platform's checks of URLs and host names that people type in.

Two kinds of address reach the platform from its users:

- addresses the **server fetches** (a feed, an analytics tracker, a webhook):
  :func:`check_fetch_url` refuses any that points into the platform's own
  network, the classic server-side request forgery. Loopback, private,
  link-local (the cloud metadata service at 169.254.169.254), carrier-grade
  NAT, multicast and reserved ranges are refused in IPv4 and IPv6, also when
  written the ways resolvers still read (``2130706433``, ``0177.0.0.1``,
  ``0x7f.1``, ``127.1``, ``[::ffff:127.0.0.1]``), and so are names that
  resolve to them. Resolving at save time cannot stop a name that changes its
  answer later (DNS rebinding); whoever fetches calls the check again just
  before fetching, with ``resolve=True``.
- addresses a **visitor's browser follows** (a button on a landing page):
  :func:`check_link_url` lets through web, mail and telephone links and paths
  within the site, and refuses ``javascript:``, ``data:`` and the like.
- **host names a site is served at**: :func:`check_public_host` refuses names
  that only exist inside a network (``localhost``, ``.internal``, ...).

``ipaddress`` knows which ranges are global; what no package does is read the
legacy numeric forms the way ``inet_aton`` does and apply the three policies
above, which is why this module exists.
"""

from pro.security.exceptions import UnsafeURLError
from urllib.parse import urlsplit
import ipaddress
import re
import socket


FETCH_SCHEMES = frozenset({"http", "https"})
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Names that resolve only inside some network, never on the internet.
INTERNAL_SUFFIXES = (
    "localhost",
    "local",
    "internal",
    "intranet",
    "lan",
    "home.arpa",
    "localdomain",
    "corp",
)
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.I)


def check_fetch_url(url: str, field: str, resolve: bool = True) -> str:
    """Refuse ``url`` unless the server may fetch it; returns it stripped.

    :param field: the field the URL came from, named in the message.
    :param resolve: look the host name up and check every address it has.
    :raises UnsafeURLError: naming ``field`` and saying what to give instead.
    """
    url = (url or "").strip()
    parts = _split(url, field)
    if parts.scheme not in FETCH_SCHEMES:
        raise UnsafeURLError(
            field, f"{field}: use an address starting with https:// or http://."
        )
    if parts.username is not None or parts.password is not None:
        raise UnsafeURLError(
            field, f"{field}: leave the user name and password out of the address."
        )
    host = _host(parts, field)
    address = numeric_address(host)
    if address is not None:
        _refuse_internal_address(address, field)
        return url
    check_public_host(host, field)
    if resolve:
        for resolved in _resolve(host):
            _refuse_internal_address(resolved, field)
    return url


def check_link_url(url: str, field: str) -> str:
    """Refuse ``url`` unless a browser may safely follow it from a page.

    Paths within the site (``/contact``, ``nieuws/bericht``) are links too.

    :raises UnsafeURLError: naming ``field``.
    """
    url = (url or "").strip()
    # Browsers drop tabs and line breaks inside a URL before reading it.
    squeezed = re.sub(r"[\x00-\x20]", "", url)
    parts = _split(squeezed, field)
    if parts.scheme and parts.scheme not in LINK_SCHEMES:
        raise UnsafeURLError(
            field,
            f"{field}: links may start with https://, http://, mailto: or tel:, "
            f"or be a path within the site; {parts.scheme}: is not allowed.",
        )
    if not parts.scheme and squeezed.startswith(("//", "\\\\", "/\\", "\\/")):
        raise UnsafeURLError(
            field, f"{field}: write a link to another site with https:// in front."
        )
    return url


def check_public_host(host: str, field: str = "domains") -> str:
    """Refuse a host name that exists only inside a network, or an address.

    :raises UnsafeURLError: naming ``field``.
    """
    name = host.strip().lower().rstrip(".")
    if numeric_address(name) is not None:
        raise UnsafeURLError(
            field, f"{field}: {host!r} is an address; give a host name."
        )
    if any(
        name == suffix or name.endswith(f".{suffix}") for suffix in INTERNAL_SUFFIXES
    ):
        raise UnsafeURLError(
            field,
            f"{field}: {host!r} exists only inside a network; give a host name "
            "that is registered on the internet.",
        )
    return name


def numeric_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``host`` stands for when it is written as a number.

    Reads IPv6 (with or without brackets, an IPv4 address mapped into it
    counted as that IPv4 address) and every IPv4 form ``inet_aton`` takes:
    dotted, decimal, octal and hexadecimal parts, and fewer than four parts.
    """
    name = host.strip().strip("[]").lower()
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        address = None
    if address is None and _NUMERIC_HOST.match(name):
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(name))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return mapped
    return address


def _refuse_internal_address(address, field: str) -> None:
    if not address.is_global or address.is_multicast:
        raise UnsafeURLError(
            field,
            f"{field}: {address} is an address inside a network, which the "
            "platform never fetches from; give a public address.",
        )


def _split(url: str, field: str):
    try:
        return urlsplit(url)
    except ValueError:
        raise UnsafeURLError(field, f"{field}: {url!r} is not an address.") from None


def _host(parts, field: str) -> str:
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        host = None
    if not host:
        raise UnsafeURLError(field, f"{field}: the address has no host name.")
    return host


def _resolve(host: str) -> list:
    try:
        answers = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        # Unknown now; the fetch resolves it again and checks once more.
        return []
    return [numeric_address(answer[4][0]) for answer in answers]
