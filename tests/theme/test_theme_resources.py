"""Visitors' style sheet and script tags, kept per process, follow every
change of what they are made of."""

from plone import api
from plone.app.testing import logout
from plone.base.interfaces import IBundleRegistry
from plone.registry.interfaces import IRegistry
from pro.theme.resources import Scripts
from pro.theme.resources import Styles
from Products.CMFPlone.resources.browser.resource import REQUEST_CACHE_KEY
from Products.CMFPlone.resources.browser.resource import ScriptsView
from Products.CMFPlone.resources.browser.resource import StylesView
from Products.CMFPlone.resources.utils import get_override_directory
from zope.component import getUtility
import pytest
import re


def tags(viewlet_class, context, request) -> str:
    # Each page is a new request: nothing of the last one's rendering stays.
    if hasattr(request, REQUEST_CACHE_KEY):
        delattr(request, REQUEST_CACHE_KEY)
    viewlet = viewlet_class(context, request, None, None)
    viewlet.update()
    return viewlet.render()


def bundles(html: str) -> list[str]:
    return re.findall(r'data-bundle="([^"]+)"', html)


@pytest.fixture
def visitor(portal, http_request):
    logout()
    return portal, http_request


def test_visitors_get_the_tags_plone_renders(visitor):
    portal, request = visitor

    assert tags(Styles, portal, request) == tags(StylesView, portal, request)
    assert tags(Scripts, portal, request) == tags(ScriptsView, portal, request)
    # The second page comes from the kept rendering, and is the same.
    assert tags(Styles, portal, request) == tags(StylesView, portal, request)
    assert "pro-theme" in bundles(tags(Styles, portal, request))


def test_a_new_or_disabled_bundle_shows_on_the_next_page(visitor):
    portal, request = visitor
    before = tags(Styles, portal, request)
    registry = getUtility(IRegistry)
    registry.registerInterface(IBundleRegistry, prefix="plone.bundles/extra")
    registry["plone.bundles/extra.csscompilation"] = "++plone++pro.theme/theme.css"
    registry["plone.bundles/extra.enabled"] = True

    assert "extra" in bundles(tags(Styles, portal, request))
    registry["plone.bundles/extra.enabled"] = False
    assert tags(Styles, portal, request) == before


def test_an_overridden_file_gets_a_new_address(visitor):
    portal, request = visitor
    theme_link = re.compile(r'<link data-bundle="pro-theme" href="([^"]+)"')
    before = theme_link.search(tags(Styles, portal, request)).group(1)

    get_override_directory(portal).writeFile(
        "pro.theme/theme.css", b"body { color: black; }"
    )

    after = theme_link.search(tags(Styles, portal, request)).group(1)
    assert after != before
    assert after == theme_link.search(tags(StylesView, portal, request)).group(1)


def test_a_theme_setting_shows_on_the_next_page(visitor):
    portal, request = visitor
    api.portal.set_registry_record(
        "plone.app.theming.interfaces.IThemeSettings.custom_css", "body { margin: 0 }"
    )

    assert "plonecustomcss" in bundles(tags(Styles, portal, request))


def test_a_broken_bundle_expression_leaves_the_page_to_plone(visitor):
    portal, request = visitor
    registry = getUtility(IRegistry)
    registry.registerInterface(IBundleRegistry, prefix="plone.bundles/broken")
    registry["plone.bundles/broken.csscompilation"] = "++plone++pro.theme/theme.css"
    registry["plone.bundles/broken.enabled"] = False
    registry["plone.bundles/broken.expression"] = "python: 1 / 0"

    assert tags(Styles, portal, request) == tags(StylesView, portal, request)
