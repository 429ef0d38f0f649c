"""The beacon in Chromium, and the statistics pages checked with axe-core.

A real browser runs ``beacon.js`` under the platform's pages as a visitor
gets them, so what is counted is what a browser really sends.
"""

from conftest import fresh_portal
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from pro.stats.counter import local_day
from pro.stats.counter import process_counter
from pro.stats.counter import reset_process_counter
from pro.stats.report import parse_period
from pro.stats.report import site_report
from pro.stats.storage import stats_storage
from pro.testing import make_site
from pro_browser import axe_violations
import pytest
import time
import transaction


pytestmark = pytest.mark.slow

# Headless Chromium names itself HeadlessChrome, which the bot list knows;
# a visitor's Chromium does not.
VISITOR_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture(scope="class")
def platform(functional_portal_class):
    reset_process_counter()
    make_site(functional_portal_class, "onderwijs", organisation="OCW")
    transaction.commit()
    yield functional_portal_class
    reset_process_counter()


def counted(portal, expected_pageviews: int, wait: float = 10) -> dict:
    """The site's figures today, once the browser's beacons have arrived."""
    deadline = time.monotonic() + wait
    while True:
        process_counter().flush()
        stats = stats_storage(fresh_portal(portal))
        figures = site_report(stats, "onderwijs", parse_period({}, local_day()))
        if figures["totals"]["pageviews"] >= expected_pageviews:
            return figures
        if time.monotonic() > deadline:
            return figures
        time.sleep(0.2)


class TestBeaconInChromium:
    def test_headless_chromium_itself_counts_as_a_bot(self, chromium, platform):
        page = chromium.new_page()
        page.goto(f"{platform.absolute_url()}/onderwijs", wait_until="networkidle")
        page.close()

        assert counted(platform, 1, wait=2)["totals"]["pageviews"] == 0

    def test_a_visit_a_search_and_a_download_are_counted(self, chromium, platform):
        site_url = f"{platform.absolute_url()}/onderwijs"
        page = chromium.new_page(
            viewport={"width": 390, "height": 844}, user_agent=VISITOR_AGENT
        )
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        page.goto(f"{site_url}?utm_source=nieuwsbrief", wait_until="networkidle")
        page.goto(f"{site_url}/@@zoeken?SearchableText=nergens", wait_until="load")
        page.evaluate(
            """url => {
                const link = document.createElement("a");
                link.href = url;
                link.textContent = "Jaarverslag";
                document.body.appendChild(link);
            }""",
            f"{site_url}/jaarverslag.pdf",
        )
        page.click("text=Jaarverslag")
        figures = counted(platform, 2)
        page.close()

        assert errors == []
        assert figures["totals"]["pageviews"] == 2
        assert figures["totals"]["visitors"] == 1
        assert {row["path"] for row in figures["pages"]} == {"/", "/@@zoeken"}
        assert figures["devices"] == [{"device": "mobile", "pageviews": 2}]
        assert figures["campaigns"][0]["source"] == "nieuwsbrief"
        assert figures["empty_searches"] == [{"terms": "nergens", "searches": 1}]
        deadline = time.monotonic() + 10
        while not figures["downloads"] and time.monotonic() < deadline:
            figures = counted(platform, 2)
        assert figures["downloads"] == [{"path": "/jaarverslag.pdf", "downloads": 1}]

    @pytest.mark.parametrize(
        "path",
        [
            "onderwijs/@@statistieken",
            "onderwijs/@@statistieken?interval=month",
            "onderwijs/@@externe-statistieken",
            "@@statistieken",
        ],
    )
    def test_statistics_pages_have_no_accessibility_violation(
        self, chromium, platform, path
    ):
        context = chromium.new_context(
            http_credentials={
                "username": SITE_OWNER_NAME,
                "password": SITE_OWNER_PASSWORD,
            }
        )
        page = context.new_page()
        response = page.goto(f"{platform.absolute_url()}/{path}", wait_until="load")

        violations = axe_violations(page)
        context.close()
        assert response.status == 200
        assert violations == {}
