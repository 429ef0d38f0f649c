"""HTTP caching rules and purging for the platform's pages.

The rules are plone.app.caching's, set in the profile
(``profiles/default/registry/caching.xml``); this package adds the purge paths
of the platform's sites and domains (:mod:`pro.caching.purge`), the instance
setting that names the caching proxies (:mod:`pro.caching.settings`), and the
RAM cache answered in front of Zope's publisher (:mod:`pro.caching.front`,
with its Zope side in :mod:`pro.caching.ramcache`).
"""

import logging


logger = logging.getLogger("pro.caching")
