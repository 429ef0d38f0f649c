"""Which requests the RAM cache in front of Zope answers, and what it keeps.

The filter runs here in front of a small WSGI application that answers as
Zope does once plone.app.caching labelled a page; the RAM cache is a real
``zope.ramcache`` cache, as in the instance.
"""

from plone.memoize.ram import RAMCacheAdapter
from pro.caching.front import FrontCache
from pro.caching.front import GLOBAL_KEY
from pro.caching.front import keepable_for
from pro.caching.front import label
from pro.caching.front import LABEL_HEADER
from pro.caching.front import PASS_HEADER
from pro.caching.front import PlatformGeneration
from pro.caching.front import request_key
from pro.caching.front import size_ram_cache
from zope.ramcache.ram import RAMCache
import io
import pytest


PAGE_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "max-age=0, s-maxage=600, must-revalidate"),
    ("ETag", '"||12|nl|Plone Default|0|0|1|"'),
]


class Zope:
    """Answers like Zope: numbered pages, labelled with the platform's state."""

    def __init__(self, generation=(12, 0), headers=None) -> None:
        self.generation = generation
        self.headers = PAGE_HEADERS if headers is None else headers
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        body = f"<h1>page {self.calls}</h1>".encode()
        headers = [
            *self.headers,
            ("Content-Length", str(len(body))),
            (LABEL_HEADER, label(self.generation)),
        ]
        start_response("200 OK", headers)
        return (b"", body)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def front(zope: Zope, generation: PlatformGeneration | None = None, clock=None):
    if generation is None:
        generation = PlatformGeneration()
        generation.advance(zope.generation)
    cache = RAMCacheAdapter(RAMCache(), globalkey=GLOBAL_KEY)
    return FrontCache(zope, cache, generation, clock or Clock())


def get(app, path="/pro/site/nieuws", method="GET", **headers):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8080",
        "HTTP_HOST": "www.example.nl",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(b""),
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper()] = value
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = status
        answer["headers"] = dict(response_headers)

    answer["body"] = b"".join(app(environ, start_response))
    return answer


@pytest.mark.parametrize(
    "headers",
    [
        {"AUTHORIZATION": "Basic cmVkYWN0ZXVyOmdlaGVpbQ=="},
        {"COOKIE": "__ac=abc"},
        {"COOKIE": "auth_token=abc"},
        {"COOKIE": "statusmessages=abc"},
        {"COOKIE": "_ga=1; I18N_LANGUAGE=en"},
        {"RANGE": "bytes=0-10"},
        {PASS_HEADER.upper().replace("-", "_"): "1"},
    ],
)
def test_a_request_that_may_see_its_own_page_goes_to_zope(headers):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/pro"}
    environ.update({"HTTP_" + name: value for name, value in headers.items()})

    assert request_key(environ) is None


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head_are_answered_from_ram(method):
    assert request_key({"REQUEST_METHOD": method, "PATH_INFO": "/pro"}) is None


def test_pages_are_told_apart_by_host_path_query_and_json():
    base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/pro", "HTTP_HOST": "a.example"}
    variants = [
        base,
        {**base, "HTTP_HOST": "b.example"},
        {**base, "PATH_INFO": "/pro/nieuws"},
        {**base, "QUERY_STRING": "b_start=20"},
        {**base, "HTTP_ACCEPT": "application/json"},
        {**base, "HTTP_X_FORWARDED_PROTO": "https"},
        {**base, "wsgi.url_scheme": "https"},
    ]

    keys = {request_key(environ) for environ in variants}

    assert len(keys) == len(variants)
    assert request_key({**base, "HTTP_COOKIE": "_pk_id.1.fff=2"}) == request_key(base)


@pytest.mark.parametrize(
    ("status", "headers", "seconds"),
    [
        ("200 OK", [("Cache-Control", "max-age=0, s-maxage=600")], 600),
        ("200 OK", [("Cache-Control", "max-age=120")], 120),
        ("200 OK", [("Cache-Control", "max-age=0, s-maxage=600, private")], 0),
        ("200 OK", [("Cache-Control", "no-store")], 0),
        ("200 OK", [], 0),
        ("404 Not Found", [("Cache-Control", "s-maxage=600")], 0),
        ("200 OK", [("Cache-Control", "s-maxage=600"), ("Set-Cookie", "a=b")], 0),
        ("200 OK", [("Cache-Control", "s-maxage=600"), ("Vary", "Cookie")], 0),
        (
            "200 OK",
            [("Cache-Control", "s-maxage=600"), ("Vary", "Accept-Encoding")],
            600,
        ),
        ("200 OK", [("Cache-Control", "s-maxage=60"), ("Content-Encoding", "gzip")], 0),
        ("200 OK", [("Cache-Control", "s-maxage=ten")], 0),
    ],
)
def test_what_a_shared_cache_may_keep_and_for_how_long(status, headers, seconds):
    assert keepable_for(status, headers) == seconds


def test_the_second_visitor_gets_the_first_visitors_page_without_the_label():
    zope = Zope()
    app = front(zope)

    first = get(app)
    second = get(app)

    assert zope.calls == 1
    assert second["body"] == first["body"] == b"<h1>page 1</h1>"
    assert second["headers"]["X-RAMCache"] == GLOBAL_KEY
    assert "X-RAMCache" not in first["headers"]
    assert LABEL_HEADER not in first["headers"]
    assert LABEL_HEADER not in second["headers"]


def test_the_label_is_removed_even_when_the_page_goes_to_zope_for_an_editor():
    app = front(Zope())

    answer = get(app, authorization="Basic cmVkYWN0ZXVyOmdlaGVpbQ==")

    assert LABEL_HEADER not in answer["headers"]


@pytest.mark.parametrize("changed", [(13, 0), (12, 1)], ids=["content", "settings"])
def test_a_change_of_content_or_settings_makes_every_kept_page_stale(changed):
    zope = Zope(generation=(12, 0))
    generation = PlatformGeneration()
    generation.advance((12, 0))
    app = front(zope, generation)
    get(app)

    generation.advance(changed)
    zope.generation = changed
    after_commit = get(app)
    again = get(app)

    assert after_commit["body"] == b"<h1>page 2</h1>"
    assert again["body"] == b"<h1>page 2</h1>"
    assert zope.calls == 2


def test_a_page_rendered_before_a_commit_is_not_kept_after_it():
    zope = Zope(generation=(12, 0))
    generation = PlatformGeneration()
    generation.advance((13, 0))
    app = front(zope, generation)

    get(app)
    get(app)

    assert zope.calls == 2


@pytest.mark.parametrize("older", [(12, 4), (13, 3), (12, 3)])
def test_a_reading_older_than_the_last_never_moves_the_generation_back(older):
    generation = PlatformGeneration()
    generation.advance((13, 4))

    generation.advance(older)

    assert generation.current() == (13, 4)


def test_a_kept_page_is_asked_of_zope_again_after_its_s_maxage():
    zope = Zope()
    clock = Clock()
    app = front(zope, clock=clock)
    get(app)

    clock.now += 599
    within = get(app)
    clock.now += 2
    after = get(app)

    assert within["body"] == b"<h1>page 1</h1>"
    assert within["headers"]["Age"] == "599"
    assert after["body"] == b"<h1>page 2</h1>"


def test_a_new_process_keeps_pages_from_the_first_labelled_answer_on():
    zope = Zope()
    generation = PlatformGeneration()
    app = front(zope, generation)

    get(app)
    get(app)

    assert zope.calls == 1
    assert generation.current() == zope.generation


def test_a_page_zope_did_not_label_is_never_kept():
    class Unlabelled(Zope):
        def __call__(self, environ, start_response):
            def without_label(status, headers, exc_info=None):
                kept = [h for h in headers if h[0] != LABEL_HEADER]
                return start_response(status, kept, exc_info)

            return super().__call__(environ, without_label)

    zope = Unlabelled()
    app = front(zope)

    get(app)
    get(app)

    assert zope.calls == 2


def test_head_and_revalidation_are_answered_from_the_kept_page():
    app = front(Zope())
    first = get(app)

    head = get(app, method="HEAD")
    not_modified = get(app, if_none_match=first["headers"]["ETag"])
    weak = get(app, if_none_match="W/" + first["headers"]["ETag"])
    other = get(app, if_none_match='"other"')

    assert head["status"] == "200 OK"
    assert head["body"] == b""
    assert head["headers"]["Content-Length"] == str(len(first["body"]))
    assert not_modified["status"] == "304 Not Modified"
    assert not_modified["body"] == b""
    assert "Content-Type" not in not_modified["headers"]
    assert weak["status"] == "304 Not Modified"
    assert other["status"] == "200 OK"
    assert other["body"] == first["body"]


def test_the_ram_cache_holds_as_many_pages_as_the_instance_setting_says():
    utility = RAMCache()
    # Clean up on every write, as a long-running instance does every 5 minutes.
    utility.update(cleanupInterval=0)
    cache = RAMCacheAdapter(utility, globalkey=GLOBAL_KEY)

    size_ram_cache(utility, 3)
    for number in range(10):
        cache[f"page {number}"] = number
    kept = [number for number in range(10) if cache.get(f"page {number}") is not None]

    assert len(kept) <= 3
    assert 9 in kept
