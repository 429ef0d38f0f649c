"""HTTP caching as visitors and editors meet it: Debian's Varnish, the VCL of
``docker/varnish/``, and a real instance whose plone.app.caching rules decide
what may be cached and which purges it sends after each change.
"""

from deployment import add_content
from deployment import editor_session
from deployment import eventually
from deployment import log_in
from deployment import page_title
from deployment import publish
from deployment import REQUEST_TIMEOUT
import pytest
import re
import requests
import time


PURGE_TIMEOUT = 10.0


def fetch(session: requests.Session, url: str, host: str | None = None, **kwargs):
    headers = kwargs.pop("headers", {})
    if host is not None:
        headers["Host"] = host
    return session.get(url, headers=headers, timeout=REQUEST_TIMEOUT, **kwargs)


def cached_twice(session, url: str, host: str | None = None, **kwargs):
    """Request ``url`` until it is in the cache; return the cached response.

    The purges of an earlier change leave the instance from a queue after its
    commit, so one may still arrive and empty the cache once more; a page
    that is never cached stays a MISS.
    """
    fetch(session, url, host, **dict(kwargs))
    deadline = time.monotonic() + PURGE_TIMEOUT
    while True:
        response = fetch(session, url, host, **dict(kwargs))
        if response.headers.get("X-Cache") == "HIT" or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("page", "rule"),
    [
        ("", "plone.content.folderView"),
        ("/nieuws", "plone.content.folderView"),
        ("/nieuws/dijkversterking", "plone.content.itemView"),
    ],
)
def test_an_anonymous_page_comes_from_the_cache_on_the_second_request(
    varnish, site, visitor, page, rule
):
    url = f"{varnish.url}{site.path}{page}"

    first = fetch(visitor, url)
    second = fetch(visitor, url)

    assert first.status_code == second.status_code == 200
    assert first.headers["X-Cache"] == "MISS"
    assert second.headers["X-Cache"] == "HIT"
    assert "Age" in second.headers
    assert second.text == first.text
    # The browser revalidates every time; only the shared cache keeps it.
    cache_control = second.headers["Cache-Control"]
    assert "max-age=0" in cache_control
    assert "s-maxage=600" in cache_control
    assert second.headers["X-Cache-Rule"] == rule


@pytest.mark.slow
def test_a_page_at_a_sites_own_domain_is_cached_apart_from_the_platform_path(
    varnish, site, visitor
):
    on_domain = cached_twice(visitor, f"{varnish.url}/nieuws", host=site.domain)
    on_platform = cached_twice(visitor, f"{varnish.url}{site.path}/nieuws")

    assert on_domain.headers["X-Cache"] == on_platform.headers["X-Cache"] == "HIT"
    assert f"http://{site.domain}/nieuws/dijkversterking" in on_domain.text
    assert f"{site.path}/nieuws/dijkversterking" in on_platform.text


@pytest.mark.slow
def test_theme_resources_are_cached_by_browsers_and_the_proxy(varnish, site, visitor):
    home = fetch(visitor, f"{varnish.url}{site.path}")
    stylesheets = [
        re.search(r'href="([^"]+)"', link)[1]
        for link in re.findall(r"<link[^>]+>", home.text)
        if 'rel="stylesheet"' in link
    ]
    assert stylesheets, "the home page links no stylesheet"
    # The link is absolute, for the host that was asked: Varnish.
    url = stylesheets[0]
    assert url.startswith(varnish.url)

    cached = cached_twice(visitor, url)

    assert cached.status_code == 200
    assert cached.headers["X-Cache"] == "HIT"
    max_age = int(re.search(r"max-age=(\d+)", cached.headers["Cache-Control"])[1])
    assert max_age >= 86400


@pytest.mark.slow
@pytest.mark.parametrize(
    "cookie", ["_ga=GA1.1.2056.1701600000", "_pk_id.1.1fff=abc; _gid=GA1.2.99"]
)
def test_analytics_cookies_do_not_keep_a_page_out_of_the_cache(
    varnish, site, visitor, cookie
):
    url = f"{varnish.url}{site.path}/nieuws"
    fetch(visitor, url)

    response = fetch(visitor, url, headers={"Cookie": cookie})

    assert response.headers["X-Cache"] == "HIT"


@pytest.mark.slow
@pytest.mark.parametrize("login", ["cookie", "basic"])
def test_a_logged_in_editor_never_gets_a_cached_page(
    varnish, site, visitor, editor, login
):
    url = f"{varnish.url}{site.path}/nieuws/dijkversterking"
    cached_twice(visitor, url)
    session = editor_session(varnish.url, editor, login)

    pages = [fetch(session, url), fetch(session, url)]

    for page in pages:
        assert page.status_code == 200
        assert page.headers["X-Cache"] == "MISS"
        # The editor's own page, with Plone's toolbar.
        assert 'id="edit-zone"' in page.text
        assert "s-maxage=600" not in page.headers.get("Cache-Control", "")


@pytest.mark.slow
def test_an_editors_draft_seen_through_the_cache_is_never_shown_to_a_visitor(
    varnish, instance_one, admin, site, visitor, editor
):
    draft = add_content(
        admin,
        f"{instance_one.url}{site.path}/nieuws",
        **{"@type": "News Item", "id": "concept", "title": "Nog geheim"},
    )
    url = draft.replace(instance_one.url, varnish.url)
    session = log_in(varnish.url, *editor)
    assert "Nog geheim" in fetch(session, url).text

    seen_by_visitor = fetch(visitor, url, allow_redirects=False)

    assert seen_by_visitor.status_code in (302, 401, 403)
    assert "Nog geheim" not in seen_by_visitor.text


@pytest.mark.slow
@pytest.mark.parametrize("edited_at", ["platform", "domain"])
def test_a_change_purges_the_page_its_listing_and_its_site_home_on_every_host(
    varnish, instance_one, admin, site, visitor, edited_at
):
    item_id = f"peilbesluit-{edited_at}"
    item = add_content(
        admin,
        f"{instance_one.url}{site.path}/nieuws",
        **{"@type": "News Item", "id": item_id, "title": "Peilbesluit"},
    )
    publish(admin, item)
    pages = {
        "item on the platform": (f"{site.path}/nieuws/{item_id}", None),
        "listing on the platform": (f"{site.path}/nieuws", None),
        "item on the domain": (f"/nieuws/{item_id}", site.domain),
        "listing on the domain": ("/nieuws", site.domain),
        "feed on the domain": ("/nieuws/rss.xml", site.domain),
        "home on the domain": ("/", site.domain),
    }
    for path, host in pages.values():
        assert cached_twice(visitor, varnish.url + path, host).headers["X-Cache"] == (
            "HIT"
        )

    new_title = f"Peilbesluit vastgesteld ({edited_at})"
    if edited_at == "platform":
        changed = admin.patch(item, json={"title": new_title}, timeout=REQUEST_TIMEOUT)
    else:
        changed = admin.patch(
            f"{instance_one.url}/nieuws/{item_id}",
            headers={"Host": site.domain},
            json={"title": new_title},
            timeout=REQUEST_TIMEOUT,
        )
    assert changed.status_code == 204, changed.text

    for label, (path, host) in pages.items():

        def shows_new_title(path=path, host=host):
            return new_title in fetch(visitor, varnish.url + path, host).text

        assert eventually(shows_new_title, True, PURGE_TIMEOUT), label
    item_page = fetch(visitor, f"{varnish.url}/nieuws/{item_id}", site.domain)
    assert page_title(item_page) == new_title


@pytest.mark.slow
def test_varnish_answers_its_health_page_itself(varnish, visitor):
    response = fetch(visitor, f"{varnish.url}/varnish-health")

    assert response.status_code == 200
    assert "X-Cache-Rule" not in response.headers


@pytest.mark.slow
def test_a_page_and_its_json_at_the_same_url_are_cached_apart(varnish, site, visitor):
    # plone.restapi answers JSON at a page's own URL to clients that ask for it.
    url = f"{varnish.url}{site.path}/nieuws"
    cached_twice(visitor, url)

    api = cached_twice(visitor, url, headers={"Accept": "application/json"})
    page = fetch(visitor, url)

    assert api.headers["Content-Type"].startswith("application/json")
    assert api.json()["@id"].endswith("/nieuws")
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["X-Cache"] == "HIT"
    for name in ("X-Url", "X-Host"):
        assert name not in page.headers


@pytest.mark.slow
def test_publishing_in_a_second_language_purges_that_languages_home(
    varnish, instance_one, admin, visitor
):
    made = admin.post(
        f"{instance_one.url}/pro/@sites",
        json={
            "id": "delta",
            "title": "Deltaprogramma",
            "organisation": "Deltacommissaris",
            "languages": ["nl", "en"],
        },
        timeout=REQUEST_TIMEOUT,
    )
    assert made.status_code == 201, made.text
    english_home = f"{varnish.url}/pro/delta/en"
    before = cached_twice(visitor, english_home)
    assert before.headers["X-Cache"] == "HIT"
    item = add_content(
        admin,
        f"{instance_one.url}/pro/delta/en/news",
        **{"@type": "News Item", "id": "storm-surge", "title": "Storm surge barrier"},
    )

    publish(admin, item)

    def home_shows_item():
        return "Storm surge barrier" in fetch(visitor, english_home).text

    assert eventually(home_shows_item, True, PURGE_TIMEOUT)
