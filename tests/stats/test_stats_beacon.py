"""The beacon parser and the middleware, without a Zope server."""

from datetime import date
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from pro.stats.beacon import device_class
from pro.stats.beacon import Hit
from pro.stats.beacon import parse_hit
from pro.stats.beacon import refusal
from pro.stats.beacon import visitor_hash
from pro.stats.exceptions import InvalidHit
from pro.stats.exceptions import InvalidPeriod
from pro.stats.middleware import BeaconMiddleware
from pro.stats.middleware import carries_login
from pro.stats.report import MAX_DAYS
from pro.stats.report import parse_period
from urllib.parse import urlencode
import io
import pytest


FIELDS = ["s", "p", "k", "r", "w", "q", "n", "utm_source", "utm_medium", "utm_campaign"]


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=300),
        st.dictionaries(
            st.sampled_from(FIELDS + ["x"]), st.text(max_size=60), max_size=8
        ).map(urlencode),
        st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")),
    )
)
def test_the_parser_gives_a_hit_or_names_the_bad_parameter(payload):
    try:
        hit = parse_hit(payload)
    except InvalidHit as error:
        assert error.field in FIELDS + ["payload"]
        assert error.message
        return
    assert isinstance(hit, Hit)
    assert hit.path.startswith("/") and "?" not in hit.path
    assert hit.kind in ("page", "download")
    assert (hit.search_terms is None) == (hit.search_results is None)


@pytest.mark.parametrize(
    ("width", "device"),
    [
        (None, "unknown"),
        (0, "unknown"),
        (390, "mobile"),
        (800, "tablet"),
        (1920, "desktop"),
    ],
)
def test_the_viewport_width_gives_the_device_class(width, device):
    assert device_class(width) == device


def test_a_visitor_hash_changes_with_the_salt_and_the_site():
    salt, other = b"a" * 32, b"b" * 32
    one = visitor_hash(salt, "192.0.2.1", "Firefox", "onderwijs")

    assert one == visitor_hash(salt, "192.0.2.1", "Firefox", "onderwijs")
    assert one != visitor_hash(other, "192.0.2.1", "Firefox", "onderwijs")
    assert one != visitor_hash(salt, "192.0.2.1", "Firefox", "zorg")
    assert -(2**63) <= one < 2**63


@pytest.mark.parametrize(
    ("headers", "authenticated", "reason"),
    [
        ({"user-agent": "Mozilla/5.0 Firefox/133.0"}, False, None),
        (
            {"user-agent": "Mozilla/5.0 Firefox/133.0", "dnt": "1"},
            False,
            "do-not-track",
        ),
        (
            {"user-agent": "Mozilla/5.0 Firefox/133.0", "sec-gpc": "1"},
            False,
            "global-privacy-control",
        ),
        ({"user-agent": "Mozilla/5.0 (compatible; bingbot/2.0)"}, False, "bot"),
        ({"user-agent": "Mozilla/5.0 Firefox/133.0"}, True, "authenticated"),
    ],
)
def test_refusal_names_why_a_request_is_not_counted(headers, authenticated, reason):
    assert refusal(headers, authenticated) == reason


@pytest.mark.parametrize(
    ("environ", "logged_in"),
    [
        ({"HTTP_COOKIE": "__ac=abc; other=1"}, True),
        ({"HTTP_COOKIE": "auth_token=xyz"}, True),
        ({"HTTP_AUTHORIZATION": "Basic YWRtaW46YWRtaW4="}, True),
        ({"HTTP_COOKIE": "I18N_LANGUAGE=nl"}, False),
        ({}, False),
    ],
)
def test_the_middleware_recognises_a_login_by_cookie_or_header(environ, logged_in):
    assert carries_login(environ) is logged_in


class Recorder:
    """What the counter is asked to count."""

    def __init__(self):
        self.counted = []

    def count(self, hit, headers, address, authenticated):
        self.counted.append((hit, address, authenticated))


def call(middleware, path, method="POST", body=b"", **environ):
    answer = {}

    def start_response(status, headers):
        answer["status"] = status
        answer["headers"] = dict(headers)

    base = {
        "PATH_INFO": path,
        "REQUEST_METHOD": method,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "REMOTE_ADDR": "127.0.0.1",
    }
    body = b"".join(middleware({**base, **environ}, start_response))
    return answer["status"], answer["headers"], body


@pytest.fixture
def middleware():
    recorder = Recorder()

    def zope(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"<html>Zope</html>"]

    instance = BeaconMiddleware(zope, lambda: recorder)
    instance.recorder = recorder
    return instance


def test_the_middleware_passes_other_requests_to_zope(middleware):
    status, _headers, body = call(middleware, "/pro/onderwijs/nieuws", "GET")

    assert (status, body) == ("200 OK", b"<html>Zope</html>")
    assert middleware.recorder.counted == []


def test_the_middleware_counts_a_beacon_behind_a_proxy(middleware):
    status, headers, _body = call(
        middleware,
        "/pro/onderwijs/@@hit",
        body=b"s=onderwijs&p=/nieuws",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.2",
        HTTP_COOKIE="__ac=token",
    )

    assert status == "204 No Content"
    assert headers["Cache-Control"].startswith("no-store")
    [(hit, address, authenticated)] = middleware.recorder.counted
    assert (hit.site, hit.path, address, authenticated) == (
        "onderwijs",
        "/nieuws",
        "203.0.113.9",
        True,
    )


@pytest.mark.parametrize(
    ("method", "body", "status"),
    [
        ("PUT", b"s=onderwijs&p=/", "405 Method Not Allowed"),
        ("POST", b"s=onderwijs", "400 Bad Request"),
        ("POST", b"\xff\xfe", "400 Bad Request"),
        ("POST", b"s=onderwijs&p=/" + b"x" * 5000, "400 Bad Request"),
    ],
)
def test_the_middleware_refuses_what_it_cannot_count(middleware, method, body, status):
    answer, _headers, text = call(middleware, "/@@hit", method, body)

    assert answer == status
    assert middleware.recorder.counted == []
    if status.startswith("400"):
        assert text.split(b":")[0] in (b"p", b"payload")


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["start", "end", "interval", "other"]),
        st.one_of(
            st.text(max_size=12),
            st.dates().map(lambda day: day.isoformat()),
            st.lists(st.text(max_size=5), max_size=2),
        ),
        max_size=4,
    )
)
def test_the_period_parser_gives_a_period_or_names_the_bad_parameter(form):
    try:
        period = parse_period(form, date(2026, 12, 3))
    except InvalidPeriod as error:
        assert error.parameter in ("start", "end", "interval")
        return
    assert period.start <= period.end
    assert period.days <= MAX_DAYS
