"""The Website type: the root of one organisation's site."""

from plone.dexterity.content import Container
from plone.supermodel import model
from zope.interface import implementer


class IWebsite(model.Schema):
    """Title and description come from behaviors; the rest are site settings."""


@implementer(IWebsite)
class Website(Container):
    """A child site made by the site factory.

    Its settings live in an annotation (:mod:`pro.platform.settings`), its
    visitors' and editors' rights in local roles and its workflow policy.
    """
