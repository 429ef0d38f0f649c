"""Security headers on every response of the platform and its sites.

Pages, files, REST answers, redirects and error pages all get the same
headers, set just before Zope hands the response to the server: on success
(``IPubBeforeCommit``), on failure (``IPubBeforeAbort``, after the error page
was rendered) and before a streamed body starts (``IPubBeforeStreaming``).
Only requests of the platform (its browser layer) are touched, so the Zope
root and its management screens keep Zope's own behaviour.

The Content-Security-Policy is the platform's strict policy (scripts from the
site's own origin only, no inline scripts) widened by the named utilities that
provide :class:`pro.interfaces.IContentSecurityPolicySources`, for the site
the request is in. Styles keep ``'unsafe-inline'``: each site's identity is a
``<style>`` element of CSS custom properties, and TinyMCE styles its editor
inline. Logged-in users also get ``'unsafe-eval'`` for scripts: Plone's
editing patterns (the folder contents' table among them) compile their
templates at run time, which a browser counts as evaluating a string.
Visitors, who never see those screens, keep the strict policy.

No maintained package sets these headers for Plone 6 with per-site additions
(plone.app.caching sets caching headers only), which is why this module exists.
"""

from AccessControl.SecurityManagement import getSecurityManager
from Acquisition import aq_base
from plone.base.interfaces import IPloneSiteRoot
from plone.rest.traverse import RESTWrapper
from pro.interfaces import IContentSecurityPolicySources
from pro.interfaces import IProLayer
from pro.platform.interfaces import IPlatformSite
from zope.component import getUtilitiesFor
from zope.globalrequest import getRequest
import logging
import re


logger = logging.getLogger("pro.security")

STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
REFERRER_POLICY = "strict-origin-when-cross-origin"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
)

# The platform's own policy. Directive order is kept in the header.
BASE_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'", "'unsafe-inline'"),
    "img-src": ("'self'", "data:", "blob:"),
    "font-src": ("'self'", "data:"),
    "connect-src": ("'self'",),
    "media-src": ("'self'", "blob:"),
    "frame-src": ("'self'",),
    "worker-src": ("'self'", "blob:"),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'self'",),
}

# Directives a capability may widen; the others stay the platform's.
WIDENABLE = frozenset(
    {
        "script-src",
        "style-src",
        "img-src",
        "font-src",
        "connect-src",
        "media-src",
        "frame-src",
    }
)

# One source expression: a scheme, a host with optional scheme, port and path,
# or a quoted keyword. Separators (";", ",", white space) would let a source
# end the directive and start another, so they are never part of one.
_SOURCE = re.compile(r"^(?:'[a-z0-9+/=-]+'|[a-z][a-z0-9+.-]*:|[^\s;,'\"]+)$", re.I)

# The management screens (manage, manage_main, ...) rely on inline scripts;
# they are for Managers only.
_MANAGEMENT_SCREEN = re.compile(r"^manage(_\w*)?$")


def set_security_headers(event) -> None:
    """Subscriber: put the security headers on the response of ``event``."""
    # The streaming event carries the response only.
    request = getattr(event, "request", None) or getRequest()
    if (
        request is None
        or not IProLayer.providedBy(request)
        or _is_management_screen(request)
    ):
        return
    response = request.response
    response.setHeader("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    response.setHeader("X-Content-Type-Options", "nosniff")
    response.setHeader("X-Frame-Options", "SAMEORIGIN")
    response.setHeader("Referrer-Policy", REFERRER_POLICY)
    response.setHeader("Permissions-Policy", PERMISSIONS_POLICY)
    # A view that set a policy of its own (an uploaded logo, served with
    # everything forbidden) is stricter than the page policy; keep it.
    if not response.getHeader("Content-Security-Policy"):
        response.setHeader(
            "Content-Security-Policy",
            content_security_policy(_site_of(request), editing=_is_logged_in()),
        )


def content_security_policy(site, editing: bool = False) -> str:
    """The Content-Security-Policy header value for ``site``.

    :param site: the child site the request is in, or the platform; ``None``
        gives the platform's own policy.
    :param editing: whether the response is for a logged-in user, whose
        editing screens need ``'unsafe-eval'``.
    """
    policy = {name: list(sources) for name, sources in BASE_POLICY.items()}
    if editing:
        policy["script-src"].append("'unsafe-eval'")
    for name, utility in sorted(getUtilitiesFor(IContentSecurityPolicySources)):
        try:
            wanted = utility.sources(site) if site is not None else {}
        except Exception:
            # One broken capability must not take every page down with it.
            logger.exception("CSP sources %r failed; left out", name)
            continue
        _widen(policy, name, wanted or {})
    return "; ".join(
        f"{directive} {' '.join(sources)}" for directive, sources in policy.items()
    )


def _widen(policy: dict[str, list[str]], name: str, wanted: dict) -> None:
    for directive, sources in wanted.items():
        if directive not in WIDENABLE:
            logger.warning(
                "CSP sources %r: directive %r is not widened", name, directive
            )
            continue
        for source in sources:
            if not isinstance(source, str) or not _SOURCE.match(source):
                logger.warning("CSP sources %r: %r is not a source", name, source)
                continue
            if source not in policy[directive]:
                policy[directive].append(source)


def _site_of(request):
    """The child site the request is in, else the platform, else None."""
    platform = None
    for item in request.get("PARENTS", ()):
        if isinstance(aq_base(item), RESTWrapper):
            item = item.context
        if IPlatformSite.providedBy(item):
            return item
        if platform is None and IPloneSiteRoot.providedBy(item):
            platform = item
    return platform


def _is_logged_in() -> bool:
    user = getSecurityManager().getUser()
    return user is not None and user.getUserName() != "Anonymous User"


def _is_management_screen(request) -> bool:
    path = request.get("PATH_INFO", "") or ""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return _MANAGEMENT_SCREEN.match(last) is not None
