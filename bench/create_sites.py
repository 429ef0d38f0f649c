"""Create benchmark sites in one Zope process and write how long each took.

Run by ``bench/run.py`` against a stopped instance, because a FileStorage opens
in one process only::

    PRO_VAR_DIR=var python bench/create_sites.py --config instance.yaml \\
        --sites 100 --output timings.json

Each site is made from the default profile through the site factory, as the
form and the REST service make it, and committed on its own; the time of one
site is the wall clock of ``create_site`` plus its commit.
"""

from pathlib import Path
from pro.instance.bootstrap import platform_as_admin
from pro.instance.config import load_config
import argparse
import json
import os
import time
import transaction


def create_sites(config_path: Path, count: int) -> dict:
    """Create ``count`` sites and return the timings, in seconds."""
    config = load_config(config_path, os.environ)
    opened = time.perf_counter()
    with platform_as_admin(config, config.zope_conf_path) as portal:
        # Imported once Zope is configured: the site factory needs its
        # component registrations.
        from pro.platform.api import create_site

        zope_seconds = time.perf_counter() - opened
        seconds = [_create_one(create_site, portal, number) for number in range(count)]
    return {"zope_load_seconds": zope_seconds, "site_seconds": seconds}


def _create_one(create_site, portal, number: int) -> float:
    started = time.perf_counter()
    create_site(
        portal,
        {
            "id": f"bench-{number + 1:03d}",
            "title": f"Benchmarksite {number + 1}",
            "organisation": f"Benchmarkorganisatie {number + 1}",
        },
        creator="admin",
    )
    transaction.commit()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()

    timings = create_sites(args.config, args.sites)
    args.output.write_text(json.dumps(timings), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
