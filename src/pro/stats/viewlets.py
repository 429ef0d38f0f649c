"""The beacon on every page of a site, and an external tracker where chosen.

The beacon's script tag carries only what is the same for every visitor of
the page (the site, its root path, the beacon's address), so a page served
from an HTTP cache counts like a fresh one; the script reads the rest from
the browser. On the site search's first page the number of results is added
for the script to report with the terms from the address.
"""

from plone.app.layout.viewlets.common import ViewletBase
from pro.platform.search import FacetedSearch
from pro.platform.settings import find_site
from pro.stats.analytics import analytics_settings
from urllib.parse import urlencode
from urllib.parse import urlsplit


class BeaconViewlet(ViewletBase):
    """``<script src=".../beacon.js" data-...>`` in the page head."""

    def update(self) -> None:
        super().update()
        self.site = find_site(self.context)

    def available(self) -> bool:
        return self.site is not None

    def attributes(self) -> dict:
        site_url = self.site.absolute_url()
        attributes = {
            "src": f"{site_url}/++plone++pro.stats/beacon.js",
            "data-site": self.site.getId(),
            "data-root": urlsplit(site_url).path.rstrip("/"),
            "data-endpoint": f"{site_url}/@@hit",
        }
        results = search_results(self.view)
        if results is not None:
            attributes["data-search-results"] = str(results)
        return attributes


class NoscriptViewlet(BeaconViewlet):
    """The one-pixel image that counts a page view without a script."""

    def pixel_url(self) -> str:
        site_url = self.site.absolute_url()
        context_path = urlsplit(self.context.absolute_url()).path
        path = context_path[len(urlsplit(site_url).path.rstrip("/")) :] or "/"
        query = urlencode({"s": self.site.getId(), "p": path})
        return f"{site_url}/@@hit?{query}"


class AnalyticsViewlet(BeaconViewlet):
    """The loader of the site's Matomo or Piwik PRO tracker, when set."""

    def update(self) -> None:
        super().update()
        self.settings = analytics_settings(self.site) if self.site else None

    def available(self) -> bool:
        return self.settings is not None and self.settings.enabled

    def attributes(self) -> dict:
        return {
            "src": f"{self.site.absolute_url()}/++plone++pro.stats/analytics.js",
            "data-provider": self.settings.provider,
            "data-tracker": self.settings.tracker_url,
            "data-site-id": self.settings.tracker_site_id,
        }


def search_results(view) -> int | None:
    """The number of results on a site search's first page, else None."""
    if not isinstance(view, FacetedSearch) or view.platform_wide:
        return None
    if not getattr(view, "text", "") or view.request.form.get("b_start"):
        return None
    return getattr(view, "total", None)
