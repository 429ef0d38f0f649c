"""Fixtures of the statistics tests: sites, a settable clock and counters."""

from datetime import datetime
from pro.stats.counter import HitCounter
from pro.stats.counter import reset_process_counter
from pro.stats.counter import TIMEZONE
from pro.stats.middleware import portal_opener
from pro.testing import make_site
import pytest
import transaction


BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
)


class Clock:
    """Seconds since the epoch that a test sets to any moment it needs."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 10, 0, tzinfo=TIMEZONE).timestamp()

    def __call__(self) -> float:
        return self.now

    def set(self, moment: str) -> None:
        """Move to ``moment``, local time, e.g. ``"2026-11-03 09:30"``."""
        self.now = datetime.fromisoformat(moment).replace(tzinfo=TIMEZONE).timestamp()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sites(functional_portal):
    """Two committed sites, ``onderwijs`` and ``zorg``."""
    make_site(functional_portal, "onderwijs", organisation="Ministerie van OCW")
    make_site(functional_portal, "zorg", organisation="Ministerie van VWS")
    transaction.commit()
    yield functional_portal
    # The process's counter writes into this test's database: stop it first.
    reset_process_counter()


@pytest.fixture
def new_counter(sites, clock):
    """Make counters writing into the functional layer's database."""
    made = []

    def make(instance_id: str = "instance-a") -> HitCounter:
        counter = HitCounter(
            portal_opener(sites._p_jar.db(), sites.getPhysicalPath()),
            instance_id,
            clock=clock,
        )
        counter.flush()
        made.append(counter)
        return counter

    yield make
    for counter in made:
        counter.flush()


@pytest.fixture(autouse=True)
def no_process_counter():
    """Each test starts without a counter left by another test."""
    reset_process_counter()


def fresh_portal(portal):
    """The portal as the database has it now, after other connections wrote."""
    transaction.abort()
    portal._p_jar.sync()
    return portal
