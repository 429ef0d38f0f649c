"""A site's identity: what it is checked against and how pages show it.

The site factory stores the identity of each site as a small mapping (see
:func:`pro.platform.settings.site_settings`) and validates it through
:func:`pro.platform.api.update_site`; this module holds the checks for the
parts that are not colours (logo, favicon, footer and social links) and turns
a stored identity into what the theme renders: a handful of CSS custom
properties and the header's and footer's data. Every site shares the same CSS
files; only the ``<style>`` block made by :func:`css_properties` differs.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from plone import api
from pro.platform.api import TEXT_ON_PRIMARY
from pro.platform.api import TEXT_ON_SECONDARY
from pro.platform.settings import find_site
from pro.platform.settings import site_settings
from pro.theme.contrast import nearest_passing
from pro.theme.contrast import parse_hex
from pro.theme.contrast import shade
from pro.theme.images import clean_image
from pro.theme.images import ICO
from pro.theme.images import ImageRefused
from pro.theme.images import parse_data_uri
from pro.theme.images import PNG
from pro.theme.images import SVG
from urllib.parse import urlsplit
import hashlib


# The platform's own colours, used where a site chose none and outside sites.
DEFAULT_PRIMARY = "#1f4e79"
DEFAULT_SECONDARY = "#e8eef4"

MAX_LOGO_BYTES = 200 * 1024
MAX_FAVICON_BYTES = 100 * 1024
MAX_FOOTER_LINKS = 16
MAX_SOCIAL_LINKS = 8
MAX_LINK_TITLE = 80
MAX_URL = 500

# Networks recognised from a link's host, so an editor need not name them.
SOCIAL_NETWORKS = {
    "bsky.app": "Bluesky",
    "facebook.com": "Facebook",
    "flickr.com": "Flickr",
    "github.com": "GitHub",
    "instagram.com": "Instagram",
    "linkedin.com": "LinkedIn",
    "mastodon.social": "Mastodon",
    "social.overheid.nl": "Mastodon",
    "threads.net": "Threads",
    "tiktok.com": "TikTok",
    "twitter.com": "X",
    "vimeo.com": "Vimeo",
    "x.com": "X",
    "youtube.com": "YouTube",
}


class IdentityRefused(ValueError):
    """One identity setting was refused; the message says how to fix it."""


def check_logo(value) -> str:
    """An uploaded logo (SVG or PNG), cleaned, as a ``data:`` URI."""
    try:
        return clean_image(value, (SVG, PNG), MAX_LOGO_BYTES)
    except ImageRefused as error:
        raise IdentityRefused(str(error)) from None


def check_favicon(value) -> str:
    """An uploaded favicon (SVG, PNG or ICO), cleaned, as a ``data:`` URI."""
    try:
        return clean_image(value, (SVG, PNG, ICO), MAX_FAVICON_BYTES)
    except ImageRefused as error:
        raise IdentityRefused(str(error)) from None


def check_footer_links(value) -> list[dict[str, str]]:
    """The site's service links for the footer, as ``{"title", "url"}``.

    A URL is a full ``https://`` or ``http://`` address, a ``mailto:`` address,
    or a path within the site starting with ``/`` (``/contact``).
    """
    links = _link_list(value, MAX_FOOTER_LINKS)
    checked = []
    for position, link in enumerate(links, start=1):
        title = _link_title(link, position)
        if not title:
            raise IdentityRefused(f"Link {position} needs a title.")
        checked.append({"title": title, "url": _footer_url(link.get("url"), position)})
    return checked


def check_social_links(value) -> list[dict[str, str]]:
    """The site's accounts on social media, as ``{"title", "url"}``.

    Only ``https://`` addresses are accepted. The title may be left out for
    the networks in :data:`SOCIAL_NETWORKS`; it is then filled in.
    """
    links = _link_list(value, MAX_SOCIAL_LINKS)
    checked = []
    for position, link in enumerate(links, start=1):
        url = _web_url(link.get("url"), position, schemes=("https",))
        title = _link_title(link, position) or social_network(url)
        if not title:
            raise IdentityRefused(
                f"Link {position}: name the network of {url}, for example Mastodon."
            )
        checked.append({"title": title, "url": url})
    return checked


def colour_advice(colour: str, text_colour: str, minimum: float) -> str:
    """The sentence proposing the passing colour nearest to ``colour``."""
    nearest = nearest_passing(colour, text_colour, minimum)
    if nearest is None:
        return "No colour of this hue passes; choose another hue."
    return f"The nearest colour of the same hue that passes is {nearest}."


def social_network(url: str) -> str:
    """The name of the network ``url`` belongs to, or ``""`` when unknown."""
    host = (urlsplit(url).hostname or "").lower()
    for domain, name in SOCIAL_NETWORKS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return ""


# Rendering


@dataclass(frozen=True)
class Identity:
    """What the theme shows of one site, every value ready to render."""

    site_url: str
    wordmark: str
    primary: str
    secondary: str
    logo: str
    favicon: str
    footer_links: tuple[dict[str, str], ...]
    social_links: tuple[dict[str, str], ...]
    languages: tuple[str, ...]
    version: str


def identity_for(context) -> Identity:
    """The identity of the site ``context`` lies in, with the platform's
    defaults filled in; outside every site, the platform's own identity."""
    site = find_site(context)
    if site is None:
        portal = api.portal.get()
        return Identity(
            site_url=portal.absolute_url(),
            wordmark=portal.Title(),
            primary=DEFAULT_PRIMARY,
            secondary=DEFAULT_SECONDARY,
            logo="",
            favicon="",
            footer_links=(),
            social_links=(),
            languages=(),
            version="",
        )

    settings = site_settings(site)
    stored = settings.identity
    site_url = site.absolute_url()
    version = _version(stored)
    return Identity(
        site_url=site_url,
        wordmark=stored.get("wordmark") or settings.organisation or site.Title(),
        primary=_colour(stored.get("primary_color"), DEFAULT_PRIMARY),
        secondary=_colour(stored.get("secondary_color"), DEFAULT_SECONDARY),
        logo=f"{site_url}/@@site-logo?v={version}" if stored.get("logo") else "",
        favicon=(
            f"{site_url}/@@site-favicon?v={version}" if stored.get("favicon") else ""
        ),
        footer_links=tuple(
            {"title": link["title"], "url": _absolute(link["url"], site_url)}
            for link in stored.get("footer_links") or ()
        ),
        social_links=tuple(stored.get("social_links") or ()),
        languages=settings.languages,
        version=version,
    )


def css_properties(identity: Identity) -> str:
    """The per-site block of CSS custom properties the shared theme CSS reads.

    Only colours that passed :func:`parse_hex` reach this text, so nothing an
    editor typed can end the rule or add another.
    """
    properties = {
        "--pro-color-primary": identity.primary,
        "--pro-color-primary-hover": shade(identity.primary, -0.08),
        "--pro-color-primary-rgb": _rgb(identity.primary),
        "--pro-color-primary-text": TEXT_ON_PRIMARY,
        "--pro-color-secondary": identity.secondary,
        "--pro-color-secondary-border": shade(identity.secondary, -0.12),
        "--pro-color-secondary-text": TEXT_ON_SECONDARY,
    }
    body = ";".join(f"{name}:{value}" for name, value in properties.items())
    return f":root{{{body}}}"


def stored_image(context, name: str) -> tuple[str, bytes] | None:
    """The media type and bytes of the site's ``logo`` or ``favicon``."""
    settings = site_settings(context)
    uri = settings.identity.get(name) if settings is not None else None
    if not uri:
        return None
    return parse_data_uri(uri)


def _version(stored: Mapping) -> str:
    """A short digest of the images, so their URLs change when they do and
    can be cached for a long time meanwhile."""
    digest = hashlib.sha256()
    for name in ("logo", "favicon"):
        digest.update(str(stored.get(name) or "").encode("utf-8"))
    return digest.hexdigest()[:12]


def _rgb(colour: str) -> str:
    """``#1f4e79`` as ``31, 78, 121``, the form Bootstrap's ``*-rgb`` tokens take."""
    return ", ".join(str(int(colour[index : index + 2], 16)) for index in (1, 3, 5))


def _colour(value, default: str) -> str:
    try:
        return parse_hex(value).to_string(hex=True)
    except ValueError:
        return default


def _absolute(url: str, site_url: str) -> str:
    return site_url + url if url.startswith("/") else url


def _link_list(value, maximum: int) -> list[Mapping]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(link, Mapping) for link in value
    ):
        raise IdentityRefused(
            'Send a list of links, each as {"title": ..., "url": ...}.'
        )
    if len(value) > maximum:
        raise IdentityRefused(
            f"At most {maximum} links; remove {len(value) - maximum}."
        )
    return list(value)


def _link_title(link: Mapping, position: int) -> str:
    title = link.get("title") or ""
    if not isinstance(title, str):
        raise IdentityRefused(f"Link {position}: the title must be text.")
    title = " ".join(title.split())
    if len(title) > MAX_LINK_TITLE:
        raise IdentityRefused(
            f"Link {position}: at most {MAX_LINK_TITLE} characters in the title."
        )
    return title


def _footer_url(url, position: int) -> str:
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        if len(url) > MAX_URL or any(character.isspace() for character in url):
            raise IdentityRefused(f"Link {position}: {url!r} is not a valid path.")
        return url
    if isinstance(url, str) and url.startswith("mailto:") and "@" in url:
        return url.strip()
    return _web_url(url, position, schemes=("https", "http"))


def _web_url(url, position: int, schemes: tuple[str, ...]) -> str:
    example = "https://www.example.nl/contact"
    if not isinstance(url, str) or not url.strip():
        raise IdentityRefused(f"Link {position} needs a URL, for example {example}.")
    url = url.strip()
    parts = urlsplit(url)
    if (
        parts.scheme not in schemes
        or not parts.hostname
        or "." not in parts.hostname
        or len(url) > MAX_URL
        or any(character.isspace() for character in url)
    ):
        raise IdentityRefused(
            f"Link {position}: {url!r} is not a web address; write it as {example}."
        )
    return url
