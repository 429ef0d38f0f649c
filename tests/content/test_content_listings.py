"""The pages that list a block's items: what they show, in what order, how
they filter and page, and that a visitor sees only what is published and
current."""

from content_cases import add
from content_cases import anonymous
from content_cases import make_content_site
from content_cases import relation_to
from DateTime import DateTime
from datetime import date
from datetime import datetime
from datetime import timedelta
from plone.app.textfield.value import RichTextValue
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter
import pytest
import pytz


NEWS_PER_YEAR = {2025: 7, 2026: 5}


def view(context, name: str, **form):
    """The view ``name`` of ``context`` for a request with ``form``."""
    request = context.REQUEST
    request.form.clear()
    request.form.update({key: str(value) for key, value in form.items()})
    # Views keep their answers per request; a new form is a new request here.
    IAnnotations(request).pop("plone.memoize", None)
    return getMultiAdapter((context, request), name=name)


def content_core(html: str) -> str:
    """The page's own content, without the menus that list items too."""
    start = html.index('id="content-core"')
    return html[start : html.index('id="viewlet-below-content-body"', start)]


def titles(items) -> list[str]:
    return [item["title"] for item in items]


@pytest.fixture(scope="class")
def site(portal_class):
    """A site with a year and a half of news, publications of three kinds,
    questions, people, a dossier and events; around each kind an item that
    no visitor may see."""
    site = make_content_site(portal_class)
    water = add(site["onderwerpen"], "Topic", "Water", publish=True)
    drought = add(site["onderwerpen"], "Topic", "Droogte", publish=True)
    add(site["onderwerpen"], "Topic", "Nog geheim")

    for year, count in NEWS_PER_YEAR.items():
        for number in range(1, count + 1):
            add(
                site["nieuws"],
                "News Item",
                f"Nieuws {year}-{number:02d}",
                publish=True,
                effective_date=DateTime(f"{year}/0{number}/15 10:00 UTC"),
                topics=[water.UID() if number % 2 else drought.UID()],
            )
    now = DateTime()
    add(site["nieuws"], "News Item", "Concept", topics=[water.UID()])
    add(site["nieuws"], "News Item", "Onder embargo", True, effective_date=now + 30)
    add(site["nieuws"], "News Item", "Verlopen", True, expiration_date=now - 1)

    publications = (
        ("Jaarverslag", "report", date(2024, 5, 1), [water]),
        ("Kamerbrief dijken", "letter-to-parliament", date(2025, 2, 3), [water]),
        ("Besluit subsidie", "decision", date(2025, 9, 9), [drought]),
    )
    for title, kind, day, topics in publications:
        add(
            site["publicaties"],
            "Publication",
            title,
            publish=True,
            publication_type=kind,
            publication_date=day,
            topics=[topic.UID() for topic in topics],
        )
    add(site["publicaties"], "Publication", "Conceptrapport", topics=[water.UID()])

    questions = (
        ("Hoe meld ik wateroverlast?", [water]),
        ("Mag ik sproeien?", [drought, water]),
        ("Waar vind ik de openingstijden?", []),
    )
    for title, topics in questions:
        add(
            site["vraag-en-antwoord"],
            "Question",
            title,
            publish=True,
            answer=_rich("Zie de website."),
            topics=[topic.UID() for topic in topics],
        )
    add(site["vraag-en-antwoord"], "Question", "Geheime vraag", topics=[water.UID()])

    for name, order in (("Zoë de Boer", 20), ("Anna Smit", 20), ("Bram Kok", 10)):
        add(
            site["organisatie"], "Person", name, True, role="Adviseur", sort_order=order
        )
    add(site["organisatie"], "Person", "Nog niet aangesteld", sort_order=1)

    dossier = add(site["dossiers"], "Dossier", "Dijken", publish=True)
    add(
        dossier, "Document", "Startnotitie", True, effective_date=DateTime("2024/01/10")
    )
    add(dossier, "Document", "Werkversie")
    dossier.relatedItems = [
        relation_to(site["nieuws"]["nieuws-2025-03"]),
        relation_to(site["publicaties"]["conceptrapport"]),
    ]
    dossier.reindexObject()

    zone = pytz.timezone("Europe/Amsterdam")
    soon = datetime.now(zone).replace(microsecond=0) + timedelta(days=7)
    for title, start in (("Open dag", soon), ("Inloopavond", soon - timedelta(60))):
        add(site["agenda"], "Event", title, True, start=start, end=start + timedelta(2))
    return site


class TestNewsListing:
    def test_is_the_news_folders_view(self, site):
        assert site["nieuws"].getLayout() == "news_listing"

    def test_shows_ten_newest_first_and_pages_the_rest(self, site):
        with anonymous():
            first = view(site["nieuws"], "news_listing")
            first_page = titles(first.items())
            second = view(site["nieuws"], "news_listing", b_start=10)
            second_page = titles(second.items())

        assert first.batch().sequence_length == 12
        assert first_page[:3] == ["Nieuws 2026-05", "Nieuws 2026-04", "Nieuws 2026-03"]
        assert len(first_page) == 10
        assert second_page == ["Nieuws 2025-02", "Nieuws 2025-01"]

    def test_hides_drafts_embargoed_and_expired_news_from_visitors(self, site):
        with anonymous():
            shown = titles(view(site["nieuws"], "news_listing", b_start=0).items())
            shown += titles(view(site["nieuws"], "news_listing", b_start=10).items())

        assert not {"Concept", "Onder embargo", "Verlopen"} & set(shown)

    def test_filters_by_topic_and_year(self, site):
        water = site["onderwerpen"]["water"].UID()
        with anonymous():
            by_topic = titles(view(site["nieuws"], "news_listing", topic=water).items())
            by_year = titles(view(site["nieuws"], "news_listing", year=2025).items())
            both = titles(
                view(site["nieuws"], "news_listing", topic=water, year=2026).items()
            )

        assert len(by_topic) == 4 + 3
        assert len(by_year) == 7
        assert all(title.startswith("Nieuws 2025") for title in by_year)
        assert both == ["Nieuws 2026-05", "Nieuws 2026-03", "Nieuws 2026-01"]

    def test_offers_only_choices_that_find_something(self, site):
        with anonymous():
            listing = view(site["nieuws"], "news_listing", year=2026)
            groups = {group["name"]: group for group in listing.filter_groups()}

        topics = {option.title: option.count for option in groups["topic"]["options"]}
        years = {option.title: option for option in groups["year"]["options"]}
        assert topics == {"Droogte": 2, "Water": 3}
        assert {"2025", "2026"} <= set(years)
        assert years["2026"].selected and years["2026"].count == 5

    @pytest.mark.parametrize(
        "form", [{"year": "twintig"}, {"topic": "onbekend"}, {"b_start": "-3"}]
    )
    def test_ignores_filters_it_does_not_offer(self, site, form):
        with anonymous():
            listing = view(site["nieuws"], "news_listing", **form)

            assert listing.batch().sequence_length == 12

    def test_renders_with_filters_paging_and_feed_link(self, site):
        with anonymous():
            html = content_core(view(site["nieuws"], "news_listing", b_start=10)())

        assert 'name="topic"' in html
        assert 'name="year"' in html
        assert "Nieuws 2025-01" in html
        assert "Nieuws 2026-05" not in html
        assert "b_start:int=0" in html or "b_start=0" in html
        assert f"{site['nieuws'].absolute_url()}/rss.xml" in html


class TestPublicationListing:
    def test_lists_by_the_documents_date_newest_first(self, site):
        with anonymous():
            listing = view(site["publicaties"], "publication_listing")
            items = listing.items()

        assert titles(items) == ["Besluit subsidie", "Kamerbrief dijken", "Jaarverslag"]
        assert items[0]["type"] == "Besluit"

    @pytest.mark.parametrize(
        ("form", "expected"),
        [
            ({"type": "report"}, ["Jaarverslag"]),
            ({"year": 2025}, ["Besluit subsidie", "Kamerbrief dijken"]),
            ({"year": 2025, "type": "decision"}, ["Besluit subsidie"]),
            ({"topic": "water"}, ["Kamerbrief dijken", "Jaarverslag"]),
            ({"type": "brochure"}, []),
        ],
    )
    def test_filters_by_type_topic_and_year(self, site, form, expected):
        if form.get("topic") == "water":
            form = {**form, "topic": site["onderwerpen"]["water"].UID()}
        with anonymous():
            listing = view(site["publicaties"], "publication_listing", **form)

            assert titles(listing.items()) == expected

    def test_type_filter_offers_the_kinds_that_are_there(self, site):
        with anonymous():
            listing = view(site["publicaties"], "publication_listing")
            groups = {group["name"]: group for group in listing.filter_groups()}

        kinds = [option.value for option in groups["type"]["options"]]
        assert kinds == ["report", "letter-to-parliament", "decision"]


class TestQuestionsPeopleAndTopics:
    def test_faq_groups_questions_by_topic_and_keeps_the_rest_last(self, site):
        with anonymous():
            groups = view(site["vraag-en-antwoord"], "faq_listing").groups()

        grouped = {
            group["title"]: [brain.Title for brain in group["questions"]]
            for group in groups
        }
        assert list(grouped) == ["Droogte", "Water", "Overige vragen"]
        assert grouped["Water"] == ["Hoe meld ik wateroverlast?", "Mag ik sproeien?"]
        assert grouped["Droogte"] == ["Mag ik sproeien?"]
        assert grouped["Overige vragen"] == ["Waar vind ik de openingstijden?"]

    def test_faq_page_links_each_answer_to_its_own_page(self, site):
        with anonymous():
            html = content_core(view(site["vraag-en-antwoord"], "faq_listing")())

        question = site["vraag-en-antwoord"]["mag-ik-sproeien"]
        assert html.count(f'href="{question.absolute_url()}"') == 2
        assert "Geheime vraag" not in html

    def test_people_are_listed_by_sort_order_then_name(self, site):
        with anonymous():
            people = view(site["organisatie"], "people_overview").people()

        assert [person["name"] for person in people] == [
            "Bram Kok",
            "Anna Smit",
            "Zoë de Boer",
        ]
        assert people[0]["role"] == "Adviseur"

    def test_topic_page_gathers_what_is_filed_under_it(self, site):
        topic = site["onderwerpen"]["water"]
        with anonymous():
            sections = {
                section["id"]: section
                for section in view(topic, "topic_view").sections()
            }

        assert list(sections) == ["news", "publications", "faq"]
        assert len(sections["news"]["entries"]) == 5
        assert sections["news"]["more"] == (
            f"{site['nieuws'].absolute_url()}?topic={topic.UID()}"
        )
        assert titles(sections["publications"]["entries"]) == [
            "Kamerbrief dijken",
            "Jaarverslag",
        ]
        assert sections["publications"]["more"] is None
        assert "Geheime vraag" not in titles(sections["faq"]["entries"])

    def test_topic_overview_lists_the_published_topics(self, site):
        with anonymous():
            topics = view(site["onderwerpen"], "topic_overview").topics()

        assert [brain.Title for brain in topics] == ["Droogte", "Water"]


class TestDossierAndAgenda:
    def test_dossier_timeline_holds_its_items_and_related_items_by_date(self, site):
        with anonymous():
            timeline = view(site["dossiers"]["dijken"], "dossier_view").timeline()

        assert titles(timeline) == ["Startnotitie", "Nieuws 2025-03"]

    def test_agenda_shows_upcoming_events_and_past_ones_on_request(self, site):
        with anonymous():
            upcoming = content_core(view(site["agenda"], "event_listing")())
            past = content_core(view(site["agenda"], "event_listing", mode="past")())

        assert site["agenda"].getLayout() == "event_listing"
        assert "Open dag" in upcoming and "Inloopavond" not in upcoming
        assert "Inloopavond" in past and "Open dag" not in past


def _rich(text: str) -> RichTextValue:
    return RichTextValue(f"<p>{text}</p>", "text/html", "text/x-html-safe")
