"""What the building blocks' listings sort and filter on, as catalog indexes.

``document_date`` is the date a visitor reads on an item: the date a
publication carries, the start of an event, and for everything else the date
it was published (or created, while it is not). ``document_year`` is its year,
so a listing filters by year with one index lookup.
"""

from DateTime import DateTime
from plone.app.contenttypes.indexers import SearchableText as plone_searchable_text
from plone.app.textfield.value import IRichTextValue
from plone.base.utils import safe_text
from plone.dexterity.interfaces import IDexterityContent
from plone.event.interfaces import IEvent
from plone.indexer import indexer
from pro.content.content import IBlockContent
from pro.content.content import IPerson
from pro.content.content import IPublication
from pro.content.topics import ITopical
from Products.CMFCore.utils import getToolByName
from zope.interface import Interface


def date_of(obj) -> DateTime:
    """The date a visitor reads on ``obj``, as the catalog stores dates."""
    if IPublication.providedBy(obj) and obj.publication_date is not None:
        return DateTime(obj.publication_date.isoformat())
    if IEvent.providedBy(obj) and getattr(obj, "start", None) is not None:
        return DateTime(obj.start)
    if getattr(obj, "effective_date", None) is not None:
        return obj.effective_date
    return obj.created()


@indexer(IDexterityContent)
def document_date(obj) -> DateTime:
    return date_of(obj)


@indexer(IDexterityContent)
def document_year(obj) -> int:
    return date_of(obj).year()


@indexer(ITopical)
def topic_uids(obj) -> tuple[str, ...]:
    return tuple(getattr(obj, "topics", None) or ())


@indexer(IPublication)
def publication_type(obj) -> str:
    return obj.publication_type


@indexer(IPerson)
def person_order(obj) -> int:
    return obj.sort_order if obj.sort_order is not None else 0


@indexer(Interface)
def no_value(obj):
    # Only the types above carry these values; without this the catalog would
    # look the name up on the object and could find a parent's by acquisition.
    raise AttributeError


@indexer(IBlockContent)
def searchable_text(obj) -> str:
    """Id, title, description, tags, text and every other rich-text field."""
    parts = [plone_searchable_text(obj)]
    transforms = getToolByName(obj, "portal_transforms")
    for name in obj.text_fields:
        value = getattr(obj, name, None)
        if name == "text" or not IRichTextValue.providedBy(value) or not value.raw:
            # Plone's part above already holds the rich-text behavior's text.
            continue
        plain = transforms.convertTo(
            "text/plain", safe_text(value.raw), mimetype=value.mimeType
        )
        parts.append(safe_text(plain.getData()).strip())
    return " ".join(part for part in parts if part)
