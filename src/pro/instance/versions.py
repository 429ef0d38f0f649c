"""Turn pip's ``constraints.txt`` into buildout's ``[versions]`` section.

Buildout cannot read a pip constraints file, and keeping two lists of pins by
hand lets them drift apart. Run::

    python -m pro.instance.versions constraints.txt > versions.cfg

after every change to ``constraints.txt``; ``buildout.cfg`` extends the result.
Only exact pins (``name==version``) can be expressed in ``[versions]``, so any
other requirement is refused rather than dropped without a word.
"""

from pathlib import Path
from pro.instance.exceptions import ConfigError
import re
import sys


# name, optional extras, "==", version, optional "; marker" and "# comment".
_PIN = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*"
    r"==\s*(?P<version>[^\s;#]+)\s*(?:;[^#]*)?(?:#.*)?"
)


def read_pins(text: str) -> dict[str, str]:
    """Return the ``name: version`` pins of a constraints file, in file order.

    Blank lines, comments and pip options (``-c``, ``--index-url``, ...) carry
    no pin and are skipped, and so are direct references (``name @ url``),
    which say where a package comes from, not which version. Environment
    markers are dropped: a pin for a package buildout never installs is
    harmless.

    :raises ConfigError: for a line that is neither of these nor an exact pin.
    """
    pins: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        requirement = line.strip()
        if not requirement or requirement.startswith(("#", "-")):
            continue
        if " @ " in requirement:
            continue
        match = _PIN.fullmatch(requirement)
        if match is None:
            raise ConfigError(
                None,
                f"line {number}: {requirement!r} is not allowed; "
                "use an exact pin such as 'Zope==6.3'",
            )
        pins[match["name"]] = match["version"]
    return pins


def render_versions(pins: dict[str, str], source: str) -> str:
    """Return a buildout ``[versions]`` section for ``pins``, sorted by name."""
    lines = [
        f"# Generated from {source} by: python -m pro.instance.versions {source}",
        "# Do not edit; change the constraints file and generate this again.",
        "[versions]",
        *(f"{name} = {pins[name]}" for name in sorted(pins, key=str.lower)),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the ``[versions]`` section for the constraints file in ``argv``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m pro.instance.versions CONSTRAINTS", file=sys.stderr)
        return 2

    source = Path(args[0])
    try:
        pins = read_pins(source.read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"error: {source}: cannot read the file: {exc.strerror}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"error: {source}: {exc.message}", file=sys.stderr)
        return 2

    sys.stdout.write(render_versions(pins, source.name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
