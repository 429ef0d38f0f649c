"""The statistics pages: one site's dashboard and all sites side by side.

``/pro/<site>/@@statistieken`` is for the site's owners, chief editors and
editors (permission "PRO: View statistics", held through their local roles on
that site only); ``/pro/@@statistieken`` for platform administrators. Both
take the period from ``start``, ``end`` and ``interval`` and export CSV with
``@@statistieken-csv``. Charts are inline SVG drawn here, each followed by a
table with the same figures, so screen readers and keyboards get the numbers
and no script is needed.
"""

from datetime import date
from datetime import timedelta
from plone import api
from pro import _
from pro.platform import api as platform
from pro.platform.settings import site_settings
from pro.stats.analytics import analytics_settings
from pro.stats.analytics import IP_MASK_BYTES
from pro.stats.analytics import store_analytics
from pro.stats.analytics import validate_analytics
from pro.stats.counter import local_day
from pro.stats.exceptions import InvalidAnalyticsSettings
from pro.stats.exceptions import InvalidPeriod
from pro.stats.report import parse_period
from pro.stats.report import Period
from pro.stats.report import site_report
from pro.stats.report import site_totals
from pro.stats.storage import stats_storage
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import urlencode
from zope.i18n import translate
import csv
import io


CHART_WIDTH = 720
CHART_HEIGHT = 220
CHART_MARGIN = 40

LIST_TITLES = {
    "pages": _("stats_top_pages", default="Most viewed pages"),
    "referrers": _("stats_referrers", default="Referring sites"),
    "campaigns": _("stats_campaigns", default="Campaigns"),
    "devices": _("stats_devices", default="Devices"),
    "downloads": _("stats_downloads", default="Downloads"),
    "searches": _("stats_searches", default="Search terms"),
    "empty_searches": _("stats_empty_searches", default="Search terms without results"),
}
COLUMN_TITLES = {
    "path": _("stats_column_path", default="Page"),
    "host": _("stats_column_host", default="Site"),
    "device": _("stats_column_device", default="Device"),
    "terms": _("stats_column_terms", default="Search terms"),
    "campaign": _("stats_column_campaign", default="Campaign"),
    "source": _("stats_column_source", default="Source"),
    "medium": _("stats_column_medium", default="Medium"),
    "pageviews": _("stats_column_pageviews", default="Page views"),
    "downloads": _("stats_column_downloads", default="Downloads"),
    "searches": _("stats_column_searches", default="Searches"),
    "visitors": _("stats_column_visitors", default="Visitors"),
    "period": _("stats_column_period", default="Period"),
    "organisation": _("stats_column_organisation", default="Organisation"),
}
INTERVAL_TITLES = {
    "day": _("stats_interval_day", default="By day"),
    "week": _("stats_interval_week", default="By week"),
    "month": _("stats_interval_month", default="By month"),
}
ANALYTICS_FIELDS = ("provider", "tracker_url", "tracker_site_id")
PLATFORM_SORTS = ("title", "organisation", "visitors", "pageviews", "downloads")


def today() -> date:
    """Today in the platform's time zone, the day counters' calendar."""
    return local_day()


class PeriodView(BrowserView):
    """A page that shows figures over the period in its request."""

    period_form = ViewPageTemplateFile("templates/period_form.pt")

    def update(self) -> bool:
        """Read the period; on a bad one answer 400 with the reason."""
        try:
            self.period = parse_period(self.request.form, today())
        except InvalidPeriod as error:
            self.period = parse_period({}, today())
            self.error = error
            self.request.response.setStatus(400)
            return False
        self.error = None
        return True

    def presets(self) -> list[dict]:
        """Quick choices: the last 7 and 30 days, this month and 12 months."""
        now = today()
        choices = [
            (_("stats_last_7_days", default="Last 7 days"), now - timedelta(6), "day"),
            (
                _("stats_last_30_days", default="Last 30 days"),
                now - timedelta(29),
                "day",
            ),
            (_("stats_this_month", default="This month"), now.replace(day=1), "day"),
            (
                _("stats_last_12_months", default="Last 12 months"),
                (now.replace(day=1) - timedelta(days=335)).replace(day=1),
                "month",
            ),
        ]
        return [
            {
                "title": title,
                "url": self.url_for(Period(start, now, interval)),
                "current": self.period == Period(start, now, interval),
            }
            for title, start, interval in choices
        ]

    def intervals(self) -> list[dict]:
        return [
            {"value": name, "title": title, "selected": name == self.period.interval}
            for name, title in INTERVAL_TITLES.items()
        ]

    def url_for(self, period: Period, view: str | None = None, **extra) -> str:
        query = urlencode({**period.as_dict(), **extra})
        return f"{self.context.absolute_url()}/@@{view or self.__name__}?{query}"

    def csv_url(self, table: str) -> str:
        return self.url_for(self.period, "statistieken-csv", table=table)

    def storage(self):
        return stats_storage(api.portal.get())


class SiteStatistics(PeriodView):
    """The dashboard of one site."""

    def __call__(self):
        if self.update():
            self.figures = site_report(
                self.storage(), self.context.getId(), self.period
            )
        else:
            self.figures = None
        return self.index()

    def lists(self) -> list[dict]:
        """The top lists, each with its column names, in dashboard order."""
        rows = []
        for name in LIST_TITLES:
            items = self.figures[name]
            columns = list(items[0]) if items else []
            rows.append(
                {
                    "name": name,
                    "title": LIST_TITLES[name],
                    "columns": [
                        {"name": column, "title": COLUMN_TITLES[column]}
                        for column in columns
                    ],
                    "rows": items,
                    "csv": self.csv_url(name),
                }
            )
        return rows

    def chart(self) -> dict:
        """Bars of page views with a line of visitors, scaled to the chart."""
        return bar_chart(self.figures["series"])

    def column_title(self, name: str):
        return COLUMN_TITLES[name]


class PlatformStatistics(PeriodView):
    """Every site's figures side by side, and per organisation."""

    def __call__(self):
        self.sort = self.request.form.get("sort") or "pageviews"
        if self.sort not in PLATFORM_SORTS:
            self.sort = "pageviews"
        self.descending = self.request.form.get("order") != "ascending"
        self.rows = self._rows() if self.update() else []
        return self.index()

    def _rows(self) -> list[dict]:
        stats = self.storage()
        rows = []
        for site in platform.list_sites(self.context):
            settings = site_settings(site)
            rows.append(
                {
                    "id": site.getId(),
                    "title": site.Title(),
                    "organisation": settings.organisation,
                    "url": f"{site.absolute_url()}/@@statistieken",
                    **site_totals(stats, site.getId(), self.period),
                }
            )
        rows.sort(key=lambda row: _sort_key(row, self.sort), reverse=self.descending)
        return rows

    def organisations(self) -> list[dict]:
        totals: dict[str, dict] = {}
        for row in self.rows:
            entry = totals.setdefault(
                row["organisation"],
                {
                    "organisation": row["organisation"],
                    "sites": 0,
                    "visitors": 0,
                    "pageviews": 0,
                    "downloads": 0,
                },
            )
            entry["sites"] += 1
            for name in ("visitors", "pageviews", "downloads"):
                entry[name] += row[name]
        return sorted(totals.values(), key=lambda entry: -entry["pageviews"])

    def sort_url(self, column: str) -> str:
        """This table sorted by ``column``; again on the same column reverses."""
        order = "ascending"
        if column != self.sort:
            order = "ascending" if column in ("title", "organisation") else "descending"
        elif not self.descending:
            order = "descending"
        return self.url_for(self.period, sort=column, order=order)

    def column_title(self, name: str):
        return COLUMN_TITLES.get(name, _("stats_column_site", default="Site"))

    def sort_state(self, column: str) -> str:
        """The ``aria-sort`` value of a column header."""
        if column != self.sort:
            return "none"
        return "descending" if self.descending else "ascending"


class StatisticsCsv(PeriodView):
    """One table of a dashboard as CSV, named after the site and period."""

    def __call__(self) -> str:
        if not self.update():
            self.request.response.setHeader("Content-Type", "text/plain; charset=utf-8")
            return f"{self.error.parameter}: {self.error.message}\n"
        rows = self._rows()
        if rows is None:
            self.request.response.setStatus(400)
            self.request.response.setHeader("Content-Type", "text/plain; charset=utf-8")
            return "table: use one of: series, " + ", ".join(LIST_TITLES) + "\n"

        output = io.StringIO()
        if rows:
            writer = csv.DictWriter(output, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(_spreadsheet_safe(row) for row in rows)
        name = self.request.form.get("table") or "series"
        filename = (
            f"{self.context.getId()}-{name}-{self.period.start}-{self.period.end}.csv"
        )
        response = self.request.response
        response.setHeader("Content-Type", "text/csv; charset=utf-8")
        response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
        return output.getvalue()

    def _rows(self) -> list[dict] | None:
        table = self.request.form.get("table") or "series"
        if self.context is api.portal.get():
            if table != "sites":
                return None
            view = PlatformStatistics(self.context, self.request)
            view.period = self.period
            view.sort = "pageviews"
            view.descending = True
            return [
                {
                    "site": row["id"],
                    "title": row["title"],
                    "organisation": row["organisation"],
                    "visitors": row["visitors"],
                    "pageviews": row["pageviews"],
                    "downloads": row["downloads"],
                    "top_page": (row["top_page"] or {}).get("path", ""),
                }
                for row in view._rows()
            ]
        if table != "series" and table not in LIST_TITLES:
            return None
        figures = site_report(
            self.storage(), self.context.getId(), self.period, top=10_000
        )
        return figures[table]


def bar_chart(series: list[dict]) -> dict:
    """Geometry of a bar chart of page views and visitors per period."""
    highest = max([entry["pageviews"] for entry in series] + [1])
    count = max(len(series), 1)
    inner_width = CHART_WIDTH - 2 * CHART_MARGIN
    inner_height = CHART_HEIGHT - 2 * CHART_MARGIN
    slot = inner_width / count
    bars = []
    points = []
    for index, entry in enumerate(series):
        height = inner_height * entry["pageviews"] / highest
        x = CHART_MARGIN + index * slot
        bars.append(
            {
                "x": round(x + slot * 0.1, 1),
                "y": round(CHART_MARGIN + inner_height - height, 1),
                "width": round(max(slot * 0.8, 1), 1),
                "height": round(height, 1),
                "title": f"{entry['period']}: {entry['pageviews']}",
            }
        )
        visitors_y = CHART_MARGIN + inner_height * (1 - entry["visitors"] / highest)
        points.append(f"{round(x + slot / 2, 1)},{round(visitors_y, 1)}")
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bars": bars,
        "line": " ".join(points),
        "highest": highest,
        "top": CHART_MARGIN,
        "bottom": CHART_HEIGHT - CHART_MARGIN,
        "left": CHART_MARGIN,
        "right": CHART_WIDTH - CHART_MARGIN,
        "first": series[0]["period"] if series else "",
        "last": series[-1]["period"] if series else "",
    }


def message(request, text) -> str:
    return translate(text, context=request)


def _sort_key(row: dict, column: str):
    if column in ("title", "organisation"):
        return (row[column] or "").lower()
    return row[column]


def _spreadsheet_safe(row: dict) -> dict:
    """Keep a spreadsheet from running a cell that starts like a formula."""
    safe = {}
    for key, value in row.items():
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            value = "'" + value
        safe[key] = value
    return safe


class AnalyticsSettingsForm(BrowserView):
    """Site owners switch an external Matomo or Piwik PRO tracker on or off."""

    def __call__(self):
        self.errors: dict[str, str] = {}
        self.saved = False
        form = self.request.form
        if self.request.get("REQUEST_METHOD") == "POST" and "form.submitted" in form:
            self._save(form)
        current = analytics_settings(self.context)
        self.values = {
            "provider": form.get("provider", current.provider),
            "tracker_url": form.get("tracker_url", current.tracker_url),
            "tracker_site_id": form.get("tracker_site_id", current.tracker_site_id),
        }
        return self.index()

    def _save(self, form) -> None:
        try:
            settings = validate_analytics(
                {name: form.get(name) for name in ANALYTICS_FIELDS}
            )
        except InvalidAnalyticsSettings as error:
            self.errors = error.errors
            self.request.response.setStatus(400)
            return
        store_analytics(self.context, settings)
        self.saved = True

    def providers(self) -> list[dict]:
        return [
            {"value": "", "title": _("analytics_none", default="None")},
            {"value": "matomo", "title": "Matomo"},
            {"value": "piwikpro", "title": "Piwik PRO"},
        ]

    @property
    def ip_mask_bytes(self) -> int:
        return IP_MASK_BYTES
