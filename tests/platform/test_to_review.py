"""A chief editor's review list holds their own site's submissions only."""

from plone import api
from plone.testing.zope import Browser
from pro.testing import make_site
from pro.testing import make_user
from zope.component.hooks import setSite
import pytest
import transaction


@pytest.fixture
def sites(functional_portal):
    setSite(functional_portal)
    with api.env.adopt_roles(["Manager"]):
        for user_id in ("chef-a", "redacteur-a", "chef-b"):
            make_user(user_id)
    a = make_site(functional_portal, "a", chief_editors=["chef-a"])
    b = make_site(functional_portal, "b", chief_editors=["chef-b"])
    with api.env.adopt_roles(["Manager"]):
        for site, title in ((a, "Voorstel van a"), (b, "Voorstel van b")):
            item = api.content.create(site["nieuws"], type="News Item", title=title)
            api.content.transition(item, transition="submit")
        api.content.create(a["nieuws"], type="News Item", title="Concept van a")
    transaction.commit()
    return functional_portal


def review_page(functional, portal, user_id, site_id):
    browser = Browser(functional["app"])
    browser.raiseHttpErrors = False
    browser.addHeader("Authorization", f"Basic {user_id}:{user_id}-Secret-1")
    browser.open(f"{portal.absolute_url()}/{site_id}/@@to-review")
    return browser


def test_chief_editor_sees_pending_items_of_their_site(functional, sites):
    page = review_page(functional, sites, "chef-a", "a").contents

    assert "Voorstel van a" in page
    assert "Voorstel van b" not in page
    assert "Concept van a" not in page


@pytest.mark.parametrize(
    ("user_id", "site_id"), [("chef-b", "a"), ("redacteur-a", "a")]
)
def test_others_get_no_review_list(functional, sites, user_id, site_id):
    page = review_page(functional, sites, user_id, site_id).contents

    assert "Voorstel van a" not in page
