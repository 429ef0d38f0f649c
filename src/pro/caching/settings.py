"""Point plone.cachepurging at the caching proxies named in ``instance.yaml``.

The proxies belong to the deployment, not to the database: a restored backup
or a staging copy must purge its own proxies. So they are set on every start
of an instance from its configuration (``caching_proxies``), like the mail
settings, and purging is switched off when none is named.
"""

from collections.abc import Sequence
from plone.cachepurging.interfaces import ICachePurgingSettings
from plone.registry.interfaces import IRegistry
from pro.caching import logger
from zope.component import getUtility


def set_caching_proxies(proxies: Sequence[str]) -> None:
    """Send purges to ``proxies`` (base URLs), or to none when it is empty."""
    settings = getUtility(IRegistry).forInterface(ICachePurgingSettings, check=False)
    settings.cachingProxies = tuple(proxies)
    settings.enabled = bool(proxies)
    if proxies:
        logger.info("Purging caching proxies: %s", ", ".join(proxies))
    else:
        logger.info("No caching proxy configured; purging is off")
