"""The deployment under test: PostgreSQL, Zope instances and Varnish, all real.

One PostgreSQL cluster of our own (so a test may restart it without touching
the machine's shared server), one database with the platform on it, the first
instance serving it and a Varnish in front of that instance. They are started
once for the whole folder; the second instance belongs to the module that
kills it.
"""

from collections.abc import Callable
from collections.abc import Iterator
from deployment import add_content
from deployment import http_session
from deployment import publish
from deployment import REQUEST_TIMEOUT
from deployment import Site
from deployment import start_instance
from deployment import Varnish
from deployment import vcl_for_backend
from deployment import wait_for_port
from pathlib import Path
from pro.instance.process import free_port
from pro.instance.process import HOST
import os
import pytest
import requests
import secrets
import shutil
import subprocess
import sys
import tempfile


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "instance"))

from pg import create_database  # noqa: E402
from pg import NoPostgreSQL  # noqa: E402
from pg import private_cluster  # noqa: E402
from pg import PrivateCluster  # noqa: E402
from pg import unique_database_name  # noqa: E402


@pytest.fixture(scope="session")
def cluster() -> Iterator[PrivateCluster]:
    try:
        with private_cluster() as cluster:
            yield cluster
    except NoPostgreSQL as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL for these tests: {missing}")
        pytest.skip(str(missing))


@pytest.fixture(scope="session")
def new_database(cluster) -> Callable[[], str]:
    """Make an empty database on the private cluster; it goes with the cluster."""

    def make() -> str:
        return create_database(cluster.server, unique_database_name())

    return make


@pytest.fixture(scope="session")
def varnish_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def platform_dsn(new_database) -> str:
    return new_database()


@pytest.fixture(scope="session")
def platform_config(platform_dsn, varnish_port, tmp_path_factory) -> Path:
    """The instance YAML every instance of the platform is started from."""
    folder = tmp_path_factory.mktemp("platform")
    config = folder / "instance.yaml"
    config.write_text(
        "http_host: 127.0.0.1\n"
        "wsgi_threads: 2\n"
        "db_storage: relstorage\n"
        f"db_relstorage_postgresql_dsn: {platform_dsn}\n"
        "db_relstorage_cache_local_mb: 50\n"
        "db_blob_cache_size: 100mb\n"
        f"caching_proxies: [http://{HOST}:{varnish_port}]\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="session")
def admin_password() -> str:
    return secrets.token_urlsafe(12)


@pytest.fixture(scope="session")
def instance_one(platform_config, admin_password, tmp_path_factory):
    zope = start_instance(
        platform_config, admin_password, tmp_path_factory.mktemp("instance-1")
    )
    yield zope
    zope.stop()


@pytest.fixture(scope="session")
def admin(admin_password) -> Iterator[requests.Session]:
    session = http_session(("admin", admin_password))
    session.headers["Accept"] = "application/json"
    yield session
    session.close()


@pytest.fixture
def visitor() -> Iterator[requests.Session]:
    session = http_session()
    yield session
    session.close()


@pytest.fixture(scope="session")
def site(instance_one, admin) -> Site:
    """A live site with a domain of its own and one published news item."""
    response = admin.post(
        f"{instance_one.url}/pro/@sites",
        json={
            "id": "rivierenland",
            "title": "Waterschap Rivierenland",
            "organisation": "Waterschap Rivierenland",
            "domains": ["www.rivierenland.example"],
        },
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 201, response.text
    news = f"{instance_one.url}/pro/rivierenland/nieuws"
    item = add_content(
        admin,
        news,
        **{"@type": "News Item", "id": "dijkversterking", "title": "Dijkversterking"},
    )
    publish(admin, item)
    return Site(
        id="rivierenland",
        domain="www.rivierenland.example",
        news_item="/pro/rivierenland/nieuws/dijkversterking",
    )


@pytest.fixture(scope="session")
def varnish(instance_one, varnish_port) -> Iterator[Varnish]:
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(varnishd).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Varnish: apt-get install varnish")
        pytest.skip("Varnish is not installed: apt-get install varnish")
    # varnishd drops root's privileges before it reads the VCL, so the folder
    # must be readable by others, which pytest's own temporary folders are not.
    folder = Path(tempfile.mkdtemp(prefix="pro-varnish-"))
    folder.chmod(0o755)
    vcl = folder / "default.vcl"
    vcl.write_text(vcl_for_backend(instance_one.port), encoding="utf-8")
    vcl.chmod(0o644)
    work_dir = folder / "work"
    log = (folder / "varnishd.log").open("wb")
    process = subprocess.Popen(
        [
            varnishd,
            "-F",
            "-a",
            f"{HOST}:{varnish_port}",
            "-n",
            str(work_dir),
            "-f",
            str(vcl),
            "-s",
            "malloc,64m",
            # Evict banned objects at once, so a test sees a purge quickly.
            "-p",
            "ban_lurker_sleep=0.01",
        ],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(varnish_port, process, folder / "varnishd.log")
        yield Varnish(port=varnish_port, process=process, work_dir=work_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
