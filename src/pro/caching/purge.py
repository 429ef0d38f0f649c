"""Which URLs a change purges from the caching proxy, on every host it is seen on.

plone.app.caching finds the paths of a changed item (its views, its image
scales and downloads) and plone.cachepurging sends them to the proxies after the
transaction committed (on ``IPubSuccess``, so a failed or retried request
purges nothing twice). Two things are the platform's own:

- A visitor sees an item also in its folder's listing and feeds and in the
  teasers of its site's home page, so :class:`ListingPurgePaths` adds those.
- A site is served both below the platform (``/pro/<site>/nieuws/x``) and at
  the root of each of its domains (``https://www.example.nl/nieuws/x``), and
  an editor may change it through either. Plone's own rewriter only knows the
  host of the editor's request, so :class:`PlatformPurgePathRewriter` turns
  every path into its platform path plus, for each domain of the site, a path
  in Zope's Virtual Host Monster form that names the host:
  ``/VirtualHostBase/http/www.example.nl:80/pro/<site>/VirtualHostRoot/nieuws/x``.
  ``docker/varnish/default.vcl`` reads the host and path back from that form.
"""

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from plone.cachepurging.interfaces import IPurgePathRewriter
from pro.caching import logger
from pro.platform.interfaces import IPlatformSite
from Products.CMFCore.interfaces import IContentish
from z3c.caching.interfaces import IPurgePaths
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface


# Pages of a folder that list its items.
LISTING_VIEWS = ("", "/", "/view", "/rss.xml", "/atom.xml")
# How a site's root is requested: the home page is its default page.
ROOT_VIEWS = ("", "/", "/view")

# plone.restapi's pages, purged by its own adapter, start with this.
TRAVERSERS = ("/++api++",)

_DOMAINS_KEY = "pro.caching.site-domains"


@implementer(IPurgePaths)
@adapter(IContentish)
class ListingPurgePaths:
    """The listing of an item's folder and the home pages above it.

    Paths are relative to the request's virtual root, as plone.cachepurging
    expects of relative paths; the rewriter adds every host's form.
    """

    def __init__(self, context):
        self.context = context

    def getRelativePaths(self) -> list[str]:
        context = aq_inner(self.context)
        paths = []
        parent = aq_parent(context)
        if IContentish.providedBy(parent):
            paths.extend(_views(parent, LISTING_VIEWS))
        # The site's home and, on a site with a second language, the home of
        # the item's language folder: both show teasers of the newest items.
        for root in (_site_of(context), _navigation_root(context)):
            if root is not None and aq_base(root) is not aq_base(context):
                paths.extend(_views(root, ROOT_VIEWS))
        return paths

    def getAbsolutePaths(self) -> list[str]:
        return []


@implementer(IPurgePathRewriter)
@adapter(Interface)
class PlatformPurgePathRewriter:
    """Every purge path as the platform path and as each domain's path.

    Registered for PRO's browser layer, so it replaces plone.cachepurging's
    rewriter on the platform only.
    """

    def __init__(self, request):
        self.request = request

    def __call__(self, path: str) -> list[str]:
        traverser, path = _split_traverser(path)
        physical = self._physical_path(path)
        paths = [traverser + physical]
        for site_path, domain in self._domains():
            if physical == site_path or physical.startswith(site_path + "/"):
                inside = physical[len(site_path) :] or "/"
                paths.append(
                    f"/VirtualHostBase/http/{domain}:80{site_path}"
                    f"/VirtualHostRoot{traverser}{inside}"
                )
        return paths

    def _physical_path(self, path: str) -> str:
        """``path``, relative to the request's virtual root, from the Zope root."""
        root = self.request.get("VirtualRootPhysicalPath") or ("",)
        prefix = "/".join(root).rstrip("/")
        if path and not path.startswith("/"):
            path = "/" + path
        return prefix + path

    def _domains(self) -> list[tuple[str, str]]:
        """(site path, domain) of every site with domains, once per request."""
        cached = self.request.other.get(_DOMAINS_KEY)
        if cached is None:
            cached = self.request.other[_DOMAINS_KEY] = _platform_domains()
        return cached


def _split_traverser(path: str) -> tuple[str, str]:
    """Split off a traverser that comes before the path, such as ``/++api++``."""
    for traverser in TRAVERSERS:
        if path == traverser or path.startswith(traverser + "/"):
            return traverser, path[len(traverser) :]
    return "", path


def _views(item, suffixes: tuple[str, ...]) -> list[str]:
    prefix = "/" + item.virtual_url_path()
    if prefix == "/":
        # The virtual root itself: "" and "/" are the same page.
        return ["/", *(suffix for suffix in suffixes if suffix not in ("", "/"))]
    return [prefix + suffix for suffix in suffixes]


def _site_of(item):
    """The nearest platform site above ``item``, the item itself included."""
    for candidate in _chain(item):
        if IPlatformSite.providedBy(candidate):
            return candidate
    return None


def _navigation_root(item):
    from plone import api

    root = api.portal.get_navigation_root(item)
    return None if aq_base(root) is aq_base(api.portal.get()) else root


def _chain(item):
    while item is not None:
        yield item
        item = aq_parent(aq_inner(item))


def _platform_domains() -> list[tuple[str, str]]:
    """Read the domains from the Virtual Host Monster's mapping.

    The platform keeps that mapping in step with the sites' domains
    (:mod:`pro.platform.domains`), and it is one object, where the sites'
    own settings would mean loading every site for every purging request.
    """
    from plone import api

    portal = api.portal.get()
    platform_path = "/".join(portal.getPhysicalPath())
    domains = []
    for monster in aq_parent(portal).objectValues("Virtual Host Monster"):
        for line in getattr(monster, "lines", ()):
            host, _, path = line.split("#!")[0].strip().partition("/")
            site_path = "/" + path.strip("/")
            if host and site_path.startswith(platform_path + "/"):
                domains.append((site_path, host))
    logger.debug("Purging for %d site domains", len(domains))
    return domains
