"""RelStorage on a real PostgreSQL: the production storage of the platform.

First ZODB itself, in this process: two databases on one PostgreSQL database
stand in for two instances, and what one commits the other reads, blobs
included, while what one aborts never reaches the other. Then the platform as
deployed: two ``pro-instance serve`` processes share one database, and a site
made or changed through one is served by the other.

The server is found as ``pg.py`` describes. Without one the module is skipped,
except on CI (``CI=true``), where a missing database is a broken pipeline.
"""

from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from persistent.mapping import PersistentMapping
from pg import create_database
from pg import drop_database
from pg import NoPostgreSQL
from pg import postgresql_server
from pg import PostgreSQLServer
from pg import unique_database_name
from pro.instance.process import ZopeProcess
from relstorage.adapters.postgresql import PostgreSQLAdapter
from relstorage.options import Options
from relstorage.storage import RelStorage
from typing import Any
from ZODB.blob import Blob
import BTrees.OOBTree
import os
import pytest
import requests
import secrets
import time
import transaction
import ZODB


# RelStorage looks for other instances' commits when a transaction begins, so
# a change shows on the next request; the margin covers a busy machine.
PROPAGATION_TIMEOUT = 5.0
REQUEST_TIMEOUT = 60

BLOB_BYTES = b"%PDF-1.7 jaarverslag\n" + bytes(range(256)) * 64


@pytest.fixture(scope="module")
def postgresql() -> Iterator[PostgreSQLServer]:
    try:
        with postgresql_server() as server:
            yield server
    except NoPostgreSQL as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL for these tests: {missing}")
        pytest.skip(str(missing))


@pytest.fixture(scope="module")
def new_database(postgresql) -> Iterator[Callable[[], str]]:
    """Make empty databases on demand; all of them are dropped afterwards."""
    names = []

    def make() -> str:
        name = unique_database_name()
        names.append(name)
        return create_database(postgresql, name)

    yield make
    for name in names:
        drop_database(postgresql, name)


def open_database(dsn: str, blob_cache: Path) -> ZODB.DB:
    """Open ZODB on RelStorage the way the rendered zope.conf configures it."""
    options = Options(
        keep_history=False,
        shared_blob_dir=False,
        blob_dir=str(blob_cache),
        blob_cache_size=64 * 1024**2,
        cache_local_mb=16,
    )
    adapter = PostgreSQLAdapter(dsn=dsn, options=options)
    return ZODB.DB(RelStorage(adapter, options=options))


@pytest.fixture
def two_instances(new_database, tmp_path) -> Iterator[tuple[ZODB.DB, ZODB.DB]]:
    """Two databases on one PostgreSQL database, each with its own blob cache."""
    dsn = new_database()
    first = open_database(dsn, tmp_path / "blobcache-1")
    second = open_database(dsn, tmp_path / "blobcache-2")
    yield first, second
    second.close()
    first.close()


def connect(db: ZODB.DB):
    """Open a connection with a transaction manager of its own.

    Two connections in one thread would otherwise share the thread's default
    manager, and committing one would commit the other.
    """
    manager = transaction.TransactionManager()
    return manager, db.open(manager)


def test_a_commit_with_a_btree_and_a_blob_is_read_back_by_another_database(
    two_instances,
):
    first, second = two_instances
    writer, connection = connect(first)
    register = BTrees.OOBTree.OOBTree()
    for number in range(500):
        register[f"site-{number:03d}"] = {"title": f"Site {number}"}
    report = Blob()
    with report.open("w") as file:
        file.write(BLOB_BYTES)
    connection.root()["register"] = register
    connection.root()["media"] = PersistentMapping({"jaarverslag.pdf": report})
    writer.commit()

    reader, other = connect(second)
    root = other.root()
    assert len(root["register"]) == 500
    assert root["register"]["site-499"] == {"title": "Site 499"}
    with root["media"]["jaarverslag.pdf"].open("r") as file:
        assert file.read() == BLOB_BYTES
    reader.abort()


def test_an_aborted_transaction_leaves_nothing_for_another_database(two_instances):
    first, second = two_instances
    writer, connection = connect(first)
    connection.root()["draft"] = PersistentMapping({"title": "Nooit bewaard"})
    writer.abort()

    # A commit after the abort proves the reader looks at the newest state,
    # so not finding the draft means it was never stored.
    connection.root()["published"] = PersistentMapping({"title": "Bewaard"})
    writer.commit()

    reader, other = connect(second)
    other.sync()
    assert other.root()["published"]["title"] == "Bewaard"
    assert "draft" not in other.root()
    reader.abort()


def test_an_open_connection_sees_another_databases_commit_in_its_next_transaction(
    two_instances,
):
    first, second = two_instances
    writer, connection = connect(first)
    connection.root()["settings"] = PersistentMapping({"title": "Oud"})
    writer.commit()
    reader, other = connect(second)
    assert other.root()["settings"]["title"] == "Oud"

    connection.root()["settings"]["title"] = "Nieuw"
    writer.commit()

    # Within its transaction a connection keeps one consistent snapshot.
    assert other.root()["settings"]["title"] == "Oud"
    reader.abort()
    reader.begin()
    assert other.root()["settings"]["title"] == "Nieuw"
    reader.abort()


@pytest.fixture(scope="module")
def platform_config(new_database, tmp_path_factory) -> Path:
    """An instance YAML with RelStorage on a fresh database, for every instance."""
    folder = tmp_path_factory.mktemp("relstorage-platform")
    config = folder / "instance.yaml"
    config.write_text(
        "http_host: 127.0.0.1\n"
        "wsgi_threads: 2\n"
        "db_storage: relstorage\n"
        f"db_relstorage_postgresql_dsn: {new_database()}\n"
        "db_relstorage_cache_local_mb: 50\n"
        "db_blob_cache_size: 100mb\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def admin_password() -> str:
    return secrets.token_urlsafe(12)


@pytest.fixture(scope="module")
def instance_one(platform_config, admin_password, tmp_path_factory):
    environ = {"PRO_DEMO": "0", "PRO_ADMIN_PASSWORD": admin_password}
    var_dir = tmp_path_factory.mktemp("instance-1")
    with ZopeProcess(
        platform_config, var_dir=var_dir, environ=environ, ready_path="/pro"
    ) as zope:
        yield zope


@pytest.fixture(scope="module")
def instance_two(instance_one, platform_config, admin_password, tmp_path_factory):
    """The second instance, started once the first has made the platform."""
    environ = {"PRO_DEMO": "0", "PRO_ADMIN_PASSWORD": admin_password}
    var_dir = tmp_path_factory.mktemp("instance-2")
    with ZopeProcess(
        platform_config, var_dir=var_dir, environ=environ, ready_path="/pro"
    ) as zope:
        yield zope


@pytest.fixture(scope="module")
def admin(admin_password) -> Iterator[requests.Session]:
    session = requests.Session()
    # A proxy from the environment must not be asked for 127.0.0.1.
    session.trust_env = False
    session.auth = ("admin", admin_password)
    session.headers["Accept"] = "application/json"
    yield session
    session.close()


@pytest.fixture(scope="module")
def site_made_on_instance_one(instance_one, instance_two, admin) -> str:
    response = admin.post(
        f"{instance_one.url}/pro/@sites",
        json={
            "id": "rivierenland",
            "title": "Waterschap Rivierenland",
            "organisation": "Waterschap Rivierenland",
        },
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 201, response.text
    return "rivierenland"


def eventually(read: Callable[[], Any], expected: Any) -> Any:
    """Poll ``read`` until it returns ``expected`` or the timeout passes."""
    deadline = time.monotonic() + PROPAGATION_TIMEOUT
    while True:
        value = read()
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.mark.slow
def test_a_site_made_on_one_instance_is_served_by_the_other(
    site_made_on_instance_one, instance_two, admin
):
    site_url = f"{instance_two.url}/pro/@sites/{site_made_on_instance_one}"

    def title_in_registry():
        response = admin.get(site_url, timeout=REQUEST_TIMEOUT)
        return response.status_code, response.json().get("title")

    assert eventually(title_in_registry, (200, "Waterschap Rivierenland")) == (
        200,
        "Waterschap Rivierenland",
    )
    page = admin.get(
        f"{instance_two.url}/pro/{site_made_on_instance_one}",
        headers={"Accept": "text/html"},
        timeout=REQUEST_TIMEOUT,
    )
    assert page.status_code == 200
    assert "Waterschap Rivierenland" in page.text


@pytest.mark.slow
def test_a_title_changed_on_the_second_instance_shows_on_the_first(
    site_made_on_instance_one, instance_one, instance_two, admin
):
    new_title = "Waterschap Rivierenland en Lek"
    changed = admin.patch(
        f"{instance_two.url}/pro/@sites/{site_made_on_instance_one}",
        json={"title": new_title},
        timeout=REQUEST_TIMEOUT,
    )
    assert changed.status_code == 200, changed.text

    site_url = f"{instance_one.url}/pro/@sites/{site_made_on_instance_one}"

    def title_on_instance_one():
        return admin.get(site_url, timeout=REQUEST_TIMEOUT).json().get("title")

    assert eventually(title_on_instance_one, new_title) == new_title
