"""Open data shows integrators what is published, and never a draft."""

from DateTime import DateTime
from plone import api
from pro.testing import make_site
from xml.etree import ElementTree
from zope.component.hooks import setSite
import pytest
import requests
import transaction


@pytest.fixture(scope="class")
def platform(functional_portal_class):
    """Two live sites and an archived one, with news in every state."""
    portal = functional_portal_class
    setSite(portal)
    with api.env.adopt_roles(["Manager"]):
        a = make_site(portal, "a", blocks=["news", "agenda"])
        b = make_site(portal, "b", blocks=["news"])
        gone = make_site(portal, "gone", blocks=["news"])
        for number in range(1, 4):
            _news(a, f"Bericht {number}", "published")
        _news(a, "Concept", "private")
        _news(a, "Ter beoordeling", "pending")
        _news(a, "Verlopen", "published", expires=DateTime() - 1)
        _news(a, "Onder embargo", "published", effective=DateTime() + 7)
        _news(b, "Bericht van b", "published")
        _news(gone, "Bericht van het archief", "published")
        event = api.content.create(
            a["agenda"],
            type="Event",
            title="Open dag",
            start=DateTime("2030-05-01 10:00 Europe/Amsterdam").asdatetime(),
            end=DateTime("2030-05-01 16:00 Europe/Amsterdam").asdatetime(),
            location="Den Haag",
        )
        api.content.transition(event, transition="publish")
        api.content.transition(gone, transition="archive")
    transaction.commit()
    return portal


def _news(site, title, state, **dates):
    item = api.content.create(site["nieuws"], type="News Item", title=title)
    for name, value in dates.items():
        setattr(item, name, value)
    if state != "private":
        api.content.transition(item, transition="submit")
    if state == "published":
        api.content.transition(item, transition="publish")
    item.reindexObject()
    return item


def get(portal, path, **params):
    return requests.get(f"{portal.absolute_url()}/{path}", params=params, timeout=30)


class TestOpenData:
    def test_platform_feed_lists_published_news_of_live_sites(self, platform):
        response = get(platform, "@open-data/news")

        assert response.status_code == 200
        titles = {item["title"] for item in response.json()["items"]}
        assert titles == {"Bericht 1", "Bericht 2", "Bericht 3", "Bericht van b"}

    @pytest.mark.parametrize(
        "title",
        ["Concept", "Ter beoordeling", "Verlopen", "Onder embargo", "archief"],
    )
    def test_feed_never_shows_drafts_expired_embargoed_or_archived(
        self, platform, title
    ):
        for path in ("@open-data/news", "a/@open-data/news"):
            body = get(platform, path, page_size=100).text
            assert title not in body

    def test_site_feed_lists_that_site_only(self, platform):
        items = get(platform, "a/@open-data/news").json()["items"]

        assert {item["site"] for item in items} == {"a"}
        assert all(
            item["url"].startswith(platform.absolute_url() + "/a/") for item in items
        )

    def test_items_carry_their_facts(self, platform):
        item = get(platform, "b/@open-data/news").json()["items"][0]

        assert item["type"] == "News Item"
        assert item["organisation"] == "Ministerie van b"
        assert item["published"] and item["modified"]
        assert len(item["id"]) == 32

    def test_events_carry_dates_and_place(self, platform):
        (event,) = get(platform, "a/@open-data/agenda").json()["items"]

        assert event["title"] == "Open dag"
        assert event["location"] == "Den Haag"
        assert event["start"].startswith("2030-05-01")

    def test_paging_walks_every_item_once(self, platform):
        first = get(platform, "@open-data/news", page_size=3).json()
        second = requests.get(first["next"], timeout=30).json()

        assert first["items_total"] == 4
        assert len(first["items"]) == 3 and len(second["items"]) == 1
        assert second["next"] is None and second["previous"]
        ids = [item["id"] for item in first["items"] + second["items"]]
        assert len(set(ids)) == 4

    def test_changed_since_takes_any_offset(self, platform):
        # DateTime knows no offset like -09:52; found by fuzzing.
        response = get(
            platform, "@open-data/news", changed_since="1785-03-03T21:00:06-09:52"
        )

        assert response.status_code == 200
        assert response.json()["items_total"] == 4

    def test_changed_since_gives_only_later_changes(self, platform):
        everything = get(platform, "@open-data/news").json()["items"]
        newest = max(item["modified"] for item in everything)

        later = get(platform, "@open-data/news", changed_since=newest).json()
        future = get(platform, "@open-data/news", changed_since="2999-01-01").json()

        # Changes are kept to the minute, so the same minute counts as later.
        minute = newest[:16]
        assert newest in [item["modified"] for item in later["items"]]
        assert all(item["modified"][:16] >= minute for item in later["items"])
        modified = [item["modified"] for item in later["items"]]
        assert modified == sorted(modified)
        assert future["items"] == []

    def test_xml_is_offered_by_parameter_and_by_accept(self, platform):
        by_parameter = get(platform, "a/@open-data/news", format="xml")
        by_accept = requests.get(
            f"{platform.absolute_url()}/a/@open-data/news",
            headers={"Accept": "application/xml"},
            timeout=30,
        )

        for response in (by_parameter, by_accept):
            assert response.headers["Content-Type"].startswith("application/xml")
            root = ElementTree.fromstring(response.content)  # noqa: S314 our own
            assert root.get("block") == "news"
            assert len(root.findall("item")) == 3

    def test_answers_are_cacheable_and_revalidate(self, platform):
        response = get(platform, "@open-data/news")
        again = requests.get(
            response.url,
            headers={"If-None-Match": response.headers["ETag"]},
            timeout=30,
        )

        assert "public" in response.headers["Cache-Control"]
        assert response.headers["Last-Modified"]
        assert again.status_code == 304
        assert again.content == b""

    @pytest.mark.parametrize(
        ("path", "params", "status", "field"),
        [
            ("@open-data/recipes", {}, 404, "block"),
            ("b/@open-data/agenda", {}, 404, "block"),
            ("@open-data/news/extra", {}, 404, "path"),
            ("@open-data/news", {"page": "0"}, 400, "page"),
            ("@open-data/news", {"page_size": "1000"}, 400, "page_size"),
            ("@open-data/news", {"changed_since": "last week"}, 400, "changed_since"),
            # Before the year 1 once in UTC.
            (
                "@open-data/news",
                {"changed_since": "0001-01-01T00:00:00+05:00"},
                400,
                "changed_since",
            ),
        ],
    )
    def test_bad_requests_name_the_parameter(
        self, platform, path, params, status, field
    ):
        response = get(platform, path, **params)

        assert response.status_code == status
        assert response.json()["error"]["field"] == field

    def test_json_api_clients_get_the_same_feed(self, platform):
        response = requests.get(
            f"{platform.absolute_url()}/@open-data/news",
            headers={"Accept": "application/json"},
            timeout=30,
        )

        assert response.status_code == 200
        assert response.json()["items_total"] == 4
