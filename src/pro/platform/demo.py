"""Demo sites, so that a newcomer sees the platform at work on the first start.

The sites are made through the site factory like any other, from different
profiles and identities: one bilingual, one English. The organisations are
invented. Each enabled block gets a few published sample items of its own
types, filed under the site's sample topics where the type has topics.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from io import BytesIO
from PIL import Image
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.base.interfaces import ILanguage
from plone.dexterity.utils import createContentInContainer
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.file import NamedBlobImage
from pro.platform import logger
from pro.platform.api import create_site
from pro.platform.blocks import BLOCKS
from pro.platform.settings import site_settings
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds
import pytz


DEMO_SITES = (
    {
        "id": "waterbeheer",
        "title": "Dienst Waterbeheer",
        "organisation": "Dienst Waterbeheer",
        "description": "Over dijken, rivieren en schoon water.",
        "profile": "organisatie",
        # The profile's blocks and the two it leaves out, so that the demo
        # shows every kind of page an organisation site can have.
        "blocks": [
            "news",
            "publications",
            "topics",
            "faq",
            "agenda",
            "contact",
            "people",
            "dossiers",
            "newsletter",
            "press-alerts",
        ],
        "languages": ["nl", "en"],
        "identity": {"primary_color": "#154273", "secondary_color": "#e6eef7"},
        "domains": ["www.waterbeheer.example"],
    },
    {
        "id": "leefomgeving",
        "title": "Magazine Leefomgeving",
        "organisation": "Agentschap Leefomgeving",
        "description": "Verhalen over wonen, werken en ruimte.",
        "profile": "magazine",
        "languages": ["nl"],
        "identity": {"primary_color": "#7a2e5c", "secondary_color": "#f6eef3"},
    },
    {
        "id": "trade",
        "title": "Trade and Investment Office",
        "organisation": "Trade and Investment Office",
        "description": "Doing business with the Netherlands.",
        "profile": "english",
        "languages": ["en"],
        "identity": {"primary_color": "#01689b", "secondary_color": "#e5f0f5"},
    },
    {
        "id": "veilig-fietsen",
        "title": "Veilig fietsen",
        "organisation": "Ministerie van Verkeer (campagne)",
        "description": "Zo komt iedereen veilig thuis.",
        "profile": "campagne",
        "languages": ["nl"],
        "identity": {"primary_color": "#275937", "secondary_color": "#eef5ef"},
    },
)


@dataclass(frozen=True)
class Sample:
    """One sample item: its type, title and text, further fields, and the
    items it holds. ``topics`` and ``contact_form`` name items by title;
    they are looked up in the same language when the item is made."""

    type_name: str
    title: str
    text: str
    fields: dict = field(default_factory=dict)
    children: tuple["Sample", ...] = ()


# Where each type keeps its body text.
TEXT_FIELDS = {
    "Document": "text",
    "News Item": "text",
    "Event": "text",
    "Topic": "text",
    "Dossier": "text",
    "ContactPage": "text",
    "MagazineIssue": "text",
    "Article": "text",
    "Publication": "summary",
    "Question": "answer",
    "Person": "biography",
}

# A valid one-page PDF, so a publication's download opens in any reader.
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# Topics come first, so the items of the other blocks can be filed under them.
FILL_ORDER = ("topics", "forms", "contact")

SAMPLES: dict[str, dict[str, tuple[Sample, ...]]] = {
    "topics": {
        "nl": (
            Sample("Topic", "Hoogwater", "Wat u kunt doen bij hoogwater."),
            Sample("Topic", "Schoon water", "Hoe wij het water schoon houden."),
        ),
        "en": (
            Sample("Topic", "High water", "What you can do when the water rises."),
            Sample("Topic", "Clean water", "How we keep the water clean."),
        ),
    },
    "news": {
        "nl": (
            Sample(
                "News Item",
                "Nieuwe dijk op tijd klaar",
                "De versterkte dijk is klaar.",
                {"topics": ("Hoogwater",), "press_release": True},
            ),
            Sample(
                "News Item",
                "Subsidie voor schoon water",
                "Gemeenten kunnen nu aanvragen.",
                {"topics": ("Schoon water",)},
            ),
        ),
        "en": (
            Sample(
                "News Item",
                "New dyke finished on time",
                "The reinforced dyke is ready.",
                {"topics": ("High water",), "press_release": True},
            ),
            Sample(
                "News Item",
                "Grants for clean water",
                "Municipalities can now apply.",
                {"topics": ("Clean water",)},
            ),
        ),
    },
    "publications": {
        "nl": (
            Sample(
                "Publication",
                "Jaarverslag",
                "Wat we het afgelopen jaar deden.",
                {"publication_type": "report", "topics": ("Schoon water",)},
                (Sample("File", "Jaarverslag (volledige tekst)", ""),),
            ),
            Sample(
                "Publication",
                "Kamerbrief over dijkversterking",
                "De minister informeert de Kamer over de voortgang.",
                {"publication_type": "letter-to-parliament", "topics": ("Hoogwater",)},
                (Sample("File", "Kamerbrief", ""),),
            ),
        ),
        "en": (
            Sample(
                "Publication",
                "Annual report",
                "What we did last year.",
                {"publication_type": "report", "topics": ("Clean water",)},
                (Sample("File", "Annual report (full text)", ""),),
            ),
        ),
    },
    "faq": {
        "nl": (
            Sample(
                "Question",
                "Hoe meld ik een lekkage?",
                "Bel het algemene nummer; we komen zo snel mogelijk.",
                {"topics": ("Hoogwater",)},
            ),
            Sample(
                "Question",
                "Waar vind ik de waterstanden?",
                "Op de pagina Actuele waterstanden, elk kwartier bijgewerkt.",
            ),
        ),
        "en": (
            Sample(
                "Question",
                "How do I report a leak?",
                "Call the general number; we come as soon as we can.",
                {"topics": ("High water",)},
            ),
        ),
    },
    "agenda": {
        "nl": (Sample("Event", "Open dag", "Kom kijken hoe wij werken."),),
        "en": (Sample("Event", "Open day", "Come and see how we work."),),
    },
    "contact": {
        "nl": (
            Sample(
                "ContactPage",
                "Contact",
                "U kunt ons bellen, mailen of langskomen.",
                {
                    "address": "Voorbeeldstraat 1\n2500 AA Den Haag",
                    "visiting_hours": "Maandag tot en met vrijdag 9.00 tot 17.00 uur",
                    "phone": "070 123 45 67",
                    "email": "info@example.nl",
                    "contact_form": "Stel een vraag",
                },
            ),
        ),
        "en": (
            Sample(
                "ContactPage",
                "Contact",
                "You can call us, write to us or visit us.",
                {
                    "address": "Voorbeeldstraat 1\n2500 AA The Hague",
                    "visiting_hours": "Monday to Friday 9.00 to 17.00",
                    "phone": "+31 70 123 45 67",
                    "email": "info@example.nl",
                    "contact_form": "Ask a question",
                },
            ),
        ),
    },
    "people": {
        "nl": (
            Sample(
                "Person",
                "Marieke Jansen",
                "Marieke Jansen leidt de dienst sinds 2021.",
                {"role": "Directeur", "sort_order": 10},
            ),
            Sample(
                "Person",
                "Ahmed Bakker",
                "Ahmed Bakker is verantwoordelijk voor de uitvoering.",
                {"role": "Plaatsvervangend directeur", "sort_order": 20},
            ),
        ),
        "en": (
            Sample(
                "Person",
                "Marieke Jansen",
                "Marieke Jansen has led the office since 2021.",
                {"role": "Director", "sort_order": 10},
            ),
        ),
    },
    "dossiers": {
        "nl": (
            Sample(
                "Dossier",
                "Dossier klimaat",
                "Alles over klimaat bij elkaar.",
                children=(
                    Sample("Document", "Klimaatakkoord", "Wat er is afgesproken."),
                ),
            ),
        ),
        "en": (
            Sample(
                "Dossier",
                "Climate dossier",
                "Everything on climate together.",
                children=(Sample("Document", "Climate agreement", "What was agreed."),),
            ),
        ),
    },
    "forms": {
        "nl": (
            Sample("EasyForm", "Stel een vraag", "Stel uw vraag via dit formulier."),
        ),
        "en": (
            Sample("EasyForm", "Ask a question", "Ask your question with this form."),
        ),
    },
    "newsletter": {
        "nl": (
            Sample("Document", "Over de nieuwsbrief", "Elke maand het belangrijkste."),
        ),
        "en": (
            Sample("Document", "About the newsletter", "The essentials every month."),
        ),
    },
    "magazine": {
        "nl": (
            Sample(
                "Magazine",
                "Leefomgeving",
                "Het magazine over wonen, werken en ruimte.",
                children=(
                    Sample(
                        "MagazineIssue",
                        "Nummer 1: water",
                        "Deze editie gaat over leven met water.",
                        children=(
                            Sample(
                                "Article",
                                "Wonen aan het water",
                                "Een reportage uit Zeeland.",
                                {"author": "Redactie Leefomgeving"},
                            ),
                            Sample(
                                "Article",
                                "De stad als spons",
                                "Hoe steden regenwater vasthouden.",
                                {"author": "Redactie Leefomgeving"},
                            ),
                        ),
                    ),
                ),
            ),
        ),
        "en": (
            Sample(
                "Magazine",
                "Living environment",
                "The magazine on living, working and space.",
                children=(
                    Sample(
                        "MagazineIssue",
                        "Issue 1: water",
                        "This issue is about living with water.",
                        children=(
                            Sample(
                                "Article",
                                "Living by the water",
                                "A report from Zeeland.",
                                {"author": "Editors"},
                            ),
                        ),
                    ),
                ),
            ),
        ),
    },
}


def create_demo_sites(portal) -> list:
    """Make the demo sites with sample content; returns the new sites."""
    sites = []
    for fields in DEMO_SITES:
        if fields["id"] in portal.objectIds():
            continue
        site = create_site(portal, fields, creator="admin")
        _fill_site(site)
        sites.append(site)
    logger.info("Created %d demo sites", len(sites))
    return sites


def _fill_site(site) -> None:
    settings = site_settings(site)
    blocks = sorted(
        settings.blocks,
        key=lambda name: FILL_ORDER.index(name) if name in FILL_ORDER else 99,
    )
    for index, language in enumerate(settings.languages):
        root = site if index == 0 else site[language]
        for name in blocks:
            folder = BLOCKS[name].folder(language)
            if folder is None or folder.id not in root.objectIds():
                continue
            for sample in SAMPLES.get(name, {}).get(language, ()):
                item = _add_sample(root[folder.id], sample, language, root)
                if item.portal_type == "ContactPage":
                    root[folder.id].setDefaultPage(item.getId())


def _add_sample(container, sample: Sample, language: str, root):
    # Named from the title at creation, so nothing is renamed (and reindexed)
    # afterwards as with plone.api's create.
    item = createContentInContainer(
        container,
        sample.type_name,
        checkConstraints=False,
        title=sample.title,
        description=sample.text,
        **_fields(container, sample, language, root),
    )
    ILanguage(item).set_language(language)
    for child in sample.children:
        _add_sample(item, child, language, root)
    if api.content.get_state(item, default=None) == "private":
        api.content.transition(item, transition="publish")
    return item


def _fields(container, sample: Sample, language: str, root) -> dict:
    """The fields of ``sample`` as its type stores them."""
    fields = dict(sample.fields)
    text_field = TEXT_FIELDS.get(sample.type_name)
    if text_field and sample.text:
        fields[text_field] = RichTextValue(
            f"<p>{sample.text}</p>", "text/html", "text/x-html-safe"
        )
    if sample.type_name == "Event":
        fields.update(_event_dates())
    if sample.type_name == "File":
        fields["file"] = NamedBlobFile(
            SAMPLE_PDF,
            filename=f"{container.getId()}.pdf",
            contentType="application/pdf",
        )
    if sample.type_name == "Publication":
        fields["publication_date"] = date.today() - timedelta(days=30)
    if sample.type_name == "MagazineIssue":
        fields["cover"] = NamedBlobImage(_cover(), filename="cover.png")
    if "topics" in fields:
        fields["topics"] = _topic_uids(root, fields["topics"])
    if "contact_form" in fields:
        fields["contact_form"] = _form_relation(container, fields["contact_form"], root)
    return fields


def _event_dates() -> dict:
    # plone.app.event compares with aware datetimes, so a naive one breaks
    # every listing of events; it stores pytz zones, which pickle.
    zone = pytz.timezone(
        api.portal.get_registry_record("plone.portal_timezone") or "UTC"
    )
    start = datetime.now(zone).replace(hour=10, minute=0, second=0, microsecond=0)
    start += timedelta(days=14)
    return {"start": start, "end": start + timedelta(hours=4)}


def _topic_uids(root, titles) -> list[str]:
    brains = api.content.find(context=root, portal_type="Topic")
    uids = {brain.Title: brain.UID for brain in brains}
    return [uids[title] for title in titles if title in uids]


def _form_relation(container, title: str, root) -> RelationValue:
    """A relation to the form called ``title`` in this language, made in the
    contact folder when the site has no forms block to hold one."""
    found = api.content.find(context=root, portal_type="EasyForm", Title=title)
    if found:
        form = found[0].getObject()
    else:
        form = createContentInContainer(
            container, "EasyForm", checkConstraints=False, title=title
        )
        form.exclude_from_nav = True
        if api.content.get_state(form, default=None) == "private":
            api.content.transition(form, transition="publish")
    return RelationValue(getUtility(IIntIds).getId(form))


def _cover() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (600, 800), "#2f5d62").save(buffer, format="PNG")
    return buffer.getvalue()
