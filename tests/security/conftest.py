"""Fixtures of the security suites."""

from security_platform import arrange_platform
from security_platform import Platform
import pytest


@pytest.fixture(scope="class")
def platform(functional_portal_class) -> Platform:
    """Sites a and b with their people and b's private items, once a class."""
    return arrange_platform(functional_portal_class)
