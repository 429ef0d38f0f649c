"""The platform's Plone site has every add-on, and PRO installs and uninstalls."""

from plone import api
from plone.app.multilingual.interfaces import IPloneAppMultilingualInstalled
from plone.base.utils import get_installer
from plone.portlets.interfaces import IPortletAssignmentMapping
from plone.portlets.interfaces import IPortletManager
from pro.interfaces import IProLayer
from pro.platform.setup import ADDONS
from pro.platform.setup import create_platform
from pro.platform.setup import installed_addons
from Products.Five.browser import BrowserView
from zope.component import getMultiAdapter
from zope.component import getUtility
from zope.component.hooks import setSite
from zope.interface import noLongerProvides
from zope.viewlet.interfaces import IViewletManager


def test_every_addon_is_installed(portal):
    assert installed_addons(portal) == dict.fromkeys(ADDONS, True)


def test_browser_layer_is_registered(browser_layers):
    assert IProLayer in browser_layers


def test_platform_speaks_dutch_with_english_available(portal):
    assert api.portal.get_registry_record("plone.default_language") == "nl"
    assert api.portal.get_registry_record("plone.available_languages") == ["nl", "en"]


def test_platform_types_and_workflows_are_installed(portal):
    assert "Website" in api.portal.get_tool("portal_types")
    workflows = api.portal.get_tool("portal_workflow")
    assert {"pro_publication_workflow", "pro_site_workflow"} <= set(
        workflows.objectIds()
    )
    assert "pro_site" in api.portal.get_tool("portal_placeful_workflow").objectIds()


def test_uninstall_removes_what_pro_added(portal):
    installer = get_installer(portal)

    installer.uninstall_product("pro")

    assert not installer.is_product_installed("pro")
    assert "Website" not in api.portal.get_tool("portal_types")
    assert "pro_site" not in api.portal.get_tool("portal_placeful_workflow")
    from plone.browserlayer.utils import registered_layers

    assert IProLayer not in registered_layers()

    installer.install_product("pro")
    assert installer.is_product_installed("pro")


def test_first_start_creates_the_platform_with_every_addon(app, portal, http_request):
    # The first start runs on a fresh request that carries no add-on layers;
    # with this one, multilingual would set up the test site instead.
    noLongerProvides(http_request, IPloneAppMultilingualInstalled)
    platform = create_platform(app, "pro")
    setSite(platform)

    assert installed_addons(platform) == dict.fromkeys(ADDONS, True)
    assert platform.Title() == "PRO"
    assert api.portal.get_registry_record("plone.default_language") == "nl"
    setSite(portal)


def test_no_type_names_the_missing_comments_behavior(portal):
    types_tool = api.portal.get_tool("portal_types")
    for name in ("Event", "EasyForm"):
        assert "plone.allowdiscussion" not in types_tool[name].behaviors


def test_no_navigation_portlet_lists_every_sibling(portal):
    # The theme's menu and breadcrumbs take its place; with it, a page in a
    # folder of thousands rendered the whole folder.
    manager = getUtility(IPortletManager, name="plone.leftcolumn", context=portal)
    assignments = getMultiAdapter((portal, manager), IPortletAssignmentMapping)

    assert "navigation" not in assignments


def footer_html(portal, request) -> str:
    view = BrowserView(portal, request)
    manager = getMultiAdapter(
        (portal, request, view), IViewletManager, name="plone.portalfooter"
    )
    manager.update()
    return manager.render()


def test_pages_have_the_theme_footer_and_not_plones_footer_portlets(
    portal, http_request
):
    # The theme shows its own footer; Plone's portlets there were rendered on
    # every page only for Diazo to drop them.
    assert 'id="pro-footer"' in footer_html(portal, http_request)
    assert 'id="portal-colophon"' not in footer_html(portal, http_request)

    get_installer(portal).uninstall_product("pro")
    assert 'id="portal-colophon"' in footer_html(portal, http_request)
    get_installer(portal).install_product("pro")
    assert 'id="portal-colophon"' not in footer_html(portal, http_request)
