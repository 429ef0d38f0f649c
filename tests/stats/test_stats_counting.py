"""Counting beacons: exact figures over several days, and who is not counted."""

from conftest import BROWSER
from conftest import FIREFOX
from conftest import fresh_portal
from datetime import date
from pro.stats.beacon import parse_hit
from pro.stats.report import Period
from pro.stats.report import site_report
from pro.stats.storage import stats_storage
from pro.testing import make_site
import transaction


def visit(
    counter,
    payload: str,
    address: str = "192.0.2.1",
    agent: str = BROWSER,
    authenticated: bool = False,
    **headers,
) -> str | None:
    return counter.count(
        parse_hit(payload),
        headers={"user-agent": agent, **headers},
        address=address,
        authenticated=authenticated,
    )


def report(portal, site: str, start: str, end: str, interval: str = "day") -> dict:
    stats = stats_storage(fresh_portal(portal))
    period = Period(date.fromisoformat(start), date.fromisoformat(end), interval)
    return site_report(stats, site, period)


def test_visitors_and_page_views_are_exact_over_several_days(sites, new_counter, clock):
    counter = new_counter()
    clock.set("2026-11-02 10:00")
    visit(counter, "s=onderwijs&p=/onderwijs&w=1400")
    visit(counter, "s=onderwijs&p=/onderwijs/nieuws&w=1400")
    visit(counter, "s=onderwijs&p=/onderwijs", address="192.0.2.2", agent=FIREFOX)
    visit(counter, "s=zorg&p=/zorg")
    counter.flush()

    clock.set("2026-11-03 09:00")
    visit(counter, "s=onderwijs&p=/onderwijs/nieuws&w=500")
    counter.flush()
    clock.set("2026-11-03 23:59")
    visit(counter, "s=onderwijs&p=/onderwijs/nieuws", address="192.0.2.3")
    counter.flush()
    clock.set("2026-11-04 12:00")
    counter.flush()

    figures = report(sites, "onderwijs", "2026-11-01", "2026-11-04")

    assert figures["totals"]["pageviews"] == 5
    # Two on the 2nd, and the first visitor again plus a new one on the 3rd.
    assert figures["totals"]["visitors"] == 4
    assert [
        (day["period"], day["visitors"], day["pageviews"]) for day in figures["series"]
    ] == [
        ("2026-11-01", 0, 0),
        ("2026-11-02", 2, 3),
        ("2026-11-03", 2, 2),
        ("2026-11-04", 0, 0),
    ]
    assert figures["pages"] == [
        {"path": "/onderwijs/nieuws", "pageviews": 3},
        {"path": "/onderwijs", "pageviews": 2},
    ]
    assert {row["device"]: row["pageviews"] for row in figures["devices"]} == {
        "desktop": 2,
        "mobile": 1,
        "unknown": 2,
    }
    assert report(sites, "zorg", "2026-11-01", "2026-11-04")["totals"] == {
        "visitors": 1,
        "pageviews": 1,
        "downloads": 0,
        "searches": 0,
    }


def test_two_shards_count_a_visitor_once_and_settle_the_same_number(
    sites, new_counter, clock
):
    first, second = new_counter("instance-a"), new_counter("instance-b")
    clock.set("2026-11-02 10:00")
    for counter in (first, second):
        visit(counter, "s=onderwijs&p=/", address="192.0.2.1")
        visit(counter, "s=onderwijs&p=/", address="192.0.2.2")
    visit(second, "s=onderwijs&p=/", address="192.0.2.3")
    first.flush()
    second.flush()
    open_day = report(sites, "onderwijs", "2026-11-02", "2026-11-02")

    clock.set("2026-11-03 00:20")
    first.flush()
    visit(second, "s=onderwijs&p=/", address="192.0.2.1")
    second.flush()
    settled = report(sites, "onderwijs", "2026-11-02", "2026-11-03")

    assert open_day["totals"] == {
        "visitors": 3,
        "pageviews": 5,
        "downloads": 0,
        "searches": 0,
    }
    assert [(day["visitors"], day["pageviews"]) for day in settled["series"]] == [
        (3, 5),
        (1, 1),
    ]
    stats = stats_storage(fresh_portal(sites))
    for shard in stats.shards.values():
        day = shard.days[("onderwijs", "2026-11-02")]
        assert (day.hashes, day.visitors) == (None, 3)


def test_the_salt_of_a_past_day_is_deleted_and_todays_made_ahead(
    sites, new_counter, clock
):
    counter = new_counter()
    salts_before = dict(stats_storage(fresh_portal(sites)).salts)

    clock.set("2026-11-03 23:00")
    counter.flush()
    salts_after = dict(stats_storage(fresh_portal(sites)).salts)

    assert list(salts_before) == ["2026-11-02", "2026-11-03"]
    assert list(salts_after) == ["2026-11-03", "2026-11-04"]
    # The salt made a day ahead is the one used when its day comes.
    assert salts_after["2026-11-03"] == salts_before["2026-11-03"]


def test_a_site_made_after_the_last_flush_is_counted_at_once(sites, new_counter, clock):
    counter = new_counter()
    make_site(sites, "nieuw", organisation="Nieuwe dienst")
    transaction.commit()
    clock.now += 2

    reason = visit(counter, "s=nieuw&p=/")
    made_up = visit(counter, "s=bestaat-niet&p=/")
    counter.flush()

    figures = report(sites, "nieuw", "2026-11-02", "2026-11-02")
    assert (reason, made_up) == (None, None)
    assert figures["totals"]["pageviews"] == 1
    # The made-up site's hit waited for the flush, which dropped it.
    assert counter.statistics.refused["unknown-site"] == 1
    stats = stats_storage(fresh_portal(sites))
    assert [key[0] for key in stats.shards["instance-a"].days] == ["nieuw"]
