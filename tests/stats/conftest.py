"""Fixtures of the statistics tests: sites, a settable clock and counters."""

from datetime import datetime
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from pro.platform.team import set_group_members
from pro.stats.counter import HitCounter
from pro.stats.counter import local_day
from pro.stats.counter import process_counter
from pro.stats.counter import reset_process_counter
from pro.stats.counter import TIMEZONE
from pro.stats.middleware import portal_opener
from pro.stats.report import parse_period
from pro.stats.report import site_report
from pro.stats.storage import stats_storage
from pro.testing import make_site
from pro.testing import make_user
from pro.testing import RestClient
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
    yield make_sites(functional_portal)
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


def make_sites(portal):
    make_site(portal, "onderwijs", organisation="Ministerie van OCW")
    make_site(portal, "zorg", organisation="Ministerie van VWS")
    transaction.commit()
    return portal


def fresh_portal(portal):
    """The portal as the database has it now, after other connections wrote."""
    transaction.abort()
    portal._p_jar.sync()
    return portal


def arrange_team(sites):
    """An owner, chief editor and editor of onderwijs, and an editor of zorg."""
    for user_id in ("eigenaar", "eindredacteur", "redacteur", "zorgredacteur"):
        make_user(user_id)
    set_group_members(sites, "onderwijs", "owners", ["eigenaar"])
    set_group_members(sites, "onderwijs", "chief_editors", ["eindredacteur"])
    set_group_members(sites, "onderwijs", "editors", ["redacteur"])
    set_group_members(sites, "zorg", "editors", ["zorgredacteur"])
    transaction.commit()
    return sites


def client(portal, user: str | None = None) -> RestClient:
    """A browser-like HTTP client, anonymous, as ``user`` or as the admin."""
    auth = None
    if user == "admin":
        auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    elif user is not None:
        auth = (user, f"{user}-Secret-1")
    session = RestClient(portal.absolute_url(), auth=auth)
    session.headers["User-Agent"] = BROWSER
    return session


def beacon(portal, payload: str, user: str | None = None, **headers) -> int:
    """Post a beacon to onderwijs as a browser would; returns the status."""
    response = client(portal, user).post(
        "onderwijs/@@hit",
        data=payload,
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )
    return response.status_code


def counted(portal, site: str = "onderwijs") -> dict:
    """The site's figures today, after the process's counter has written."""
    process_counter().flush()
    stats = stats_storage(fresh_portal(portal))
    return site_report(stats, site, parse_period({}, local_day()))
