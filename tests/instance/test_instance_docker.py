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
