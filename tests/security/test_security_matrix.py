"""Every view and REST service of PRO, called by every role of site a, in site
b and on the platform: refused, leaking nothing, changing nothing.

The list of endpoints is read from the component registry
(:func:`pro.security.endpoints.registered_endpoints`), so a view or service
added anywhere in PRO is attacked here without anyone writing a test for it.
Each is called where it is registered: a view of the platform at the platform
root, a view of a site at b, a view of content on a private item of b of that
type (a private page marked with the type's interface where the arrangement
has none). What needs more than the View permission, and what needs View on a
private item, must refuse; what answers visitors by design is listed in
:data:`pro.security.endpoints.PUBLIC_BY_DESIGN` with its reason, and is
called to check that it leaks no private title and changes nothing.

The standard content operations (edit, add, delete, transitions, sharing,
folder contents, REST on content) for the same roles are in
``tests/platform/test_walls.py``.
"""

from dataclasses import dataclass
from plone.base.interfaces import IPloneSiteRoot
from pro.security.endpoints import Endpoint
from pro.security.endpoints import PUBLIC
from pro.security.endpoints import PUBLIC_BY_DESIGN
from pro.security.endpoints import registered_endpoints
from security_platform import ROLES
from security_platform import SECRET_WORD
from security_platform import stand_in
from urllib.parse import urlsplit
from zope.interface import providedBy
import pytest
import requests
import transaction


OPEN_PERMISSIONS = frozenset({"View", PUBLIC})
LOGIN_PAGES = frozenset({"require_login", "login", "insufficient-privileges"})


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    accept: str
    json: dict | None = None
    form: dict | None = None

    def send(self, platform, role: str) -> requests.Response:
        client = platform.client(role, accept=self.accept)
        return client.request(
            self.method,
            self.path,
            json=self.json,
            data=self.form,
            allow_redirects=False,
        )

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def target(platform, endpoint: Endpoint) -> str:
    """Where ``endpoint`` is called: a path below the platform root."""
    context = endpoint.context
    if context.isOrExtends(IPloneSiteRoot):
        return ""
    portal = platform.portal
    for path in platform.samples.values():
        if context in providedBy(portal.unrestrictedTraverse(path)):
            return path
    if context in providedBy(portal["b"]):
        return "b"
    path = stand_in(platform, context)
    transaction.commit()
    return path


def is_public_target(path: str) -> bool:
    return path in ("", "b")


def calls(endpoint: Endpoint, path: str) -> list[Call]:
    """A read and a write attempt on a view, the service's own method else."""
    url = f"{path}/{endpoint.name}".lstrip("/")
    if endpoint.is_service:
        body = None if endpoint.method in ("GET", "DELETE") else {}
        return [Call(endpoint.method, url, endpoint.media_type, json=body)]
    query = f"{url}?SearchableText={SECRET_WORD}"
    return [
        Call("GET", query, "text/html"),
        Call("POST", url, "text/html", form={"form.buttons.save": "Opslaan"}),
    ]


def is_refused(response: requests.Response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = urlsplit(response.headers.get("Location", "")).path
    return response.status_code in (302, 303) and (
        location.rsplit("/", 1)[-1] in LOGIN_PAGES
    )


def leaked(platform, response: requests.Response) -> list[str]:
    secrets = [f"{SECRET_WORD} {name} van b" for name in platform.samples]
    secrets.append(f"{SECRET_WORD} map van b")
    return [secret for secret in secrets if secret in response.text]


def describe(call: Call, response: requests.Response) -> str:
    location = response.headers.get("Location")
    return (
        f"{call} answered {response.status_code}"
        + (f" -> {location}" if location else "")
        + f": {response.text[:160]!r}"
    )


class TestEveryEndpoint:
    def test_the_platform_registers_views_and_services(self, platform):
        # A broken enumeration would make every other test here pass empty.
        endpoints = registered_endpoints()
        keys = {endpoint.key for endpoint in endpoints}

        assert "GET @sites on IPloneSiteRoot" in keys
        assert "VIEW create-site on IPloneSiteRoot" in keys
        assert "VIEW site-team on IPlatformSite" in keys
        assert len(endpoints) > 30

    def test_every_endpoint_open_to_visitors_is_listed_with_its_reason(self, platform):
        unlisted = []
        for endpoint in registered_endpoints():
            if endpoint.permission not in OPEN_PERMISSIONS:
                continue
            if is_public_target(target(platform, endpoint)):
                if endpoint.key not in PUBLIC_BY_DESIGN:
                    unlisted.append(f"{endpoint.key} ({endpoint.where})")

        assert unlisted == [], (
            "These endpoints answer visitors; list each in "
            "pro.security.endpoints.PUBLIC_BY_DESIGN with the reason, or "
            "declare a permission: " + ", ".join(unlisted)
        )

    def test_every_listed_public_endpoint_exists(self, platform):
        keys = {endpoint.key for endpoint in registered_endpoints()}

        assert sorted(set(PUBLIC_BY_DESIGN) - keys) == []

    @pytest.mark.parametrize("role", ROLES)
    def test_every_protected_endpoint_refuses_outsiders_and_changes_nothing(
        self, platform, role
    ):
        failures = []
        attempted = 0
        baseline = platform.fingerprint()
        for endpoint in registered_endpoints():
            path = target(platform, endpoint)
            if endpoint.key in PUBLIC_BY_DESIGN and is_public_target(path):
                continue
            baseline = platform.fingerprint()
            for call in calls(endpoint, path):
                attempted += 1
                response = call.send(platform, role)
                if not is_refused(response):
                    failures.append(f"not refused: {describe(call, response)}")
                if leaked(platform, response):
                    failures.append(f"leaked: {describe(call, response)}")
                changed = platform.changed_since(baseline)
                if changed:
                    failures.append(f"changed {changed}: {describe(call, response)}")
                    baseline = platform.fingerprint()

        assert attempted > 40
        assert failures == [], "\n".join(failures)

    @pytest.mark.parametrize("role", ROLES)
    def test_every_public_endpoint_leaks_nothing_and_changes_nothing(
        self, platform, role
    ):
        failures = []
        baseline = platform.fingerprint()
        for endpoint in registered_endpoints():
            path = target(platform, endpoint)
            if endpoint.key not in PUBLIC_BY_DESIGN or not is_public_target(path):
                continue
            for call in calls(endpoint, path):
                response = call.send(platform, role)
                if response.status_code >= 500:
                    failures.append(f"server error: {describe(call, response)}")
                if leaked(platform, response):
                    failures.append(f"leaked: {describe(call, response)}")
                changed = platform.changed_since(baseline)
                if changed:
                    failures.append(f"changed {changed}: {describe(call, response)}")
                    baseline = platform.fingerprint()

        assert failures == [], "\n".join(failures)


class TestTheMatrixCanFail:
    """The controls: the same calls succeed for those entitled to them, and
    the fingerprint sees a change."""

    def test_administrator_reaches_every_protected_view_of_b(self, platform):
        admin = platform.admin()
        admin.headers["Accept"] = "text/html"
        failures = []
        for endpoint in registered_endpoints():
            path = target(platform, endpoint)
            if endpoint.is_service or not path.startswith("b"):
                continue
            if endpoint.permission in OPEN_PERMISSIONS and path == "b":
                continue
            response = admin.get(f"{path}/{endpoint.name}", allow_redirects=False)
            # A view that wants a token or a POST answers 400 or 405 once the
            # permission check let the administrator through; a stand-in page
            # lacks the fields of the type it stands in for, so what its views
            # render proves nothing beyond reaching them.
            broken = response.status_code >= 500 and "/stand-in-" not in path
            if is_refused(response) or broken:
                failures.append(f"{endpoint.key} at {path}: {response.status_code}")

        assert failures == []

    def test_fingerprint_shows_a_change_in_b(self, platform):
        baseline = platform.fingerprint()

        response = platform.admin().patch(
            platform.samples["Document"], json={"title": "Gewijzigd"}
        )

        assert response.status_code == 204
        assert platform.samples["Document"] in "".join(platform.changed_since(baseline))
