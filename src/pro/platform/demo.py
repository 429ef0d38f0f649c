"""Demo sites, so that a newcomer sees the platform at work on the first start.

The sites are made through the site factory like any other, from different
profiles and identities: one bilingual, one English. The organisations are
invented. Each enabled block gets a few published sample items.
"""

from datetime import datetime
from datetime import timedelta
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.base.interfaces import ILanguage
from plone.dexterity.utils import createContentInContainer
from pro.platform import logger
from pro.platform.api import create_site
from pro.platform.blocks import BLOCKS
from pro.platform.settings import site_settings
import pytz


DEMO_SITES = (
    {
        "id": "waterbeheer",
        "title": "Dienst Waterbeheer",
        "organisation": "Dienst Waterbeheer",
        "description": "Over dijken, rivieren en schoon water.",
        "profile": "organisatie",
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

# Sample items per block and language: (portal type, title, text).
SAMPLES = {
    "news": {
        "nl": [
            ("News Item", "Nieuwe dijk op tijd klaar", "De versterkte dijk is klaar."),
            (
                "News Item",
                "Subsidie voor schoon water",
                "Gemeenten kunnen nu aanvragen.",
            ),
        ],
        "en": [
            ("News Item", "New dyke finished on time", "The reinforced dyke is ready."),
            ("News Item", "Grants for clean water", "Municipalities can now apply."),
        ],
    },
    "publications": {
        "nl": [("Document", "Jaarverslag", "Wat we het afgelopen jaar deden.")],
        "en": [("Document", "Annual report", "What we did last year.")],
    },
    "topics": {
        "nl": [("Document", "Hoogwater", "Wat u kunt doen bij hoogwater.")],
        "en": [("Document", "High water", "What you can do when the water rises.")],
    },
    "faq": {
        "nl": [("Document", "Hoe meld ik een lekkage?", "Bel het algemene nummer.")],
        "en": [("Document", "How do I report a leak?", "Call the general number.")],
    },
    "agenda": {
        "nl": [("Event", "Open dag", "Kom kijken hoe wij werken.")],
        "en": [("Event", "Open day", "Come and see how we work.")],
    },
    "contact": {
        "nl": [("Document", "Bezoekadres", "Voorbeeldstraat 1, 2500 AA Den Haag.")],
        "en": [("Document", "Visiting address", "Voorbeeldstraat 1, The Hague.")],
    },
    "people": {
        "nl": [("Document", "Directie", "Wie leiden de organisatie.")],
        "en": [("Document", "Management", "Who leads the organisation.")],
    },
    "dossiers": {
        "nl": [("Document", "Dossier klimaat", "Alles over klimaat bij elkaar.")],
        "en": [("Document", "Climate dossier", "Everything on climate together.")],
    },
    "forms": {
        "nl": [("EasyForm", "Stel een vraag", "Stel uw vraag via dit formulier.")],
        "en": [("EasyForm", "Ask a question", "Ask your question with this form.")],
    },
    "newsletter": {
        "nl": [("Document", "Over de nieuwsbrief", "Elke maand het belangrijkste.")],
        "en": [("Document", "About the newsletter", "The essentials every month.")],
    },
    "magazine": {
        "nl": [("Document", "Wonen aan het water", "Een reportage uit Zeeland.")],
        "en": [("Document", "Living by the water", "A report from Zeeland.")],
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
    for index, language in enumerate(settings.languages):
        root = site if index == 0 else site[language]
        for name in settings.blocks:
            folder = BLOCKS[name].folder(language)
            if folder is None or folder.id not in root.objectIds():
                continue
            for type_name, title, text in SAMPLES.get(name, {}).get(language, ()):
                _add_sample(root[folder.id], type_name, title, text, language)


def _add_sample(folder, type_name: str, title: str, text: str, language: str):
    extra = {}
    if type_name == "Event":
        # plone.app.event compares with aware datetimes, so a naive one breaks
        # every listing of events; it stores pytz zones, which pickle.
        zone = pytz.timezone(
            api.portal.get_registry_record("plone.portal_timezone") or "UTC"
        )
        start = datetime.now(zone).replace(hour=10, minute=0, second=0, microsecond=0)
        start += timedelta(days=14)
        extra = {"start": start, "end": start + timedelta(hours=4)}
    if type_name in ("Document", "News Item", "Event"):
        extra["text"] = RichTextValue(f"<p>{text}</p>", "text/html", "text/x-html-safe")
    # Named from the title at creation, so nothing is renamed (and reindexed)
    # afterwards as with plone.api's create.
    item = createContentInContainer(
        folder,
        type_name,
        checkConstraints=False,
        title=title,
        description=text,
        **extra,
    )
    ILanguage(item).set_language(language)
    if api.content.get_state(item, default=None) == "private":
        api.content.transition(item, transition="publish")
    return item
