"""Generating buildout's versions.cfg from pip's constraints.txt."""

from configparser import ConfigParser
from pathlib import Path
from pro.instance.exceptions import ConfigError
from pro.instance.versions import main
from pro.instance.versions import read_pins
from pro.instance.versions import render_versions
import pytest


REPOSITORY = Path(__file__).resolve().parents[2]

CONSTRAINTS = """\
# Frozen from the tested environment.
--index-url https://example.org/simple
-c other-constraints.txt

Zope==6.3
products.cmfplone == 6.2.2  # the release PRO is built on
waitress[testing]==3.0.2
psycopg2-binary==2.9.13 ; platform_machine != "armv7l"
pro @ file:///work/main
"""


def test_exact_pins_are_read_and_everything_else_without_a_pin_skipped():
    assert read_pins(CONSTRAINTS) == {
        "Zope": "6.3",
        "products.cmfplone": "6.2.2",
        "waitress": "3.0.2",
        "psycopg2-binary": "2.9.13",
    }


@pytest.mark.parametrize("line", ["Zope>=6.3", "Zope", "Zope==6.3 garbage"])
def test_a_requirement_that_is_not_an_exact_pin_is_refused(line):
    with pytest.raises(ConfigError) as raised:
        read_pins(f"waitress==3.0.2\n{line}\n")

    assert raised.value.message.startswith(f"line 2: {line!r} is not allowed")


def test_the_versions_section_is_sorted_and_readable_by_configparser():
    text = render_versions({"zope": "6.3", "Products.CMFPlone": "6.2.2"}, "c.txt")

    parser = ConfigParser()
    parser.read_string(text)

    assert text.startswith("# Generated from c.txt by: python -m pro.instance")
    assert list(parser["versions"].items()) == [
        ("products.cmfplone", "6.2.2"),
        ("zope", "6.3"),
    ]


def test_main_prints_the_versions_section(tmp_path, capsys):
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("Zope==6.3\n", encoding="utf-8")

    status = main([str(constraints)])

    assert status == 0
    assert capsys.readouterr().out.endswith("[versions]\nZope = 6.3\n")


def test_main_reports_a_bad_line_as_one_line_on_stderr(tmp_path, capsys):
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("Zope>=6\n", encoding="utf-8")

    status = main([str(constraints)])

    output = capsys.readouterr()
    assert status == 2
    assert output.out == ""
    assert output.err == (
        f"error: {constraints}: line 1: 'Zope>=6' is not allowed; "
        "use an exact pin such as 'Zope==6.3'\n"
    )


@pytest.mark.parametrize("argv", [[], ["a.txt", "b.txt"]])
def test_main_wants_exactly_one_constraints_file(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("usage: ")


def test_buildout_installs_pro_with_the_generated_versions():
    parser = ConfigParser(interpolation=None)
    parser.read(REPOSITORY / "buildout.cfg")

    assert parser["buildout"]["extends"].split() == ["versions.cfg"]
    assert parser["buildout"]["parts"].split() == ["instance"]
    assert parser["instance"]["recipe"] == "plone.recipe.zope2instance"
    assert parser["instance"]["eggs"].split() == ["pro"]


def test_the_repositorys_constraints_convert_to_versions():
    text = (REPOSITORY / "constraints.txt").read_text(encoding="utf-8")

    pins = {name.lower(): version for name, version in read_pins(text).items()}

    assert pins["products.cmfplone"] == "6.2.2"
