"""The figures of a site or of all sites over a period, from the counters.

A period is whole days, ``start`` to ``end`` inclusive, in the platform's
time zone, shown by day, week (ISO weeks, from Monday) or month. Whole
months inside the period are read from the month counters and only the
days at its edges from the day counters, so a year costs about twelve reads
per shard for the lists; the visitors and page views per day or week are
read from the day counters.

The visitors of a period are the sum of each day's unique visitors: a
person who comes back the next day counts again, since no visitor is
recognised across days.
"""

from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from pro.stats import storage
from pro.stats.counter import CAMPAIGN_SEPARATOR
from pro.stats.counter import local_day
from pro.stats.exceptions import InvalidPeriod


INTERVALS = ("day", "week", "month")
MAX_DAYS = 3 * 366
DEFAULT_DAYS = 30
TOP = 20
LISTS = (
    "pages",
    "referrers",
    "campaigns",
    "devices",
    "downloads",
    "searches",
    "empty_searches",
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    interval: str = "day"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "interval": self.interval,
        }


def parse_period(form: Mapping, today: date) -> Period:
    """The period asked for by ``start``, ``end`` and ``interval``.

    Without ``start`` the period is the last 30 days up to ``end``; without
    ``end`` it ends today.

    :raises InvalidPeriod: naming the parameter that is wrong.
    """
    end = _date(form, "end", today)
    start = _date(form, "start", end - timedelta(days=DEFAULT_DAYS - 1))
    interval = form.get("interval") or "day"
    if not isinstance(interval, str) or interval not in INTERVALS:
        raise InvalidPeriod("interval", "use one of: day, week, month")
    if start > end:
        raise InvalidPeriod("start", "use a start date on or before the end date")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidPeriod("start", f"ask for at most {MAX_DAYS} days at once")
    return Period(start, end, interval)


def site_report(stats, site_id: str, period: Period, top: int = TOP) -> dict:
    """Everything the dashboard shows for one site, as JSON-ready data."""
    daily = _daily_figures(stats, site_id, period)
    parts = _period_parts(stats, site_id, period)
    lists = {name: _sum_trees(parts, name) for name in LISTS}
    totals = {
        "visitors": sum(figures["visitors"] for figures in daily.values()),
        "pageviews": sum(figures["pageviews"] for figures in daily.values()),
        "downloads": sum(figures["downloads"] for figures in daily.values()),
        "searches": sum(figures["searches"] for figures in daily.values()),
    }
    return {
        "site": site_id,
        **period.as_dict(),
        "totals": totals,
        "series": _series(daily, period),
        "pages": _top(lists["pages"], top, "path", "pageviews"),
        "referrers": _top(lists["referrers"], top, "host", "pageviews"),
        "campaigns": _campaigns(lists["campaigns"], top),
        "devices": _top(lists["devices"], top, "device", "pageviews"),
        "downloads": _top(lists["downloads"], top, "path", "downloads"),
        "searches": _top(lists["searches"], top, "terms", "searches"),
        "empty_searches": _top(lists["empty_searches"], top, "terms", "searches"),
    }


def site_totals(stats, site_id: str, period: Period) -> dict:
    """Visitors, page views, downloads and the top page of one site."""
    parts = _period_parts(stats, site_id, period)
    pages = _sum_trees(parts, "pages")
    top_page = max(pages.items(), key=lambda item: (item[1], item[0]), default=None)
    return {
        "visitors": _visitors(stats, site_id, period),
        "pageviews": sum(part.pageviews for part in parts),
        "downloads": sum(part.downloads_total for part in parts),
        "searches": sum(part.searches_total for part in parts),
        "top_page": (
            {"path": top_page[0], "pageviews": top_page[1]} if top_page else None
        ),
    }


def _date(form: Mapping, name: str, default: date) -> date:
    value = form.get(name)
    if value in (None, ""):
        return default
    if not isinstance(value, str):
        raise InvalidPeriod(name, "send one date as YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise InvalidPeriod(
            name, "send a date as YYYY-MM-DD, e.g. 2026-12-03"
        ) from None
    if len(value) != 10 or parsed.year < 2000:
        raise InvalidPeriod(name, "send a date as YYYY-MM-DD, e.g. 2026-12-03")
    return parsed


def _months(period: Period) -> Iterable[tuple[date, date, bool]]:
    """Each calendar month the period touches: first day, last day, whole.

    A month is whole when the period covers it up to its last day, or up to
    today: nothing is counted for days still to come, so this month's
    counter holds exactly the days up to today.
    """
    today = local_day()
    first = period.start.replace(day=1)
    while first <= period.end:
        following = (first + timedelta(days=32)).replace(day=1)
        last = following - timedelta(days=1)
        whole = first >= period.start and (last <= period.end or period.end >= today)
        yield max(first, period.start), min(last, period.end), whole
        first = following


def _period_parts(stats, site_id: str, period: Period) -> list:
    """The stored counters that together cover the period exactly."""
    if stats is None:
        return []
    parts = []
    for shard in stats.shards.values():
        for first, last, whole in _months(period):
            if whole:
                month = shard.months.get((site_id, first.isoformat()[:7]))
                if month is not None:
                    parts.append(month)
            else:
                parts.extend(
                    shard.days.values(
                        min=(site_id, first.isoformat()),
                        max=(site_id, last.isoformat()),
                    )
                )
    return parts


def _day_keys(stats, site_id: str, period: Period) -> set[str]:
    days = set()
    for shard in stats.shards.values():
        for _site, day in shard.days.keys(
            min=(site_id, period.start.isoformat()),
            max=(site_id, period.end.isoformat()),
        ):
            days.add(day)
    return days


def _visitors(stats, site_id: str, period: Period) -> int:
    """Unique visitors per day, added up; settled days from the months."""
    if stats is None:
        return 0
    settled = _settled_by_day(stats, site_id, period)
    total = sum(settled.values())
    for day in _day_keys(stats, site_id, period) - settled.keys():
        total += storage.day_visitors(stats, (site_id, day))
    return total


def _settled_by_day(stats, site_id: str, period: Period) -> dict[str, int]:
    settled: dict[str, int] = {}
    start, end = period.start.isoformat(), period.end.isoformat()
    for shard in stats.shards.values():
        for first, _last, _whole in _months(period):
            month = shard.months.get((site_id, first.isoformat()[:7]))
            if month is None:
                continue
            for day, visitors in month.visitors_by_day.items():
                if start <= day <= end:
                    settled[day] = max(settled.get(day, 0), visitors)
    return settled


def _daily_figures(stats, site_id: str, period: Period) -> dict[str, dict]:
    """Visitors, page views, downloads and searches of each day with hits."""
    if stats is None:
        return {}
    daily: dict[str, dict] = {}
    settled = _settled_by_day(stats, site_id, period)
    for shard in stats.shards.values():
        items = shard.days.items(
            min=(site_id, period.start.isoformat()),
            max=(site_id, period.end.isoformat()),
        )
        for (_site, day), counters in items:
            figures = daily.setdefault(
                day, {"visitors": 0, "pageviews": 0, "downloads": 0, "searches": 0}
            )
            figures["pageviews"] += counters.pageviews
            figures["downloads"] += counters.downloads_total
            figures["searches"] += counters.searches_total
    for day, figures in daily.items():
        figures["visitors"] = settled.get(day)
        if figures["visitors"] is None:
            figures["visitors"] = storage.day_visitors(stats, (site_id, day))
    return daily


def _series(daily: dict[str, dict], period: Period) -> list[dict]:
    """One entry per day, week or month of the period, empty ones included."""
    buckets: dict[str, dict] = {}
    day = period.start
    while day <= period.end:
        key = _bucket(day, period.interval)
        bucket = buckets.setdefault(
            key,
            {"period": key, "visitors": 0, "pageviews": 0, "downloads": 0},
        )
        figures = daily.get(day.isoformat())
        if figures is not None:
            for name in ("visitors", "pageviews", "downloads"):
                bucket[name] += figures[name]
        day += timedelta(days=1)
    return list(buckets.values())


def _bucket(day: date, interval: str) -> str:
    if interval == "month":
        return day.isoformat()[:7]
    if interval == "week":
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def _sum_trees(parts: list, name: str) -> Counter:
    total: Counter = Counter()
    for part in parts:
        total.update(dict(getattr(part, name).items()))
    return total


def _top(counts: Counter, top: int, key: str, value: str) -> list[dict]:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{key: name, value: amount} for name, amount in ordered[:top]]


def _campaigns(counts: Counter, top: int) -> list[dict]:
    rows = []
    for name, amount in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        source, medium, campaign = (name.split(CAMPAIGN_SEPARATOR) + ["", ""])[:3]
        rows.append(
            {
                "campaign": campaign,
                "source": source,
                "medium": medium,
                "pageviews": amount,
            }
        )
    return rows[:top]
