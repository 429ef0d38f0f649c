"""The Website type: the root of one organisation's site."""

from plone.dexterity.content import Container
from plone.supermodel import model
from pro.platform.interfaces import IPlatformSite
from zope.interface import implementer


class IWebsite(model.Schema):
    """Title and description come from behaviors; the rest are site settings."""


# IPlatformSite is declared on the class, not on each object, because a check
# like providedBy() on an object that is still a ghost sees only what its class
# declares; the archive guard meets sites in that state.
@implementer(IWebsite, IPlatformSite)
class Website(Container):
    """A child site made by the site factory.

    Its settings live in an annotation (:mod:`pro.platform.settings`), its
    visitors' and editors' rights in local roles and its workflow policy.
    """
