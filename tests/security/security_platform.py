"""The platform the security suites attack: sites a and b, a person for every
role of site a, and in b a private folder holding a private item of every
content type, each with a title no outsider may ever see.

The arrangement is made once per test class on the functional layer, whose
server answers real HTTP; the fingerprint of b and of the platform is read in
this process from the committed database, so "nothing changed" is checked down
to every object's last transaction.
"""

from Acquisition import aq_base
from dataclasses import dataclass
from dataclasses import field
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.dexterity.utils import createContentInContainer
from pro.testing import make_site
from pro.testing import make_user
from pro.testing import RestClient
from zope.interface import alsoProvides
import transaction


# The people of site a, and the outsiders with no role in any site. The
# photographer holds the platform role of outside contributors to the media
# library; the subscriber is a member with no role at all.
ROLES = {
    "owner": "a-owner",
    "chief-editor": "a-chief",
    "editor": "a-editor",
    "photographer": "fotograaf",
    "subscriber": "abonnee",
    "anonymous": None,
}
PHOTOGRAPHER_ROLE = "Photographer"
B_EDITOR = "b-editor"

# Every private title in b carries this word; finding it in an answer to an
# outsider is a leak.
SECRET_WORD = "Vertrouwelijk"
PRIVATE_FOLDER = "geheim"

# One private item of every content type, in the private folder of b. Nested
# types are made inside their container.
SAMPLES = (
    ("Document", None),
    ("News Item", None),
    ("Event", None),
    ("File", None),
    ("Link", None),
    ("Collection", None),
    ("Publication", None),
    ("Topic", None),
    ("Question", None),
    ("Person", None),
    ("Dossier", None),
    ("ContactPage", None),
    ("EasyForm", None),
    ("Magazine", None),
    ("MagazineIssue", "Magazine"),
    ("Article", "MagazineIssue"),
    ("LandingPage", None),
    ("HeroBlock", "LandingPage"),
    ("TextBlock", "LandingPage"),
    ("TeaserListBlock", "LandingPage"),
    ("HighlightsBlock", "LandingPage"),
    ("CallToActionBlock", "LandingPage"),
    ("FormBlock", "LandingPage"),
)


def password(user_id: str) -> str:
    return f"{user_id}-Secret-1"


@dataclass
class Platform:
    """The arranged platform, seen from outside and from inside."""

    portal: object
    samples: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.portal.absolute_url()

    def client(self, role: str, accept: str = "application/json") -> RestClient:
        """An HTTP client acting as ``role`` (a key of :data:`ROLES`)."""
        user_id = ROLES[role]
        auth = None if user_id is None else (user_id, password(user_id))
        client = RestClient(self.url, auth=auth)
        client.headers["Accept"] = accept
        return client

    def admin(self) -> RestClient:
        return RestClient(self.url, auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD))

    def fingerprint(self) -> dict:
        """The last transaction of every object of b, of the platform root,
        and of who holds which role or group, as committed now."""
        # A new transaction shows what the server committed meanwhile.
        transaction.begin()
        portal = self.portal
        acl_users = portal.acl_users
        print_ = {
            "sites": sorted(portal.objectIds()),
            "platform": _serial(portal),
            "registry": _serial(portal.portal_registry),
            "records": _serial(portal.portal_registry.records),
            "groups": _serial(acl_users.source_groups),
            "roles": _serial(acl_users.portal_role_manager),
            "users": _serial(acl_users.source_users),
        }
        if "b" in portal:
            for item in _tree(portal["b"]):
                print_["/".join(item.getPhysicalPath())] = _serial(item)
        return print_

    def changed_since(self, before: dict) -> dict:
        after = self.fingerprint()
        return {
            key: (before.get(key), after.get(key))
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        }


def _serial(item) -> tuple:
    """The last transaction that wrote ``item`` and its annotations."""
    base = aq_base(item)
    annotations = getattr(base, "__annotations__", None)
    return (_loaded_serial(base), _loaded_serial(annotations))


def _loaded_serial(item):
    # A ghost (not loaded yet) reports no transaction at all.
    activate = getattr(item, "_p_activate", None)
    if activate is None:
        return None
    activate()
    return item._p_serial


def _tree(root):
    yield root
    for child in getattr(aq_base(root), "objectValues", lambda: ())():
        yield from _tree(root[child.getId()])


def _arrange(portal) -> Platform:
    _arrange_roles(portal)
    make_site(
        portal,
        "a",
        owners=[ROLES["owner"]],
        chief_editors=[ROLES["chief-editor"]],
        editors=[ROLES["editor"]],
    )
    site_b = make_site(portal, "b", editors=[B_EDITOR], domains=["www.b.example"])
    platform = Platform(portal)
    platform.samples = _arrange_private_samples(site_b)
    return platform


def _arrange_roles(portal) -> None:
    # The media library brings the Photographer role; until it is there the
    # role is made here, as its profile would.
    if PHOTOGRAPHER_ROLE not in portal.valid_roles():
        portal._addRole(PHOTOGRAPHER_ROLE)
    role_manager = portal.acl_users.portal_role_manager
    if PHOTOGRAPHER_ROLE not in role_manager.listRoleIds():
        role_manager.addRole(PHOTOGRAPHER_ROLE)
    for user_id in (*filter(None, ROLES.values()), B_EDITOR):
        make_user(user_id)
    api.user.grant_roles(username=ROLES["photographer"], roles=[PHOTOGRAPHER_ROLE])


def _arrange_private_samples(site) -> dict[str, str]:
    """A private folder in ``site`` with a private item of every type in it.

    :returns: the path below the portal of each sample, by type name.
    """
    folder = createContentInContainer(
        site, "Folder", id=PRIVATE_FOLDER, title=f"{SECRET_WORD} map van b"
    )
    made = {"Folder": folder}
    for type_name, inside in SAMPLES:
        container = made[inside] if inside else folder
        made[type_name] = createContentInContainer(
            container,
            type_name,
            checkConstraints=False,
            title=f"{SECRET_WORD} {type_name} van b",
        )
    portal_path = len(site.aq_parent.getPhysicalPath())
    return {
        name: "/".join(item.getPhysicalPath()[portal_path:])
        for name, item in made.items()
    }


def stand_in(platform: Platform, interface) -> str:
    """A private page in b marked with ``interface``, for a view of a type the
    arrangement has no sample of; its path below the portal."""
    folder = platform.portal["b"][PRIVATE_FOLDER]
    item_id = f"stand-in-{interface.__identifier__.replace('.', '-').lower()}"
    if item_id not in folder:
        item = createContentInContainer(
            folder,
            "Document",
            id=item_id,
            title=f"{SECRET_WORD} {interface.__name__} van b",
        )
        alsoProvides(item, interface)
        item.reindexObject()
    return f"b/{PRIVATE_FOLDER}/{item_id}"


def arrange_platform(portal) -> Platform:
    """Sites a and b arranged on ``portal`` and committed."""
    with api.env.adopt_roles(["Manager"]):
        arranged = _arrange(portal)
    # The server runs in its own thread and sees committed data only.
    transaction.commit()
    return arranged
