"""Fixtures shared by every suite: the PRO layers through pytest-plone, and
Chromium for the browser suites (``pro_browser``)."""

from pro.testing import FUNCTIONAL_TESTING
from pro.testing import INTEGRATION_TESTING
from pytest_plone import fixtures_factory


pytest_plugins = ["pytest_plone", "pro_browser"]

globals().update(
    fixtures_factory(
        (
            (FUNCTIONAL_TESTING, "functional"),
            (INTEGRATION_TESTING, "integration"),
        )
    )
)
