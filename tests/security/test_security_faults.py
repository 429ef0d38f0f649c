"""The classes of fault Plone sites have suffered, each tried over real HTTP.

Stored cross-site scripting through titles, rich text, file names and SVG or
HTML uploads; privilege escalation by changing one's own roles, groups,
sharing or workflow state through REST; path traversal in resource and
download URLs; cross-site request forgery against every form and service.
Each attempt is made by someone of site a against a, their own site, where
they do have rights, so a refusal here is the fault class being closed and not
the wall between sites (``test_security_matrix.py`` proves that one).
"""

from base64 import b64encode
from bs4 import BeautifulSoup
from plone import api
from pro.security.endpoints import PUBLIC
from pro.security.endpoints import registered_endpoints
from security_platform import password
from security_platform import ROLES
from urllib.parse import urlsplit
import pytest
import re
import requests
import transaction


EDITOR = ROLES["editor"]
OWNER = ROLES["owner"]

SCRIPT = "<script>alert('xss')</script>"
# Hostile, yet accessible enough to be published: the accessibility checks
# stop an image without alternative text or a link saying only "klik".
ATTRIBUTE = '"><img src=x onerror=alert(1) alt="">'


def active_markup(text: str) -> list[str]:
    """The scripts a browser would run from ``text``: script elements, event
    handler attributes and ``javascript:`` links carrying the payloads."""
    found = []
    for tag in BeautifulSoup(text, "html.parser").find_all(True):
        if tag.name == "script" and "alert" in (tag.string or ""):
            found.append(str(tag))
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on") and "alert" in value:
                found.append(f"{tag.name} {name}={value}")
            scheme = value.strip().lower()
            if name in ("href", "src") and scheme.startswith("javascript:alert"):
                found.append(f"{tag.name} {name}={value}")
    return found


def _as(platform, user_id, accept="application/json") -> requests.Session:
    client = platform.client("anonymous", accept=accept)
    client.auth = (user_id, password(user_id))
    return client


def _admin(platform, accept="application/json"):
    admin = platform.admin()
    admin.headers["Accept"] = accept
    return admin


def _publish(platform, url: str) -> None:
    response = _admin(platform).post(f"{url}/@workflow/publish", json={})
    assert response.status_code == 200, response.text


def _add(platform, user_id: str, folder: str, body: dict) -> str:
    response = _as(platform, user_id).post(folder, json=body)
    assert response.status_code == 201, response.text
    return response.json()["@id"]


@pytest.fixture(scope="module")
def hostile(platform):
    """Published items of site a, written by its editor with hostile input."""
    news = _add(
        platform,
        EDITOR,
        "a/nieuws",
        {
            "@type": "News Item",
            "title": f"Bericht {SCRIPT}{ATTRIBUTE}",
            "description": f"Samenvatting {SCRIPT}",
            "text": {
                "data": (
                    "<p>Tekst</p>"
                    f"{SCRIPT}"
                    '<img src="x" onerror=alert(1) alt="">'
                    '<a href="javascript:alert(2)">Jaarverslag 2025</a>'
                    '<iframe src="https://evil.example"></iframe>'
                    '<p style="x" onclick="alert(3)">alinea</p>'
                ),
                "content-type": "text/html",
                "encoding": "utf-8",
            },
        },
    )
    _publish(platform, news)
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(2)</script></svg>"
    )
    uploads = {
        "svg-image": (
            "Image",
            "image",
            "logo.svg",
            "image/svg+xml",
            svg,
        ),
        "html-file": (
            "File",
            "file",
            "pagina.html",
            "text/html",
            b"<html><body><script>alert(document.cookie)</script></body></html>",
        ),
        "svg-file": ("File", "file", "tekening.svg", "image/svg+xml", svg),
        "named-file": (
            "File",
            "file",
            f"verslag{ATTRIBUTE}.pdf",
            "application/pdf",
            b"%PDF-1.4\n",
        ),
    }
    items = {"news": news}
    for name, (type_name, field, filename, mime, data) in uploads.items():
        url = _add(
            platform,
            EDITOR,
            "a/publicaties",
            {
                "@type": type_name,
                "title": f"Upload {name}",
                field: {
                    "data": b64encode(data).decode(),
                    "encoding": "base64",
                    "filename": filename,
                    "content-type": mime,
                },
            },
        )
        # Files and images have no workflow of their own.
        items[name] = url
    return items


def _path(url: str) -> str:
    return urlsplit(url).path.split("/", 2)[2]


class TestStoredScripting:
    @pytest.mark.parametrize(
        "page",
        [
            "{news}",
            "a/nieuws",
            "a/@@search?SearchableText=Bericht",
            "a/@@zoeken?SearchableText=Bericht",
            "a/nieuws/rss.xml",
            "a/nieuws/atom.xml",
            "{news}/@@edit",
            "{named-file}/view",
            "a/publicaties",
        ],
    )
    def test_no_page_renders_stored_markup_as_markup(self, platform, hostile, page):
        path = page.format(**{name: _path(url) for name, url in hostile.items()})

        response = _as(platform, ROLES["owner"], accept="text/html").get(path)

        assert response.status_code == 200, path
        if path.endswith(".xml"):
            # A feed carries titles and text as escaped text, never as markup.
            assert "<script>alert" not in response.text
            assert "<img src=x onerror" not in response.text
        else:
            assert active_markup(response.text) == []

    def test_the_rest_api_returns_the_rich_text_cleaned(self, platform, hostile):
        response = _as(platform, OWNER).get(_path(hostile["news"]))

        text = response.json()["text"]["data"]
        assert active_markup(text) == []
        assert "Tekst" in text

    @pytest.mark.parametrize("upload", ["svg-image", "html-file", "svg-file"])
    @pytest.mark.parametrize(
        "view", ["@@download/{field}", "@@display-file/{field}", "@@images/{field}"]
    )
    def test_scriptable_uploads_are_never_shown_inline(
        self, platform, hostile, upload, view
    ):
        field = "image" if upload == "svg-image" else "file"
        path = f"{_path(hostile[upload])}/{view.format(field=field)}"

        response = requests.get(
            f"{platform.url}/{path}", auth=(OWNER, password(OWNER)), timeout=30
        )

        if response.status_code == 404:
            # A view that does not serve this type serves nothing.
            return
        assert response.status_code == 200
        disposition = response.headers.get("Content-Disposition", "")
        assert disposition.startswith("attachment"), (path, response.headers)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]

    @pytest.mark.parametrize(
        "link", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>"]
    )
    def test_a_button_cannot_link_to_a_script(self, platform, link):
        response = _as(platform, EDITOR).post(
            "a/startpagina",
            json={
                "@type": "CallToActionBlock",
                "title": "Doe mee",
                "link_url": link,
                "link_text": "Aanmelden",
            },
        )

        assert response.status_code == 400, response.text[:2000]
        assert "link_url" in response.text

    def test_a_transition_on_an_item_without_workflow_is_refused_cleanly(
        self, platform, hostile
    ):
        # Found by this suite: the guarded transition answered 500.
        response = _admin(platform).post(
            f"{_path(hostile['html-file'])}/@workflow/publish", json={}
        )

        assert response.status_code == 400
        assert response.json()["error"]["type"] == "WorkflowException"


class TestNoEscalation:
    def test_an_editor_cannot_give_themselves_roles(self, platform):
        response = _as(platform, EDITOR).patch(
            f"@users/{EDITOR}", json={"roles": ["Manager", "Site Administrator"]}
        )

        # plone.restapi lets users change their own properties and ignores
        # the roles they send; either way they gain none.
        assert response.status_code < 500
        assert _global_roles(platform, EDITOR) == {"Member", "Authenticated"}

    def test_an_editor_cannot_change_another_users_password(self, platform):
        response = _as(platform, EDITOR).patch(
            f"@users/{OWNER}", json={"password": "overgenomen-Secret-1"}
        )

        assert response.status_code in (401, 403), response.text
        assert _logs_in(platform, OWNER, password(OWNER))

    @pytest.mark.parametrize("group", ["a-owners", "a-chief-editors", "Administrators"])
    def test_an_editor_cannot_join_a_group(self, platform, group):
        response = _as(platform, EDITOR).patch(
            f"@groups/{group}", json={"users": {EDITOR: True}}
        )

        assert response.status_code in (401, 403, 404), response.text
        assert group not in _groups_of(platform, EDITOR)

    @pytest.mark.parametrize("role", ["Site Owner", "Reviewer", "Manager"])
    def test_an_editor_cannot_share_roles_they_may_not_delegate(self, platform, role):
        response = _as(platform, EDITOR).post(
            "a/@sharing",
            json={
                "entries": [
                    {"id": EDITOR, "type": "user", "roles": {role: True}},
                ]
            },
        )

        # plone.restapi drops the roles the editor may not delegate.
        assert response.status_code < 500
        assert role not in _local_roles(platform, "a", EDITOR)

    def test_an_owner_cannot_change_the_sites_registry_entry(self, platform):
        response = _as(platform, OWNER).patch(
            "@sites/a", json={"owners": [OWNER, EDITOR], "state": "archived"}
        )

        assert response.status_code == 401
        transaction.begin()
        assert api.content.get_state(platform.portal["a"]) == "live"

    def test_patching_review_state_does_not_publish(self, platform):
        url = _add(
            platform,
            EDITOR,
            "a/nieuws",
            {"@type": "News Item", "title": "Concept dat concept blijft"},
        )

        response = _as(platform, EDITOR).patch(
            _path(url), json={"review_state": "published"}
        )

        assert response.status_code in (204, 400)
        state = _admin(platform).get(_path(url)).json()["review_state"]
        assert state == "private"

    def test_a_visitor_cannot_register_an_account(self, platform):
        response = platform.client("anonymous").post(
            "@users",
            json={
                "username": "indringer",
                "email": "indringer@example.org",
                "password": "indringer-Secret-1",
                "roles": ["Manager"],
            },
        )

        assert response.status_code in (400, 401, 403)
        transaction.begin()
        assert api.user.get(username="indringer") is None


def _global_roles(platform, user_id: str) -> set[str]:
    transaction.begin()
    return set(platform.portal.acl_users.getUserById(user_id).getRoles())


def _groups_of(platform, user_id: str) -> set[str]:
    transaction.begin()
    return set(platform.portal.acl_users.getUserById(user_id).getGroups())


def _local_roles(platform, path: str, user_id: str) -> set[str]:
    transaction.begin()
    item = platform.portal.unrestrictedTraverse(path)
    return set(dict(item.get_local_roles()).get(user_id, ()))


def _logs_in(platform, user_id: str, secret: str) -> bool:
    response = requests.post(
        f"{platform.url}/@login",
        json={"login": user_id, "password": secret},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    return response.status_code == 200


TRAVERSALS = [
    "++resource++../../../../etc/passwd",
    "++resource++..%2f..%2f..%2f..%2fetc%2fpasswd",
    "++theme++pro/../../../../../etc/passwd",
    "++theme++pro/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "++theme++pro/..%5c..%5c..%5cetc%5cpasswd",
    "++plone++pro.theme/../../../../etc/passwd",
    "++plone++pro.theme/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecurity%2fconfigure.zcml",
    "++plone++pro.theme/..%252f..%252fconfigure.zcml",
    "++plone++static/../../../../../../etc/passwd",
    "a/publicaties/@@download/../../../../etc/passwd",
    "a/publicaties/@@download/%2e%2e/%2e%2e/etc/passwd",
    "a/%2e%2e/%2e%2e/etc/passwd",
    "a/..%2f..%2f..%2fetc%2fpasswd",
    "++theme++pro/manifest.cfg/../../../../../../etc/passwd",
]


class TestPathTraversal:
    @pytest.mark.parametrize("path", TRAVERSALS)
    def test_resource_and_download_urls_stay_inside_the_platform(self, platform, path):
        response = requests.get(
            f"{platform.url}/{path}", allow_redirects=False, timeout=30
        )

        assert response.status_code in (301, 302, 400, 401, 403, 404), path
        assert "root:x:0:0" not in response.text
        assert "<configure" not in response.text


def _forms_of_pro(platform) -> list[str]:
    """Every view of PRO, at the platform or a site, that shows a POST form
    to its administrator."""
    admin = _admin(platform, accept="text/html")
    forms = []
    for endpoint in registered_endpoints():
        # Forms change something, so they need more than the View permission.
        if endpoint.is_service or endpoint.permission in ("View", PUBLIC):
            continue
        for where in ("", "a/"):
            response = admin.get(f"{where}@@{endpoint.name}", allow_redirects=False)
            if response.status_code == 200 and re.search(
                r'<form[^>]*method="post"[^>]*id="form"', response.text, re.I
            ):
                forms.append(f"{where}@@{endpoint.name}")
    return sorted(set(forms))


class TestCrossSiteRequests:
    def test_automatic_csrf_protection_is_on(self):
        from plone.protect import auto

        assert auto.CSRF_DISABLED is False

    def test_every_form_refuses_a_post_without_its_token(self, platform):
        admin = _admin(platform, accept="text/html")
        forms = _forms_of_pro(platform)
        written = []
        for form in forms:
            page = admin.get(form)
            # The form as shown, saved again: with its token this writes.
            fields = dict(
                re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text)
            )
            fields.pop("_authenticator", None)
            buttons = re.findall(r'name="(form\.buttons\.[^"]+)"', page.text)
            baseline = platform.fingerprint()

            admin.post(
                form,
                data={**fields, **dict.fromkeys(buttons[:1], "1")},
                allow_redirects=False,
            )

            changed = platform.changed_since(baseline)
            if changed:
                written.append(f"{form}: {sorted(changed)}")

        assert len(forms) >= 4, forms
        assert written == []

    def test_settings_saved_without_the_token_are_not_saved(self, platform):
        admin = _admin(platform, accept="text/html")

        admin.post(
            "@@security-settings",
            data={
                "form.widgets.contact": "mailto:security@example.nl",
                "form.widgets.expires": "2099-01-01",
                "form.buttons.save": "Opslaan",
            },
        )

        served = requests.get(f"{platform.url}/.well-known/security.txt", timeout=30)
        assert served.status_code == 404

    @pytest.mark.parametrize(
        "content_type",
        ["text/plain", "application/x-www-form-urlencoded"],
    )
    def test_a_cross_site_form_cannot_create_a_site(self, platform, content_type):
        # What a page on another origin can send without a CORS preflight.
        baseline = platform.fingerprint()

        response = _admin(platform).post(
            "@sites",
            data='{"id": "vervalst", "title": "V", "organisation": "V"}',
            headers={"Content-Type": content_type},
        )

        assert response.status_code == 400
        assert platform.changed_since(baseline) == {}
