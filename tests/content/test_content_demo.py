"""The demo sites show every building block's types, published."""

from plone import api
from pro.platform.demo import create_demo_sites
import pytest


@pytest.fixture(scope="class")
def demo(portal_class) -> dict:
    with api.env.adopt_roles(["Manager"]):
        return {site.getId(): site for site in create_demo_sites(portal_class)}


def types_in(site) -> set[str]:
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(path="/".join(site.getPhysicalPath()))
    return {brain.portal_type for brain in brains}


class TestDemoSites:
    @pytest.mark.parametrize(
        ("site_id", "expected"),
        [
            (
                "waterbeheer",
                {
                    "News Item",
                    "Publication",
                    "File",
                    "Topic",
                    "Question",
                    "Event",
                    "ContactPage",
                    "EasyForm",
                    "Person",
                    "Dossier",
                },
            ),
            ("leefomgeving", {"Magazine", "MagazineIssue", "Article", "Topic"}),
            ("trade", {"News Item", "Publication", "Topic", "ContactPage"}),
            ("veilig-fietsen", {"Question", "Topic", "ContactPage", "EasyForm"}),
        ],
    )
    def test_each_demo_site_holds_the_types_of_its_blocks(
        self, demo, site_id, expected
    ):
        assert expected <= types_in(demo[site_id])

    def test_demo_items_are_published_and_filed_under_topics(self, demo):
        site = demo["waterbeheer"]
        news = site["nieuws"]["nieuwe-dijk-op-tijd-klaar"]
        topic = site["onderwerpen"]["hoogwater"]

        assert api.content.get_state(news) == "published"
        assert news.press_release
        assert news.topics == [topic.UID()]
        assert site["en"]["news"]["new-dyke-finished-on-time"].topics == [
            site["en"]["topics"]["high-water"].UID()
        ]

    def test_contact_folder_shows_its_contact_page_with_the_form(self, demo):
        for site in (demo["waterbeheer"], demo["veilig-fietsen"]):
            folder = site["contact"]
            page = folder[folder.getDefaultPage()]

            assert page.portal_type == "ContactPage"
            assert page.contact_form.to_object.portal_type == "EasyForm"
