"""The container files, checked without a Docker engine.

The entry point and the health check are the parts of the image that carry
logic, so they are run here for real: the shell command with stand-ins for
pro-instance and runwsgi, the health check against a small HTTP server.
"""

from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
import json
import os
import pytest
import re
import shutil
import subprocess
import sys
import threading
import yaml


DOCKER = Path(__file__).resolve().parents[2] / "docker"


def exec_form(instruction: str) -> list[str]:
    """Return the JSON array of a Dockerfile instruction such as ENTRYPOINT."""
    text = (DOCKER / "Dockerfile").read_text().replace("\\\n", " ")
    match = re.search(rf"^{instruction}\b.*?(\[.*\])\s*$", text, re.MULTILINE)
    assert match is not None, f"no {instruction} in exec form"
    return json.loads(match.group(1))


def compose_services() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())["services"]


@pytest.fixture
def stand_ins(tmp_path):
    """A PATH where pro-instance and runwsgi only record how they were called."""
    calls = tmp_path / "calls"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ["pro-instance", "runwsgi"]:
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\n')
        script.chmod(0o755)
    return bin_dir, calls


@pytest.mark.parametrize(
    ("bootstrap", "expected"),
    [
        (
            "1",
            [
                "pro-instance render --config /app/instance.yaml",
                "pro-instance bootstrap --config /app/instance.yaml",
                "runwsgi /data/etc/zope.ini",
            ],
        ),
        (
            "0",
            [
                "pro-instance render --config /app/instance.yaml",
                "runwsgi /data/etc/zope.ini",
            ],
        ),
    ],
)
def test_the_entrypoint_renders_bootstraps_when_asked_then_serves(
    stand_ins, bootstrap, expected
):
    bin_dir, calls = stand_ins
    environ = {"PATH": f"{bin_dir}:/usr/bin:/bin", "PRO_VAR_DIR": "/data"}
    environ["PRO_BOOTSTRAP"] = bootstrap

    subprocess.run(exec_form("ENTRYPOINT"), env=environ, check=True, timeout=30)

    assert calls.read_text().splitlines() == expected


class _FixedStatus(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.mark.parametrize(
    ("status", "healthy"), [(200, True), (401, True), (503, False)]
)
def test_the_healthcheck_accepts_ok_and_login_required_only(status, healthy):
    handler = type("Handler", (_FixedStatus,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    command = exec_form("HEALTHCHECK")
    assert command[0] == "python"
    environ = dict(os.environ, PRO_HTTP_PORT=str(server.server_address[1]))

    try:
        result = subprocess.run(
            [sys.executable, *command[1:]],
            env=environ,
            capture_output=True,
            timeout=30,
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()

    assert (result.returncode == 0) is healthy


def test_only_the_first_instance_bootstraps_and_the_second_waits_for_it():
    services = compose_services()

    first = services["instance1"]
    second = services["instance2"]
    assert first["environment"]["PRO_BOOTSTRAP"] == "1"
    assert "PRO_DEMO" in first["environment"]
    assert second["environment"]["PRO_BOOTSTRAP"] == "0"
    assert "PRO_DEMO" not in second["environment"]
    assert second["depends_on"]["instance1"] == {"condition": "service_healthy"}
    assert first["depends_on"]["db"] == {"condition": "service_healthy"}
    assert services["db"]["image"] == "postgres:15"
    assert "healthcheck" in services["db"]


def test_both_instances_run_the_image_with_the_relstorage_configuration():
    services = compose_services()

    for name in ["instance1", "instance2"]:
        service = services[name]
        assert service["build"]["dockerfile"] == "docker/Dockerfile"
        assert "./instance.yaml:/app/instance.yaml:ro" in service["volumes"]
        assert service["environment"]["PRO_DB_DSN"].startswith("host=db ")


def test_haproxy_balances_round_robin_over_both_instances_with_health_checks():
    lines = [line.split() for line in (DOCKER / "haproxy.cfg").read_text().splitlines()]

    assert ["balance", "roundrobin"] in lines
    assert ["option", "httpchk"] in lines
    assert ["server", "instance1", "instance1:8080"] in lines
    assert ["server", "instance2", "instance2:8080"] in lines
    [defaults] = [line for line in lines if line[:1] == ["default-server"]]
    assert "check" in defaults


def dockerfile_stages() -> list[str]:
    text = (DOCKER / "Dockerfile").read_text()
    return re.findall(r"^FROM\s+(.+)$", text, re.MULTILINE)


def test_the_image_builds_the_theme_then_installs_with_the_pins_and_runs_unprivileged():
    text = (DOCKER / "Dockerfile").read_text()

    assert dockerfile_stages() == [
        "node:20 AS theme",
        "python:3.11-slim AS build",
        "python:3.11-slim",
    ]
    assert "RUN make --always-make theme" in text
    assert "COPY --from=theme /theme/src ./src" in text
    assert "RUN pip install --constraint constraints.txt ." in text
    assert re.search(r"^USER pro$", text, re.MULTILINE)
    # The runtime stage gets the environment, not the build tools.
    runtime = text.rsplit("FROM python:3.11-slim\n", 1)[1]
    assert "COPY --from=build /app/.venv /app/.venv" in runtime
    # pg_dump and pg_restore, for backups made from the image.
    assert "postgresql-client" in runtime
    assert "node" not in runtime.lower()


def test_compose_runs_the_whole_deployment_behind_varnish():
    services = compose_services()

    assert set(services) == {
        "db",
        "instance1",
        "instance2",
        "mail-worker",
        "haproxy",
        "varnish",
    }
    # Visitors reach Varnish only; the load balancer and instances stay inside.
    published = {name for name, service in services.items() if "ports" in service}
    assert published == {"varnish"}
    assert services["varnish"]["ports"] == ["8080:80"]
    assert (
        "./varnish/default.vcl:/etc/varnish/default.vcl:ro"
        in (services["varnish"]["volumes"])
    )
    assert services["varnish"]["depends_on"]["haproxy"] == {
        "condition": "service_healthy"
    }


def test_the_mail_worker_runs_the_outbox_command_on_the_same_configuration():
    worker = compose_services()["mail-worker"]

    assert worker["entrypoint"] == ["pro-mail-worker", "--config", "/app/instance.yaml"]
    assert worker["build"]["dockerfile"] == "docker/Dockerfile"
    assert worker["environment"]["PRO_DB_DSN"].startswith("host=db ")
    assert worker["depends_on"]["instance1"] == {"condition": "service_healthy"}
    # The image's health check asks for HTTP, which the worker does not serve.
    assert worker["healthcheck"] == {"disable": True}


def test_every_serving_service_has_a_health_check():
    services = compose_services()
    image_has_healthcheck = "HEALTHCHECK" in (DOCKER / "Dockerfile").read_text()

    for name, service in services.items():
        if name == "mail-worker":
            continue
        built_from_image = "build" in service and image_has_healthcheck
        assert "test" in service.get("healthcheck", {}) or built_from_image, name


def test_the_instances_purge_the_varnish_of_the_compose_file():
    config = yaml.safe_load((DOCKER / "instance.yaml").read_text())
    vcl = (DOCKER / "varnish" / "default.vcl").read_text()

    assert config["caching_proxies"] == ["http://varnish:80"]
    assert '.host = "haproxy";' in vcl
    assert '.port = "8080";' in vcl


def test_compose_has_no_default_password():
    text = (DOCKER / "compose.yaml").read_text()
    references = re.findall(r"\$\{(\w*PASSWORD\w*)([^}]*)\}", text)

    assert references
    for name, rest in references:
        # Required (":?") or empty when unset (":-" with nothing after it).
        assert rest.startswith(":?") or rest == ":-", (name, rest)
    assert not re.search(r"password=(?!\$\{)", text, re.IGNORECASE)
    for name, service in compose_services().items():
        for key, value in service.get("environment", {}).items():
            if "PASSWORD" in key:
                assert str(value).startswith("${"), (name, key)


class _PathStatus(BaseHTTPRequestHandler):
    healthy_path = "/"

    def do_GET(self):
        self.send_response(200 if self.path == self.healthy_path else 503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.mark.parametrize(
    ("service", "port", "path"),
    [("haproxy", 8080, "/haproxy-health"), ("varnish", 80, "/varnish-health")],
)
@pytest.mark.parametrize("healthy", [True, False])
def test_the_proxies_health_checks_ask_their_own_health_page(
    service, port, path, healthy
):
    answered = path if healthy else "/elsewhere"
    handler = type("Handler", (_PathStatus,), {"healthy_path": answered})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    command = compose_services()[service]["healthcheck"]["test"]
    assert command[:3] == ["CMD", "bash", "-c"]
    script = command[3].replace(f"/{port} ", f"/{server.server_address[1]} ")

    try:
        result = subprocess.run(
            ["bash", "-c", script], capture_output=True, timeout=30, check=False
        )
    finally:
        server.shutdown()
        server.server_close()

    assert (result.returncode == 0) is healthy


def test_haproxy_sends_a_refused_request_to_the_other_instance():
    lines = [line.split() for line in (DOCKER / "haproxy.cfg").read_text().splitlines()]

    assert ["option", "redispatch"] in lines
    assert ["retries", "2"] in lines


def test_haproxy_accepts_its_configuration():
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        pytest.skip("HAProxy is not installed: apt-get install haproxy")

    checked = subprocess.run(
        [haproxy, "-c", "-f", str(DOCKER / "haproxy.cfg")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr
