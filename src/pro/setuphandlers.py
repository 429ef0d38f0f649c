"""Install and uninstall steps that GenericSetup XML cannot express."""

from plone import api
from plone.base.interfaces import INonInstallable
from pro.mail.storage import install_mail_store
from pro.media.setup import install_mediatheek
from pro.platform import domains
from pro.platform import workflow
from pro.security import login_limits
from pro.stats.storage import stats_storage
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self) -> list[str]:
        return ["pro:uninstall"]


def post_install(setup_tool) -> None:
    portal = api.portal.get()
    workflow.install_site_policy(portal)
    domains.install_domain_router(portal)
    install_mediatheek(portal)
    install_mail_store(portal)
    # Made here so that instances never race to make it on their first flush.
    stats_storage(portal, create=True)
    login_limits.install_login_limits(portal)


def uninstall(setup_tool) -> None:
    portal = api.portal.get()
    login_limits.uninstall_login_limits(portal)
    domains.uninstall_domain_router(portal)
    workflow.uninstall_site_policy(portal)
