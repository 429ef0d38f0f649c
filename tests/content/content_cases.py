"""What the building blocks' suites share: one case per content type (where it
goes, what fields it gets, what its page must show) and helpers that make
sites, team members and items the way editors would.
"""

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from io import BytesIO
from PIL import Image
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.dexterity.utils import createContentInContainer
from plone.namedfile.file import NamedBlobImage
from pro.testing import make_site
from pro.testing import make_user
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds


EVERY_BLOCK = [
    "news",
    "publications",
    "topics",
    "faq",
    "agenda",
    "contact",
    "people",
    "dossiers",
    "forms",
    "magazine",
]
EDITOR = "redacteur"
CHIEF_EDITOR = "eindredacteur"


def rich(html: str):
    """A maker of rich text: its raw text is held in a persistent object,
    which no two items (and no two tests) may share."""
    return lambda: RichTextValue(html, "text/html", "text/x-html-safe")


def png(colour: str = "#154273") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (80, 60), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Case:
    """How one content type is tried out.

    ``fields`` are set on creation (a callable is called for a fresh value, as
    rich text and files must not be shared between items); ``shown`` must
    appear on its page; ``rest`` is the JSON of a POST, ``rest_check`` what
    GET must give back of it and ``patch`` a change made with PATCH.
    """

    type_name: str
    block: str
    folder: str
    fields: dict = field(default_factory=dict)
    shown: tuple[str, ...] = ()
    rest: dict = field(default_factory=dict)
    rest_check: dict = field(default_factory=dict)
    patch: dict = field(default_factory=dict)
    topical: bool = False


CASES = {
    case.type_name: case
    for case in (
        Case(
            "News Item",
            "news",
            "nieuws",
            {"text": rich("<p>De dijk is klaar.</p>"), "press_release": True},
            ("De dijk is klaar.", "Persbericht"),
            {
                "text": {"data": "<p>Nieuws</p>", "content-type": "text/html"},
                "press_release": True,
            },
            {"press_release": True},
            {"press_release": False},
            topical=True,
        ),
        Case(
            "Publication",
            "publications",
            "publicaties",
            {
                "publication_type": "letter-to-parliament",
                "summary": rich("<p>De minister schrijft de Kamer.</p>"),
            },
            ("De minister schrijft de Kamer.", "Kamerbrief"),
            {
                "publication_type": "decision",
                "publication_date": "2025-03-01",
                "summary": {"data": "<p>Besloten</p>", "content-type": "text/html"},
            },
            {"publication_type": {"token": "decision", "title": "Besluit"}},
            {"publication_date": "2024-11-30"},
            topical=True,
        ),
        Case(
            "Topic",
            "topics",
            "onderwerpen",
            {"text": rich("<p>Alles over hoogwater.</p>")},
            ("Alles over hoogwater.",),
            {"text": {"data": "<p>Over droogte</p>", "content-type": "text/html"}},
            {},
            {"description": "Wat droogte betekent."},
        ),
        Case(
            "Question",
            "faq",
            "vraag-en-antwoord",
            {"answer": rich("<p>Bel het algemene nummer.</p>")},
            ("Bel het algemene nummer.",),
            {"answer": {"data": "<p>Via de site.</p>", "content-type": "text/html"}},
            {},
            {"answer": {"data": "<p>Per post.</p>", "content-type": "text/html"}},
            topical=True,
        ),
        Case(
            "Person",
            "people",
            "organisatie",
            {
                "role": "Directeur-generaal",
                "biography": rich("<p>Werkt hier sinds 2019.</p>"),
                "portrait": lambda: NamedBlobImage(png(), filename="portret.png"),
            },
            ("Directeur-generaal", "Werkt hier sinds 2019.", "@@images/"),
            {"role": "Directeur", "sort_order": 5},
            {"role": "Directeur", "sort_order": 5},
            {"sort_order": 7},
        ),
        Case(
            "Dossier",
            "dossiers",
            "dossiers",
            {"text": rich("<p>Alles over het klimaat.</p>")},
            ("Alles over het klimaat.",),
            {"text": {"data": "<p>Stikstof</p>", "content-type": "text/html"}},
            {},
            {"description": "Alles over stikstof."},
        ),
        Case(
            "ContactPage",
            "contact",
            "contact",
            {
                "address": "Voorbeeldstraat 1\n2500 AA Den Haag",
                "visiting_hours": "Maandag tot vrijdag",
                "phone": "070 123 45 67",
                "email": "info@example.nl",
            },
            (
                "Voorbeeldstraat 1",
                "2500 AA Den Haag",
                "Maandag tot vrijdag",
                'href="tel:0701234567"',
                'href="mailto:info@example.nl"',
            ),
            {"phone": "070 765 43 21", "email": "post@example.nl"},
            {"phone": "070 765 43 21", "email": "post@example.nl"},
            {"address": "Postbus 1\n2500 AA Den Haag"},
        ),
        Case(
            "Magazine",
            "magazine",
            "magazine",
            {},
            (),
            {"description": "Het magazine"},
            {"description": "Het magazine"},
            {"description": "Ons magazine"},
        ),
        Case(
            "MagazineIssue",
            "magazine",
            "magazine",
            {
                "cover": lambda: NamedBlobImage(png("#7a2e5c"), filename="omslag.png"),
                "text": rich("<p>Een editie over water.</p>"),
            },
            ("Een editie over water.", "@@images/"),
            {"text": {"data": "<p>Editie twee</p>", "content-type": "text/html"}},
            {},
            {"description": "Over ruimte"},
        ),
        Case(
            "Article",
            "magazine",
            "magazine",
            {"author": "Anna de Vries", "text": rich("<p>Een reportage.</p>")},
            ("Anna de Vries", "Een reportage.", "@@print"),
            {"author": "Piet Jansen"},
            {"author": "Piet Jansen"},
            {"author": "Jan Smit"},
        ),
    )
}
BLOCK_TYPES = sorted(CASES)


def make_team() -> None:
    """The editor and chief editor that every site of these suites shares."""
    for user_id in (EDITOR, CHIEF_EDITOR):
        if api.user.get(userid=user_id) is None:
            make_user(user_id)


def make_content_site(portal, site_id: str = "water", blocks=None, **fields):
    """A Dutch site with the given blocks (default: all) and the shared team."""
    make_team()
    return make_site(
        portal,
        site_id,
        blocks=blocks if blocks is not None else EVERY_BLOCK,
        editors=[EDITOR],
        chief_editors=[CHIEF_EDITOR],
        **fields,
    )


def container_for(site, type_name: str):
    """Where editors add ``type_name``: its block's folder, or for the
    magazine's inner types the magazine or issue made for them."""
    folder = site[CASES[type_name].folder]
    if type_name not in ("MagazineIssue", "Article"):
        return folder
    magazine = folder.get("magazine-voor-tests") or add(
        folder, "Magazine", "Magazine voor tests"
    )
    if type_name == "MagazineIssue":
        return magazine
    return magazine.get("nummer-voor-tests") or add(
        magazine, "MagazineIssue", "Nummer voor tests"
    )


def add(container, type_name: str, title: str, publish: bool = False, **fields):
    """An item made as the site factory's Manager would, optionally published."""
    with api.env.adopt_roles(["Manager"]):
        item = createContentInContainer(
            container, type_name, checkConstraints=False, title=title, **fields
        )
        if publish and api.content.get_state(item, default=None) == "private":
            api.content.transition(item, transition="publish")
    return item


def add_case(site, type_name: str, title: str, publish: bool = False, topic=None):
    """An item of ``type_name`` with its case's fields, in its container."""
    case = CASES[type_name]
    fields = {
        name: value() if callable(value) else value
        for name, value in case.fields.items()
    }
    if case.topical and topic is not None:
        fields["topics"] = [topic.UID()]
    return add(container_for(site, type_name), type_name, title, publish, **fields)


def relation_to(item) -> RelationValue:
    return RelationValue(getUtility(IIntIds).getId(item))


@contextmanager
def anonymous():
    """Act as a visitor who has not logged in, then as before again."""
    before = getSecurityManager()
    noSecurityManager()
    try:
        yield
    finally:
        setSecurityManager(before)
