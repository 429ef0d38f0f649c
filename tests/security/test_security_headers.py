"""The security headers on every kind of answer, and each site's security.txt.

Requests go over real HTTP to the functional layer's server, so the headers
seen are the ones a browser gets: on pages, REST answers, static files,
redirects, refusals and error pages alike.
"""

from datetime import date
from datetime import timedelta
from pro.interfaces import IContentSecurityPolicySources
from security_platform import SECRET_WORD
from zope.component import getGlobalSiteManager
from zope.interface import implementer
import pytest
import re
import transaction


EXPECTED = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
}

# (who, path, Accept): one of every kind of answer.
ANSWERS = [
    pytest.param("anonymous", "", "text/html", id="platform-page"),
    pytest.param("anonymous", "b", "text/html", id="site-home"),
    pytest.param("anonymous", "b/nieuws", "text/html", id="folder"),
    pytest.param("anonymous", "b/robots.txt", "text/plain", id="robots"),
    pytest.param(
        "anonymous", "++plone++pro.theme/theme.css", "text/css", id="static-file"
    ),
    pytest.param("anonymous", "b/bestaat-niet", "text/html", id="not-found-page"),
    pytest.param("anonymous", "b/geheim", "text/html", id="login-redirect"),
    pytest.param("anonymous", "@sites", "application/json", id="rest-refused"),
    pytest.param("editor", "b", "application/json", id="rest-content"),
    pytest.param("editor", "b/geheim", "application/json", id="rest-unauthorized"),
    pytest.param("anonymous", "b/@open-data/news", "application/json", id="open-data"),
]


def _policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


class TestSecurityHeaders:
    @pytest.mark.parametrize(("role", "path", "accept"), ANSWERS)
    def test_every_answer_carries_the_security_headers(
        self, platform, role, path, accept
    ):
        response = platform.client(role, accept=accept).get(path, allow_redirects=False)

        assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED
        assert "camera=()" in response.headers["Permissions-Policy"]
        policy = _policy(response.headers["Content-Security-Policy"])
        # Logged-in users' editing screens evaluate templates; nobody gets
        # inline scripts or scripts from elsewhere.
        logged_in = role != "anonymous" and response.status_code < 400
        expected = ["'self'", "'unsafe-eval'"] if logged_in else ["'self'"]
        assert policy["script-src"] == expected
        assert policy["frame-ancestors"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert SECRET_WORD not in response.text

    def test_a_capability_widens_the_policy_of_the_sites_that_need_it(self, platform):
        @implementer(IContentSecurityPolicySources)
        class Tracker:
            def sources(self, site):
                if getattr(site, "getId", lambda: None)() != "b":
                    return {}
                return {
                    "script-src": ["https://stats.example.nl"],
                    "connect-src": ["https://stats.example.nl", "'self'; script-src *"],
                    "frame-ancestors": ["*"],
                }

        registry = getGlobalSiteManager()
        tracker = Tracker()
        registry.registerUtility(tracker, IContentSecurityPolicySources, "tracker")
        try:
            on_b = platform.client("anonymous").get("b")
            on_a = platform.client("anonymous").get("a")
        finally:
            registry.unregisterUtility(
                tracker, IContentSecurityPolicySources, "tracker"
            )

        policy_b = _policy(on_b.headers["Content-Security-Policy"])
        assert policy_b["script-src"] == ["'self'", "https://stats.example.nl"]
        # A source that would end the directive, and a directive no capability
        # may widen, are left out.
        assert policy_b["connect-src"] == ["'self'", "https://stats.example.nl"]
        assert policy_b["frame-ancestors"] == ["'self'"]
        policy_a = _policy(on_a.headers["Content-Security-Policy"])
        assert policy_a["script-src"] == ["'self'"]

    def test_management_screens_keep_zopes_own_headers(self, platform):
        admin = platform.admin()
        admin.headers["Accept"] = "text/html"

        response = admin.get("manage_main", allow_redirects=False)

        assert response.status_code == 200
        assert "Content-Security-Policy" not in response.headers


def _set_security_txt(platform, contact, expires, policy=None) -> None:
    transaction.begin()
    registry = platform.portal.portal_registry
    registry["pro.security.contact"] = contact
    registry["pro.security.expires"] = expires
    registry["pro.security.policy"] = policy
    transaction.commit()


class TestSecurityTxt:
    def test_each_site_publishes_the_platforms_contact_with_its_own_addresses(
        self, platform
    ):
        expires = date.today() + timedelta(days=300)
        _set_security_txt(
            platform,
            "mailto:security@example.nl",
            expires,
            "https://www.example.nl/cvd",
        )

        response = platform.client("anonymous", accept="text/plain").get(
            "b/.well-known/security.txt"
        )

        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        fields = [line.split(": ", 1) for line in response.text.splitlines()]
        assert fields == [
            ["Contact", "mailto:security@example.nl"],
            ["Expires", f"{expires.isoformat()}T23:59:59Z"],
            ["Preferred-Languages", "nl"],
            ["Canonical", f"{platform.url}/b/.well-known/security.txt"],
            ["Canonical", "https://www.b.example/.well-known/security.txt"],
            ["Policy", "https://www.example.nl/cvd"],
        ]

    def test_the_platform_has_its_own_security_txt(self, platform):
        _set_security_txt(
            platform, "https://www.example.nl/melden", date.today() + timedelta(9)
        )

        response = platform.client("anonymous", accept="text/plain").get(
            ".well-known/security.txt"
        )

        assert response.status_code == 200
        assert f"Canonical: {platform.url}/.well-known/security.txt" in response.text
        assert "Policy" not in response.text

    @pytest.mark.parametrize(
        ("contact", "expires"),
        [
            pytest.param(None, date.today() + timedelta(30), id="no-contact"),
            pytest.param("mailto:security@example.nl", None, id="no-expiry"),
            pytest.param(
                "mailto:security@example.nl",
                date.today() - timedelta(1),
                id="expired",
            ),
        ],
    )
    def test_without_contact_or_with_a_past_expiry_there_is_no_file(
        self, platform, contact, expires
    ):
        _set_security_txt(platform, contact, expires)

        response = platform.client("anonymous", accept="text/plain").get(
            "b/.well-known/security.txt"
        )

        assert response.status_code == 404

    @pytest.mark.parametrize("name", ["other.txt", "security.txt/more"])
    def test_nothing_else_is_served_below_well_known(self, platform, name):
        _set_security_txt(
            platform, "mailto:security@example.nl", date.today() + timedelta(9)
        )

        response = platform.client("anonymous", accept="text/plain").get(
            f"b/.well-known/{name}"
        )

        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("expires", "contact", "message"),
        [
            pytest.param(
                date.today() - timedelta(days=1),
                "mailto:security@example.nl",
                "This date has passed|Deze datum is voorbij",
                id="past-date",
            ),
            pytest.param(
                date.today(),
                "mailto:security@example.nl",
                "This date has passed|Deze datum is voorbij",
                id="today",
            ),
            pytest.param(
                date.today() + timedelta(days=100),
                "security@example.nl",
                "Start the contact with mailto:|Begin het contact met mailto:",
                id="contact-without-scheme",
            ),
        ],
    )
    def test_the_settings_form_refuses_what_would_make_a_useless_file(
        self, platform, expires, contact, message
    ):
        _set_security_txt(platform, None, None)
        admin = platform.admin()
        admin.headers["Accept"] = "text/html"
        form = admin.get("@@security-settings")
        token = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', form.text)

        response = admin.post(
            "@@security-settings",
            data={
                "form.widgets.contact": contact,
                "form.widgets.expires": expires.isoformat(),
                "form.buttons.save": "Opslaan",
                "_authenticator": token.group(1),
            },
        )

        assert response.status_code == 200
        assert re.search(message, response.text)
        served = platform.client("anonymous", accept="text/plain").get(
            "b/.well-known/security.txt"
        )
        assert served.status_code == 404

    def test_the_settings_form_saves_a_valid_contact(self, platform):
        _set_security_txt(platform, None, None)
        admin = platform.admin()
        admin.headers["Accept"] = "text/html"
        form = admin.get("@@security-settings")
        token = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', form.text)
        expires = date.today() + timedelta(days=200)

        admin.post(
            "@@security-settings",
            data={
                "form.widgets.contact": "mailto:security@example.nl",
                "form.widgets.expires": expires.isoformat(),
                "form.buttons.save": "Opslaan",
                "_authenticator": token.group(1),
            },
        )

        served = platform.client("anonymous", accept="text/plain").get(
            "b/.well-known/security.txt"
        )
        assert "Contact: mailto:security@example.nl" in served.text
        assert f"Expires: {expires.isoformat()}T23:59:59Z" in served.text
