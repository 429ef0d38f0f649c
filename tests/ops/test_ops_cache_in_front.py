"""The RAM cache in front of Zope's publisher, on the real instances.

Anonymous pages plone.app.caching keeps in RAM are answered by the WSGI filter
of ``pro.caching.front`` before Zope's publisher; these tests check what a
visitor, an editor and a second instance on the same database see of it.
The module runs before ``test_ops_cluster``, whose last test ends the second
instance.
"""

from deployment import add_content
from deployment import editor_session
from deployment import page_title
from deployment import publish
from deployment import REQUEST_TIMEOUT
from pro.caching.front import GLOBAL_KEY
from pro.caching.front import LABEL_HEADER
from pro.caching.front import PASS_HEADER
from pro.caching.front import POLL_INTERVAL
import pytest
import re
import requests
import time


# A commit of an earlier test can make a page stale once more after its
# first request; by then the page is kept again.
KEPT_TIMEOUT = 10.0
# The other instance reads the catalog counter every POLL_INTERVAL seconds;
# the rest is room for a loaded machine.
OTHER_INSTANCE_LIMIT = POLL_INTERVAL + 2.0


def fetch(session: requests.Session, url: str, **kwargs) -> requests.Response:
    return session.get(url, timeout=REQUEST_TIMEOUT, **kwargs)


def from_ram(response: requests.Response) -> bool:
    return response.headers.get("X-RAMCache") == GLOBAL_KEY


def kept(session: requests.Session, url: str, **kwargs) -> requests.Response:
    """Request ``url`` until it comes from the RAM cache in front; return that."""
    deadline = time.monotonic() + KEPT_TIMEOUT
    while True:
        response = fetch(session, url, **kwargs)
        if from_ram(response) or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


@pytest.fixture(scope="module")
def folder(instance_one, admin, site) -> str:
    """A folder for this module's pages, outside the news.

    News items made here would take the places of the Varnish tests' items
    in the home page's teasers: the catalog orders by the minute only.
    """
    return add_content(
        admin,
        f"{instance_one.url}{site.path}",
        **{"@type": "Folder", "id": "ram", "title": "RAM"},
    )


@pytest.fixture
def page(instance_one, admin, folder, request) -> str:
    """A published page of its own for a test that changes it."""
    item_id = "ram-" + re.sub(r"\W+", "-", request.node.name)[-40:].strip("-").lower()
    url = add_content(
        admin, folder, **{"@type": "Document", "id": item_id, "title": "Eerste versie"}
    )
    publish(admin, url)
    return url.removeprefix(instance_one.url)


@pytest.mark.slow
def test_an_anonymous_page_is_answered_from_ram_in_front_of_zope(
    instance_one, site, visitor
):
    url = instance_one.url + site.news_item
    from_zope = fetch(visitor, url, headers={PASS_HEADER: "1"})

    answered = kept(visitor, url)

    assert from_ram(answered)
    assert answered.status_code == 200
    assert answered.text == from_zope.text
    assert answered.headers["Cache-Control"] == from_zope.headers["Cache-Control"]
    assert int(answered.headers["Age"]) >= 0
    assert LABEL_HEADER not in from_zope.headers
    assert LABEL_HEADER not in answered.headers


@pytest.mark.slow
@pytest.mark.parametrize("login", ["cookie", "basic"])
def test_a_logged_in_editor_never_gets_a_page_from_ram(
    instance_one, site, visitor, editor, login
):
    url = instance_one.url + site.news_item
    assert from_ram(kept(visitor, url))
    session = editor_session(instance_one.url, editor, login)

    pages = [fetch(session, url), fetch(session, url)]

    for seen in pages:
        assert seen.status_code == 200
        assert not from_ram(seen)
        assert 'id="edit-zone"' in seen.text


@pytest.mark.slow
def test_an_edit_is_shown_to_the_very_next_visitor(instance_one, admin, visitor, page):
    url = instance_one.url + page
    assert page_title(kept(visitor, url)) == "Eerste versie"

    changed = admin.patch(url, json={"title": "Tweede versie"}, timeout=60)
    assert changed.status_code == 204
    seen = fetch(visitor, url)

    assert page_title(seen) == "Tweede versie"


@pytest.mark.slow
def test_an_edit_on_the_other_instance_is_shown_within_the_poll_interval(
    instance_one, instance_two, admin, visitor, page
):
    url = instance_one.url + page
    assert page_title(kept(visitor, url)) == "Eerste versie"

    changed = admin.patch(instance_two.url + page, json={"title": "Elders"}, timeout=60)
    acknowledged = time.monotonic()
    assert changed.status_code == 204
    while page_title(fetch(visitor, url)) != "Elders":
        assert time.monotonic() - acknowledged < OTHER_INSTANCE_LIMIT
        time.sleep(0.05)

    assert time.monotonic() - acknowledged < OTHER_INSTANCE_LIMIT


@pytest.mark.slow
def test_a_request_from_a_purged_proxy_always_gets_the_page_from_zope(
    instance_one, site, visitor
):
    url = instance_one.url + site.news_item
    assert from_ram(kept(visitor, url))

    seen = fetch(visitor, url, headers={PASS_HEADER: "1"})

    assert seen.status_code == 200
    assert not from_ram(seen)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("cookie", "answered_from_ram"),
    [
        ("_pk_id.1.1fff=3225aebdb98b13f9.1730000000", True),
        ("_ga=GA1.1.123.456; _gid=GA1.1.789", True),
        ("I18N_LANGUAGE=en", False),
        ("_pk_id.1.1fff=1; statusmessages=abc", False),
    ],
)
def test_only_analytics_cookies_leave_a_visitor_in_the_ram_cache(
    instance_one, site, visitor, cookie, answered_from_ram
):
    url = instance_one.url + site.news_item
    assert from_ram(kept(visitor, url))

    seen = fetch(visitor, url, headers={"Cookie": cookie})

    assert seen.status_code == 200
    assert from_ram(seen) is answered_from_ram


@pytest.mark.slow
def test_a_browser_revalidating_its_copy_gets_not_modified(instance_one, site, visitor):
    url = instance_one.url + site.news_item
    answered = kept(visitor, url)
    assert from_ram(answered)

    etag = answered.headers["ETag"]
    revalidated = fetch(visitor, url, headers={"If-None-Match": etag})
    other = fetch(visitor, url, headers={"If-None-Match": '"something-else"'})

    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated.headers["ETag"] == answered.headers["ETag"]
    assert other.status_code == 200
    assert other.text == answered.text


@pytest.mark.slow
def test_the_json_of_a_page_is_kept_apart_from_its_html(instance_one, site, visitor):
    url = instance_one.url + site.news_item
    assert from_ram(kept(visitor, url))

    as_json = fetch(visitor, url, headers={"Accept": "application/json"})

    assert as_json.status_code == 200
    assert as_json.headers["Content-Type"].startswith("application/json")
    assert as_json.json()["title"] == "Dijkversterking"


@pytest.mark.slow
def test_a_head_request_gets_the_headers_without_the_page(instance_one, site, visitor):
    url = instance_one.url + site.news_item
    answered = kept(visitor, url)

    head = visitor.head(url, timeout=REQUEST_TIMEOUT)

    assert from_ram(head)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Length"] == str(len(answered.content))


def set_caching(admin: requests.Session, base_url: str, enabled: bool) -> None:
    response = admin.patch(
        f"{base_url}/pro/@registry",
        json={"plone.caching.interfaces.ICacheSettings.enabled": enabled},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 204, response.text


@pytest.mark.slow
def test_switching_caching_off_and_on_ends_and_resumes_answers_from_ram(
    instance_one, admin, site, visitor
):
    url = instance_one.url + site.news_item
    assert from_ram(kept(visitor, url))

    set_caching(admin, instance_one.url, enabled=False)
    try:
        seen = [fetch(visitor, url), fetch(visitor, url)]
    finally:
        set_caching(admin, instance_one.url, enabled=True)
    again = kept(visitor, url)

    assert [from_ram(response) for response in seen] == [False, False]
    assert "s-maxage" not in seen[-1].headers.get("Cache-Control", "")
    assert from_ram(again)


@pytest.mark.slow
def test_a_change_of_the_whole_site_is_shown_to_the_very_next_visitor(
    instance_one, admin, site, visitor
):
    url = instance_one.url + site.news_item
    assert from_ram(kept(visitor, url))
    sites = f"{instance_one.url}/pro/@sites/{site.id}"
    renamed = admin.patch(
        sites, json={"title": "Waterschap Rivierenland en Lek"}, timeout=60
    )
    assert renamed.status_code == 200, renamed.text
    try:
        seen = fetch(visitor, url)
    finally:
        admin.patch(sites, json={"title": "Waterschap Rivierenland"}, timeout=60)

    assert "Waterschap Rivierenland en Lek" in seen.text
