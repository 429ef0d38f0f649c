"""Make the Mediatheek, its two groups and who may do what in it.

The roles Photographer and Curator are held through the groups
``mediatheek-fotografen`` and ``mediatheek-beheerders``, platform-wide; they
grant something only on the Mediatheek, whose permissions are set here
without acquisition: photographers and curators add items, curators review,
see expired items and list the library. Everything else (who sees an item)
is the items' workflow, ``pro_media_workflow``.
"""

from plone.dexterity.utils import createContentInContainer
from pro.media import logger
from pro.media.content import MEDIATHEEK_ID
from Products.CMFCore.utils import getToolByName


PHOTOGRAPHERS_GROUP = "mediatheek-fotografen"
CURATORS_GROUP = "mediatheek-beheerders"
GROUPS = {
    PHOTOGRAPHERS_GROUP: ("Mediatheek: fotografen", "Photographer"),
    CURATORS_GROUP: ("Mediatheek: beheerders", "Curator"),
}
ADMINISTRATORS = ("Manager", "Site Administrator")
PERMISSIONS = {
    "pro.media: Add media": ("Photographer", "Curator", *ADMINISTRATORS),
    "Add portal content": ("Photographer", "Curator", *ADMINISTRATORS),
    "Review portal content": ("Curator", *ADMINISTRATORS),
    "Access inactive portal content": ("Curator", *ADMINISTRATORS),
    "List folder contents": ("Curator", *ADMINISTRATORS),
    "Delete objects": ("Curator", *ADMINISTRATORS),
    "Modify portal content": ("Curator", *ADMINISTRATORS),
}


def install_mediatheek(portal) -> None:
    """Create ``/pro/mediatheek`` and its groups; safe to run again."""
    mediatheek = portal.get(MEDIATHEEK_ID)
    if mediatheek is None:
        # Not addable anywhere by hand (global_allow is off): there is one.
        mediatheek = createContentInContainer(
            portal,
            "Mediatheek",
            checkConstraints=False,
            id=MEDIATHEEK_ID,
            title="Mediatheek",
            description="Foto's, video en audio voor alle websites.",
            exclude_from_nav=True,
        )
        logger.info("Created the Mediatheek at /%s", MEDIATHEEK_ID)
    for permission, roles in PERMISSIONS.items():
        mediatheek.manage_permission(permission, roles=list(roles), acquire=False)
    mediatheek.reindexObjectSecurity()
    _create_groups(portal)


def _create_groups(portal) -> None:
    groups_tool = getToolByName(portal, "portal_groups")
    for group_id, (title, role) in GROUPS.items():
        if groups_tool.getGroupById(group_id) is None:
            groups_tool.addGroup(group_id, roles=[role], title=title)
        else:
            groups_tool.editGroup(group_id, roles=[role], title=title)
