"""Helpers for the deployment tests: instances, HTTP clients, content, Varnish.

Kept out of ``conftest.py`` so test modules can import them by name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from pro.instance.process import HOST
from pro.instance.process import ZopeProcess
import re
import requests
import socket
import subprocess
import time


VCL = Path(__file__).resolve().parents[2] / "docker" / "varnish" / "default.vcl"
REQUEST_TIMEOUT = 60
VARNISH_START_TIMEOUT = 30.0


def launch_instance(config: Path, admin_password: str, var_dir: Path) -> ZopeProcess:
    """Launch an instance of the platform without waiting for it to answer."""
    environ = {"PRO_DEMO": "0", "PRO_ADMIN_PASSWORD": admin_password}
    return ZopeProcess(
        config, var_dir=var_dir, environ=environ, ready_path="/pro"
    ).launch()


def http_session(auth: tuple[str, str] | None = None) -> requests.Session:
    session = requests.Session()
    # A proxy from the environment must not be asked for 127.0.0.1.
    session.trust_env = False
    session.auth = auth
    return session


@dataclass(frozen=True)
class Site:
    id: str
    domain: str
    news_item: str  # path of a published news item, from the Zope root

    @property
    def path(self) -> str:
        return f"/pro/{self.id}"


def log_in(base_url: str, user_id: str, password: str) -> requests.Session:
    """A browser session logged in through Plone's login form at ``base_url``."""
    session = http_session()
    response = session.post(
        f"{base_url}/pro/login",
        data={
            "__ac_name": user_id,
            "__ac_password": password,
            "buttons.login": "Inloggen",
        },
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
    )
    assert "__ac" in session.cookies, response.text
    return session


def editor_session(base_url: str, editor: tuple[str, str], login: str):
    """The editor's session, logged in by ``login``: "cookie" or "basic"."""
    if login == "cookie":
        return log_in(base_url, *editor)
    return http_session(editor)


def page_title(response: requests.Response) -> str:
    match = re.search(r"<h1[^>]*>\s*(.*?)\s*</h1>", response.text, re.DOTALL)
    return match.group(1) if match else ""


def publish(admin: requests.Session, url: str) -> None:
    response = admin.post(f"{url}/@workflow/publish", timeout=REQUEST_TIMEOUT)
    assert response.status_code == 200, response.text


def add_content(admin: requests.Session, folder_url: str, **fields) -> str:
    """Add an item through plone.restapi and return its URL."""
    response = admin.post(folder_url, json=fields, timeout=REQUEST_TIMEOUT)
    assert response.status_code == 201, response.text
    return response.json()["@id"]


@dataclass
class Varnish:
    port: int
    process: subprocess.Popen
    work_dir: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def vcl_for_backend(port: int) -> str:
    """The deployment's VCL, with the instance on ``port`` as its backend."""
    text = VCL.read_text(encoding="utf-8")
    backend = '.host = "haproxy";\n    .port = "8080";'
    assert backend in text, "the VCL's backend is no longer haproxy:8080"
    return text.replace(backend, f'.host = "{HOST}";\n    .port = "{port}";')


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + VARNISH_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd exited:\n{log.read_text(errors='replace')}")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"varnishd did not listen on {port}")


def eventually(
    read: Callable[[], object], expected: object, timeout: float = 5.0
) -> object:
    """Poll ``read`` until it returns ``expected`` or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.1)
