"""Interfaces shared by every capability of PRO."""

from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IProLayer(IDefaultBrowserLayer):
    """Browser layer, active where the ``pro:default`` profile is installed."""
