"""Let ``python -m pro.instance`` do what the ``pro-instance`` script does."""

from pro.instance.cli import main


if __name__ == "__main__":
    raise SystemExit(main())
