"""A real Zope process, as ``make run`` starts it, attacked with bad input.

The process is served from the rendered ``zope.ini``, so the request filter in
front of Zope is the one production runs. schemathesis generates requests
from the OpenAPI document the process serves, bounded to a few examples per
operation, and checks that none is answered with a server error or with a
response its description does not allow. Oversized and deeply nested input
must be refused quickly and without the process growing.
"""

from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import settings
from pathlib import Path
from pro.instance.process import ZopeProcess
from pro.security.openapi import openapi_document
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance
import json
import pytest
import requests
import schemathesis
import time


INSTANCE_YAML = Path(__file__).resolve().parents[2] / "instance.yaml"
ADMIN = ("admin", "fuzz-Secret-1")
# plone.rest routes a request to a service by its Accept header.
JSON = {"Accept": "application/json"}
# Bounded so that the whole run stays within a minute on a small machine.
EXAMPLES_PER_OPERATION = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def zope(tmp_path_factory):
    """An empty platform with one site, served by a real Zope process."""
    environ = {"PRO_DEMO": "0", "PRO_ADMIN_PASSWORD": ADMIN[1]}
    var_dir = tmp_path_factory.mktemp("fuzz") / "var"
    with ZopeProcess(INSTANCE_YAML, var_dir=var_dir, environ=environ) as process:
        created = requests.post(
            f"{process.url}/pro/@sites",
            auth=ADMIN,
            headers={"Accept": "application/json"},
            json={"id": "proef", "title": "Proef", "organisation": "Proefdienst"},
            timeout=60,
        )
        created.raise_for_status()
        yield process


@pytest.fixture(scope="module")
def api_schema(zope):
    return schemathesis.openapi.from_url(
        f"{zope.url}/pro/@openapi", headers={"Accept": "application/json"}
    )


# One case per operation described, read from the same fragments the process
# serves, so a new service is fuzzed without anyone listing it here.
OPERATIONS = [
    pytest.param(method.upper(), path, id=f"{method.upper()} {path}")
    for path, item in openapi_document()["paths"].items()
    for method in ("get", "post", "patch", "put", "delete")
    if method in item
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_request_the_description_allows_breaks_the_platform(
    api_schema, method, path
):
    operation = api_schema[path][method]
    calls = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def call(case):
        calls.append(case)
        case.call_and_validate(auth=ADMIN, headers=JSON, checks=CHECKS, timeout=30)

    call()

    assert calls


def _resident_kib(zope) -> int:
    status = Path(f"/proc/{zope.pid}/status").read_text()
    return int(
        next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[
            1
        ]
    )


def _post_json(zope, path: str, body: bytes) -> requests.Response:
    return requests.post(
        f"{zope.url}/pro/{path}",
        data=body,
        auth=ADMIN,
        headers={"Accept": "application/json", "Content-Type": "application/json"},
        timeout=60,
    )


class TestOversizedInput:
    def test_a_huge_json_body_is_refused_with_413_without_the_process_growing(
        self, zope
    ):
        huge = b'{"id": "groot", "title": "' + b"x" * (48 * 1024**2) + b'"}'
        before = _resident_kib(zope)

        started = time.monotonic()
        response = _post_json(zope, "@sites", huge)
        elapsed = time.monotonic() - started

        assert response.status_code == 413
        assert response.json()["error"]["field"] == "body"
        assert "at most" in response.json()["error"]["message"]
        # The body never reached Zope: the process holds not even one copy.
        assert _resident_kib(zope) - before < 24 * 1024
        assert elapsed < 30

    @pytest.mark.parametrize("path", ["@sites", "proef/nieuws", "@login"])
    def test_deeply_nested_json_is_refused_with_400(self, zope, path):
        deep = b"[" * 100_000 + b"]" * 100_000

        response = _post_json(zope, path, b'{"title": ' + deep + b"}")

        assert response.status_code == 400
        assert "levels deep" in response.json()["error"]["message"]

    def test_json_nested_as_deep_as_content_needs_is_let_through(self, zope):
        body = {"@type": "Document", "title": "Genest", "text": {"data": "<p>a</p>"}}

        response = _post_json(zope, "proef/nieuws", json.dumps(body).encode())

        assert response.status_code == 201

    @pytest.mark.parametrize(
        ("field", "length"), [("title", 1025), ("description", 10_001)]
    )
    def test_a_very_long_title_or_description_is_refused_naming_the_field(
        self, zope, field, length
    ):
        body = {
            "@type": "Document",
            "title": "Kort",
            field: "lang " * (length // 5 + 1),
        }

        response = _post_json(zope, "proef/nieuws", json.dumps(body).encode())

        assert response.status_code == 400
        assert field in response.text

    def test_a_very_long_site_title_is_refused_naming_the_field(self, zope):
        body = {"id": "lang", "title": "x" * 5000, "organisation": "Dienst"}

        response = _post_json(zope, "@sites", json.dumps(body).encode())

        assert response.status_code == 400
        errors = response.json()["error"]["errors"]
        assert [error["field"] for error in errors] == ["title"]

    def test_a_multipart_body_without_boundary_is_refused_with_400(self, zope):
        # A cross-site form may send it; Zope's parser answered 503.
        response = requests.post(
            f"{zope.url}/pro/@sites",
            data=b'{"id": "vervalst"}',
            auth=ADMIN,
            headers={"Content-Type": "multipart/form-data"},
            timeout=30,
        )

        assert response.status_code == 400
        assert "boundary" in response.json()["error"]["message"]

    def test_a_very_long_url_is_answered_without_a_server_error(self, zope):
        response = requests.get(f"{zope.url}/pro/{'a' * 100_000}", timeout=30)

        assert response.status_code in (400, 404, 414, 431)
