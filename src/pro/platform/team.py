"""The people of a site: three groups holding local roles on that site only.

Owners manage the site's team and settings, chief editors publish and retract,
editors write and submit. The roles are granted to the groups on the site root
and nowhere else, which is what walls one organisation off from another:
members of site A hold no role at all in site B.
"""

from plone import api
from Products.CMFCore.utils import getToolByName


GROUPS = ("owners", "chief_editors", "editors")

GROUP_ROLES = {
    "owners": ("Site Owner", "Reviewer", "Editor", "Contributor", "Reader"),
    "chief_editors": ("Reviewer", "Editor", "Contributor", "Reader"),
    "editors": ("Editor", "Contributor", "Reader"),
}
GROUP_TITLES = {
    "owners": "website-eigenaren",
    "chief_editors": "eindredacteuren",
    "editors": "redacteuren",
}


def group_id(site_id: str, role: str) -> str:
    """``onderwijs-chief-editors`` for the chief editors of site ``onderwijs``."""
    return f"{site_id}-{role.replace('_', '-')}"


def create_site_groups(portal, site, title: str) -> None:
    groups_tool = getToolByName(portal, "portal_groups")
    for role in GROUPS:
        name = group_id(site.getId(), role)
        groups_tool.addGroup(name, title=f"{title}: {GROUP_TITLES[role]}")
        site.manage_setLocalRoles(name, list(GROUP_ROLES[role]))


def delete_site_groups(portal, site_id: str) -> None:
    groups_tool = getToolByName(portal, "portal_groups")
    for role in GROUPS:
        name = group_id(site_id, role)
        if groups_tool.getGroupById(name) is not None:
            groups_tool.removeGroup(name)


def group_members(site, role: str) -> list[str]:
    group = api.group.get(groupname=group_id(site.getId(), role))
    if group is None:
        return []
    return sorted(group.getMemberIds())


def set_group_members(portal, site_id: str, role: str, user_ids) -> None:
    """Make ``user_ids`` exactly the members of the site's group for ``role``."""
    groups_tool = getToolByName(portal, "portal_groups")
    name = group_id(site_id, role)
    current = set(groups_tool.getGroupById(name).getMemberIds())
    wanted = set(user_ids)
    for user_id in sorted(current - wanted):
        groups_tool.removePrincipalFromGroup(user_id, name)
    for user_id in sorted(wanted - current):
        groups_tool.addPrincipalToGroup(user_id, name)


def find_user(portal, id_or_email: str) -> str | None:
    """The id of the user with this id or e-mail address, or None."""
    acl_users = getToolByName(portal, "acl_users")
    value = id_or_email.strip()
    if not value:
        return None
    if acl_users.getUserById(value) is not None:
        return value
    if "@" in value:
        for found in acl_users.searchUsers(email=value, exact_match=True):
            if (found.get("email") or "").lower() == value.lower() or found.get(
                "login", ""
            ).lower() == value.lower():
                return found["userid"]
    return None
