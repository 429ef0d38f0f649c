"""Zope's side of the RAM cache in front of the publisher (:mod:`pro.caching.front`).

Two things only Zope knows: whether plone.app.caching decided to keep a page
in RAM, and the platform catalog's counter after a commit. The first becomes
a label on the response, which the filter reads and removes; the second moves
the process's catalog generation the moment a change is committed, so the
filter never answers from a page that a commit in this process made stale.

Both act only on requests that came through the filter, which marks them in
the WSGI environment: without it (tests, scripts) nothing is labelled. The
filter takes the label off every response, kept or not.
"""

from App.config import getConfiguration
from plone.app.caching.interfaces import IRAMCached
from plone.caching.hooks import InterceptorResponse
from plone.transformchain.interfaces import ITransform
from pro.caching.front import FRONT_ENVIRON
from pro.caching.front import LABEL_HEADER
from pro.caching.front import process_generation
from pro.interfaces import IProLayer
from Products.CMFCore.utils import getToolByName
from zope.component import adapter
from zope.component.hooks import getSite
from zope.interface import implementer
from zope.interface import Interface
from ZPublisher.interfaces import IPubBeforeCommit
import transaction


@implementer(ITransform)
@adapter(Interface, IProLayer)
class LabelForFrontCache:
    """Label a response plone.app.caching keeps in RAM with its catalog counter.

    Runs after plone.app.caching's caching operation (order 12000), which is
    where its decision shows: the request then provides ``IRAMCached``. And
    before its own store (order 90000), so the label is kept with the page
    there as well: a page served from plone.app.caching's RAM cache inside
    the publisher, which runs no transforms, still comes labelled.
    """

    order = 89000

    def __init__(self, published, request) -> None:
        self.published = published
        self.request = request

    def transformBytes(self, result, encoding):
        self._label()

    def transformUnicode(self, result, encoding):
        self._label()

    def transformIterable(self, result, encoding):
        self._label()

    def _label(self) -> None:
        request = self.request
        response = request.response
        # Labelled whether or not this request may be kept, since
        # plone.app.caching's copy will also answer those that may.
        if (
            FRONT_ENVIRON not in request.environ
            or not IRAMCached.providedBy(request)
            or response.getStatus() != 200
            or response.cookies
        ):
            return
        counter = platform_catalog_counter()
        if counter is not None:
            response.setHeader(LABEL_HEADER, str(counter))


@adapter(IPubBeforeCommit)
def note_catalog_counter(event) -> None:
    """After this request commits, its catalog counter is the current one."""
    if FRONT_ENVIRON not in event.request.environ:
        return
    counter = platform_catalog_counter()
    current = process_generation.current()
    if counter is None or (current is not None and counter <= current):
        return
    transaction.get().addAfterCommitHook(_advance, args=(counter,))


class InterceptedWithoutBase(InterceptorResponse):
    """plone.caching's answer from a cache, without a ``<base>`` tag.

    Zope inserts ``<base href>`` into HTML unless told not to, and Plone tells
    it after traversal (``Products.CMFPlone.events.removeBase``). plone.caching
    answers from its RAM cache in an earlier handler of that same event, so
    pages from there came with a base ending in a slash that fresh pages do
    not have: the skip link and other in-page links then load another URL.
    """

    def __call__(self):
        self.request.response.base = None
        return super().__call__()


def platform_catalog_counter() -> int | None:
    """The counter of the platform's catalog in this request, or ``None``.

    Only the platform's own catalog counts: another Plone site in the same
    Zope has a counter of its own that says nothing about the platform.
    """
    site = getSite()
    catalog = getToolByName(site, "portal_catalog", None) if site else None
    if catalog is None:
        return None
    settings = (getConfiguration().product_config or {}).get("pro", {})
    site_id = settings.get("site_id", "pro")
    if catalog.getPhysicalPath() != ("", site_id, "portal_catalog"):
        return None
    return int(catalog.getCounter())


def _advance(committed: bool, counter: int) -> None:
    if committed:
        process_generation.advance(counter)
