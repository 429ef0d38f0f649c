"""PRO's profile installs the building blocks' types, their permissions and
indexes, and its uninstall profile takes them away again."""

from content_cases import BLOCK_TYPES
from plone import api
from plone.base.utils import get_installer
import pytest


OWN_TYPES = [name for name in BLOCK_TYPES if name != "News Item"]
INDEXES = ("document_date", "document_year", "topic_uids", "publication_type")


def test_types_are_installed_with_add_permissions_for_contributors(portal):
    types_tool = api.portal.get_tool("portal_types")
    for type_name in OWN_TYPES:
        permission = f"pro: Add {type_name}"
        roles = {
            role["name"]
            for role in portal.rolesOfPermission(permission)
            if role["selected"]
        }

        assert type_name in types_tool
        assert {"Manager", "Site Administrator", "Owner", "Contributor"} <= roles
    assert "pro.news" in types_tool["News Item"].behaviors


@pytest.mark.parametrize("type_name", BLOCK_TYPES)
def test_every_type_is_translatable(portal, type_name):
    behaviors = api.portal.get_tool("portal_types")[type_name].behaviors

    assert "plone.translatable" in behaviors
    assert "plone.dublincore" in behaviors


def test_uninstall_removes_types_behavior_and_indexes(portal):
    installer = get_installer(portal)
    catalog = api.portal.get_tool("portal_catalog")

    installer.uninstall_product("pro")

    types_tool = api.portal.get_tool("portal_types")
    assert not set(OWN_TYPES) & set(types_tool.objectIds())
    assert "pro.news" not in types_tool["News Item"].behaviors
    assert not set(INDEXES) & set(catalog.indexes())
    installer.install_product("pro")
    assert set(INDEXES) <= set(catalog.indexes())
