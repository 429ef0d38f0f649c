"""The platform: the site factory, the site registry and the walls between sites.

Everything that makes, changes or lists a site goes through :mod:`pro.platform.api`,
so the form, the REST service and the command line behave the same.
"""

import logging


logger = logging.getLogger("pro.platform")
