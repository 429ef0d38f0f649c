"""The news feeds and the agenda's calendars over real HTTP: they parse, and
they carry published items only."""

from content_cases import add
from content_cases import make_content_site
from datetime import datetime
from datetime import timedelta
from html import unescape
from pro.testing import RestClient
import feedparser
import icalendar
import pytest
import pytz
import re
import transaction


@pytest.fixture(scope="class")
def site_url(functional_portal_class) -> str:
    site = make_content_site(functional_portal_class, blocks=["news", "agenda"])
    add(site["nieuws"], "News Item", "Dijk op tijd klaar", True, description="Klaar.")
    add(site["nieuws"], "News Item", "Subsidie voor water", publish=True)
    add(site["nieuws"], "News Item", "Nog een concept")
    zone = pytz.timezone("Europe/Amsterdam")
    start = datetime.now(zone).replace(hour=10, minute=0, second=0, microsecond=0)
    for title, days in (("Open dag", 7), ("Inloopavond", 21)):
        begin = start + timedelta(days=days)
        add(
            site["agenda"],
            "Event",
            title,
            publish=True,
            start=begin,
            end=begin + timedelta(hours=3),
            location="Den Haag",
        )
    add(site["agenda"], "Event", "Besloten overleg", start=start, end=start)
    transaction.commit()
    return site.absolute_url()


def get(url: str):
    response = RestClient(url).get(url, headers={"Accept": "*/*"})
    assert response.status_code == 200, response.text[:500]
    return response


class TestFeedsAndCalendars:
    @pytest.mark.parametrize("feed", ["rss.xml", "atom.xml"])
    def test_news_feed_parses_and_lists_the_published_news(self, site_url, feed):
        parsed = feedparser.parse(get(f"{site_url}/nieuws/{feed}").content)

        assert not parsed.bozo, parsed.get("bozo_exception")
        titles = {entry.title for entry in parsed.entries}
        assert titles == {"Dijk op tijd klaar", "Subsidie voor water"}

    def test_agenda_calendar_parses_and_lists_the_published_events(self, site_url):
        response = get(f"{site_url}/agenda/ics_view")
        calendar = icalendar.Calendar.from_ical(response.content)

        assert response.headers["Content-Type"].startswith("text/calendar")
        events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
        assert set(events) == {"Open dag", "Inloopavond"}
        assert str(events["Open dag"]["LOCATION"]) == "Den Haag"
        assert events["Open dag"].decoded("DTSTART").hour == 10

    def test_each_event_has_its_own_calendar_file(self, site_url):
        response = get(f"{site_url}/agenda/open-dag/ics_view")
        calendar = icalendar.Calendar.from_ical(response.content)

        assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == [
            "Open dag"
        ]

    def test_agenda_page_links_a_calendar_of_what_it_lists(self, site_url):
        html = get(f"{site_url}/agenda").text
        link = re.search(r'class="mode_ical[^"]*"\s+href="([^"]+)"', html)

        assert "Open dag" in html
        assert link is not None
        calendar = icalendar.Calendar.from_ical(get(unescape(link.group(1))).content)
        assert {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")} == {
            "Open dag",
            "Inloopavond",
        }
