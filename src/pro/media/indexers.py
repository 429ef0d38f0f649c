"""What the Mediatheek's search filters, counts and finds, as catalog indexes.

Each facet is a FieldIndex (``Subject`` for subjects is Plone's own), so
:mod:`pro.media.search` counts a facet from its index, not by loading every
result.
"""

from DateTime import DateTime
from plone.indexer import indexer
from pro.media.content import IMediaItem
from pro.media.content import LICENCES
from pro.media.metadata import orientation
from zope.interface import Interface


@indexer(IMediaItem)
def media_kind(obj) -> str:
    return obj.kind


@indexer(IMediaItem)
def media_maker(obj) -> str:
    return obj.maker or ""


@indexer(IMediaItem)
def media_organisation(obj) -> str:
    return obj.organisation or ""


@indexer(IMediaItem)
def media_year(obj) -> int:
    """The year it was made, or else the year it was uploaded."""
    if obj.date_made is not None:
        return obj.date_made.year
    return obj.created().year()


@indexer(IMediaItem)
def media_licence(obj) -> str:
    return obj.licence or ""


@indexer(IMediaItem)
def media_orientation(obj) -> str:
    return orientation(obj.width, obj.height) or ""


@indexer(IMediaItem)
def media_rights_expiry(obj) -> DateTime:
    if obj.rights_expiry is None:
        raise AttributeError
    return DateTime(obj.rights_expiry.isoformat())


@indexer(IMediaItem)
def searchable_text(obj) -> str:
    """Every descriptive field, so a search finds an item by any of them."""
    parts = [
        obj.getId(),
        obj.title,
        obj.caption,
        getattr(obj, "alt_text", None),
        obj.maker,
        obj.copyright_holder,
        obj.place,
        obj.organisation,
        obj.original_filename,
        str(LICENCES.get(obj.licence, "")) if obj.licence else None,
        *(obj.subjects or ()),
    ]
    return " ".join(part for part in parts if part)


@indexer(Interface)
def no_value(obj):
    # Only media items carry these values; without this the catalog would
    # look the name up on the object and could find a parent's by acquisition.
    raise AttributeError
