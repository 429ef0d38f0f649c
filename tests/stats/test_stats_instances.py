"""Two real instances on one RelStorage database count beacons together.

Each ``pro-instance serve`` answers beacons in its WSGI middleware and
flushes into its own shard. Beacons sent to both at once must all be
counted, a visitor seen by both counted once, no flush may conflict, and a
stopped instance writes its last batch before it exits.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from pro.instance.process import ZopeProcess
import os
import pytest
import re
import requests
import secrets
import sys
import time


sys.path.insert(0, str(Path(__file__).parents[1] / "instance"))

from pg import create_database  # noqa: E402
from pg import drop_database  # noqa: E402
from pg import NoPostgreSQL  # noqa: E402
from pg import postgresql_server  # noqa: E402
from pg import unique_database_name  # noqa: E402


pytestmark = pytest.mark.slow

FLUSH_SECONDS = 1.0
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
VISITORS = 60
HITS_PER_VISITOR = 5


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    try:
        with postgresql_server() as server:
            name = unique_database_name()
            dsn = create_database(server, name)
            yield dsn
            drop_database(server, name)
    except NoPostgreSQL as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL for these tests: {missing}")
        pytest.skip(str(missing))


@pytest.fixture(scope="module")
def config(database, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("stats-relstorage") / "instance.yaml"
    path.write_text(
        "http_host: 127.0.0.1\n"
        "wsgi_threads: 4\n"
        "db_storage: relstorage\n"
        f"db_relstorage_postgresql_dsn: {database}\n"
        "db_relstorage_cache_local_mb: 50\n"
        "db_blob_cache_size: 100mb\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def password() -> str:
    return secrets.token_urlsafe(12)


def start(config: Path, password: str, folder: Path) -> ZopeProcess:
    environ = {
        "PRO_DEMO": "0",
        "PRO_ADMIN_PASSWORD": password,
        "PRO_STATS_FLUSH_INTERVAL": str(FLUSH_SECONDS),
    }
    return ZopeProcess(
        config, var_dir=folder, environ=environ, ready_path="/pro"
    ).start()


@pytest.fixture(scope="module")
def instances(config, password, tmp_path_factory):
    first = start(config, password, tmp_path_factory.mktemp("one"))
    second = None
    try:
        second = start(config, password, tmp_path_factory.mktemp("two"))
        yield first, second
    finally:
        if second is not None:
            second.stop()
        first.stop()


@pytest.fixture(scope="module")
def admin(password) -> Iterator[requests.Session]:
    session = requests.Session()
    session.trust_env = False
    session.auth = ("admin", password)
    session.headers["Accept"] = "application/json"
    yield session
    session.close()


@pytest.fixture(scope="module")
def site(instances, admin) -> str:
    first, _second = instances
    response = admin.post(
        f"{first.url}/pro/@sites",
        json={"id": "rivierenland", "title": "Rivierenland", "organisation": "WRL"},
        timeout=120,
    )
    assert response.status_code == 201, response.text
    return "rivierenland"


def send_beacons(url: str, visitors: range, path: str) -> list[int]:
    session = requests.Session()
    session.trust_env = False
    statuses = []
    for visitor in visitors:
        for _hit in range(HITS_PER_VISITOR):
            response = session.post(
                f"{url}/pro/rivierenland/@@hit",
                data={"s": "rivierenland", "p": path, "w": "1280"},
                headers={
                    "User-Agent": BROWSER,
                    "X-Forwarded-For": f"198.51.100.{visitor}",
                },
                timeout=30,
            )
            statuses.append(response.status_code)
    return statuses


def figures(admin, url: str) -> dict:
    return admin.get(f"{url}/pro/rivierenland/@stats", timeout=60).json()


def eventually_counted(admin, url: str, pageviews: int) -> dict:
    # Generous: the flusher threads share a busy machine with the test.
    deadline = time.monotonic() + 60 * FLUSH_SECONDS
    while True:
        answer = figures(admin, url)
        if answer["totals"]["pageviews"] >= pageviews or time.monotonic() > deadline:
            return answer
        time.sleep(FLUSH_SECONDS / 2)


def test_two_instances_count_every_hit_and_each_visitor_once(instances, site, admin):
    first, second = instances
    # Every visitor is sent to both instances, from two threads each.
    jobs = [
        (first.url, range(0, VISITORS // 2), "/"),
        (first.url, range(VISITORS // 2, VISITORS), "/nieuws"),
        (second.url, range(0, VISITORS // 2), "/nieuws"),
        (second.url, range(VISITORS // 2, VISITORS), "/"),
    ]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        statuses = [
            status
            for result in pool.map(lambda job: send_beacons(*job), jobs)
            for status in result
        ]
    expected = len(jobs) * (VISITORS // 2) * HITS_PER_VISITOR

    on_first = eventually_counted(admin, first.url, expected)
    on_second = eventually_counted(admin, second.url, expected)

    assert statuses == [204] * expected
    for answer in (on_first, on_second):
        assert answer["totals"]["pageviews"] == expected
        assert answer["totals"]["visitors"] == VISITORS
        assert {row["path"]: row["pageviews"] for row in answer["pages"]} == {
            "/": expected // 2,
            "/nieuws": expected // 2,
        }
    for instance in (first, second):
        # Plone may conflict on its own first pages after a start (a portlet
        # assignment); no conflict may touch the counters.
        conflicts = [line for line in instance.output.splitlines() if "onflict" in line]
        assert not [
            line
            for line in conflicts
            if "Statistics flush" in line or "pro.stats" in line
        ]


def test_a_stopped_instance_writes_its_last_batch(instances, site, admin):
    first, second = instances
    before = figures(admin, second.url)["totals"]["pageviews"]

    send_beacons(first.url, range(200, 210), "/contact")
    first.stop()

    after = eventually_counted(admin, second.url, before + 10 * HITS_PER_VISITOR)
    assert after["totals"]["pageviews"] == before + 10 * HITS_PER_VISITOR
    assert "/contact" in {row["path"] for row in after["pages"]}
    assert re.search(r"Statistics of \w+ stopped: \d+ hits written", first.output)
