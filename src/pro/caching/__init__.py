"""HTTP caching rules and purging for the platform's pages.

The rules are plone.app.caching's, set in the profile
(``profiles/default/registry/caching.xml``); this package adds the purge paths
of the platform's sites and domains (:mod:`pro.caching.purge`) and the
instance setting that names the caching proxies (:mod:`pro.caching.settings`).
"""

import logging


logger = logging.getLogger("pro.caching")
