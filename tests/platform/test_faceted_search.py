"""Search finds what a visitor may see, in one site or across live sites."""

from datetime import date
from plone import api
from pro.testing import make_site
from zope.component.hooks import setSite
import pytest
import requests
import transaction


@pytest.fixture(scope="class")
def platform(functional_portal_class):
    portal = functional_portal_class
    setSite(portal)
    with api.env.adopt_roles(["Manager"]):
        water = make_site(portal, "water", organisation="Waterdienst")
        wegen = make_site(portal, "wegen", organisation="Wegendienst")
        oud = make_site(portal, "oud", organisation="Oude dienst")
        for site, title in (
            (water, "Dijken versterkt"),
            (water, "Dijken geïnspecteerd"),
            (wegen, "Dijken en wegen"),
            (oud, "Dijken van vroeger"),
        ):
            item = api.content.create(site["nieuws"], type="News Item", title=title)
            api.content.transition(item, transition="publish")
        api.content.create(water["nieuws"], type="News Item", title="Dijken concept")
        topic = api.content.create(
            water["onderwerpen"], type="Topic", title="Hoogwater"
        )
        api.content.transition(topic, transition="publish")
        filed = api.content.create(
            water["nieuws"],
            type="News Item",
            title="Dijken bij hoogwater",
            topics=[topic.UID()],
        )
        api.content.transition(filed, transition="publish")
        page = api.content.create(water, type="Document", title="Over dijken")
        api.content.transition(page, transition="publish")
        api.content.transition(oud, transition="archive")
    transaction.commit()
    return portal


def search(portal, path="", **params):
    url = f"{portal.absolute_url()}/{path}@@zoeken"
    response = requests.get(url, params=params, timeout=30)
    assert response.status_code == 200
    return response.text


class TestFacetedSearch:
    def test_site_search_stays_within_the_site(self, platform):
        page = search(platform, "water/", SearchableText="Dijken")

        assert "Dijken versterkt" in page and "Over dijken" in page
        assert "Dijken en wegen" not in page

    def test_platform_search_covers_live_sites_with_organisations(self, platform):
        page = search(platform, SearchableText="Dijken")

        assert "Dijken versterkt" in page and "Dijken en wegen" in page
        assert "Waterdienst (4)" in " ".join(page.split())
        assert "Wegendienst (1)" in " ".join(page.split())

    @pytest.mark.parametrize("path", ["", "water/"])
    def test_drafts_and_archived_sites_are_not_found(self, platform, path):
        page = search(platform, path, SearchableText="Dijken")

        assert "Dijken concept" not in page
        assert "Dijken van vroeger" not in page

    def test_type_facet_narrows_the_results(self, platform):
        page = search(platform, "water/", SearchableText="Dijken", type="Document")

        assert "Over dijken" in page
        assert "Dijken versterkt" not in page

    def test_topic_facet_shows_titles_and_narrows(self, platform):
        page = search(platform, "water/", SearchableText="Dijken")
        topic_uid = api.content.get(path="/plone/water/onderwerpen/hoogwater").UID()
        narrowed = search(platform, "water/", SearchableText="Dijken", topic=topic_uid)

        assert "Hoogwater (1)" in " ".join(page.split())
        assert "Dijken bij hoogwater" in narrowed
        assert "Dijken versterkt" not in narrowed

    def test_organisation_facet_narrows_the_results(self, platform):
        page = search(platform, SearchableText="Dijken", organisation="Wegendienst")

        assert "Dijken en wegen" in page
        assert "Dijken versterkt" not in page

    def test_year_facet_counts_and_filters(self, platform):
        this_year = str(date.today().year)

        page = search(platform, SearchableText="Dijken", year=this_year)
        empty = search(platform, SearchableText="Dijken", year="1999")

        assert f"{this_year} (5)" in " ".join(page.split())
        assert "Dijken versterkt" in page
        assert "Dijken versterkt" not in empty
