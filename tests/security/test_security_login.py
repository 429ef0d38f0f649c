"""Logging in: guessing is limited per account and per address, and no login
or logout link sends a visitor to another site.

Every attempt is a real HTTP request to the functional layer's server: basic
authentication, Plone's login form and plone.restapi's ``@login``.
"""

from pro.security import login_limits
from security_platform import password
from urllib.parse import urlsplit
import pytest
import re
import requests
import transaction


EDITOR = "a-editor"
ACCOUNT_LIMIT = 3
ADDRESS_LIMIT = 6


@pytest.fixture
def limits(platform):
    """Small limits for the tests, and no failures remembered from before."""
    transaction.begin()
    plugin = platform.portal.acl_users[login_limits.PLUGIN_ID]
    plugin.account_limit = ACCOUNT_LIMIT
    plugin.address_limit = ADDRESS_LIMIT
    transaction.commit()
    login_limits.ACCOUNTS.clear()
    login_limits.ADDRESSES.clear()
    yield plugin
    login_limits.ACCOUNTS.clear()
    login_limits.ADDRESSES.clear()


def _basic(platform, login: str, secret: str) -> requests.Response:
    return requests.get(
        f"{platform.url}/@sites",
        auth=(login, secret),
        headers={"Accept": "application/json"},
        timeout=30,
    )


def _rest_login(platform, login: str, secret: str) -> requests.Response:
    return requests.post(
        f"{platform.url}/@login",
        json={"login": login, "password": secret},
        headers={"Accept": "application/json"},
        timeout=30,
    )


def _form_login(
    platform, login: str, secret: str, came_from: str = ""
) -> requests.Response:
    return requests.post(
        f"{platform.url}/login",
        data={
            "__ac_name": login,
            "__ac_password": secret,
            "came_from": came_from,
            "buttons.login": "Inloggen",
        },
        allow_redirects=False,
        timeout=30,
    )


DOORS = {"basic": _basic, "rest": _rest_login, "form": _form_login}


def _accepted(door: str, response: requests.Response) -> bool:
    if door == "basic":
        # The editor of a may not list the sites: 401 is the user folder
        # knowing them and the service refusing, as with a wrong password;
        # a lock answers 429.
        return response.status_code in (200, 401)
    if door == "rest":
        return response.status_code == 200
    return response.status_code == 302


class TestLoginLimits:
    @pytest.mark.parametrize("door", DOORS)
    def test_an_account_that_failed_too_often_is_locked_even_with_its_password(
        self, platform, limits, door
    ):
        attempt = DOORS[door]
        for _ in range(ACCOUNT_LIMIT):
            failed = attempt(platform, EDITOR, "wrong-password")
            assert failed.status_code != 429

        locked = attempt(platform, EDITOR, password(EDITOR))

        assert locked.status_code == 429
        retry_after = int(locked.headers["Retry-After"])
        assert 0 < retry_after <= limits.window_seconds
        assert re.search(r"(Te veel|Too many).*\d+ minut", locked.text)

    def test_the_right_password_on_a_refused_page_is_no_failure(self, platform, limits):
        for _ in range(ACCOUNT_LIMIT + 1):
            refused = _basic(platform, EDITOR, password(EDITOR))
            assert refused.status_code == 401

        assert _rest_login(platform, EDITOR, password(EDITOR)).status_code == 200

    def test_a_locked_account_does_not_lock_other_accounts(self, platform, limits):
        for _ in range(ACCOUNT_LIMIT):
            _rest_login(platform, EDITOR, "wrong-password")

        other = _rest_login(platform, "a-chief", password("a-chief"))

        assert other.status_code == 200
        assert "token" in other.json()

    def test_a_successful_login_starts_the_count_afresh(self, platform, limits):
        for _ in range(ACCOUNT_LIMIT - 1):
            _rest_login(platform, EDITOR, "wrong-password")
        assert _rest_login(platform, EDITOR, password(EDITOR)).status_code == 200
        for _ in range(ACCOUNT_LIMIT - 1):
            _rest_login(platform, EDITOR, "wrong-password")

        response = _rest_login(platform, EDITOR, password(EDITOR))

        assert response.status_code == 200

    def test_an_address_guessing_many_accounts_is_stopped(self, platform, limits):
        for number in range(ADDRESS_LIMIT):
            _rest_login(platform, f"geraden-{number}", "wrong-password")

        response = _rest_login(platform, "a-chief", password("a-chief"))

        assert response.status_code == 429
        assert response.json()["error"]["type"] == "TooManyLoginAttempts"

    def test_sessions_and_tokens_are_not_counted_as_guesses(self, platform, limits):
        token = _rest_login(platform, EDITOR, password(EDITOR)).json()["token"]
        for _ in range(ACCOUNT_LIMIT + 1):
            response = requests.get(
                f"{platform.url}/a",
                headers={
                    "Accept": "application/json",
                    "Authorization": f"Bearer {token}",
                },
                timeout=30,
            )
            assert response.status_code == 200


class TestSlidingWindow:
    """The window itself, with the clock given."""

    def test_the_lock_ends_when_the_oldest_failure_leaves_the_window(self):
        window = login_limits.SlidingWindow()
        for moment in (0, 10, 20):
            window.fail("a-editor", 60, now=moment)

        assert window.retry_after("a-editor", 3, 60, now=30) == 30
        assert window.retry_after("a-editor", 3, 60, now=60) is None
        assert window.retry_after("a-editor", 4, 60, now=30) is None

    def test_an_attacker_keeps_a_lock_only_while_still_failing(self):
        window = login_limits.SlidingWindow()
        for moment in range(0, 100, 5):
            window.fail("a-editor", 60, now=moment)

        # The third-last failure was at 85: a window after it the count is
        # below the limit, so the lock ends 50 s after the last failure.
        assert window.retry_after("a-editor", 3, 60, now=140) == 5
        assert window.retry_after("a-editor", 3, 60, now=145) is None


# Addresses a login or logout link could send a visitor to outside the
# platform, written the ways browsers still read as another host.
EXTERNAL = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "https:evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "%2F%2Fevil.example",
    "https:%2F%2Fevil.example",
    "//evil.example@localhost/",
    "http://localhost@evil.example/",
    " //evil.example",
    "\t//evil.example",
    "java\nscript:alert(1)",
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
]


def _stays_home(platform, location: str) -> bool:
    if not location:
        return True
    target = urlsplit(location.strip())
    home = urlsplit(platform.url)
    return (
        target.scheme in ("http", "https")
        and target.netloc == home.netloc
        and target.path.startswith(home.path)
        and "\\" not in location
    )


class TestNoOpenRedirects:
    @pytest.mark.parametrize("url", EXTERNAL)
    def test_login_never_sends_the_visitor_elsewhere(self, platform, limits, url):
        response = _form_login(platform, EDITOR, password(EDITOR), came_from=url)

        # A came_from the form cannot take leaves the visitor on the form.
        assert response.status_code in (200, 302)
        location = response.headers.get("Location", "")
        assert _stays_home(platform, location), response.headers

    @pytest.mark.parametrize("url", EXTERNAL)
    def test_the_login_page_never_offers_an_external_came_from(self, platform, url):
        response = requests.get(
            f"{platform.url}/login",
            params={"came_from": url},
            allow_redirects=False,
            timeout=30,
        )

        assert response.status_code == 200
        offered = re.search(r'name="came_from"[^>]*value="([^"]*)"', response.text)
        if offered is not None and offered.group(1):
            assert _stays_home(platform, offered.group(1)), offered.group(1)

    @pytest.mark.parametrize("url", EXTERNAL)
    @pytest.mark.parametrize("parameter", ["next", "came_from"])
    def test_logout_never_sends_the_visitor_elsewhere(
        self, platform, limits, url, parameter
    ):
        session = requests.Session()
        session.auth = (EDITOR, password(EDITOR))

        response = session.get(
            f"{platform.url}/logout",
            params={parameter: url},
            allow_redirects=False,
            timeout=30,
        )

        assert response.status_code in (302, 303)
        assert _stays_home(platform, response.headers["Location"]), response.headers
