"""Fixtures of the security suites."""

from security_platform import arrange_platform
from security_platform import Platform
import pytest


@pytest.fixture(scope="module")
def platform(functional_session) -> Platform:
    """Sites a and b with their people and b's private items, once a module.

    The functional layer's per-test isolation (a database layer stacked on the
    fixture's) is driven here per module rather than per class: arranging the
    platform is the expensive part, and the suites only read it or restore
    what they change.
    """
    functional_session.testSetUp()
    try:
        yield arrange_platform(functional_session["portal"])
    finally:
        functional_session.testTearDown()
