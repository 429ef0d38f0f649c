"""REST: ``GET /pro/<site>/@stats`` and ``GET /pro/@stats`` (all sites).

Both take ``start``, ``end`` (``YYYY-MM-DD``, inclusive) and ``interval``
(``day``, ``week``, ``month``), as the dashboards do. A bad parameter answers
400 naming it::

    {"error": {"type": "InvalidParameter", "parameter": "start",
               "message": "send a date as YYYY-MM-DD, e.g. 2026-12-03"}}

The site service needs "PRO: View statistics" on the site (its owners, chief
editors and editors); the platform service "PRO: Manage sites" (platform
administrators).
"""

from plone import api
from plone.restapi.services import Service
from pro.platform import api as platform
from pro.platform.settings import site_settings
from pro.stats.counter import local_day
from pro.stats.exceptions import InvalidPeriod
from pro.stats.report import parse_period
from pro.stats.report import site_report
from pro.stats.report import site_totals
from pro.stats.storage import stats_storage


class StatsService(Service):
    def reply(self):
        try:
            period = parse_period(self.request.form, local_day())
        except InvalidPeriod as error:
            self.request.response.setStatus(400)
            return {
                "error": {
                    "type": "InvalidParameter",
                    "parameter": error.parameter,
                    "message": error.message,
                }
            }
        return self.figures(stats_storage(api.portal.get()), period)


class SiteStatsGet(StatsService):
    def figures(self, stats, period) -> dict:
        return {
            "@id": f"{self.context.absolute_url()}/@stats",
            **site_report(stats, self.context.getId(), period),
        }


class PlatformStatsGet(StatsService):
    def figures(self, stats, period) -> dict:
        items = []
        for site in platform.list_sites(self.context):
            items.append(
                {
                    "id": site.getId(),
                    "title": site.Title(),
                    "organisation": site_settings(site).organisation,
                    **site_totals(stats, site.getId(), period),
                }
            )
        return {
            "@id": f"{self.context.absolute_url()}/@stats",
            **period.as_dict(),
            "items": items,
        }
