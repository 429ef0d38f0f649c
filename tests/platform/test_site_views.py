"""The platform's pages: the create-site form, the overview and the public list."""

from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.testing.zope import Browser
from pro.platform import api as platform
from pro.testing import make_site
from zope.component.hooks import setSite
import pytest
import transaction


@pytest.fixture
def browser(functional):
    browser = Browser(functional["app"])
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic {SITE_OWNER_NAME}:{SITE_OWNER_PASSWORD}")
    return browser


def open_form(browser, portal):
    browser.open(f"{portal.absolute_url()}/@@create-site")
    return browser


def field_error(browser, name: str) -> str:
    """The error text shown with one field of the form, or ''."""
    html = browser.contents
    marker = f'id="formfield-form-widgets-{name}"'
    start = html.find(marker)
    if start < 0:
        return ""
    end = html.find('id="formfield-form-widgets-', start + len(marker))
    block = html[start : end if end > 0 else None]
    if "invalid-feedback" not in block and "fieldErrorBox" not in block:
        return ""
    return block


def test_form_creates_a_site_and_shows_it(browser, functional_portal):
    form = open_form(browser, functional_portal)
    form.getControl(name="form.widgets.id").value = "onderwijs"
    form.getControl(name="form.widgets.title").value = "Onderwijs"
    form.getControl(name="form.widgets.organisation").value = "Ministerie van OCW"
    form.getControl(name="form.widgets.blocks:list").value = ["news", "faq"]
    form.getControl(name="form.widgets.domains").value = "www.onderwijs.example"
    form.getControl(name="form.buttons.create").click()

    assert browser.url.endswith("/plone/onderwijs")
    transaction.begin()
    site = platform.get_site(functional_portal, "onderwijs")
    summary = platform.site_summary(site, with_counts=False)
    assert summary["blocks"] == ["news", "faq"]
    assert summary["domains"] == ["www.onderwijs.example"]
    assert summary["organisation"] == "Ministerie van OCW"


def test_form_shows_errors_at_each_bad_field_and_creates_nothing(
    browser, functional_portal
):
    form = open_form(browser, functional_portal)
    form.getControl(name="form.widgets.id").value = "Geen Geldig Id"
    form.getControl(name="form.widgets.title").value = "Titel"
    form.getControl(name="form.widgets.organisation").value = "Org"
    form.getControl(name="form.widgets.primary_color").value = "#ffee00"
    form.getControl(name="form.widgets.editors").value = "niemand"
    form.getControl(name="form.buttons.create").click()

    assert "lower-case letters" in field_error(browser, "id")
    assert "4.5:1" in field_error(browser, "primary_color")
    assert "No user" in field_error(browser, "editors")
    assert field_error(browser, "title") == ""
    # What was typed is kept, so only the bad fields need retyping.
    assert form.getControl(name="form.widgets.title").value == "Titel"
    transaction.begin()
    assert platform.list_sites(functional_portal) == []


def test_form_fields_have_labels_and_help(browser, functional_portal):
    open_form(browser, functional_portal)

    for name in ("id", "title", "organisation", "profile", "blocks", "domains"):
        assert f'for="form-widgets-{name}' in browser.contents
    assert "kleine letters, cijfers en streepjes" in browser.contents


def test_overview_lists_and_searches_sites(browser, functional_portal):
    setSite(functional_portal)
    make_site(functional_portal, "onderwijs", title="Onderwijs", organisation="OCW")
    make_site(functional_portal, "water", title="Water", organisation="Waterdienst")
    transaction.commit()

    browser.open(f"{functional_portal.absolute_url()}/@@sites-overview")
    assert "Onderwijs" in browser.contents and "Water" in browser.contents

    browser.open(f"{functional_portal.absolute_url()}/@@sites-overview?q=waterdienst")
    assert "Waterdienst" in browser.contents
    assert "OCW" not in browser.contents


def test_platform_pages_are_closed_to_visitors(functional):
    anonymous = Browser(functional["app"])
    portal_url = functional["portal"].absolute_url()

    for page in ("@@create-site", "@@sites-overview"):
        anonymous.open(f"{portal_url}/{page}")
        assert "require_login" in anonymous.url or "login" in anonymous.contents
        assert 'name="form.widgets.id"' not in anonymous.contents


def test_form_speaks_the_platforms_language(browser, functional_portal):
    open_form(browser, functional_portal)

    assert "Id van de website" in browser.contents
    assert "Bouwblokken" in browser.contents
