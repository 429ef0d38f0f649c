"""Serve each site from its own host names.

Zope's Virtual Host Monster already maps a Host header to a path and makes that
path the virtual root, so links are generated for the domain. The platform keeps
the monster's mapping in step with the sites' domains instead of routing
requests itself. Lines that do not point into the platform are left alone.

The mapping is used only when the front proxy sends no VirtualHostBase path of
its own; a proxy that does takes over routing for that request.
"""

from Acquisition import aq_parent
from pro.platform import logger
from Products.SiteAccess.VirtualHostMonster import manage_addVirtualHostMonster


def install_domain_router(portal) -> None:
    """Make sure the Zope application has a Virtual Host Monster.

    Zope adds one to every new application; a test application or one whose
    administrator removed it gets one here.
    """
    if _virtual_host_monster(portal) is None:
        manage_addVirtualHostMonster(aq_parent(portal), "virtual_hosting")


def uninstall_domain_router(portal) -> None:
    sync_domains(portal, {})


def sync_domains(portal, domains: dict[str, str]) -> None:
    """Point every host in ``domains`` (host → site id) at its site.

    :param domains: all domains of the platform, not only the changed ones.
    """
    monster = _virtual_host_monster(portal)
    if monster is None:
        logger.warning("No Virtual Host Monster: site domains are not served")
        return
    prefix = "/" + "/".join(portal.getPhysicalPath()[1:]) + "/"
    foreign = [
        line
        for line in getattr(monster, "lines", ())
        if not line.split("#!")[0].strip().partition("/")[2].startswith(prefix[1:])
    ]
    ours = [f"{host}{prefix}{site_id}" for host, site_id in sorted(domains.items())]
    monster.set_map("\n".join(foreign + ours))


def _virtual_host_monster(portal):
    app = aq_parent(portal)
    for item in app.objectValues("Virtual Host Monster"):
        return item
    return None
