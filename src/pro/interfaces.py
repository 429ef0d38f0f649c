"""Interfaces shared by every capability of PRO."""

from zope.interface import Interface
from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IProLayer(IDefaultBrowserLayer):
    """Browser layer, active where the ``pro:default`` profile is installed."""


class IContentSecurityPolicySources(Interface):
    """Origins one capability needs in a site's Content-Security-Policy.

    Registered as named utilities; the security headers combine the answers of
    all of them with the platform's own policy, so a capability that loads
    something from elsewhere (an analytics tracker, say) widens the policy
    only for the sites that use it.
    """

    def sources(site) -> dict[str, list[str]]:
        """Source expressions per directive (``"script-src"``: [...]) that
        ``site`` needs; ``site`` is the child site, or the platform itself."""
