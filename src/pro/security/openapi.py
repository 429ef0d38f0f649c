"""One OpenAPI 3.1 document for all of PRO's REST services.

Each capability describes its own services in ``src/pro/<capability>/openapi.yaml``
(top-level ``paths`` and optionally ``components``); this module merges those
fragments into the frame in ``openapi_base.yaml`` (``info``, ``servers``,
security schemes and shared components). The document is served at
``GET /pro/@openapi`` and kept true by the security suite, which checks it
against the services actually registered and fuzzes the platform with it.

Two fragments that describe the same path, or define the same component
differently, are a mistake in one of them; merging refuses them by name.

``python -m pro.security.openapi > openapi.json`` writes the document.
"""

from pathlib import Path
from plone.restapi.services import Service
from pro.security.exceptions import OpenAPIMergeError
import copy
import json
import pro
import sys
import yaml


BASE = Path(__file__).with_name("openapi_base.yaml")
FRAGMENT_NAME = "openapi.yaml"


def fragment_paths() -> list[Path]:
    """Every capability's fragment, in the order of the capabilities' names."""
    package = Path(pro.__file__).parent
    return sorted(package.glob(f"*/{FRAGMENT_NAME}"))


def openapi_document(server_url: str | None = None) -> dict:
    """The merged document.

    :param server_url: the platform root as clients reach it; the frame's
        relative ``/pro`` when None.
    :raises OpenAPIMergeError: naming the fragments that disagree.
    """
    document = _load(BASE)
    document.setdefault("paths", {})
    for path in fragment_paths():
        _merge(document, _load(path), path.parent.name)
    if server_url is not None:
        document["servers"] = [{"url": server_url}]
    return document


class OpenAPIGet(Service):
    """``GET /pro/@openapi``: the document, with this platform's address."""

    def reply(self):
        return openapi_document(self.context.absolute_url())


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream) or {}


def _merge(document: dict, fragment: dict, source: str) -> None:
    unknown = set(fragment) - {"paths", "components"}
    if unknown:
        raise OpenAPIMergeError(
            f"{source}/{FRAGMENT_NAME}: only paths and components belong in a "
            f"fragment, not {', '.join(sorted(unknown))}"
        )
    for path, item in (fragment.get("paths") or {}).items():
        if path in document["paths"]:
            raise OpenAPIMergeError(
                f"{source}/{FRAGMENT_NAME}: {path} is described twice"
            )
        document["paths"][path] = copy.deepcopy(item)
    components = document.setdefault("components", {})
    for kind, entries in (fragment.get("components") or {}).items():
        merged = components.setdefault(kind, {})
        for name, value in entries.items():
            if name in merged and merged[name] != value:
                raise OpenAPIMergeError(
                    f"{source}/{FRAGMENT_NAME}: components/{kind}/{name} is "
                    "already defined differently"
                )
            merged[name] = copy.deepcopy(value)


if __name__ == "__main__":
    json.dump(openapi_document(), sys.stdout, indent=2)
    sys.stdout.write("\n")
