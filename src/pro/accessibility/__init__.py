"""Accessibility checks while editing, site reports and the accessibility statement."""

import logging


logger = logging.getLogger("pro.accessibility")
