"""Every building block's type: made, changed, versioned, published through the
site's workflow, and addable only on sites that enabled its block.

The sites are made once per class; each test makes its own items in them.
"""

from content_cases import add
from content_cases import add_case
from content_cases import anonymous
from content_cases import BLOCK_TYPES
from content_cases import CASES
from content_cases import CHIEF_EDITOR
from content_cases import container_for
from content_cases import EDITOR
from content_cases import make_content_site
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobImage
from pro.content.content import IContactPage
from pro.content.topics import topics_vocabulary
from pro.content.views import format_name
from pro.platform.blocks import BLOCKS
from pro.platform.workflow import CONTENT_WORKFLOW
from zExceptions import Unauthorized
from zope.event import notify
from zope.interface import Invalid
from zope.lifecycleevent import ObjectModifiedEvent
import pytest


def addable_types(container) -> set[str]:
    return {fti.getId() for fti in container.allowedContentTypes()}


@pytest.fixture(scope="class")
def site(portal_class):
    site = make_content_site(portal_class)
    add(site["onderwerpen"], "Topic", "Hoogwater")
    return site


@pytest.fixture(scope="class")
def topic(site):
    return site["onderwerpen"]["hoogwater"]


class TestEveryType:
    def test_each_type_belongs_to_its_block_and_has_its_own_add_permission(self, site):
        types_tool = api.portal.get_tool("portal_types")
        for type_name in BLOCK_TYPES:
            assert type_name in BLOCKS[CASES[type_name].block].types
            if type_name != "News Item":
                assert types_tool[type_name].add_permission == f"pro.Add{type_name}"

    @pytest.mark.parametrize("type_name", BLOCK_TYPES)
    def test_is_made_with_its_fields_in_the_site_workflow(self, site, topic, type_name):
        item = add_case(site, type_name, f"Gemaakt {type_name}", topic=topic)

        assert item.portal_type == type_name
        for name, make in CASES[type_name].fields.items():
            expected = make() if callable(make) else make
            if isinstance(expected, RichTextValue):
                assert getattr(item, name).raw == expected.raw
            elif isinstance(expected, NamedBlobImage):
                assert getattr(item, name).getImageSize() == (80, 60)
            else:
                assert getattr(item, name) == expected
        if CASES[type_name].topical:
            assert item.topics == [topic.UID()]
        workflow = api.portal.get_tool("portal_workflow")
        assert workflow.getChainFor(item) == (CONTENT_WORKFLOW,)
        assert api.content.get_state(item) == "private"

    @pytest.mark.parametrize("type_name", BLOCK_TYPES)
    def test_editor_submits_and_chief_editor_publishes(self, site, type_name):
        item = add_case(site, type_name, f"Gepubliceerd {type_name}")
        with anonymous():
            assert not api.user.has_permission("View", obj=item)

        with api.env.adopt_user(username=EDITOR):
            api.content.transition(item, transition="submit")
            with pytest.raises(api.exc.InvalidParameterError):
                api.content.transition(item, transition="publish")
        with api.env.adopt_user(username=CHIEF_EDITOR):
            api.content.transition(item, transition="publish")

        assert api.content.get_state(item) == "published"
        with anonymous():
            assert api.user.has_permission("View", obj=item)

    @pytest.mark.parametrize("type_name", BLOCK_TYPES)
    def test_edit_changes_the_item_and_its_catalog_entry(self, site, type_name):
        item = add_case(site, type_name, f"Bewerkt {type_name}")

        with api.env.adopt_user(username=EDITOR):
            item.title = "Nieuwe titel"
            item.description = "Een nieuwe samenvatting."
            notify(ObjectModifiedEvent(item))

        brain = api.content.find(UID=item.UID())[0]
        assert brain.Title == "Nieuwe titel"
        assert brain.Description == "Een nieuwe samenvatting."

    @pytest.mark.parametrize(
        "type_name", [name for name in BLOCK_TYPES if name != "Magazine"]
    )
    def test_text_types_keep_versions_to_compare(self, site, type_name):
        item = add_case(site, type_name, f"Versies {type_name}")
        repository = api.portal.get_tool("portal_repository")
        diff_tool = api.portal.get_tool("portal_diff")

        item.title = "Tweede versie"
        repository.save(item, comment="Titel aangepast")

        assert repository.getHistoryMetadata(item).getLength(countPurged=False) == 2
        assert repository.retrieve(item, 0).object.title == f"Versies {type_name}"
        assert diff_tool.getDiffForPortalType(type_name)

    def test_a_folder_offers_only_its_blocks_placeable_types(self, site):
        assert "Publication" in addable_types(site["publicaties"])
        assert "Question" not in addable_types(site["publicaties"])
        magazines = addable_types(site["magazine"])
        assert "Magazine" in magazines
        assert magazines & {"MagazineIssue", "Article"} == set()
        magazine = container_for(site, "MagazineIssue")
        assert addable_types(magazine) == {"MagazineIssue"}
        publication = add(site["publicaties"], "Publication", "Rapport met bijlagen")
        assert addable_types(publication) == {"File"}

    def test_contact_form_must_be_a_form(self, site):
        page = add(site["contact"], "Document", "Geen formulier")
        form = add(site["contact"], "EasyForm", "Wel een formulier")

        with pytest.raises(Invalid):
            IContactPage["contact_form"].constraint(page)
        assert IContactPage["contact_form"].constraint(form)

    def test_search_finds_the_words_of_every_text_field(self, site):
        add(site["vraag-en-antwoord"], "Question", "Lekkage", answer=_rich("Kwelwater"))
        add(site["organisatie"], "Person", "Anna Smit", biography=_rich("Dijkgraaf"))

        assert len(api.content.find(SearchableText="Lekkage")) == 1
        assert len(api.content.find(SearchableText="Kwelwater")) == 1
        assert len(api.content.find(SearchableText="Dijkgraaf")) == 1


@pytest.fixture(scope="class")
def sites_per_block(portal_class) -> dict:
    """A site with only that block for every block with types, and a site
    with none of them."""
    blocks = sorted({case.block for case in CASES.values()})
    sites = {
        block: make_content_site(portal_class, f"alleen-{block}", blocks=[block])
        for block in blocks
    }
    sites[None] = make_content_site(portal_class, "kaal", blocks=["agenda"])
    return sites


class TestAddableOnlyWhereTheBlockIsEnabled:
    @pytest.mark.parametrize("type_name", BLOCK_TYPES)
    def test_addable_in_a_site_with_its_block(self, sites_per_block, type_name):
        site = sites_per_block[CASES[type_name].block]

        assert type_name in addable_types(container_for(site, type_name))

    @pytest.mark.parametrize("type_name", BLOCK_TYPES)
    def test_not_addable_anywhere_in_a_site_without_it(
        self, sites_per_block, type_name
    ):
        site = sites_per_block[None]
        with api.env.adopt_roles(["Manager"]):
            nested = api.content.create(site, type="Folder", title=f"Map {type_name}")

            assert type_name not in addable_types(site)
            assert type_name not in addable_types(nested)
            with pytest.raises(Unauthorized):
                api.content.create(nested, type=type_name, title="Niet toegestaan")


class TestTopicVocabulary:
    def test_offers_the_sites_own_topics_by_title(self, portal_class):
        water = make_content_site(portal_class, "water")
        other = make_content_site(portal_class, "ander", blocks=["topics"])
        add(water["onderwerpen"], "Topic", "Hoogwater")
        add(water["onderwerpen"], "Topic", "Droogte")
        add(other["onderwerpen"], "Topic", "Belastingen")

        titles = [term.title for term in topics_vocabulary(water["nieuws"])]

        assert titles == ["Droogte", "Hoogwater"]

    def test_a_second_language_has_its_own_topics(self, portal_class):
        site = make_content_site(
            portal_class, "tweetalig", blocks=["news", "topics"], languages=["nl", "en"]
        )
        add(site["onderwerpen"], "Topic", "Hoogwater")
        add(site["en"]["topics"], "Topic", "High water")

        titles = [term.title for term in topics_vocabulary(site["en"]["news"])]

        assert titles == ["High water"]


def _rich(text: str) -> RichTextValue:
    return RichTextValue(f"<p>{text}</p>", "text/html", "text/x-html-safe")


@pytest.mark.parametrize(
    ("mime_type", "file_name", "expected"),
    [
        ("application/pdf", "brief.pdf", "PDF"),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "brief.docx",
            "Word",
        ),
        ("application/vnd.oasis.opendocument.spreadsheet", "cijfers.ods", "ODS"),
        ("application/x-geopackage", "kaart.gpkg", "GPKG"),
        ("application/octet-stream", "zonder-extensie", "OCTET-STREAM"),
    ],
)
def test_download_format_is_named_for_visitors(mime_type, file_name, expected):
    assert format_name(mime_type, file_name) == expected
