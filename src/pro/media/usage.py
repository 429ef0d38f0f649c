"""Where a Mediatheek item is used, and what happens when its rights expire.

A media block and a news item's image hold a relation to the item (a
``RelationChoice``), so Plone's relation catalog knows every page that places
it; :func:`pages_using` reads those back references.

:func:`check_rights_expiry` is the daily check: every published item whose
rights expiry date has come is moved to the ``expired`` state (so neither
visitors nor downloads reach it any more) and an
:class:`~pro.media.interfaces.IMediaRightsExpired` event names the pages that
still place it and their editors, for the mail service to tell them. Pages
stop showing an expired item from the expiry date on, before the check runs:
the page views test the date themselves.
"""

from dataclasses import dataclass
from DateTime import DateTime
from datetime import date
from plone import api
from pro.media import logger
from pro.media.content import IMediaItem
from pro.media.content import MEDIA_TYPES
from pro.media.interfaces import IMediaRightsExpired
from Products.CMFCore.interfaces import IContentish
from zc.relation.interfaces import ICatalog
from zope.component import queryUtility
from zope.event import notify
from zope.interface import implementer
from zope.intid.interfaces import IIntIds


REFERENCE_FIELDS = ("media", "media_image")
# Editors are warned on the item and its pages this many days ahead.
WARNING_DAYS = 30


@implementer(IMediaRightsExpired)
@dataclass
class MediaRightsExpired:
    item: object
    pages: list
    editors: list


def pages_using(item) -> list:
    """Every page that places ``item``: landing pages (through their media
    blocks) and news items, each once, in path order."""
    catalog = queryUtility(ICatalog)
    intids = queryUtility(IIntIds)
    if catalog is None or intids is None:
        return []
    try:
        target = intids.getId(item)
    except KeyError:
        return []
    pages = {}
    for relation in catalog.findRelations({"to_id": target}):
        if relation.from_attribute not in REFERENCE_FIELDS:
            continue
        source = relation.from_object
        if source is None:
            continue
        page = source.__parent__ if relation.from_attribute == "media" else source
        if not IContentish.providedBy(page):
            continue
        pages["/".join(page.getPhysicalPath())] = page
    return [pages[path] for path in sorted(pages)]


def referenced_item(relation):
    """The Mediatheek item a relation value points to, or None."""
    target = relation.to_object if relation is not None else None
    return target if IMediaItem.providedBy(target) else None


def expires_soon(item, today: date | None = None) -> bool:
    """Whether the rights run out within :data:`WARNING_DAYS` (or have)."""
    expiry = item.rights_expiry
    if expiry is None:
        return False
    return (expiry - (today or date.today())).days <= WARNING_DAYS


def check_rights_expiry(portal, today: date | None = None) -> list[MediaRightsExpired]:
    """Take every published item whose rights have expired off the sites.

    :returns: what was done, one entry per item, as also sent in events.
    """
    today = today or date.today()
    brains = api.content.find(
        context=portal,
        portal_type=list(MEDIA_TYPES),
        review_state="published",
        media_rights_expiry={
            "query": DateTime(f"{today.isoformat()} 23:59:59"),
            "range": "max",
        },
        unrestricted=True,
    )
    expired = []
    with api.env.adopt_roles(["Manager"]):
        for brain in brains:
            item = brain._unrestrictedGetObject()
            api.content.transition(item, transition="expire")
            pages = pages_using(item)
            editors = sorted({user for page in pages for user in page.listCreators()})
            event = MediaRightsExpired(item=item, pages=pages, editors=editors)
            notify(event)
            expired.append(event)
            logger.info(
                "Rights of %s expired; used on %d pages",
                "/".join(item.getPhysicalPath()),
                len(pages),
            )
    return expired
