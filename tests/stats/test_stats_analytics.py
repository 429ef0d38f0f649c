"""External Matomo or Piwik PRO per site: validated, privacy first, in the CSP."""

from conftest import fresh_portal
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from pro.interfaces import IContentSecurityPolicySources
from pro.platform.team import set_group_members
from pro.stats.analytics import analytics_settings
from pro.stats.analytics import validate_analytics
from pro.stats.exceptions import InvalidAnalyticsSettings
from pro.testing import make_user
from pro.testing import RestClient
from zope.component import getUtility
import pytest
import re
import transaction


UUID = "0e5f9e3c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        (
            {
                "provider": "matomo",
                "tracker_url": "http://stats.example.nl/",
                "tracker_site_id": "3",
            },
            {"tracker_url"},
        ),
        (
            {
                "provider": "matomo",
                "tracker_url": "https://stats.example.nl/",
                "tracker_site_id": "drie",
            },
            {"tracker_site_id"},
        ),
        (
            {
                "provider": "piwikpro",
                "tracker_url": "https://x.piwik.pro/",
                "tracker_site_id": "3",
            },
            {"tracker_site_id"},
        ),
        (
            {
                "provider": "google",
                "tracker_url": "javascript:alert(1)",
                "tracker_site_id": "",
            },
            {"provider", "tracker_url"},
        ),
        (
            {
                "provider": "matomo",
                "tracker_url": "https://user:pw@stats.example.nl/",
                "tracker_site_id": "3",
            },
            {"tracker_url"},
        ),
    ],
)
def test_bad_settings_are_refused_naming_each_field(data, fields):
    with pytest.raises(InvalidAnalyticsSettings) as refused:
        validate_analytics(data)

    assert set(refused.value.errors) == fields


def test_good_settings_are_normalised():
    settings = validate_analytics(
        {
            "provider": "piwikpro",
            "tracker_url": "https://org.piwik.pro",
            "tracker_site_id": UUID.upper(),
        }
    )

    assert settings.tracker_url == "https://org.piwik.pro/"
    assert settings.tracker_site_id == UUID
    assert settings.origin == "https://org.piwik.pro"


@pytest.fixture
def owner(sites):
    make_user("eigenaar")
    make_user("redacteur")
    set_group_members(sites, "onderwijs", "owners", ["eigenaar"])
    set_group_members(sites, "onderwijs", "editors", ["redacteur"])
    transaction.commit()
    return sites


def save(portal, user: str, **fields):
    session = RestClient(portal.absolute_url(), auth=(user, f"{user}-Secret-1"))
    form = session.get(
        "onderwijs/@@externe-statistieken", headers={"Accept": "text/html"}
    )
    token = re.search(r'name="_authenticator" value="([^"]+)"', form.text)
    return session.post(
        "onderwijs/@@externe-statistieken",
        data={"form.submitted": "1", "_authenticator": token.group(1), **fields},
        headers={"Accept": "text/html"},
    )


def test_an_owner_switches_matomo_on_and_every_page_loads_it(owner):
    response = save(
        owner,
        "eigenaar",
        provider="matomo",
        tracker_url="https://statistiek.example.nl/",
        tracker_site_id="7",
    )
    page = (
        RestClient(owner.absolute_url())
        .get("onderwijs", headers={"Accept": "text/html"})
        .text
    )
    other = (
        RestClient(owner.absolute_url())
        .get("zorg", headers={"Accept": "text/html"})
        .text
    )

    assert response.status_code == 200
    loader = re.search(r"<script[^>]*analytics\.js[^>]*>", page).group(0)
    assert 'data-provider="matomo"' in loader
    assert 'data-tracker="https://statistiek.example.nl/"' in loader
    assert 'data-site-id="7"' in loader
    assert "analytics.js" not in other
    # The built-in statistics keep running beside it.
    assert "beacon.js" in page

    sources = getUtility(IContentSecurityPolicySources, name="pro.stats")
    portal = fresh_portal(owner)
    assert sources.sources(portal["onderwijs"])["script-src"] == [
        "https://statistiek.example.nl"
    ]
    assert sources.sources(portal["zorg"]) == {}


def test_a_refused_form_stores_nothing_and_says_which_field(owner):
    response = save(
        owner,
        "eigenaar",
        provider="matomo",
        tracker_url="ftp://statistiek.example.nl/",
        tracker_site_id="7",
    )

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert "https address" in response.text
    assert not analytics_settings(fresh_portal(owner)["onderwijs"]).enabled


def test_editors_may_not_change_the_tracker(owner):
    session = RestClient(owner.absolute_url(), auth=("redacteur", "redacteur-Secret-1"))
    response = session.get(
        "onderwijs/@@externe-statistieken",
        headers={"Accept": "text/html"},
        allow_redirects=False,
    )
    admin = RestClient(
        owner.absolute_url(), auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    )

    assert response.status_code in (302, 401)
    assert (
        admin.get(
            "onderwijs/@@externe-statistieken", headers={"Accept": "text/html"}
        ).status_code
        == 200
    )
