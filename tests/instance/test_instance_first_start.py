"""The first start of ``make run``: the repository's instance.yaml, a FileStorage.

Each start is a real ``pro-instance serve`` process on a free port with its own
var folder, as a newcomer gets it: with the demo sites and a generated admin
password, then again on the same folder, and once without demo content and
with the password from the environment. Starting Zope is slow, so each start
is one module-scoped fixture that several tests look at.

The demo start is stopped when the second start on its folder begins, because
a FileStorage opens in one process only; its tests therefore come first. A
refused instance.yaml, last, must stop ``serve`` before anything starts.
"""

from collections.abc import Iterator
from pathlib import Path
from pro.instance.process import free_port
from pro.instance.process import pro_instance_command
from pro.instance.process import ZopeProcess
from pro.instance.process import ZopeStartError
import os
import pytest
import requests
import socket
import stat
import subprocess


pytestmark = pytest.mark.slow

INSTANCE_YAML = Path(__file__).resolve().parents[2] / "instance.yaml"
DEMO_SITES = {"waterbeheer", "leefomgeving", "trade", "veilig-fietsen"}
REQUEST_TIMEOUT = 60


def http_session(password: str | None = None) -> requests.Session:
    """A session that asks for JSON, as admin when given a password."""
    session = requests.Session()
    # A proxy from the environment must not be asked for 127.0.0.1.
    session.trust_env = False
    session.headers["Accept"] = "application/json"
    if password is not None:
        session.auth = ("admin", password)
    return session


def get(url: str, password: str | None = None, **headers: str) -> requests.Response:
    with http_session(password) as session:
        return session.get(url, headers=headers, timeout=REQUEST_TIMEOUT)


def page(url: str) -> requests.Response:
    """The page as an anonymous visitor's browser asks for it."""
    return get(url, Accept="text/html")


def site_ids(zope: ZopeProcess, password: str) -> set[str]:
    response = get(f"{zope.url}/pro/@sites", password)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def nothing_listens_on(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def demo_var_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("first-start") / "var"


@pytest.fixture(scope="module")
def first_start(demo_var_dir) -> Iterator[ZopeProcess]:
    """``make run`` on a new var folder: demo sites, no password given."""
    with ZopeProcess(
        INSTANCE_YAML, var_dir=demo_var_dir, environ={"PRO_DEMO": "1"}
    ) as zope:
        yield zope


@pytest.fixture(scope="module")
def generated_password(first_start) -> str:
    return (first_start.var_dir / "admin-password").read_text().strip()


@pytest.fixture(scope="module")
def second_start(first_start, generated_password) -> Iterator[ZopeProcess]:
    """``make run`` again on the first start's folder, once that has stopped."""
    first_start.stop()
    with ZopeProcess(
        INSTANCE_YAML, var_dir=first_start.var_dir, environ={"PRO_DEMO": "1"}
    ) as zope:
        yield zope


def test_the_platform_answers_at_pro(first_start):
    response = page(f"{first_start.url}/pro")

    assert response.status_code == 200
    assert "<title>PRO" in response.text


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/pro/waterbeheer", "Dienst Waterbeheer"),
        ("/pro/waterbeheer/en", "English"),
        ("/pro/leefomgeving", "Magazine Leefomgeving"),
        ("/pro/trade", "Trade and Investment Office"),
        ("/pro/veilig-fietsen", "Veilig fietsen"),
    ],
)
def test_every_demo_site_answers_to_visitors(first_start, path, title):
    response = page(first_start.url + path)

    assert response.status_code == 200
    assert title in response.text


@pytest.mark.parametrize(
    ("path", "sample_title"),
    [
        ("/pro/waterbeheer/nieuws", "Nieuwe dijk op tijd klaar"),
        ("/pro/waterbeheer/en/news", "New dyke finished on time"),
        ("/pro/leefomgeving/magazine", "Wonen aan het water"),
        ("/pro/trade/news", "Grants for clean water"),
        ("/pro/veilig-fietsen/vraag-en-antwoord", "Hoe meld ik een lekkage?"),
    ],
)
def test_demo_folders_list_their_sample_content(first_start, path, sample_title):
    response = page(first_start.url + path)

    assert response.status_code == 200
    assert sample_title in response.text


def test_the_generated_password_is_in_a_file_only_its_owner_can_read(
    first_start, generated_password
):
    password_file = first_start.var_dir / "admin-password"

    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert len(generated_password) >= 16


def test_the_generated_password_logs_in_and_a_wrong_one_is_refused(
    first_start, generated_password
):
    sites_url = f"{first_start.url}/pro/@sites"

    assert get(sites_url, generated_password).status_code == 200
    assert get(sites_url, generated_password + "x").status_code == 401


def test_the_generated_password_is_printed_exactly_once(
    first_start, generated_password
):
    assert first_start.output.count(generated_password) == 1


def test_a_second_start_keeps_the_password_and_prints_none(
    second_start, generated_password
):
    password_file = second_start.var_dir / "admin-password"

    assert password_file.read_text().strip() == generated_password
    assert generated_password not in second_start.output
    assert "Created the Zope user" not in second_start.output
    assert get(f"{second_start.url}/pro/@sites", generated_password).status_code == 200


def test_a_second_start_keeps_the_demo_sites(second_start, generated_password):
    assert site_ids(second_start, generated_password) == DEMO_SITES
    assert page(f"{second_start.url}/pro/waterbeheer/nieuws").status_code == 200


@pytest.fixture(scope="module")
def empty_var_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("empty-platform") / "var"


@pytest.fixture(scope="module")
def empty_platform(empty_var_dir) -> Iterator[ZopeProcess]:
    """A start without demo content, the password set by the operator."""
    environ = {"PRO_DEMO": "0", "PRO_ADMIN_PASSWORD": "eerste-wachtwoord"}
    with ZopeProcess(INSTANCE_YAML, var_dir=empty_var_dir, environ=environ) as zope:
        yield zope


def test_without_demo_content_the_platform_has_no_sites(empty_platform):
    assert page(f"{empty_platform.url}/pro").status_code == 200
    assert site_ids(empty_platform, "eerste-wachtwoord") == set()


def test_a_password_from_the_environment_is_used_and_never_written(empty_platform):
    sites_url = f"{empty_platform.url}/pro/@sites"

    assert get(sites_url, "eerste-wachtwoord").status_code == 200
    assert get(sites_url, "ander-wachtwoord").status_code == 401
    assert not (empty_platform.var_dir / "admin-password").exists()
    assert "eerste-wachtwoord" not in empty_platform.output


def test_a_new_password_from_the_environment_replaces_the_old_one_on_restart(
    empty_platform,
):
    empty_platform.stop()
    environ = {"PRO_DEMO": "0", "PRO_ADMIN_PASSWORD": "tweede-wachtwoord"}
    with ZopeProcess(
        INSTANCE_YAML, var_dir=empty_platform.var_dir, environ=environ
    ) as restarted:
        sites_url = f"{restarted.url}/pro/@sites"

        assert get(sites_url, "tweede-wachtwoord").status_code == 200
        assert get(sites_url, "eerste-wachtwoord").status_code == 401


@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("http_port: eighty\n", "http_port"),
        ("http_prot: 8080\n", "http_prot"),
        ("db_storage: mysql\n", "db_storage"),
        ("db_storage: relstorage\n", "db_relstorage_postgresql_dsn"),
    ],
)
def test_a_bad_instance_yaml_makes_serve_exit_2_naming_the_key(
    tmp_path, yaml_text, key
):
    config = tmp_path / "instance.yaml"
    config.write_text(yaml_text, encoding="utf-8")
    port = free_port()
    environ = {
        name: value for name, value in os.environ.items() if not name.startswith("PRO_")
    }
    environ.update({"PRO_VAR_DIR": str(tmp_path / "var"), "PRO_HTTP_PORT": str(port)})

    result = subprocess.run(
        [*pro_instance_command(), "serve", "--config", str(config)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert f"{key}:" in result.stderr
    assert not (tmp_path / "var").exists()
    assert nothing_listens_on(port)


def test_a_start_that_fails_is_reported_with_its_reason_and_leaves_no_server(
    tmp_path,
):
    config = tmp_path / "instance.yaml"
    config.write_text("wsgi_threads: 0\n", encoding="utf-8")
    zope = ZopeProcess(config, var_dir=tmp_path / "var", start_timeout=60)

    with pytest.raises(ZopeStartError, match="exited with status 2") as failed:
        zope.start()

    assert "wsgi_threads: 0 is not allowed" in str(failed.value)
    assert zope.returncode == 2
    assert nothing_listens_on(zope.port)
