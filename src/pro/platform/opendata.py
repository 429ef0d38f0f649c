"""Open data: the published news, publications, questions and events as a feed
for integrators, at ``/pro/@open-data/<block>`` (every live site) and
``/pro/<site>/@open-data/<block>`` (one site).

Anonymous, read-only and cache-friendly: only published items whose
publication date has come and whose expiry date has not, only from live sites
that have the block enabled. Answers JSON, or XML with ``?format=xml`` or an
``Accept: application/xml`` header. Parameters:

``page`` (from 1), ``page_size`` (1 to 100, default 25), ``changed_since``
(ISO 8601: only items changed at or after it, oldest change first, for
harvesting). Without ``changed_since`` the newest change comes first. The
catalog keeps modification times to the minute, so ``changed_since`` is
honoured to the minute: a harvester may see an item twice, never miss one.

It is a browser view rather than a plone.restapi service so that it answers
any ``Accept`` header, including none, as integrators' tools send them.
"""

from DateTime import DateTime
from datetime import datetime
from datetime import UTC
from plone import api
from pro.platform.api import list_sites
from pro.platform.blocks import BLOCKS
from pro.platform.interfaces import IPlatformSite
from pro.platform.settings import site_settings
from Products.CMFCore.utils import getToolByName
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from xml.etree import ElementTree
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse
import hashlib
import json


OPEN_BLOCKS = ("news", "publications", "faq", "agenda")
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_AGE = 300

# Catalog metadata given for every item, and extra columns for some types.
EVENT_COLUMNS = ("start", "end", "location")


class OpenDataError(Exception):
    def __init__(self, status: int, field: str, message: str):
        self.status = status
        self.field = field
        super().__init__(message)


@implementer(IPublishTraverse)
class OpenData(BrowserView):
    block: str | None = None
    extra_path: bool = False

    def publishTraverse(self, request, name):
        if self.block is None:
            self.block = name
        else:
            self.extra_path = True
        return self

    def __call__(self):
        try:
            query = self._query()
            sites = self._sites()
            page = self._page(sites, query)
        except OpenDataError as error:
            return self._error(error)

        body_format = self._format()
        etag = _etag(page, body_format)
        response = self.request.response
        response.setHeader("Cache-Control", f"public, max-age={MAX_AGE}")
        response.setHeader("ETag", etag)
        response.setHeader("Vary", "Accept")
        if page["last_modified"]:
            response.setHeader("Last-Modified", page["last_modified"])
        if self.request.getHeader("If-None-Match") == etag:
            response.setStatus(304)
            return ""
        del page["last_modified"]
        if body_format == "xml":
            response.setHeader("Content-Type", "application/xml; charset=utf-8")
            return _as_xml(page)
        response.setHeader("Content-Type", "application/json; charset=utf-8")
        return json.dumps(page, indent=2, ensure_ascii=False)

    def _query(self) -> dict:
        if self.extra_path:
            raise OpenDataError(404, "path", "Give one block after @open-data.")
        if self.block not in OPEN_BLOCKS:
            raise OpenDataError(
                404,
                "block",
                f"No open data for {self.block!r}; "
                f"use one of: {', '.join(OPEN_BLOCKS)}.",
            )
        form = self.request.form
        return {
            "page": _positive_int(form, "page", 1, None),
            "page_size": _positive_int(
                form, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
            ),
            "changed_since": _moment(form.get("changed_since")),
        }

    def _sites(self) -> dict:
        """Live sites with the block enabled, by their path."""
        if IPlatformSite.providedBy(self.context):
            candidates = [self.context]
        else:
            candidates = list_sites(self.context)
        sites = {}
        for site in candidates:
            settings = site_settings(site)
            if api.content.get_state(site) != "live":
                continue
            if self.block not in settings.blocks:
                continue
            sites["/".join(site.getPhysicalPath())] = settings
        if IPlatformSite.providedBy(self.context) and not sites:
            raise OpenDataError(
                404, "block", f"This site does not publish {self.block!r}."
            )
        return sites

    def _page(self, sites: dict, query: dict) -> dict:
        types = BLOCKS[self.block].types
        brains = []
        if sites and types:
            brains = _published(self.context, sites, types, query["changed_since"])
        total = len(brains)
        page, size = query["page"], query["page_size"]
        start = (page - 1) * size
        items = [_item(brain, sites) for brain in brains[start : start + size]]
        one_site = IPlatformSite.providedBy(self.context)
        newest = max((item["modified"] or "" for item in items), default="")
        return {
            "@id": self._url(page, query),
            "block": self.block,
            "site": self.context.getId() if one_site else None,
            "page": page,
            "page_size": size,
            "items_total": total,
            "next": self._url(page + 1, query) if start + size < total else None,
            "previous": self._url(page - 1, query) if page > 1 else None,
            "items": items,
            "last_modified": _http_date(newest),
        }

    def _url(self, page: int, query: dict) -> str:
        parameters = {"page": page, "page_size": query["page_size"]}
        if query["changed_since"] is not None:
            parameters["changed_since"] = query["changed_since"].ISO8601()
        if self._format() == "xml" and self.request.form.get("format"):
            parameters["format"] = "xml"
        base = f"{self.context.absolute_url()}/@open-data/{self.block}"
        return f"{base}?{urlencode(parameters)}"

    def _format(self) -> str:
        requested = (self.request.form.get("format") or "").lower()
        if requested in ("xml", "json"):
            return requested
        accept = self.request.getHeader("Accept") or ""
        if "xml" in accept and "json" not in accept:
            return "xml"
        return "json"

    def _error(self, error: OpenDataError) -> str:
        self.request.response.setStatus(error.status)
        self.request.response.setHeader("Content-Type", "application/json")
        return json.dumps(
            {"error": {"field": error.field, "message": str(error)}},
            ensure_ascii=False,
        )


def _published(context, sites: dict, types, changed_since):
    catalog = getToolByName(context, "portal_catalog")
    now = DateTime()
    query = {
        "portal_type": list(types),
        "review_state": "published",
        "effective": {"query": now, "range": "max"},
        "expires": {"query": now, "range": "min"},
        "path": {"query": list(sites)},
        "sort_on": "modified",
        "sort_order": "descending",
    }
    if changed_since is not None:
        query["modified"] = {"query": changed_since, "range": "min"}
        query["sort_order"] = "ascending"
    return catalog.searchResults(**query)


def _item(brain, sites: dict) -> dict:
    path = brain.getPath()
    site_path = next((p for p in sites if path == p or path.startswith(p + "/")), None)
    settings = sites.get(site_path)
    item = {
        "id": brain.UID,
        "type": brain.portal_type,
        "title": brain.Title,
        "description": brain.Description,
        "url": brain.getURL(),
        "language": brain.Language or "",
        "site": settings.site_id if settings else None,
        "organisation": settings.organisation if settings else None,
        "published": _iso(brain.effective),
        "modified": _iso(brain.modified),
    }
    if brain.portal_type == "Event":
        for column in EVENT_COLUMNS:
            value = getattr(brain, column, None)
            item[column] = _iso(value) if column != "location" else (value or "")
    return item


def _positive_int(form, name: str, default: int, maximum: int | None) -> int:
    value = form.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1 or (maximum is not None and number > maximum):
        limit = f"1 to {maximum}" if maximum else "1 or more"
        raise OpenDataError(400, name, f"{name} must be a whole number, {limit}.")
    return number


def _moment(value):
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        # DateTime knows only some offsets; in UTC every moment reads back
        # the same. A moment before the year 1 in UTC overflows.
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise OpenDataError(
            400,
            "changed_since",
            "changed_since must be a date or time in ISO 8601, "
            "for example 2026-01-31 or 2026-01-31T12:00:00+01:00.",
        ) from None
    return DateTime(moment.isoformat())


def _iso(value) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or not hasattr(value, "ISO8601"):
        return None
    if value.year() <= 1000 or value.year() >= 2499:
        # The catalog's stand-ins for "no date" and "never expires".
        return None
    return value.ISO8601()


def _http_date(iso: str) -> str:
    if not iso:
        return ""
    return DateTime(iso).rfc822()


def _etag(page: dict, body_format: str) -> str:
    digest = hashlib.sha256(
        json.dumps([body_format, page], sort_keys=True, default=str).encode()
    )
    return f'"{digest.hexdigest()[:32]}"'


def _as_xml(page: dict) -> str:
    root = ElementTree.Element(
        "open-data",
        {
            "block": page["block"],
            "page": str(page["page"]),
            "page-size": str(page["page_size"]),
            "items-total": str(page["items_total"]),
        },
    )
    for name in ("@id", "next", "previous"):
        if page[name]:
            ElementTree.SubElement(
                root, "link", {"rel": name.lstrip("@"), "href": page[name]}
            )
    for item in page["items"]:
        element = ElementTree.SubElement(root, "item")
        for key, value in item.items():
            child = ElementTree.SubElement(element, key)
            if value is not None:
                child.text = str(value)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True)
