"""Expired rights close an item to its visitors from the expiry date on.

The daily check (:func:`pro.media.usage.check_rights_expiry`) moves an item
whose rights expired to the ``expired`` state, which withdraws it from
visitors by workflow. Until it has run, this guard refuses any request for
the item itself, its downloads or its image scales to everyone who may not
change it, so no visitor gets a file after its rights ended.
"""

from AccessControl import getSecurityManager
from pro.media.content import IMediaItem
from Products.CMFCore.permissions import ModifyPortalContent
from zExceptions import NotFound


def refuse_expired_media(event) -> None:
    """On ``IPubAfterTraversal``: 404 for an expired item to its visitors."""
    request = event.request
    for obj in reversed(request.get("PARENTS") or ()):
        if IMediaItem.providedBy(obj):
            if obj.rights_expired() and not getSecurityManager().checkPermission(
                ModifyPortalContent, obj
            ):
                raise NotFound("The rights of this item have expired.")
            return
