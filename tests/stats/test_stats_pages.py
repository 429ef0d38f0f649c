"""Beacons over HTTP, the dashboards, CSV and REST, and who may see them."""

from conftest import arrange_team
from conftest import beacon
from conftest import BROWSER
from conftest import client
from conftest import counted
from conftest import fresh_portal
from pro.stats.counter import local_day
from pro.stats.counter import process_counter
from pro.stats.storage import stats_storage
import csv
import io
import pytest
import re


@pytest.fixture
def team(sites):
    return arrange_team(sites)


def test_a_beacon_counts_a_page_view_with_its_referrer_campaign_and_device(sites):
    status = beacon(
        sites,
        "s=onderwijs&p=/nieuws&r=www.google.nl&w=390"
        "&utm_source=nieuwsbrief&utm_medium=email&utm_campaign=december",
    )

    figures = counted(sites)
    assert status == 204
    assert figures["totals"]["pageviews"] == 1
    assert figures["totals"]["visitors"] == 1
    assert figures["pages"] == [{"path": "/nieuws", "pageviews": 1}]
    assert figures["referrers"] == [{"host": "www.google.nl", "pageviews": 1}]
    assert figures["campaigns"] == [
        {
            "campaign": "december",
            "source": "nieuwsbrief",
            "medium": "email",
            "pageviews": 1,
        }
    ]
    assert figures["devices"] == [{"device": "mobile", "pageviews": 1}]


def test_searches_and_downloads_are_counted_apart(sites):
    beacon(sites, "s=onderwijs&p=/@@zoeken&q=Subsidie&n=4")
    beacon(sites, "s=onderwijs&p=/@@zoeken&q=kinderopvang+toeslag&n=0")
    beacon(sites, "s=onderwijs&p=/publicaties/jaarverslag.pdf&k=download")
    beacon(sites, "s=onderwijs&p=/@@zoeken&q=jan%40example.org&n=0")

    figures = counted(sites)
    assert figures["totals"]["pageviews"] == 3
    assert figures["totals"]["downloads"] == 1
    assert figures["totals"]["searches"] == 3
    assert figures["downloads"] == [
        {"path": "/publicaties/jaarverslag.pdf", "downloads": 1}
    ]
    assert {row["terms"] for row in figures["searches"]} == {
        "subsidie",
        "kinderopvang toeslag",
        "(verborgen)",
    }
    assert {row["terms"] for row in figures["empty_searches"]} == {
        "kinderopvang toeslag",
        "(verborgen)",
    }


def test_the_noscript_image_counts_and_is_never_cached(sites):
    response = client(sites).get("onderwijs/@@hit?s=onderwijs&p=/contact")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/gif"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.content.startswith(b"GIF89a")
    assert counted(sites)["pages"] == [{"path": "/contact", "pageviews": 1}]


def test_a_beacon_for_an_unknown_site_is_not_counted(sites):
    beacon(sites, "s=bestaat-niet&p=/")

    process_counter().flush()
    stats = stats_storage(fresh_portal(sites))
    assert all(not shard.days for shard in stats.shards.values())


def test_every_page_carries_the_beacon_and_the_noscript_image(sites):
    page = client(sites).get("onderwijs", headers={"Accept": "text/html"}).text

    script = re.search(r"<script[^>]*beacon\.js[^>]*>", page).group(0)
    assert 'data-site="onderwijs"' in script
    assert 'data-endpoint="' in script and "/onderwijs/@@hit" in script
    assert "data-search-results" not in script
    assert re.search(
        r'<noscript id="pro-stats-noscript"><img[^>]*@@hit\?s=onderwijs', page
    )
    # Nothing about the visitor: the page is the same for everyone.
    assert "192.0.2" not in page and BROWSER not in page


def test_the_site_search_page_tells_the_beacon_its_number_of_results(sites):
    page = (
        client(sites)
        .get(
            "onderwijs/@@zoeken?SearchableText=nergens", headers={"Accept": "text/html"}
        )
        .text
    )

    script = re.search(r"<script[^>]*beacon\.js[^>]*>", page).group(0)
    assert 'data-search-results="0"' in script


def test_the_dashboard_shows_the_figures_with_a_chart_and_a_table(team):
    beacon(team, "s=onderwijs&p=/nieuws")
    beacon(team, "s=onderwijs&p=/nieuws", **{"User-Agent": "Mozilla/5.0 Firefox/133"})
    process_counter().flush()

    page = (
        client(team, "eigenaar")
        .get("onderwijs/@@statistieken?interval=week", headers={"Accept": "text/html"})
        .text
    )

    assert re.search(r'class="pro-stats-pageviews">\s*2\s*<', page)
    assert re.search(r'class="pro-stats-visitors">\s*2\s*<', page)
    assert "Paginaweergaven" in page and "Meest bekeken pagina" in page
    assert '<svg class="pro-stats-chart"' in page
    assert 'aria-labelledby="pro-stats-chart-title pro-stats-chart-desc"' in page
    assert '<table class="table pro-stats-series">' in page
    assert "/nieuws" in page
    week = local_day().isocalendar()
    assert f"{week[0]}-W{week[1]:02d}" in page


def test_csv_export_gives_the_chosen_table(team):
    beacon(team, "s=onderwijs&p=/nieuws")
    beacon(team, "s=onderwijs&p=/=HYPERLINK(1)")
    process_counter().flush()

    response = client(team, "redacteur").get("onderwijs/@@statistieken-csv?table=pages")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {row["path"] for row in rows} == {"/nieuws", "/=HYPERLINK(1)"}


def test_the_platform_overview_puts_all_sites_side_by_side(team):
    for path in ("/", "/nieuws", "/nieuws"):
        beacon(team, f"s=onderwijs&p={path}")
    client(team).post(
        "zorg/@@hit",
        data="s=zorg&p=/",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    process_counter().flush()

    rest = client(team, "admin").get("@stats").json()
    page = (
        client(team, "admin")
        .get(
            "@@statistieken?sort=title&order=ascending", headers={"Accept": "text/html"}
        )
        .text
    )
    refused = client(team, "eigenaar").get("@stats")
    exported = client(team, "admin").get("@@statistieken-csv?table=sites")

    by_site = {item["id"]: item for item in rest["items"]}
    assert by_site["onderwijs"]["pageviews"] == 3
    assert by_site["onderwijs"]["top_page"] == {"path": "/nieuws", "pageviews": 2}
    assert by_site["zorg"]["pageviews"] == 1
    assert page.index(">Onderwijs<") < page.index(">Zorg<")
    assert 'aria-sort="ascending"' in page
    assert "Ministerie van VWS" in page
    assert refused.status_code == 401
    rows = {row["site"]: row for row in csv.DictReader(io.StringIO(exported.text))}
    assert (rows["onderwijs"]["pageviews"], rows["onderwijs"]["top_page"]) == (
        "3",
        "/nieuws",
    )


def test_no_stored_record_holds_an_address_or_user_agent(sites):
    agent = "Mozilla/5.0 (X11; Linux x86_64) UniqueTestBrowser/987.654"
    for address in ("203.0.113.77", "2001:db8::4711"):
        client(sites).post(
            "onderwijs/@@hit",
            data="s=onderwijs&p=/",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": agent,
                "X-Forwarded-For": address,
            },
        )
    assert counted(sites)["totals"]["visitors"] == 2

    records = stored_records(fresh_portal(sites)._p_jar)
    assert len(records) > 1000
    for needle in (b"203.0.113.77", b"2001:db8::4711", b"UniqueTestBrowser"):
        assert not [oid for oid, data in records.items() if needle in data]


def stored_records(connection) -> dict[bytes, bytes]:
    """Every record reachable from the database root, as stored."""
    from ZODB.serialize import referencesf

    storage = connection.db().storage
    found: dict[bytes, bytes] = {}
    todo = [b"\x00" * 8]
    while todo:
        oid = todo.pop()
        if oid in found:
            continue
        data, _serial = storage.load(oid)
        found[oid] = data
        todo.extend(ref for ref in referencesf(data) if ref not in found)
    return found


def openapi_validator(schema_name: str):
    """A validator of one schema of the statistics' OpenAPI fragment."""
    from jsonschema import Draft202012Validator
    from pathlib import Path
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012
    import pro.stats
    import yaml

    fragment = yaml.safe_load(
        (Path(pro.stats.__file__).parent / "openapi.yaml").read_text("utf-8")
    )
    registry = Registry().with_resource(
        "fragment", DRAFT202012.create_resource(fragment)
    )
    schema = {"$ref": f"fragment#/components/schemas/{schema_name}"}
    return Draft202012Validator(schema, registry=registry)


def test_rest_answers_match_the_openapi_description(team):
    beacon(team, "s=onderwijs&p=/@@zoeken&q=subsidie&n=0&r=example.org&utm_source=x")
    process_counter().flush()
    admin = client(team, "admin")

    site = admin.get("onderwijs/@stats?interval=month").json()
    platform = admin.get("@stats").json()
    error = admin.get("@stats?interval=year").json()

    assert site["totals"]["searches"] == 1
    openapi_validator("SiteStats").validate(site)
    openapi_validator("PlatformStats").validate(platform)
    openapi_validator("StatsError").validate(error)
