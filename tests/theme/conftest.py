"""Fixtures of the theme's suites: two sites with different identities, one
item of every page type the building blocks make, and Chromium.

The sites are arranged once per test class on the functional layer, which
serves them over real HTTP; Chromium comes from the shared ``pro_browser``
plugin, started once per module.
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from PIL import Image
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.dexterity.utils import createContentInContainer
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.file import NamedBlobImage
from pro.testing import make_site
from pro.testing import make_user
import base64
import pytest
import pytz
import transaction


ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artefacts" / "theme"

LOGO_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" '
    b'onload="alert(1)"><script>alert(2)</script>'
    b'<rect width="120" height="40" rx="6" fill="#154273"/>'
    b'<circle cx="20" cy="20" r="12" fill="#ffffff"/></svg>'
)

WATER = {
    "site_id": "water",
    "title": "Dienst Water",
    "organisation": "Dienst Water",
    "languages": ["nl", "en"],
    "blocks": ["news", "publications", "topics", "agenda", "contact", "forms"],
    "identity": {
        "primary_color": "#154273",
        "secondary_color": "#e6eef7",
        "logo": "data:image/svg+xml;base64," + base64.b64encode(LOGO_SVG).decode(),
        "footer_links": [
            {"title": "Contact opnemen", "url": "/contact"},
            {"title": "Privacyverklaring", "url": "https://www.example.nl/privacy"},
        ],
        "social_links": [{"url": "https://www.linkedin.com/company/dienst-water"}],
    },
}
GREEN = {
    "site_id": "groen",
    "title": "Agentschap Groen",
    "organisation": "Agentschap Groen",
    "profile": "magazine",
    "identity": {"primary_color": "#275937", "secondary_color": "#eef5ef"},
}
WATER_OWNER = "water-owner"


@dataclass
class Sites:
    """The arranged platform: its URL and, per page type, an item's URL."""

    portal_url: str
    water_url: str
    green_url: str
    pages: dict[str, str]


@pytest.fixture(scope="class")
def sites(functional_portal_class) -> Sites:
    portal = functional_portal_class
    with api.env.adopt_roles(["Manager"]):
        make_user(WATER_OWNER)
        water = make_site(portal, owners=[WATER_OWNER], **WATER)
        green = make_site(portal, **GREEN)
        pages = _add_every_page_type(water)
    # The server runs in its own thread and sees committed data only.
    transaction.commit()
    return Sites(
        portal.absolute_url(), water.absolute_url(), green.absolute_url(), pages
    )


@pytest.fixture(scope="module")
def artefacts() -> Path:
    """The folder for screenshots, kept after the run (git ignores var/)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


def _add_every_page_type(site) -> dict[str, str]:
    """One published item of each page type the building blocks make."""
    pages = {
        "home": site.absolute_url(),
        "folder listing": site["nieuws"].absolute_url(),
        "search": f"{site.absolute_url()}/@@search?SearchableText=water",
        "sitemap": f"{site.absolute_url()}/sitemap",
        "login": f"{site.absolute_url()}/login",
        "not found": f"{site.absolute_url()}/bestaat-niet",
        "english home": site["en"].absolute_url(),
        "contact form": f"{site.absolute_url()}/contact-info",
    }
    text = RichTextValue(
        "<p>Een alinea met <a href='https://www.example.nl'>een link</a>.</p>"
        "<h2>Tussenkop</h2><ul><li>Een</li><li>Twee</li></ul>",
        "text/html",
        "text/x-html-safe",
    )
    # plone.app.event keeps aware datetimes only; pytz's are the ones it uses.
    start = pytz.timezone("Europe/Amsterdam").localize(
        datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=7)
    )
    items = {
        "news item": (site["nieuws"], "News Item", {"text": text}),
        "event": (
            site["agenda"],
            "Event",
            {"start": start, "end": start + timedelta(hours=2)},
        ),
        "document": (site["publicaties"], "Document", {"text": text}),
        "form": (site["formulieren"], "EasyForm", {}),
        "folder": (site["onderwerpen"], "Folder", {}),
        "link": (site["onderwerpen"], "Link", {"remoteUrl": "https://example.nl"}),
        "file": (
            site["publicaties"],
            "File",
            {"file": NamedBlobFile(b"%PDF-1.4\n", filename="verslag.pdf")},
        ),
        "image": (
            site["publicaties"],
            "Image",
            {"image": NamedBlobImage(_png(), filename="foto.png")},
        ),
        "collection": (
            site["onderwerpen"],
            "Collection",
            {
                "query": [
                    {
                        "i": "portal_type",
                        "o": "plone.app.querystring.operation.selection.any",
                        "v": ["News Item"],
                    }
                ]
            },
        ),
    }
    for name, (folder, type_name, fields) in items.items():
        item = createContentInContainer(
            folder,
            type_name,
            checkConstraints=False,
            title=f"Voorbeeld {name}",
            description=f"Een voorbeeld van een {name}.",
            **fields,
        )
        if api.content.get_state(item, default=None) == "private":
            api.content.transition(item, transition="publish")
        pages[name] = item.absolute_url()
    pages["image"] += "/view"
    pages["file"] += "/view"
    # Visitors following a link go straight to its target; the theme shows
    # links in the listing of their folder.
    pages["link"] = site["onderwerpen"].absolute_url()
    return pages


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (200, 120), "#275937").save(buffer, format="PNG")
    return buffer.getvalue()
