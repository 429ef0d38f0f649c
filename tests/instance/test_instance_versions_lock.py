"""The installed environment is the one ``constraints.txt`` freezes.

An install without the constraints file resolves newer core packages than a
Plone release ships, and nothing else would notice: these tests compare what
is installed with what is pinned. A pin for a distribution that is not
installed (a platform-only wheel, say) is not checked against anything.
"""

from importlib import metadata
from packaging.utils import canonicalize_name
from packaging.version import Version
from pathlib import Path
from pro.instance.versions import read_pins
import pytest


CONSTRAINTS = Path(__file__).resolve().parents[2] / "constraints.txt"

# The releases PRO is built and documented on.
CORE = ["Products.CMFPlone", "Zope", "plone.classicui", "RelStorage", "ZODB"]


def pinned() -> dict[str, str]:
    """The pins of constraints.txt, keyed by PEP 503 normalised name."""
    pins = read_pins(CONSTRAINTS.read_text(encoding="utf-8"))
    return {canonicalize_name(name): version for name, version in pins.items()}


def installed() -> dict[str, str]:
    """Installed distributions by normalised name (the first one on the path)."""
    versions: dict[str, str] = {}
    for distribution in metadata.distributions():
        name = canonicalize_name(distribution.metadata["Name"] or "")
        versions.setdefault(name, distribution.version)
    return versions


@pytest.mark.parametrize("name", CORE)
def test_the_core_release_is_installed_at_its_pinned_version(name):
    pin = pinned().get(canonicalize_name(name))

    assert pin is not None, f"{name} is not pinned in constraints.txt"
    assert Version(metadata.version(name)) == Version(pin)


def test_every_installed_pinned_distribution_has_its_pinned_version():
    versions = installed()
    drift = {
        name: f"pinned {pin}, installed {versions[name]}"
        for name, pin in pinned().items()
        if name in versions and Version(versions[name]) != Version(pin)
    }

    assert drift == {}


def test_most_pins_are_installed_so_the_comparison_means_something():
    pins = pinned()
    missing = sorted(set(pins) - set(installed()))

    assert len(missing) < len(pins) / 10, f"pinned but not installed: {missing}"


def test_no_pinned_version_is_a_pre_release():
    pre_releases = {
        name: pin for name, pin in pinned().items() if Version(pin).is_prerelease
    }

    assert pre_releases == {}
