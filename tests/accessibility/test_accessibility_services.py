"""The checks, the report and the statement over real HTTP, for the site's
team and nobody else.

Site ``a`` has an owner, a chief editor and an editor and holds a draft with
an error, a published page with a warning and a published page without
problems; site ``b`` has an editor of its own. The arrangement is made once
for the class on the functional layer, whose server sees committed data.
"""

from dataclasses import dataclass
from datetime import date
from jsonschema import Draft202012Validator
from pathlib import Path
from plone import api
from plone.app.textfield.value import RichTextValue
from pro.testing import make_site
from pro.testing import make_user
from pro.testing import RestClient
import pro.accessibility
import pytest
import requests
import transaction
import yaml


TEAM = {"owner": "a-owner", "chief": "a-chief", "editor": "a-editor"}
B_EDITOR = "b-editor"
DRAFT_HTML = '<p>Het verslag staat online: <a href="/verslag">klik hier</a>.</p>'


OPENAPI = yaml.safe_load(
    (Path(pro.accessibility.__file__).parent / "openapi.yaml").read_text()
)


def assert_matches_schema(body: dict, name: str) -> None:
    """``body`` is what the OpenAPI fragment promises for schema ``name``."""
    schema = {
        "$ref": f"#/components/schemas/{name}",
        "components": OPENAPI["components"],
    }
    Draft202012Validator(schema).validate(body)


@dataclass
class Arranged:
    portal_url: str
    site_url: str
    draft_url: str
    warning_url: str
    clean_url: str


def rich(html: str) -> RichTextValue:
    return RichTextValue(html, "text/html", "text/x-html-safe")


def password(user_id: str) -> str:
    return f"{user_id}-Secret-1"


def client(arranged: Arranged, user_id: str | None) -> RestClient:
    auth = (user_id, password(user_id)) if user_id else None
    return RestClient(arranged.portal_url, auth=auth)


@pytest.fixture(scope="class")
def arranged(functional_portal_class) -> Arranged:
    portal = functional_portal_class
    with api.env.adopt_roles(["Manager"]):
        for user_id in (*TEAM.values(), B_EDITOR):
            make_user(user_id)
        site = make_site(
            portal,
            "a",
            blocks=["news", "contact"],
            owners=[TEAM["owner"]],
            chief_editors=[TEAM["chief"]],
            editors=[TEAM["editor"]],
        )
        make_site(portal, "b", blocks=["news"], editors=[B_EDITOR])
        news = site["nieuws"]
        draft = api.content.create(
            news, type="News Item", title="Concept", text=rich(DRAFT_HTML)
        )
        warning = api.content.create(
            news,
            type="News Item",
            title="DE DIJK IS VANDAAG GESLOTEN",
            text=rich("<p>Tot morgen.</p>"),
        )
        clean = api.content.create(
            news, type="News Item", title="Open dag", text=rich("<p>Welkom.</p>")
        )
        for item in (warning, clean):
            api.content.transition(item, transition="publish")
    transaction.commit()
    return Arranged(
        portal.absolute_url(),
        site.absolute_url(),
        draft.absolute_url(),
        warning.absolute_url(),
        clean.absolute_url(),
    )


class TestCheckService:
    def test_the_team_reads_the_findings_of_an_item(self, arranged):
        answer = client(arranged, TEAM["editor"]).get(
            f"{arranged.draft_url}/@accessibility-check"
        )

        assert answer.status_code == 200
        body = answer.json()
        assert (body["errors"], body["warnings"], body["publishable"]) == (1, 0, False)
        (finding,) = body["findings"]
        assert finding["code"] == "link-vague"
        assert finding["field"] == "text"
        assert finding["excerpt"] == "klik hier"
        assert "zegt niet waar" in finding["message"]["nl"]
        assert "does not say where" in finding["message"]["en"]
        assert_matches_schema(body, "AccessibilityCheck")

    def test_a_clean_item_is_publishable(self, arranged):
        body = (
            client(arranged, TEAM["chief"])
            .get(f"{arranged.clean_url}/@accessibility-check")
            .json()
        )

        assert body == {
            "@id": f"{arranged.clean_url}/@accessibility-check",
            "url": arranged.clean_url,
            "errors": 0,
            "warnings": 0,
            "publishable": True,
            "findings": [],
        }

    @pytest.mark.parametrize("user_id", [None, B_EDITOR])
    @pytest.mark.parametrize("item", ["draft_url", "clean_url"])
    def test_outsiders_are_refused(self, arranged, user_id, item):
        url = getattr(arranged, item)

        answer = client(arranged, user_id).get(f"{url}/@accessibility-check")

        assert answer.status_code in (401, 403)
        assert "findings" not in answer.text


class TestPublishingOverRest:
    def test_publishing_an_item_with_errors_answers_400_with_the_problems(
        self, arranged
    ):
        chief = client(arranged, TEAM["chief"])

        answer = chief.post(f"{arranged.draft_url}/@workflow/publish", json={})

        assert answer.status_code == 400
        error = answer.json()["error"]
        assert "klik hier" in error["message"]
        assert [(d["code"], d["field"], d["excerpt"]) for d in error["details"]] == [
            ("link-vague", "text", "klik hier")
        ]
        after = chief.get(arranged.draft_url).json()
        assert after["review_state"] == "private"
        assert after["effective"] is None


class TestReport:
    def test_the_report_lists_every_problem_by_page_and_kind(self, arranged):
        answer = client(arranged, TEAM["owner"]).get(
            f"{arranged.site_url}/@accessibility-report"
        )

        assert answer.status_code == 200
        body = answer.json()
        assert body["totals"]["errors"] == 1
        assert body["totals"]["warnings"] == 1
        assert body["totals"]["pages_with_problems"] == 2
        assert body["totals"]["pages_checked"] >= 3
        assert {code: kind["count"] for code, kind in body["by_kind"].items()} == {
            "link-vague": 1,
            "text-in-capitals": 1,
        }
        pages = {page["url"]: page for page in body["pages"]}
        assert set(pages) == {arranged.draft_url, arranged.warning_url}
        assert pages[arranged.draft_url]["review_state"] == "private"
        today = date.today().isoformat()
        assert body["history"][-1] == {"date": today, **body["totals"]}
        assert_matches_schema(body, "AccessibilityReport")

    def test_the_day_is_kept_once_on_the_site(self, arranged):
        owner = client(arranged, TEAM["owner"])
        owner.get(f"{arranged.site_url}/@accessibility-report")

        history = owner.get(f"{arranged.site_url}/@accessibility-report").json()[
            "history"
        ]

        assert [day["date"] for day in history] == [date.today().isoformat()]

    @pytest.mark.parametrize("user_id", [None, B_EDITOR])
    def test_outsiders_get_no_report(self, arranged, user_id):
        answer = client(arranged, user_id).get(
            f"{arranged.site_url}/@accessibility-report"
        )

        assert answer.status_code in (401, 403)
        assert "klik hier" not in answer.text


def page(arranged: Arranged, user_id: str | None, view: str) -> requests.Response:
    """The page, with its text's white space made single for comparing."""
    auth = (user_id, password(user_id)) if user_id else None
    answer = requests.get(
        f"{arranged.site_url}/{view}", auth=auth, allow_redirects=False, timeout=30
    )
    answer.words = " ".join(answer.text.split())
    return answer


class TestPages:
    @pytest.mark.parametrize("role", sorted(TEAM))
    def test_the_report_page_shows_the_team_each_problem(self, arranged, role):
        answer = page(arranged, TEAM[role], "@@toegankelijkheid")

        assert answer.status_code == 200
        assert "Toegankelijkheid" in answer.text
        assert "klik hier" in answer.text
        assert arranged.draft_url in answer.text
        assert "zegt niet waar de link heen gaat" in answer.words
        assert "<td>Fout</td>" in answer.words
        assert "vervangen geen onderzoek door een deskundige" in answer.words

    @pytest.mark.parametrize(
        ("user_id", "shown"), [(TEAM["editor"], True), (None, False)]
    )
    def test_the_site_root_links_the_team_to_the_report(self, arranged, user_id, shown):
        answer = page(arranged, user_id, "")

        assert answer.status_code == 200
        assert (f'href="{arranged.site_url}/@@toegankelijkheid' in answer.text) is shown

    @pytest.mark.parametrize(
        "view", ["@@toegankelijkheid", "@@toegankelijkheidsverklaring"]
    )
    @pytest.mark.parametrize("user_id", [None, B_EDITOR])
    def test_outsiders_do_not_see_the_pages(self, arranged, view, user_id):
        answer = page(arranged, user_id, view)

        assert answer.status_code in (302, 401, 403)
        assert "klik hier" not in answer.text

    def test_the_statement_is_a_draft_filled_with_the_site_and_report(self, arranged):
        answer = page(arranged, TEAM["owner"], "@@toegankelijkheidsverklaring")

        assert answer.status_code == 200
        text = answer.words
        for expected in (
            "Toegankelijkheidsverklaring",
            "Concept.",
            "Ministerie van a",
            arranged.site_url,
            "voldoet nog niet",
            "Automatische controles dekken maar een deel van",
            "zegt niet waar de link heen gaat",
            f"{arranged.site_url}/contact",
            "Nationale ombudsman",
            date.today().isoformat(),
        ):
            assert expected in text, expected

    def test_the_statement_reads_in_english_on_request(self, arranged):
        answer = page(
            arranged, TEAM["owner"], "@@toegankelijkheidsverklaring?language=en"
        )

        assert answer.status_code == 200
        assert 'class="pro-statement" lang="en"' in answer.words
        for expected in (
            "Accessibility statement",
            "does not yet comply",
            "do not replace an audit by an expert",
            "does not say where the link leads",
        ):
            assert expected in answer.words, expected


class TestEditForm:
    def test_the_edit_form_shows_what_the_checks_find(self, arranged):
        answer = requests.get(
            f"{arranged.draft_url}/edit",
            auth=(TEAM["editor"], password(TEAM["editor"])),
            timeout=30,
        )

        assert answer.status_code == 200
        words = " ".join(answer.text.split())
        assert "pro-a11y-findings" in words
        assert "zegt niet waar de link heen gaat" in words
        assert "<q>klik hier</q>" in words

    def test_a_clean_item_edit_form_shows_no_findings(self, arranged):
        answer = requests.get(
            f"{arranged.clean_url}/edit",
            auth=(TEAM["chief"], password(TEAM["chief"])),
            timeout=30,
        )

        assert answer.status_code == 200
        assert "pro-a11y-findings" not in answer.text

    def test_the_item_page_itself_shows_no_findings(self, arranged):
        answer = requests.get(
            arranged.draft_url,
            auth=(TEAM["editor"], password(TEAM["editor"])),
            timeout=30,
        )

        assert answer.status_code == 200
        assert "pro-a11y-findings" not in answer.text
