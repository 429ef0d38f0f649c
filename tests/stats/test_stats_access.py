"""Who is not counted, what is refused, and who may see a site's figures.

These tests only read or are refused, so one platform serves them all.
"""

from conftest import arrange_team
from conftest import beacon
from conftest import client
from conftest import counted
from conftest import make_sites
from pro.stats.counter import reset_process_counter
import pytest


@pytest.fixture(scope="class")
def arranged(functional_portal_class):
    reset_process_counter()
    yield arrange_team(make_sites(functional_portal_class))
    reset_process_counter()


class TestRefusedAndWalled:
    @pytest.mark.parametrize(
        ("headers", "user"),
        [
            ({"DNT": "1"}, None),
            ({"Sec-GPC": "1"}, None),
            ({"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}, None),
            ({"User-Agent": "python-requests/2.32"}, None),
            ({"User-Agent": ""}, None),
            ({}, "redacteur"),
            ({}, "admin"),
        ],
        ids=["dnt", "gpc", "googlebot", "script", "no-agent", "editor", "admin"],
    )
    def test_refused_visitors_are_answered_but_not_counted(
        self, arranged, headers, user
    ):
        status = beacon(arranged, "s=onderwijs&p=/", user=user, **headers)

        assert status == 204
        assert counted(arranged)["totals"]["pageviews"] == 0

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ("p=/", "s"),
            ("s=Onderwijs&p=/", "s"),
            ("s=onderwijs", "p"),
            ("s=onderwijs&p=nieuws", "p"),
            ("s=onderwijs&p=/&k=video", "k"),
            ("s=onderwijs&p=/&w=breed", "w"),
            ("s=onderwijs&p=/&q=zoek", "n"),
            ("s=onderwijs&p=/&s=zorg", "s"),
        ],
    )
    def test_a_bad_beacon_is_refused_naming_the_parameter(
        self, arranged, payload, field
    ):
        response = client(arranged).post(
            "onderwijs/@@hit",
            data=payload,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

        assert response.status_code == 400
        assert response.text.startswith(f"{field}: ")

    @pytest.mark.parametrize(
        ("user", "status"),
        [
            ("eigenaar", 200),
            ("eindredacteur", 200),
            ("redacteur", 200),
            ("admin", 200),
            ("zorgredacteur", 401),
            (None, 401),
        ],
    )
    def test_a_sites_dashboard_is_for_its_own_team_only(self, arranged, user, status):
        page = client(arranged, user).get(
            "onderwijs/@@statistieken",
            headers={"Accept": "text/html"},
            allow_redirects=False,
        )
        rest = client(arranged, user).get("onderwijs/@stats")

        assert rest.status_code == status
        if status == 200:
            assert page.status_code == 200
            assert "pro-stats-chart" in page.text
        else:
            assert page.status_code in (302, 401)
            assert "pro-stats-chart" not in page.text

    @pytest.mark.parametrize(
        ("query", "parameter"),
        [
            ("start=gisteren", "start"),
            ("end=2026-13-01", "end"),
            ("start=2026-12-05&end=2026-12-01", "start"),
            ("interval=year", "interval"),
            ("start=2020-01-01&end=2026-01-01", "start"),
        ],
    )
    def test_rest_answers_400_naming_a_bad_parameter(self, arranged, query, parameter):
        response = client(arranged, "admin").get(f"onderwijs/@stats?{query}")
        platform = client(arranged, "admin").get(f"@stats?{query}")

        for answer in (response, platform):
            assert answer.status_code == 400
            assert answer.json()["error"]["parameter"] == parameter
