"""The walls between sites: only the platform administrator acts across them.

Site ``a`` has an owner, a chief editor and an editor; site ``b`` has an editor
of its own and, in ``nieuws``, a draft, a pending and a published page. Every
attempt goes over real HTTP to the functional layer's server, through the REST
API and through the Classic UI, as one of a's team or as an anonymous visitor.
After each attempt the administrator reads b back over REST: the registry (team,
settings, state, counts), the news folder and its pages (title, state, dates)
and the local roles on b and on the draft must be as they were arranged.

The arrangement is made once per test class, because the functional layer
would otherwise rebuild it for every one of the many cases. A case that changes
b anyway, because a wall gave way or because the administrator was meant to
change it, has b rebuilt before the next case runs, so that one breach is
reported by its own case and does not leak into the others.
"""

from dataclasses import dataclass
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from pprint import pformat
from pro.platform.api import delete_site
from pro.platform.api import list_sites
from pro.testing import make_site
from pro.testing import make_user
from pro.testing import RestClient
from urllib.parse import urlsplit
import pytest
import requests
import transaction


TEAM_OF_A = {"owner": "a-owner", "chief-editor": "a-chief", "editor": "a-editor"}
# People with no role in any site: an outside photographer of the media
# library (a platform role) and a member such as a newsletter subscriber.
PHOTOGRAPHER = "fotograaf"
SUBSCRIBER = "abonnee"
OUTSIDERS = {
    **TEAM_OF_A,
    "photographer": PHOTOGRAPHER,
    "subscriber": SUBSCRIBER,
    "anonymous": None,
}
B_EDITOR = "b-editor"

DRAFT = "concept-bericht"
PENDING = "bericht-ter-beoordeling"
PUBLISHED = "openbaar-bericht"


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    state: str

    @property
    def path(self) -> str:
        return f"b/nieuws/{self.id}"


PAGES = (
    Page(DRAFT, "Vertrouwelijk concept over sluiting van kantoor Zwolle", "private"),
    Page(
        PENDING, "Vertrouwelijk voorstel over subsidie voor kantoor Almere", "pending"
    ),
    Page(
        PUBLISHED, "Openbaar bericht over de opening van kantoor Utrecht", "published"
    ),
)
# What no one outside b's team may learn, not even from an error page.
SECRETS = tuple(page.title for page in PAGES if page.state != "published")
PUBLIC_TITLE = PAGES[-1].title
# A word in every title, so a search shows what it may and hides what it must.
SEARCH_WORD = "kantoor"

# The names of the pages Plone sends a refused browser to.
LOGIN_PAGES = frozenset({"require_login", "login", "insufficient-privileges"})


def _password(user_id: str) -> str:
    return f"{user_id}-Secret-1"


# The arrangement


def _arrange_users(portal) -> None:
    for user_id in (*TEAM_OF_A.values(), PHOTOGRAPHER, SUBSCRIBER, B_EDITOR):
        make_user(user_id)
    # The media library brings the Photographer role; until it is installed
    # the role is made here as its profile would.
    if "Photographer" not in portal.valid_roles():
        portal._addRole("Photographer")
    role_manager = portal.acl_users.portal_role_manager
    if "Photographer" not in role_manager.listRoleIds():
        role_manager.addRole("Photographer")
    with api.env.adopt_roles(["Manager"]):
        api.user.grant_roles(username=PHOTOGRAPHER, roles=["Photographer"])


def _arrange_site_a(portal) -> None:
    make_site(
        portal,
        "a",
        owners=[TEAM_OF_A["owner"]],
        chief_editors=[TEAM_OF_A["chief-editor"]],
        editors=[TEAM_OF_A["editor"]],
    )


def _arrange_site_b(portal) -> None:
    site = make_site(portal, "b", editors=[B_EDITOR])
    news = site["nieuws"]

    # b's editor writes the pages, so that the Owner role on them is held by
    # b's team and by no one an attempt is made as. They are news items, as
    # the news folder's listing shows news.
    with api.env.adopt_user(username=B_EDITOR):
        for page in PAGES:
            api.content.create(
                container=news, type="News Item", id=page.id, title=page.title
            )
        api.content.transition(news[PENDING], transition="submit")
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(news[PUBLISHED], transition="publish")


class Walls:
    """Sites ``a`` and ``b`` as arranged, and the administrator's view of b."""

    def __init__(self, portal):
        self.portal = portal
        self.url = portal.absolute_url()
        self.admin = self.client(SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
        self.baseline = self.snapshot()
        self.checked = True

    def client(self, user_id: str | None, password: str | None = None) -> RestClient:
        """A REST client acting as ``user_id``; anonymous when it is None."""
        if user_id is None:
            return RestClient(self.url)
        return RestClient(self.url, auth=(user_id, password or _password(user_id)))

    def browser(self, user_id: str | None) -> RestClient:
        """A plain HTTP client asking for HTML, as a browser with basic auth."""
        client = self.client(user_id)
        client.headers["Accept"] = "text/html"
        return client

    def snapshot(self) -> dict:
        """Site b and the platform's list of sites as the administrator sees them."""
        registry = self.admin.get("@sites")
        registry.raise_for_status()
        sites = {item["id"]: item for item in registry.json()["items"]}
        return {
            "sites": sorted(sites),
            "b": _registry_entry(sites.get("b")),
            "nieuws": self._news(),
            "local roles": {
                path: self._local_roles(path) for path in ("b", f"b/nieuws/{DRAFT}")
            },
        }

    def changes(self) -> dict:
        """What differs in b from the arrangement; empty when nothing does.

        A changed b is rebuilt at once, so the next case starts from the
        arrangement again.
        """
        now = self.snapshot()
        changed = {
            key: {"before": self.baseline[key], "after": now[key]}
            for key in now
            if now[key] != self.baseline[key]
        }
        if changed:
            self.rebuild()
        self.checked = True
        return changed

    def rebuild(self) -> None:
        """Remove every site but a, and arrange b afresh."""
        # A new transaction lets this thread see what the server committed.
        transaction.begin()
        for site in list_sites(self.portal):
            if site.getId() != "a":
                delete_site(self.portal, site.getId(), confirm=site.getId())
        _arrange_site_b(self.portal)
        transaction.commit()
        self.baseline = self.snapshot()

    def _news(self) -> dict | int:
        response = self.admin.get("b/nieuws", params={"fullobjects": 1})
        if response.status_code != 200:
            return response.status_code
        folder = response.json()
        return {
            "folder": _dates_and_state(folder),
            "pages": {item["id"]: _dates_and_state(item) for item in folder["items"]},
        }

    def _local_roles(self, path: str) -> dict | int:
        response = self.admin.get(f"{path}/@sharing")
        if response.status_code != 200:
            return response.status_code
        sharing = response.json()
        return {
            "inherit": sharing["inherit"],
            "entries": {
                entry["id"]: sorted(
                    role for role, held in entry["roles"].items() if held is True
                )
                for entry in sharing["entries"]
                if any(held is True for held in entry["roles"].values())
            },
        }


def _dates_and_state(item: dict) -> dict:
    return {
        "title": item["title"],
        "state": item.get("review_state"),
        "modified": item["modified"],
        "effective": item["effective"],
        "expires": item["expires"],
    }


def _registry_entry(entry: dict | None) -> dict | None:
    if entry is None:
        return None
    kept = ("title", "description", "state", "blocks", "identity", "domains")
    return {
        **{key: entry[key] for key in kept},
        "counts": entry["counts"],
        "team": {role: group["members"] for role, group in entry["groups"].items()},
    }


@pytest.fixture(scope="class")
def walls(functional_portal_class) -> Walls:
    """Sites a and b, arranged once for every test class."""
    _arrange_users(functional_portal_class)
    _arrange_site_a(functional_portal_class)
    _arrange_site_b(functional_portal_class)
    # The server runs in its own thread and sees committed data only.
    transaction.commit()
    return Walls(functional_portal_class)


@pytest.fixture(autouse=True)
def restore_b_after_each_case(walls):
    # A case that compared b itself leaves nothing more to look at.
    walls.checked = False
    yield
    if not walls.checked:
        walls.changes()


# How a refusal looks


def _is_refused(response: requests.Response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    # plone.restapi lets anyone who may view an item ask for a transition and
    # answers 400 when the workflow's guard says no.
    return (
        response.status_code == 400
        and "/@workflow/" in response.request.url
        and response.json()["error"]["type"] == "WorkflowException"
    )


def _is_refused_page(response: requests.Response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = urlsplit(response.headers.get("Location", "")).path
    return response.status_code == 302 and location.rsplit("/", 1)[-1] in LOGIN_PAGES


def _leaked(response: requests.Response) -> list[str]:
    return [secret for secret in SECRETS if secret in response.text]


def _describe(response: requests.Response) -> str:
    location = response.headers.get("Location")
    return (
        f"{response.request.method} {response.request.url} answered "
        f"{response.status_code}"
        + (f", redirecting to {location}" if location else "")
        + f": {response.text[:300]}"
    )


# The attempts


@dataclass(frozen=True)
class Attempt:
    method: str
    path: str
    json: dict | None = None
    form: dict | None = None

    def send(self, client: RestClient) -> requests.Response:
        return client.request(
            self.method,
            self.path,
            json=self.json,
            data=self.form,
            allow_redirects=False,
        )


def _grant(user_id: str, *roles: str) -> dict:
    return {
        "entries": [
            {"id": user_id, "type": "user", "roles": dict.fromkeys(roles, True)}
        ]
    }


NEW_SITE = {"id": "c", "title": "C", "organisation": "Ministerie van C"}

REST_ATTEMPTS = [
    pytest.param(Attempt("GET", f"b/nieuws/{DRAFT}"), id="read-draft"),
    pytest.param(Attempt("GET", f"b/nieuws/{PENDING}"), id="read-pending"),
    pytest.param(
        Attempt("GET", f"b/nieuws/{DRAFT}/@workflow"), id="read-draft-workflow"
    ),
    pytest.param(Attempt("GET", f"b/nieuws/{DRAFT}/@history"), id="read-draft-history"),
    # Zope acquires b through a's path; a's local roles must not come along.
    pytest.param(Attempt("GET", f"a/b/nieuws/{DRAFT}"), id="read-draft-through-a"),
    pytest.param(
        Attempt("POST", "b/nieuws", json={"@type": "Document", "title": "Ingebroken"}),
        id="add-page",
    ),
    pytest.param(
        Attempt("POST", "b", json={"@type": "Folder", "title": "Ingebroken"}),
        id="add-folder-to-site-root",
    ),
    pytest.param(
        Attempt(
            "POST", "a/b/nieuws", json={"@type": "Document", "title": "Ingebroken"}
        ),
        id="add-page-through-a",
    ),
    pytest.param(
        Attempt("PATCH", f"b/nieuws/{PUBLISHED}", json={"title": "Overgenomen"}),
        id="edit-published",
    ),
    pytest.param(
        Attempt("PATCH", f"b/nieuws/{DRAFT}", json={"title": "Overgenomen"}),
        id="edit-draft",
    ),
    pytest.param(
        Attempt("PATCH", f"a/b/nieuws/{PUBLISHED}", json={"title": "Overgenomen"}),
        id="edit-published-through-a",
    ),
    pytest.param(
        Attempt("PATCH", "b", json={"title": "Overgenomen"}), id="edit-site-root"
    ),
    pytest.param(
        Attempt("POST", f"b/nieuws/{DRAFT}/@workflow/publish", json={}),
        id="publish-draft",
    ),
    pytest.param(
        Attempt("POST", f"b/nieuws/{PENDING}/@workflow/publish", json={}),
        id="publish-pending",
    ),
    pytest.param(
        Attempt("POST", f"b/nieuws/{PUBLISHED}/@workflow/retract", json={}),
        id="retract-published",
    ),
    pytest.param(
        Attempt(
            "POST",
            f"b/nieuws/{PUBLISHED}/@workflow/retract",
            json={"expires": "2001-01-01T00:00:00+00:00"},
        ),
        id="expire-published-through-transition",
    ),
    pytest.param(
        Attempt("POST", "b/nieuws/@workflow/retract", json={}),
        id="retract-news-folder",
    ),
    pytest.param(
        Attempt("POST", f"a/b/nieuws/{DRAFT}/@workflow/publish", json={}),
        id="publish-draft-through-a",
    ),
    pytest.param(Attempt("DELETE", f"b/nieuws/{DRAFT}"), id="delete-draft"),
    pytest.param(Attempt("DELETE", f"b/nieuws/{PUBLISHED}"), id="delete-published"),
    pytest.param(Attempt("DELETE", "b/nieuws"), id="delete-news-folder"),
    pytest.param(
        Attempt("POST", "b/@sharing", json=_grant("a-editor", "Editor", "Reviewer")),
        id="share-site",
    ),
    pytest.param(
        Attempt(
            "POST", f"b/nieuws/{DRAFT}/@sharing", json=_grant("a-editor", "Editor")
        ),
        id="share-draft",
    ),
    pytest.param(
        Attempt("PATCH", "@groups/b-editors", json={"users": {"a-editor": True}}),
        id="join-b-editors-group",
    ),
    pytest.param(
        Attempt("PATCH", "@sites/b", json={"editors": ["a-editor"]}),
        id="join-team-through-registry",
    ),
    pytest.param(
        Attempt(
            "PATCH",
            "@sites/b",
            json={"title": "Overgenomen", "identity": {"wordmark": "Overgenomen"}},
        ),
        id="change-settings-through-registry",
    ),
    pytest.param(
        Attempt("PATCH", "@sites/b", json={"state": "archived"}),
        id="archive-through-registry",
    ),
    pytest.param(
        Attempt("DELETE", "@sites/b", json={"confirm": "b"}),
        id="delete-through-registry",
    ),
    pytest.param(Attempt("GET", "@sites"), id="list-sites"),
    pytest.param(Attempt("GET", "@sites/b"), id="read-registry-entry"),
    pytest.param(Attempt("POST", "@sites", json=NEW_SITE), id="create-site"),
]

UI_ATTEMPTS = [
    pytest.param(Attempt("GET", f"b/nieuws/{DRAFT}"), id="view-draft"),
    pytest.param(Attempt("GET", f"b/nieuws/{PENDING}"), id="view-pending"),
    pytest.param(Attempt("GET", f"a/b/nieuws/{DRAFT}"), id="view-draft-through-a"),
    pytest.param(Attempt("GET", f"b/nieuws/{PUBLISHED}/@@edit"), id="edit-form"),
    pytest.param(
        Attempt(
            "POST",
            f"b/nieuws/{PUBLISHED}/@@edit",
            form={
                "form.widgets.IDublinCore.title": "Overgenomen",
                "form.buttons.save": "Opslaan",
            },
        ),
        id="edit-form-submit",
    ),
    pytest.param(Attempt("GET", "b/nieuws/++add++Document"), id="add-form"),
    pytest.param(Attempt("GET", "b/nieuws/folder_contents"), id="folder-contents"),
    pytest.param(Attempt("GET", "b/@@sharing"), id="sharing"),
    pytest.param(
        Attempt(
            "GET", f"b/nieuws/{DRAFT}/content_status_modify?workflow_action=publish"
        ),
        id="publish-link",
    ),
    pytest.param(
        Attempt(
            "POST",
            f"b/nieuws/{DRAFT}/content_status_modify",
            form={"workflow_action": "publish"},
        ),
        id="publish-form-submit",
    ),
    pytest.param(
        Attempt(
            "GET",
            f"b/nieuws/{PUBLISHED}/content_status_modify?workflow_action=retract",
        ),
        id="retract-link",
    ),
    pytest.param(
        Attempt("GET", f"b/nieuws/{PUBLISHED}/delete_confirmation"),
        id="delete-confirmation",
    ),
    pytest.param(
        Attempt("GET", "@@usergroup-groupmembership?groupname=b-editors"),
        id="group-members-form",
    ),
    pytest.param(Attempt("GET", "@@create-site"), id="create-site-form"),
    pytest.param(Attempt("GET", "@@sites-overview"), id="sites-overview"),
]


@dataclass(frozen=True)
class Listing:
    """A place that answers anyone and must leave out b's unpublished pages."""

    path: str
    as_browser: bool
    # Where the published page belongs in the answer, finding it there shows
    # that the listing was really made, not refused.
    shows_public_page: bool = True


LISTINGS = [
    pytest.param(Listing("b/nieuws", as_browser=False), id="rest-news-folder"),
    pytest.param(
        Listing(f"b/@search?SearchableText={SEARCH_WORD}", as_browser=False),
        id="rest-search-b",
    ),
    pytest.param(
        Listing(f"@search?SearchableText={SEARCH_WORD}", as_browser=False),
        id="rest-search-platform",
    ),
    pytest.param(
        Listing(
            "b/@search?review_state=private&review_state=pending",
            as_browser=False,
            shows_public_page=False,
        ),
        id="rest-search-unpublished",
    ),
    pytest.param(Listing("b/nieuws", as_browser=True), id="ui-news-folder"),
    pytest.param(
        Listing(f"b/@@search?SearchableText={SEARCH_WORD}", as_browser=True),
        id="ui-search-b",
    ),
    pytest.param(Listing("b/nieuws/rss.xml", as_browser=True), id="ui-news-feed"),
]


class TestOutsidersOfB:
    """a's team and anonymous visitors, each trying to act in site b."""

    @pytest.mark.parametrize("attempt", REST_ATTEMPTS)
    @pytest.mark.parametrize("outsider", OUTSIDERS)
    def test_rest_request_from_outside_b_is_refused_and_changes_nothing(
        self, walls, outsider, attempt
    ):
        response = attempt.send(walls.client(OUTSIDERS[outsider]))
        changed = walls.changes()

        assert _is_refused(response), _describe(response)
        assert _leaked(response) == []
        assert changed == {}, pformat(changed)

    @pytest.mark.parametrize("attempt", UI_ATTEMPTS)
    @pytest.mark.parametrize("outsider", OUTSIDERS)
    def test_page_request_from_outside_b_is_refused_and_changes_nothing(
        self, walls, outsider, attempt
    ):
        response = attempt.send(walls.browser(OUTSIDERS[outsider]))
        changed = walls.changes()

        assert _is_refused_page(response), _describe(response)
        assert _leaked(response) == []
        assert changed == {}, pformat(changed)

    @pytest.mark.parametrize("listing", LISTINGS)
    @pytest.mark.parametrize("outsider", OUTSIDERS)
    def test_listings_and_searches_hide_the_unpublished_pages_of_b(
        self, walls, outsider, listing
    ):
        user_id = OUTSIDERS[outsider]
        client = walls.browser(user_id) if listing.as_browser else walls.client(user_id)

        response = client.get(listing.path)

        assert response.status_code == 200, _describe(response)
        assert _leaked(response) == []
        assert (PUBLIC_TITLE in response.text) is listing.shows_public_page


# Inside the walls: what the team of a may do in a, and the administrator in b


def _add_page(walls: Walls, user_id: str, title: str) -> str:
    response = walls.client(user_id).post(
        "a/nieuws", json={"@type": "Document", "title": title}
    )
    assert response.status_code == 201, _describe(response)
    return response.json()["@id"]


def _transition(client: RestClient, url: str, name: str) -> requests.Response:
    return client.post(f"{url}/@workflow/{name}", json={})


def _state(walls: Walls, url: str) -> str:
    return walls.admin.get(url).json()["review_state"]


def _pending_page_in_a(walls: Walls, title: str) -> str:
    url = _add_page(walls, TEAM_OF_A["editor"], title)
    response = _transition(walls.client(TEAM_OF_A["editor"]), url, "submit")
    assert response.status_code == 200, _describe(response)
    return url


def _published_page_in_a(walls: Walls, title: str) -> str:
    url = _pending_page_in_a(walls, title)
    response = _transition(walls.admin, url, "publish")
    assert response.status_code == 200, _describe(response)
    return url


# Which of a's team may review: the chief editor, and the owner who can do
# everything the chief editor can.
REVIEWERS = [
    pytest.param("editor", False, id="editor"),
    pytest.param("chief-editor", True, id="chief-editor"),
    pytest.param("owner", True, id="owner"),
]


class TestTeamOfA:
    """What a's team may do in a: the refusals in b are not those of a team
    that may do nothing at all."""

    @pytest.mark.parametrize("member", TEAM_OF_A)
    def test_member_of_a_adds_a_page_in_a_and_submits_it(self, walls, member):
        user_id = TEAM_OF_A[member]
        url = _add_page(walls, user_id, f"Bericht van {user_id}")

        response = _transition(walls.client(user_id), url, "submit")

        assert response.status_code == 200, _describe(response)
        assert _state(walls, url) == "pending"

    @pytest.mark.parametrize(("member", "may"), REVIEWERS)
    def test_only_reviewers_of_a_publish_in_a(self, walls, member, may):
        url = _pending_page_in_a(walls, f"Te publiceren door {member}")

        response = _transition(walls.client(TEAM_OF_A[member]), url, "publish")

        if may:
            assert response.status_code == 200, _describe(response)
            assert _state(walls, url) == "published"
        else:
            assert _is_refused(response), _describe(response)
            assert _state(walls, url) == "pending"

    @pytest.mark.parametrize(("member", "may"), REVIEWERS)
    def test_only_reviewers_of_a_retract_in_a(self, walls, member, may):
        url = _published_page_in_a(walls, f"Terug te trekken door {member}")

        response = _transition(walls.client(TEAM_OF_A[member]), url, "retract")

        if may:
            assert response.status_code == 200, _describe(response)
            assert _state(walls, url) == "private"
        else:
            assert _is_refused(response), _describe(response)
            assert _state(walls, url) == "published"

    @pytest.mark.parametrize(("member", "may"), REVIEWERS)
    def test_only_reviewers_of_a_change_published_pages_of_a(self, walls, member, may):
        url = _published_page_in_a(walls, f"Te wijzigen door {member}")

        response = walls.client(TEAM_OF_A[member]).patch(
            url, json={"title": "Gewijzigd"}
        )

        title = walls.admin.get(url).json()["title"]
        if may:
            assert response.status_code == 204, _describe(response)
            assert title == "Gewijzigd"
        else:
            assert _is_refused(response), _describe(response)
            assert title == f"Te wijzigen door {member}"


class TestPlatformAdministrator:
    """The one role that acts across the walls."""

    def test_administrator_reads_the_draft_of_b(self, walls):
        response = walls.admin.get(f"b/nieuws/{DRAFT}")

        assert response.status_code == 200, _describe(response)
        assert response.json()["title"] == PAGES[0].title

    def test_administrator_changes_the_published_page_of_b(self, walls):
        response = walls.admin.patch(
            f"b/nieuws/{PUBLISHED}", json={"title": "Gewijzigd door beheer"}
        )

        assert response.status_code == 204, _describe(response)
        page = walls.admin.get(f"b/nieuws/{PUBLISHED}").json()
        assert page["title"] == "Gewijzigd door beheer"

    def test_administrator_publishes_the_draft_of_b(self, walls):
        response = _transition(walls.admin, f"b/nieuws/{DRAFT}", "publish")

        assert response.status_code == 200, _describe(response)
        assert _state(walls, f"b/nieuws/{DRAFT}") == "published"

    def test_administrator_puts_an_editor_of_a_in_the_team_of_b(self, walls):
        response = walls.admin.patch("@sites/b", json={"editors": ["a-editor"]})

        assert response.status_code == 200, _describe(response)
        assert response.json()["groups"]["editors"]["members"] == ["a-editor"]
        # The wall is the team: once in b's team, a's editor reads b's draft.
        draft = walls.client("a-editor").get(f"b/nieuws/{DRAFT}")
        assert draft.status_code == 200, _describe(draft)
        assert draft.json()["title"] == PAGES[0].title

    @pytest.mark.parametrize(
        "path", ["@sites", "@sites/b", "@@create-site", "@@sites-overview"]
    )
    def test_administrator_reaches_the_platform_functions(self, walls, path):
        response = walls.admin.get(path, allow_redirects=False)

        assert response.status_code == 200, _describe(response)

    def test_administrator_creates_a_site(self, walls):
        response = walls.admin.post("@sites", json=NEW_SITE)

        assert response.status_code == 201, _describe(response)
        assert "c" in walls.snapshot()["sites"]


class TestVisitorsOfB:
    """Who b is open to: anyone for what is published, b's team for the rest."""

    @pytest.mark.parametrize("as_browser", [False, True], ids=["rest", "ui"])
    def test_anonymous_visitor_reads_the_published_page_but_not_the_draft(
        self, walls, as_browser
    ):
        client = walls.browser(None) if as_browser else walls.client(None)

        published = client.get(f"b/nieuws/{PUBLISHED}", allow_redirects=False)
        draft = client.get(f"b/nieuws/{DRAFT}", allow_redirects=False)

        assert published.status_code == 200, _describe(published)
        assert PUBLIC_TITLE in published.text
        refused = _is_refused_page if as_browser else _is_refused
        assert refused(draft), _describe(draft)
        assert _leaked(draft) == []

    @pytest.mark.parametrize("page", PAGES, ids=lambda page: page.state)
    def test_editor_of_b_reads_every_page_of_b(self, walls, page):
        # The control for the walls: what a's team is refused is there for
        # b's own team to read.
        response = walls.client(B_EDITOR).get(page.path)

        assert response.status_code == 200, _describe(response)
        assert response.json()["title"] == page.title
