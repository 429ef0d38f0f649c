"""The theme's files: built from the locked npm packages, all present."""

from lxml import etree
from pathlib import Path
import configparser
import json
import pytest
import re


ROOT = Path(__file__).resolve().parents[2]
THEME = ROOT / "src" / "pro" / "theme"
STATIC = THEME / "static"
PROFILE = ROOT / "src" / "pro" / "profiles" / "default"


def test_vendor_css_is_built_from_the_locked_package():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/@utrecht/component-library-css"]
    header = (STATIC / "vendor" / "utrecht.css").read_text()[:300]

    assert f"@utrecht/component-library-css {locked['version']}," in header
    assert locked["license"] == "EUPL-1.2" and "@license EUPL-1.2" in header


def test_package_json_names_no_house_style_tokens():
    package = json.loads((ROOT / "package.json").read_text())

    assert not any("rijkshuisstijl" in name for name in package["dependencies"])


@pytest.mark.parametrize("name", ["theme.css", "vendor/utrecht.css"])
def test_css_loads_nothing_from_outside(name):
    css = (STATIC / name).read_text()

    assert "@import" not in css
    for url in re.findall(r"url\(([^)]*)\)", css):
        assert url.strip("'\"").startswith("data:"), url


def test_every_bundle_in_the_registry_points_at_a_shipped_file():
    registry = etree.parse(str(PROFILE / "registry" / "theme.xml"))
    files = registry.xpath("//value[@key='csscompilation']/text()")

    assert files
    for path in files:
        assert path.startswith("++plone++pro.theme/")
        assert (STATIC / path.removeprefix("++plone++pro.theme/")).is_file(), path


def test_diazo_theme_names_its_files_and_they_parse():
    manifest = configparser.ConfigParser()
    manifest.read(THEME / "diazo" / "manifest.cfg")

    assert manifest["theme"]["rules"] == "/++theme++pro/rules.xml"
    etree.parse(str(THEME / "diazo" / "rules.xml"))
    etree.parse(str(THEME / "diazo" / "index.html"), etree.HTMLParser())


@pytest.mark.parametrize("name", ["emblem.svg", "favicon.svg"])
def test_emblem_and_favicon_are_our_own_clean_svg(name):
    from pro.theme.images import sanitise_svg

    data = (STATIC / name).read_bytes()

    assert etree.fromstring(sanitise_svg(data)) is not None
    assert b"<script" not in data and b"href" not in data
