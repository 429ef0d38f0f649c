"""Settings of the Mediatheek, kept in Plone's registry."""

from pro import _
from zope import schema
from zope.interface import Interface


class IMediaSettings(Interface):
    """Records ``pro.media.*``."""

    max_upload_mb = schema.Int(
        title=_("label_media_max_upload_mb", default="Largest upload (MB)"),
        description=_(
            "help_media_max_upload_mb",
            default="Files larger than this are refused with status 413. "
            "Zope itself refuses request bodies over 1 GB.",
        ),
        min=1,
        default=1000,
    )


class IMediaRightsExpired(Interface):
    """An item's rights expired; the pages in ``pages`` still place it.

    Sent by the daily expiry check after the item left the sites, so that
    mail to the editors of those pages goes out once, after commit.
    """

    item = schema.Object(title="The Mediatheek item", schema=Interface)
    pages = schema.List(title="The pages that place it")
    editors = schema.List(title="User ids of those pages' owners and editors")
