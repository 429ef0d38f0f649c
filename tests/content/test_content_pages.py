"""Every type's page, add form and edit form over real HTTP, and its REST round
trip: POST with ``@type``, GET, PATCH, GET.

One site with every block and one published item per type is arranged once
for the module's class; the server sees committed data only.
"""

from content_cases import add
from content_cases import add_case
from content_cases import BLOCK_TYPES
from content_cases import CASES
from content_cases import CHIEF_EDITOR
from content_cases import container_for
from content_cases import EDITOR
from content_cases import make_content_site
from content_cases import relation_to
from dataclasses import dataclass
from plone import api
from plone.namedfile.file import NamedBlobFile
from pro.testing import RestClient
import pytest
import transaction


@dataclass
class Arranged:
    site_url: str
    topic_uid: str
    form_uid: str
    pages: dict[str, str]
    containers: dict[str, str]
    draft: str


@pytest.fixture(scope="class")
def arranged(functional_portal_class) -> Arranged:
    site = make_content_site(functional_portal_class)
    topic = add(site["onderwerpen"], "Topic", "Hoogwater", publish=True)
    form = add(site["contact"], "EasyForm", "Contactformulier", publish=True)
    pages = {}
    for type_name in BLOCK_TYPES:
        item = add_case(site, type_name, f"Voorbeeld {type_name}", True, topic)
        pages[type_name] = item.absolute_url()
    site["contact"]["voorbeeld-contactpage"].contact_form = relation_to(form)
    add(
        site["publicaties"]["voorbeeld-publication"],
        "File",
        "Volledige tekst",
        file=NamedBlobFile(b"%PDF-1.4\n" * 300, filename="kamerbrief.pdf"),
    )
    magazine = site["magazine"]["magazine-voor-tests"]
    with api.env.adopt_roles(["Manager"]):
        for item in (magazine, magazine["nummer-voor-tests"]):
            api.content.transition(item, transition="publish")
    draft = add_case(site, "Question", "Nog niet klaar")
    containers = {
        type_name: container_for(site, type_name).absolute_url()
        for type_name in BLOCK_TYPES
    }
    transaction.commit()
    return Arranged(
        site.absolute_url(),
        topic.UID(),
        form.UID(),
        pages,
        containers,
        draft.absolute_url(),
    )


def visitor() -> RestClient:
    client = RestClient("http://unused")
    client.headers["Accept"] = "text/html"
    return client


def editor(
    arranged: Arranged, accept: str = "application/json", user_id: str = EDITOR
) -> RestClient:
    client = RestClient(arranged.site_url, auth=(user_id, f"{user_id}-Secret-1"))
    client.headers["Accept"] = accept
    return client


class TestPagesAndRest:
    @pytest.mark.parametrize("type_name", BLOCK_TYPES)
    def test_page_shows_the_items_fields(self, arranged, type_name):
        response = visitor().get(arranged.pages[type_name])

        assert response.status_code == 200
        assert f"Voorbeeld {type_name}</h1>" in response.text
        for text in CASES[type_name].shown:
            assert text in response.text
        if CASES[type_name].topical:
            assert ">Hoogwater</a>" in response.text

    def test_contact_page_shows_its_form(self, arranged):
        response = visitor().get(arranged.pages["ContactPage"])

        assert 'class="pro-contact-form"' in response.text
        assert "<form" in response.text
        assert "contactformulier" in response.text

    def test_publication_page_offers_its_files_with_format_and_size(self, arranged):
        response = visitor().get(arranged.pages["Publication"])
        download = f"{arranged.pages['Publication']}/kamerbrief.pdf/@@download/file"

        assert f'href="{download}"' in response.text
        assert "Volledige tekst" in response.text
        assert "(PDF, 2.6 KB)" in response.text
        assert visitor().get(download).content.startswith(b"%PDF-1.4")

    def test_article_has_a_page_to_print(self, arranged):
        response = visitor().get(f"{arranged.pages['Article']}/@@print")

        assert response.status_code == 200
        assert "Anna de Vries" in response.text
        assert "Een reportage." in response.text
        assert "portal-globalnav" not in response.text
        assert 'rel="canonical"' in response.text

    def test_a_draft_is_not_shown_to_visitors(self, arranged):
        response = visitor().get(arranged.draft, allow_redirects=False)

        assert response.status_code in (302, 401, 403, 404)
        assert "Nog niet klaar" not in response.text

    @pytest.mark.parametrize("type_name", BLOCK_TYPES)
    def test_editors_open_the_add_and_edit_forms(self, arranged, type_name):
        # Published items change only through a chief editor.
        add_form = editor(arranged, accept="text/html").get(
            f"{arranged.containers[type_name]}/++add++{type_name}"
        )
        edit_form = editor(arranged, "text/html", CHIEF_EDITOR).get(
            f"{arranged.pages[type_name]}/@@edit"
        )

        for form in (add_form, edit_form):
            assert form.status_code == 200
            assert 'name="form.widgets.IDublinCore.title"' in form.text
        assert f'value="Voorbeeld {type_name}"' in edit_form.text
        if CASES[type_name].topical:
            assert f'value="{arranged.topic_uid}"' in add_form.text

    @pytest.mark.parametrize("type_name", BLOCK_TYPES)
    def test_rest_round_trip(self, arranged, type_name):
        case = CASES[type_name]
        client = editor(arranged)
        body = {"@type": type_name, "title": f"Via REST {type_name}", **case.rest}
        if case.topical:
            body["topics"] = [arranged.topic_uid]
        if type_name == "ContactPage":
            body["contact_form"] = arranged.form_uid

        created = client.post(arranged.containers[type_name], json=body)
        assert created.status_code == 201, created.text
        url = created.json()["@id"]
        item = client.get(url).json()
        changed = client.patch(url, json={"title": "Gewijzigd", **case.patch})
        after = client.get(url).json()

        assert item["@type"] == type_name
        assert item["title"] == f"Via REST {type_name}"
        assert item["review_state"] == "private"
        for name, value in case.rest_check.items():
            assert item[name] == value
        if case.topical:
            assert item["topics"] == [
                {"token": arranged.topic_uid, "title": "Hoogwater"}
            ]
        if type_name == "ContactPage":
            assert item["contact_form"]["title"] == "Contactformulier"
        assert changed.status_code == 204, changed.text
        assert after["title"] == "Gewijzigd"
        for name, value in case.patch.items():
            if isinstance(value, dict):
                assert after[name]["data"] == value["data"]
            else:
                assert after[name] == value

    def test_rest_refuses_a_publication_type_that_does_not_exist(self, arranged):
        response = editor(arranged).post(
            arranged.containers["Publication"],
            json={"@type": "Publication", "title": "Fout", "publication_type": "x"},
        )

        assert response.status_code == 400
        assert "publication_type" in response.text
