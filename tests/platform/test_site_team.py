"""Site owners manage their own site's team, and no other site's."""

from plone import api
from plone.testing.zope import Browser
from pro.platform.team import group_members
from pro.testing import make_site
from pro.testing import make_user
from zope.component.hooks import setSite
import pytest
import transaction


@pytest.fixture
def sites(functional_portal):
    setSite(functional_portal)
    with api.env.adopt_roles(["Manager"]):
        make_user("eigenaar")
        make_user("redacteur")
        make_user("nieuw", email="nieuw@example.org")
    make_site(functional_portal, "a", owners=["eigenaar"], editors=["redacteur"])
    make_site(functional_portal, "b")
    transaction.commit()
    return functional_portal


def browser_for(functional, user_id: str) -> Browser:
    browser = Browser(functional["app"])
    browser.raiseHttpErrors = False
    browser.addHeader("Authorization", f"Basic {user_id}:{user_id}-Secret-1")
    return browser


ROLE_ORDER = ("owners", "chief_editors", "editors")


def add_member(browser, role: str, name: str) -> None:
    index = ROLE_ORDER.index(role)
    browser.getControl(name="add", index=index).value = name
    browser.getControl("Toevoegen", index=index).click()


def team_page(browser, portal, site_id: str):
    browser.open(f"{portal.absolute_url()}/{site_id}/@@site-team")
    return browser


def test_owner_adds_an_editor_by_email(functional, sites):
    browser = team_page(browser_for(functional, "eigenaar"), sites, "a")

    add_member(browser, "editors", "nieuw@example.org")

    transaction.begin()
    assert group_members(sites["a"], "editors") == ["nieuw", "redacteur"]
    assert "nieuw" in browser.contents


def test_owner_removes_a_member(functional, sites):
    browser = team_page(browser_for(functional, "eigenaar"), sites, "a")

    # The owner is listed first, then the editor.
    browser.getControl("Verwijderen", index=1).click()

    transaction.begin()
    assert group_members(sites["a"], "editors") == []


def test_unknown_user_is_refused_with_a_message(functional, sites):
    browser = team_page(browser_for(functional, "eigenaar"), sites, "a")

    add_member(browser, "chief_editors", "niemand")

    assert "No user" in browser.contents
    transaction.begin()
    assert group_members(sites["a"], "chief_editors") == []


def test_a_change_without_the_form_token_is_refused(functional, sites):
    browser = browser_for(functional, "eigenaar")

    browser.post(f"{sites.absolute_url()}/a/@@site-team", "role=editors&add=nieuw")

    assert browser.headers["status"].startswith("403")
    transaction.begin()
    assert group_members(sites["a"], "editors") == ["redacteur"]


@pytest.mark.parametrize(
    ("user_id", "site_id"), [("eigenaar", "b"), ("redacteur", "a")]
)
def test_others_cannot_open_the_team_page(functional, sites, user_id, site_id):
    browser = team_page(browser_for(functional, user_id), sites, site_id)

    assert 'name="add"' not in browser.contents
