"""Search with facets: within one site, or across every live site.

``/pro/<site>/@@zoeken`` searches that site only, with facets by type, topic
and year; ``/pro/@@zoeken`` searches every live site and adds a facet per
organisation. Results respect the visitor's permissions like any catalog
search, and archived sites are left out of the platform-wide search.

Facet counts are taken over the first 1,000 results; a search matching more
shows counts of those.
"""

from DateTime import DateTime
from plone import api
from plone.batching import Batch
from plone.memoize.view import memoize
from pro import _
from pro.content.topics import visible_topics
from pro.platform.api import list_sites
from pro.platform.interfaces import IPlatformSite
from pro.platform.settings import site_settings
from Products.CMFCore.utils import getToolByName
from Products.Five.browser import BrowserView
from urllib.parse import urlencode


FACET_LABELS = {
    "type": _("facet_type", default="Type"),
    "topic": _("facet_topic", default="Topic"),
    "year": _("facet_year", default="Year"),
    "organisation": _("facet_organisation", default="Organisation"),
}
FACETED_RESULTS = 1000
PAGE_SIZE = 20
# Content types a visitor searches for; folders and the site roots are not.
SKIPPED_TYPES = ("Website", "Folder", "Plone Site", "LRF", "LIF")


class FacetedSearch(BrowserView):
    def update(self) -> None:
        form = self.request.form
        self.text = (form.get("SearchableText") or "").strip()
        self.chosen = {
            name: (form.get(name) or "").strip()
            for name in ("type", "topic", "year", "organisation")
        }
        self.sites = self._sites()
        brains = self._search() if self.sites else []
        self.total = len(brains)
        self.facets = self._facets(brains[:FACETED_RESULTS])
        start = _start(form.get("b_start"))
        self.batch = Batch(brains, PAGE_SIZE, start)

    def __call__(self):
        self.update()
        return self.index()

    @property
    def platform_wide(self) -> bool:
        return not IPlatformSite.providedBy(self.context)

    def results(self) -> list[dict]:
        return [
            {
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
                "type": brain.Type,
                "organisation": self._organisation_of(brain.getPath()),
            }
            for brain in self.batch
        ]

    def facet_label(self, name: str):
        return FACET_LABELS[name]

    def value_label(self, name: str, value: str) -> str:
        """Types and topics show their titles; other facets their value."""
        if name == "type":
            fti = getToolByName(self.context, "portal_types").getTypeInfo(value)
            if fti is not None:
                return fti.Title()
        if name == "topic":
            return self._topic_titles().get(value, value)
        return value

    @memoize
    def _topic_titles(self) -> dict[str, str]:
        uids = [uid for uid, _count in self.facets.get("topic", ())]
        return {brain.UID: brain.Title for brain in visible_topics(uids)}

    def facet_url(self, name: str, value: str) -> str:
        """This search with the facet ``name`` set to ``value`` (or cleared)."""
        parameters = {"SearchableText": self.text, **self.chosen, name: value}
        parameters = {key: item for key, item in parameters.items() if item}
        return f"{self.context.absolute_url()}/@@zoeken?{urlencode(parameters)}"

    def _sites(self) -> dict:
        if not self.platform_wide:
            return {
                "/".join(self.context.getPhysicalPath()): site_settings(self.context)
            }
        live = {}
        for site in list_sites(self.context):
            if api.content.get_state(site) == "live":
                live["/".join(site.getPhysicalPath())] = site_settings(site)
        return live

    def _search(self):
        catalog = getToolByName(self.context, "portal_catalog")
        paths = self._chosen_paths()
        if not paths:
            return []
        query = {
            "path": {"query": paths},
            "sort_on": "effective",
            "sort_order": "descending",
        }
        if self.text:
            query["SearchableText"] = self.text
            query.pop("sort_on")
            query.pop("sort_order")
        types = catalog.uniqueValuesFor("portal_type")
        query["portal_type"] = (
            [self.chosen["type"]]
            if self.chosen["type"]
            else [t for t in types if t not in SKIPPED_TYPES]
        )
        if self.chosen["topic"]:
            query["topic_uids"] = self.chosen["topic"]
        if self.chosen["year"].isdigit():
            year = int(self.chosen["year"])
            query["effective"] = {
                "query": (
                    DateTime(f"{year}/01/01"),
                    DateTime(f"{year}/12/31 23:59:59"),
                ),
                "range": "min:max",
            }
        return catalog.searchResults(**query)

    def _chosen_paths(self) -> list[str]:
        wanted = self.chosen["organisation"]
        return [
            path
            for path, settings in self.sites.items()
            if not wanted or settings.organisation == wanted
        ]

    def _facets(self, brains) -> dict[str, list[tuple[str, int]]]:
        counts: dict[str, dict[str, int]] = {
            "type": {},
            "topic": {},
            "year": {},
            "organisation": {},
        }
        for brain in brains:
            _count(counts["type"], brain.portal_type)
            effective = brain.effective
            if effective is not None and 1000 < effective.year() < 2499:
                _count(counts["year"], str(effective.year()))
            for topic in getattr(brain, "topic_uids", None) or ():
                _count(counts["topic"], topic)
            if self.platform_wide:
                _count(counts["organisation"], self._organisation_of(brain.getPath()))
        return {
            name: sorted(values.items(), key=lambda pair: (-pair[1], pair[0]))
            for name, values in counts.items()
            if values
        }

    def _organisation_of(self, path: str) -> str:
        for site_path, settings in self.sites.items():
            if path == site_path or path.startswith(site_path + "/"):
                return settings.organisation
        return ""


def _count(counter: dict, key) -> None:
    if key:
        counter[key] = counter.get(key, 0) + 1


def _start(value) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0
