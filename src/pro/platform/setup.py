"""Make the platform: the Plone site that holds every organisation's site.

``make run``'s first start and the test fixture both come through
:func:`install_platform`, so what is tested is what is deployed.
"""

from plone.base.interfaces import ILanguage
from pro.platform import logger
from Products.CMFPlone.factory import addPloneSite
from Products.CMFPlone.utils import get_installer


PLATFORM_PROFILES = (
    "plone.app.contenttypes:default",
    "plonetheme.barceloneta:default",
)
ADDON_PROFILE = "pro:default"
ADDONS = (
    "plone.restapi",
    "plone.app.multilingual",
    "collective.lineage",
    "collective.easyform",
    "pro",
)


def create_platform(app, site_id: str = "pro", title: str = "PRO"):
    """Create the platform's Plone site with Classic UI and every add-on.

    :returns: the new Plone site.
    """
    portal = addPloneSite(
        app,
        site_id,
        title=title,
        extension_ids=PLATFORM_PROFILES,
        setup_content=False,
        default_language="nl",
    )
    install_platform(portal)
    logger.info("Created the platform %s", "/".join(portal.getPhysicalPath()))
    return portal


def install_platform(portal) -> None:
    """Install PRO's profile (and with it every add-on) into ``portal``."""
    portal.portal_setup.runAllImportStepsFromProfile(f"profile-{ADDON_PROFILE}")
    ILanguage(portal).set_language("nl")


def installed_addons(portal) -> dict[str, bool]:
    installer = get_installer(portal)
    return {name: installer.is_product_installed(name) for name in ADDONS}
