"""Marker interfaces of the platform."""

from collective.lineage.interfaces import IChildSite


class IPlatformSite(IChildSite):
    """A website made by the site factory: a lineage child site with settings."""


class ILanguageBranch(IChildSite):
    """The folder holding one further language of a multilingual site.

    It is a child site of its own, so navigation, search and the menu stay
    within one language.
    """
