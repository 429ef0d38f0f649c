"""Zope's side of the RAM cache in front of the publisher (:mod:`pro.caching.front`).

Three things only Zope knows: whether plone.app.caching decided to keep a
page in RAM, the platform's generation after a commit, and when a setting
changed. The first becomes a label on the response, which the filter reads
and removes; the second moves the process's generation the moment a change is
committed, so the filter never answers from a page that a commit in this
process made stale; the third grows the settings serial that is part of the
generation.

Both act only on requests that came through the filter, which marks them in
the WSGI environment: without it (tests, scripts) nothing is labelled. The
filter takes the label off every response, kept or not.
"""

from Acquisition import aq_base
from App.config import getConfiguration
from BTrees.Length import Length
from plone.app.caching.interfaces import IETagValue
from plone.app.caching.interfaces import IRAMCached
from plone.caching.hooks import InterceptorResponse
from plone.registry.interfaces import IRecordEvent
from plone.transformchain.interfaces import ITransform
from pro.caching.front import FRONT_ENVIRON
from pro.caching.front import label
from pro.caching.front import LABEL_HEADER
from pro.caching.front import platform_generation
from pro.caching.front import process_generation
from pro.caching.front import SETTINGS_SERIAL
from pro.caching.front import settings_serial
from zope.component import adapter
from zope.component.hooks import getSite
from zope.interface import implementer
from zope.interface import Interface
from ZPublisher.interfaces import IPubBeforeCommit
import transaction


@implementer(ITransform)
@adapter(Interface, Interface)
class LabelForFrontCache:
    """Label a response plone.app.caching keeps in RAM with its generation.

    Runs after plone.app.caching's caching operation (order 12000), which is
    where its decision shows: the request then provides ``IRAMCached``. And
    before its own store (order 90000), so the label is kept with the page
    there as well: a page served from plone.app.caching's RAM cache inside
    the publisher, which runs no transforms, still comes labelled.

    Registered for any request, as plone.app.caching's transforms are: one
    registered for a browser layer could be traversed to like a view. Only
    the platform's pages are labelled (:func:`request_platform`).
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
        platform = request_platform()
        generation = None if platform is None else platform_generation(platform)
        if generation is not None:
            response.setHeader(LABEL_HEADER, label(generation))


@adapter(IPubBeforeCommit)
def note_generation(event) -> None:
    """After this request commits, its generation is the current one."""
    if FRONT_ENVIRON not in event.request.environ:
        return
    platform = request_platform()
    generation = None if platform is None else platform_generation(platform)
    if generation is None or generation == process_generation.current():
        return
    transaction.get().addAfterCommitHook(_advance, args=(generation,))


@adapter(IRecordEvent)
def note_settings_change(event) -> None:
    """A record was added, changed or removed: every kept page is stale.

    Registry records decide much of what a page shows (the caching rules,
    the theme's resources, the site's settings) without touching the
    catalog, so the serial is kept next to the catalog counter.
    """
    platform = request_platform()
    if platform is None:
        return
    serial = aq_base(platform).__dict__.get(SETTINGS_SERIAL)
    if serial is None:
        serial = Length()
        setattr(aq_base(platform), SETTINGS_SERIAL, serial)
    serial.change(1)


@implementer(IETagValue)
@adapter(Interface, Interface)
class SettingsSerialETag:
    """The ``settingsSerial`` part of a page's ETag.

    With it in the caching rules' ETags, a change of settings gives pages a
    new ETag, so browsers fetch them again and plone.app.caching's RAM cache,
    keyed by the ETag, no longer answers with a page from before the change.
    """

    def __init__(self, published, request) -> None:
        self.published = published
        self.request = request

    def __call__(self) -> str:
        platform = request_platform()
        return str(0 if platform is None else settings_serial(platform))


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


def request_platform():
    """The platform's Plone site, if this request is on it, else ``None``.

    Only the platform counts: another Plone site in the same Zope has a
    catalog and registry of its own that say nothing about the platform.
    """
    site = getSite()
    if site is None or not hasattr(site, "getPhysicalPath"):
        return None
    product_config = getattr(getConfiguration(), "product_config", None)
    settings = (product_config or {}).get("pro", {})
    site_id = settings.get("site_id", "pro")
    if site.getPhysicalPath()[:2] != ("", site_id):
        return None
    return site.getPhysicalRoot()._getOb(site_id, None)


def _advance(committed: bool, generation: tuple[int, int]) -> None:
    if committed:
        process_generation.advance(generation)
