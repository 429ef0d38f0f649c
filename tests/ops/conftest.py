"""The deployment under test: PostgreSQL, Zope instances and Varnish, all real.

One PostgreSQL cluster of our own (so a test may restart it without touching
the machine's shared server), one database with the platform on it, the first
instance serving it, a second one on the same database, and a Varnish in
front of the first. They are started once for the whole folder; the second
instance is killed by the last test of the module that uses it.
"""

from collections.abc import Callable
from collections.abc import Iterator
from deployment import add_content
from deployment import http_session
from deployment import launch_instance
from deployment import publish
from deployment import REQUEST_TIMEOUT
from deployment import Site
from deployment import Varnish
from deployment import vcl_for_backend
from deployment import wait_for_port
from pathlib import Path
from pro.instance.process import free_port
from pro.instance.process import HOST
from pro.instance.process import ZopeProcess
import atexit
import contextlib
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


class Deployment:
    """The private cluster, the platform's database and its two instances.

    Made once per test session, and launched as soon as collection shows a
    test that needs it, so the instances start while pytest-plone sets up
    its layers; the fixtures below wait for each part when a test asks.
    """

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pro-ops-"))
        self.varnish_port = free_port()
        self.admin_password = secrets.token_urlsafe(12)
        self.missing: NoPostgreSQL | None = None
        self._closed = False
        # Also at exit: a run that stops early must not leave servers behind.
        atexit.register(self.close)
        self._cluster_context = private_cluster()
        try:
            self.cluster = self._cluster_context.__enter__()
        except NoPostgreSQL as missing:
            self.missing = missing
            return
        self.dsn = self.new_database()
        self.config = self._write_config()
        self.instance_one = launch_instance(
            self.config, self.admin_password, self.folder / "instance-1"
        )
        self._instance_two: ZopeProcess | None = None

    def new_database(self) -> str:
        return create_database(self.cluster.server, unique_database_name())

    @property
    def instance_two(self) -> ZopeProcess:
        """Launched only once the first instance made the platform."""
        if self._instance_two is None:
            self.instance_one.wait_until_ready()
            self._instance_two = launch_instance(
                self.config, self.admin_password, self.folder / "instance-2"
            )
        return self._instance_two

    def close(self) -> None:
        """Stop everything; safe to call twice, each step even if one fails."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.missing is None:
                with contextlib.ExitStack() as stack:
                    stack.push(self._cluster_context)
                    for zope in (self.instance_one, self._instance_two):
                        if zope is not None:
                            stack.callback(zope.stop)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _write_config(self) -> Path:
        config = self.folder / "instance.yaml"
        config.write_text(
            "http_host: 127.0.0.1\n"
            "wsgi_threads: 2\n"
            "db_storage: relstorage\n"
            f"db_relstorage_postgresql_dsn: {self.dsn}\n"
            "db_relstorage_cache_local_mb: 50\n"
            "db_blob_cache_size: 100mb\n"
            f"caching_proxies: [http://{HOST}:{self.varnish_port}]\n",
            encoding="utf-8",
        )
        return config


_deployment: Deployment | None = None


def deployment() -> Deployment:
    global _deployment
    if _deployment is None:
        _deployment = Deployment()
    return _deployment


def pytest_collection_finish(session) -> None:
    if any(
        "instance_one" in getattr(item, "fixturenames", ()) for item in session.items
    ):
        deployment()


def pytest_sessionfinish(session) -> None:
    if _deployment is not None:
        _deployment.close()


@pytest.fixture(scope="session")
def ready_deployment() -> Deployment:
    found = deployment()
    if found.missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL for these tests: {found.missing}")
        pytest.skip(str(found.missing))
    return found


@pytest.fixture(scope="session")
def cluster(ready_deployment) -> PrivateCluster:
    return ready_deployment.cluster


@pytest.fixture(scope="session")
def new_database(ready_deployment) -> Callable[[], str]:
    """Make an empty database on the private cluster; it goes with the cluster."""
    return ready_deployment.new_database


@pytest.fixture(scope="session")
def varnish_port(ready_deployment) -> int:
    return ready_deployment.varnish_port


@pytest.fixture(scope="session")
def platform_dsn(ready_deployment) -> str:
    return ready_deployment.dsn


@pytest.fixture(scope="session")
def platform_config(ready_deployment) -> Path:
    """The instance YAML every instance of the platform is started from."""
    return ready_deployment.config


@pytest.fixture(scope="session")
def admin_password(ready_deployment) -> str:
    return ready_deployment.admin_password


@pytest.fixture(scope="session")
def instance_one(ready_deployment) -> ZopeProcess:
    zope = ready_deployment.instance_one.wait_until_ready()
    # The second instance starts while the first serves other tests.
    ready_deployment.instance_two  # noqa: B018
    return zope


@pytest.fixture(scope="session")
def instance_two(ready_deployment, instance_one) -> ZopeProcess:
    """Killed by the last test that uses it; nothing may use it after."""
    return ready_deployment.instance_two.wait_until_ready()


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
def editor(instance_one, admin, site) -> tuple[str, str]:
    """An editor of the site, with a password of their own."""
    user_id, password = "redacteur", "Redacteur-Geheim-1"
    response = admin.post(
        f"{instance_one.url}/pro/@users",
        json={
            "username": user_id,
            "email": "redacteur@example.org",
            "password": password,
        },
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 201, response.text
    response = admin.patch(
        f"{instance_one.url}/pro/@sites/{site.id}",
        json={"editors": [user_id]},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return user_id, password


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
