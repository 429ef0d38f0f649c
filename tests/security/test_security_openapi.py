"""The OpenAPI document says exactly what PRO's REST services are.

Every REST service PRO registers (and every ``@``-named view that answers
integrators, such as ``@open-data``) must be described, and nothing that is
not registered may be: a service added without its description, or a
description left behind by a removed service, fails here.
"""

from plone.base.interfaces import IPloneSiteRoot
from pro.platform.interfaces import IPlatformSite
from pro.security.endpoints import registered_endpoints
from pro.security.exceptions import OpenAPIMergeError
from pro.security.openapi import _merge
from pro.security.openapi import openapi_document
import pytest


METHODS = ("get", "put", "post", "patch", "delete")


def _kinds(context) -> set[str]:
    if context.isOrExtends(IPloneSiteRoot):
        return {"platform"}
    if context.isOrExtends(IPlatformSite):
        return {"site"}
    # Registered for what the platform and every site both are (a
    # navigation root, say): described once for each.
    if IPloneSiteRoot.isOrExtends(context) and IPlatformSite.isOrExtends(context):
        return {"platform", "site"}
    return {"content"}


def _registered_operations() -> set[tuple[str, str, str]]:
    """(method, @name, where) of every REST service and @-view of PRO."""
    operations = set()
    for endpoint in registered_endpoints():
        if endpoint.is_service:
            method = endpoint.method
        elif endpoint.name.startswith("@"):
            # A view named like a service answers integrators' GET requests.
            method = "GET"
        else:
            continue
        for kind in _kinds(endpoint.context):
            operations.add((method, endpoint.name, kind))
    return operations


def _described_operations(document: dict) -> set[tuple[str, str, str]]:
    operations = set()
    for path, item in document["paths"].items():
        segments = path.strip("/").split("/")
        position = next(
            index for index, segment in enumerate(segments) if segment.startswith("@")
        )
        # A named object of the platform (``/mediatheek/@...``) is content,
        # like any item below a site.
        if position == 0:
            where = "platform"
        elif position == 1 and segments[0] == "{site}":
            where = "site"
        else:
            where = "content"
        for method in METHODS:
            if method in item:
                operations.add((method.upper(), segments[position], where))
    return operations


class TestTheDocument:
    def test_every_rest_service_is_described_and_nothing_else(self, platform):
        registered = _registered_operations()
        described = _described_operations(openapi_document())

        assert sorted(registered - described) == [], "services without description"
        assert sorted(described - registered) == [], "descriptions without service"

    def test_every_operation_names_its_answers_and_refusals(self, platform):
        for path, item in openapi_document()["paths"].items():
            for method in METHODS:
                if method not in item:
                    continue
                statuses = set(item[method]["responses"])
                assert statuses & {"200", "201", "202", "204"}, f"{method} {path}"
                # An operation open to anonymous callers lists ``{}`` among
                # its security requirements and never answers 401.
                if {} not in item[method].get("security", []):
                    assert "401" in statuses, f"{method} {path} may refuse"

    def test_the_platform_serves_the_document_with_its_own_address(self, platform):
        response = platform.client("anonymous").get("@openapi")

        assert response.status_code == 200
        served = response.json()
        assert served["servers"] == [{"url": platform.url}]
        assert served["paths"] == openapi_document()["paths"]
        assert served["components"] == openapi_document()["components"]


class TestMerging:
    def test_a_path_described_twice_is_refused_naming_the_fragment(self):
        document = {"paths": {"/@sites": {"get": {}}}}

        with pytest.raises(OpenAPIMergeError, match="mail/openapi.yaml: /@sites"):
            _merge(document, {"paths": {"/@sites": {"post": {}}}}, "mail")

    def test_a_component_defined_differently_is_refused(self):
        document = {
            "paths": {},
            "components": {"schemas": {"Site": {"type": "object"}}},
        }

        with pytest.raises(OpenAPIMergeError, match="components/schemas/Site"):
            _merge(
                document,
                {"components": {"schemas": {"Site": {"type": "string"}}}},
                "media",
            )

    def test_the_same_component_in_two_fragments_is_shared(self):
        schema = {"type": "object"}
        document = {"paths": {}, "components": {"schemas": {"Site": dict(schema)}}}

        _merge(document, {"components": {"schemas": {"Site": dict(schema)}}}, "media")

        assert document["components"]["schemas"] == {"Site": schema}

    def test_a_fragment_may_not_change_the_frame(self):
        with pytest.raises(OpenAPIMergeError, match="info"):
            _merge({"paths": {}}, {"info": {"title": "Other"}}, "stats")
