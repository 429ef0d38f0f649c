"""The platform the axe-core suite opens: the demo sites, one of them in a
light and two in a dark identity, each with a landing page holding every
kind of page block.

Made once per test class on the functional layer, whose server sees
committed data; the page list (``axe_pages.txt``) is resolved here, in the
server's own database, into one URL per page type and site root.
"""

from axe_pages import PAGE_TYPES
from axe_pages import Root
from axe_pages import ROOTS
from dataclasses import dataclass
from io import BytesIO
from PIL import Image
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.base.interfaces import ILanguage
from plone.dexterity.utils import createContentInContainer
from plone.namedfile.file import NamedBlobImage
from pro.interfaces import IProLayer
from pro.platform.api import update_site
from pro.platform.blocks import BLOCKS
from pro.platform.demo import create_demo_sites
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.component import queryMultiAdapter
from zope.interface import alsoProvides
from zope.intid.interfaces import IIntIds
from zope.publisher.browser import TestRequest
import pytest
import re
import transaction


PLACEHOLDER = re.compile(r"\{(folder|item|title):([^}@]+)(?:@([^}]+))?\}")
LIGHT = {"primary_color": "#007bc7", "secondary_color": "#fff4dc"}
DARK = {"primary_color": "#0b2239", "secondary_color": "#8fcae7"}


@dataclass
class Platform:
    portal_url: str
    # (page type name, root name) -> URL, for the pages a root has.
    urls: dict[tuple[str, str], str]

    def root_url(self, root: Root) -> str:
        return f"{self.portal_url}/{root.path}"


@pytest.fixture(scope="class")
def platform(functional_portal_class) -> Platform:
    portal = functional_portal_class
    with api.env.adopt_roles(["Manager"]):
        create_demo_sites(portal)
        update_site(portal, "waterbeheer", {"identity": LIGHT})
        update_site(portal, "trade", {"identity": DARK})
        update_site(portal, "leefomgeving", {"identity": DARK})
        for root in ROOTS:
            _add_campaign_page(portal.unrestrictedTraverse(root.path), root.language)
        urls = {
            (page_type.name, root.name): url
            for page_type in PAGE_TYPES
            for root in ROOTS
            if (url := _resolve(portal, root, page_type.path)) is not None
        }
    transaction.commit()
    return Platform(portal.absolute_url(), urls)


def _resolve(portal, root: Root, path: str) -> str | None:
    """The URL of ``path`` in ``root``, or None if the root has no such page."""
    base = portal.unrestrictedTraverse(root.path)
    missing = False

    def fill(match) -> str:
        nonlocal missing
        kind, name, block = match.groups()
        if kind == "folder":
            found = _block_folder(base, name, root.language)
            if found is None:
                missing = True
                return ""
            return "/" + found.getId()
        context = base
        if block:
            context = _block_folder(base, block, root.language)
        brains = (
            api.content.find(
                context=context,
                portal_type=name,
                review_state="published",
                sort_on="path",
            )
            if context is not None
            else []
        )
        if not brains:
            missing = True
            return ""
        if kind == "title":
            return brains[0].Title.split()[0]
        return brains[0].getPath()[len("/".join(base.getPhysicalPath())) :]

    resolved = PLACEHOLDER.sub(fill, path)
    if missing or not _has_view(base, resolved):
        return None
    return base.absolute_url() + ("" if resolved == "/" else resolved)


def _has_view(base, path: str) -> bool:
    if not path.startswith("/@@"):
        return True
    name = path[3:].split("?")[0]
    request = TestRequest()
    alsoProvides(request, IProLayer)
    return queryMultiAdapter((base, request), name=name) is not None


def _block_folder(base, block: str, language: str):
    folder = BLOCKS[block].folder(language)
    if folder is None or folder.id not in base.objectIds():
        return None
    return base[folder.id]


def _add_campaign_page(root, language: str) -> None:
    """A published landing page with one block of every kind."""
    dutch = language == "nl"
    page = _create(root, "LandingPage", "campagne", "Campagne" if dutch else "Campaign")
    _create(
        page,
        "HeroBlock",
        "hero",
        "Samen veilig" if dutch else "Safe together",
        text="Wat u zelf kunt doen." if dutch else "What you can do yourself.",
        image=NamedBlobImage(_png(), filename="dijk.png"),
        image_alt="Een dijk langs de rivier" if dutch else "A dyke along the river",
        link_url="https://www.example.nl/meedoen",
        link_text="Doe mee met de campagne" if dutch else "Join the campaign",
    )
    _create(
        page,
        "TextBlock",
        "tekst",
        "Waarom" if dutch else "Why",
        text=RichTextValue(
            "<p>Een alinea met <a href='https://www.example.nl'>een voorbeeld</a>."
            "</p><h3>Tussenkop</h3><ul><li>Een</li><li>Twee</li></ul>",
            "text/html",
            "text/x-html-safe",
        ),
    )
    _create(page, "TeaserListBlock", "nieuws", "Nieuws" if dutch else "News")
    items = [brain.getObject() for brain in api.content.find(context=root)[:2]]
    intids = getUtility(IIntIds)
    _create(
        page,
        "HighlightsBlock",
        "uitgelicht",
        "Uitgelicht" if dutch else "Highlights",
        items=[RelationValue(intids.getId(item)) for item in items],
    )
    _create(
        page,
        "CallToActionBlock",
        "meedoen",
        "Meld u aan" if dutch else "Sign up",
        link_url="https://www.example.nl/aanmelden",
        link_text="Aanmelden voor de campagne" if dutch else "Sign up for the campaign",
    )
    forms = api.content.find(context=root, portal_type="EasyForm", sort_on="path")
    if forms:
        _create(
            page,
            "FormBlock",
            "formulier",
            "Vraag het ons" if dutch else "Ask us",
            form=RelationValue(intids.getId(forms[0].getObject())),
        )
    api.content.transition(page, transition="publish")


def _create(container, type_name: str, item_id: str, title: str, **fields):
    item = createContentInContainer(
        container, type_name, checkConstraints=False, id=item_id, title=title, **fields
    )
    ILanguage(item).set_language(ILanguage(container).get_language())
    return item


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (1200, 400), "#154273").save(buffer, format="PNG")
    return buffer.getvalue()
