"""Every browser view and REST service the platform registers, as data.

The walls between sites are only as good as the list of doors they are tested
against. This list is read from the component registry rather than written by
hand, so a view or service added to any of PRO's packages is on it the moment
its ZCML is loaded, with the permission it was declared with. The security
tests call every entry as every role of another site; the OpenAPI document is
checked against the REST services on it.

A registration belongs to PRO when the ZCML file that made it lies inside the
``pro`` package. plone.rest registers a service as a view named
``<METHOD>_<type>_<subtype>_<name>`` (``GET_application_json_@sites``); such
views are listed as services with their method and name.
"""

from dataclasses import dataclass
from pathlib import Path
from plone.rest.service import Service
from zope.component import getGlobalSiteManager
from zope.interface import Interface
from zope.interface.interfaces import IInterface
from zope.publisher.interfaces.browser import IBrowserRequest
import pro
import re


PUBLIC = "zope.Public"

_SERVICE_NAME = re.compile(
    r"^(?P<method>[A-Z]+)_(?P<type>[^_]+)_(?P<subtype>[^_]+)_(?P<name>.*)$"
)


@dataclass(frozen=True)
class Endpoint:
    """One door into the platform: a browser view or a REST service.

    :ivar name: the name in the URL (``create-site``, ``@sites``).
    :ivar method: the HTTP method of a service; ``None`` for a view, which
        answers any method.
    :ivar media_type: what a service answers (``application/json``).
    :ivar context: the interface the view or service is registered for.
    :ivar permission: the title of the permission declared for it
        (``View``, ``PRO: Manage sites``), or ``zope.Public``.
    :ivar where: the ZCML file, relative to the package, and line.
    """

    name: str
    method: str | None
    media_type: str | None
    context: type[Interface]
    permission: str
    where: str

    @property
    def is_service(self) -> bool:
        return self.method is not None

    @property
    def key(self) -> str:
        """A stable, readable id: ``GET @sites on IPloneSiteRoot``."""
        verb = self.method or "VIEW"
        return f"{verb} {self.name} on {self.context.__name__}"


def registered_endpoints() -> list[Endpoint]:
    """Every view and service registered by PRO's ZCML, sorted by key.

    Viewlets, widgets and other adapters that take more than a context and a
    request are not doors of their own: they are rendered inside a view.
    """
    package_dir = str(Path(pro.__file__).parent)
    endpoints = {}
    for registration in getGlobalSiteManager().registeredAdapters():
        where = _where(registration.info, package_dir)
        if where is None or not _is_view(registration):
            continue
        endpoint = _endpoint(registration, where)
        endpoints[(endpoint.key, endpoint.where)] = endpoint
    return sorted(endpoints.values(), key=lambda endpoint: endpoint.key)


def registered_services() -> list[Endpoint]:
    """The REST services among :func:`registered_endpoints`."""
    return [endpoint for endpoint in registered_endpoints() if endpoint.is_service]


def declared_permission(factory) -> str:
    """The title of the permission that protects calling ``factory``'s view."""
    for permission, names in getattr(factory, "__ac_permissions__", ()):
        if "" in names or "__call__" in names:
            return permission
    return PUBLIC


def _where(info, package_dir: str) -> str | None:
    file = getattr(info, "file", None)
    if not file or not str(file).startswith(package_dir):
        return None
    return f"{str(file)[len(package_dir) + 1 :]}:{getattr(info, 'line', '?')}"


def _is_view(registration) -> bool:
    required = registration.required
    if len(required) != 2 or not IInterface.providedBy(required[1]):
        return False
    # The page Zope shows for an exception is rendered, never traversed to.
    raised = getattr(required[0], "inherit", None)
    if isinstance(raised, type) and issubclass(raised, BaseException):
        return False
    return required[1].isOrExtends(IBrowserRequest)


def _endpoint(registration, where: str) -> Endpoint:
    factory = registration.factory
    context = registration.required[0] or Interface
    match = _SERVICE_NAME.match(registration.name)
    if match and isinstance(factory, type) and issubclass(factory, Service):
        return Endpoint(
            name=match["name"],
            method=match["method"],
            media_type=f"{match['type']}/{match['subtype']}",
            context=context,
            permission=declared_permission(factory),
            where=where,
        )
    return Endpoint(
        name=registration.name,
        method=None,
        media_type=None,
        context=context,
        permission=declared_permission(factory),
        where=where,
    )


# Views and services that answer visitors by design, each with the reason. Any
# other view or service that needs only the View permission is tested on a
# private item, where it must refuse; one on the platform or a site root that
# is missing here fails the security suite until it is listed, so that making
# something public is always a decision written down.
PUBLIC_BY_DESIGN: dict[str, str] = {
    "VIEW sites on IPloneSiteRoot": (
        "the public list of live sites: their names and addresses"
    ),
    "VIEW zoeken on IPloneSiteRoot": (
        "search across live sites; results come from the catalog with the "
        "visitor's own permissions"
    ),
    "VIEW zoeken on IPlatformSite": (
        "search in one site, with the visitor's own permissions"
    ),
    "VIEW @open-data on IPloneSiteRoot": (
        "open data for integrators: published items of live sites only"
    ),
    "VIEW @open-data on IPlatformSite": (
        "open data for integrators: published items of the site only"
    ),
    "VIEW robots.txt on IPlatformSite": "crawlers read it before anything else",
    "VIEW site-logo on IPlatformSite": "the logo every public page of the site shows",
    "VIEW site-favicon on IPlatformSite": "the icon of every public page of the site",
    "GET @openapi on IPloneSiteRoot": (
        "the description of the REST API; it names services, never data"
    ),
    "VIEW .well-known on IPloneSiteRoot": (
        "security.txt (RFC 9116), for anyone who found a vulnerability"
    ),
    "VIEW .well-known on IPlatformSite": (
        "security.txt (RFC 9116) of the site, for anyone who found a vulnerability"
    ),
    "VIEW hit on IPloneSiteRoot": (
        "the statistics beacon every visitor's page sends; it counts, never reads"
    ),
    "VIEW hit on IPlatformSite": (
        "the statistics beacon of the site's pages; it counts, never reads"
    ),
}
