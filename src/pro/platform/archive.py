"""Close archived sites to everyone outside their team.

Archiving changes only the state of the site root, so that all content keeps
its own state for the day the site reopens. Zope checks permissions on the
published object alone, not on the folders traversed to reach it, so a
published page in an archived site would still be served; this check after
traversal closes that gap for every view, file and REST call below the site.
"""

from AccessControl import getSecurityManager
from AccessControl import Unauthorized
from Acquisition import aq_base
from plone.rest.traverse import RESTWrapper
from pro.platform.interfaces import IPlatformSite


def refuse_archived_sites(event) -> None:
    for item in event.request.get("PARENTS", ()):
        # REST requests traverse wrappers around the content they reach.
        if isinstance(aq_base(item), RESTWrapper):
            item = item.context
        if IPlatformSite.providedBy(item):
            if not getSecurityManager().checkPermission("View", item):
                raise Unauthorized("This site is archived.")
            return
