"""Print start-up, memory and site-creation figures of the platform.

``make bench`` runs this. It measures the instance ``make run`` starts, from
the repository's instance.yaml with a FileStorage in a temporary var folder,
and prints a table. It never passes or fails on a figure: the numbers are for
people to compare between commits and machines.

1. Cold start: ``pro-instance serve`` on a new folder with the demo sites, up
   to the first 200 on ``/pro``; memory of the idle server after start and
   after loading the demo sites' pages once.
2. Warm start: the same command on the same folder.
3. Site creation: ``--sites`` sites from the default profile in one Zope
   process, each committed on its own.
"""

from measure_sites import measure_site_creation
from measure_sites import SiteFigures
from measure_startup import measure_startup
from measure_startup import StartupFigures
from pathlib import Path
import argparse
import datetime
import os
import platform
import sys
import tempfile
import time


REPOSITORY = Path(__file__).resolve().parents[1]
INSTANCE_YAML = REPOSITORY / "instance.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sites",
        type=int,
        default=100,
        help="how many sites to create (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.sites < 1:
        parser.error("--sites must be at least 1")

    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pro-bench-") as folder:
        var_dir = Path(folder) / "var"
        print("Starting the instance cold, then warm ...", file=sys.stderr)
        startup = measure_startup(INSTANCE_YAML, var_dir)
        print(f"Creating {args.sites} sites ...", file=sys.stderr)
        sites = measure_site_creation(INSTANCE_YAML, var_dir, args.sites)

    print_report(startup, sites, time.monotonic() - began)
    return 0


def print_report(startup: StartupFigures, sites: SiteFigures, total: float) -> None:
    rows = [
        (
            "cold start to first 200 on /pro (with demo sites)",
            _s(startup.cold_start_seconds),
        ),
        ("warm start to first 200 on /pro", _s(startup.warm_start_seconds)),
        ("RSS of the idle server after start", _mib(startup.rss_after_start_bytes)),
        (
            f"RSS of the idle server after {startup.pages_loaded} demo pages",
            _mib(startup.rss_after_pages_bytes),
        ),
        ("Zope load in the site-creation process", _s(sites.zope_load_seconds)),
        (f"site creation + commit, median of {sites.sites}", _s(sites.median_seconds)),
        ("site creation + commit, 95th percentile", _s(sites.p95_seconds)),
        ("site creation + commit, 1st site", _s(sites.first_seconds)),
        (f"site creation + commit, site {sites.sites}", _s(sites.last_seconds)),
        (
            "Data.fs growth per site (raw, unpacked)",
            _kib(sites.filestorage_growth_per_site_bytes),
        ),
        ("whole bench", _s(total)),
    ]
    width = max(len(label) for label, _ in rows)
    print(
        f"PRO bench {datetime.date.today().isoformat()}: "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, FileStorage"
    )
    print(f"{'figure':<{width}}  {'value':>10}")
    print(f"{'-' * width}  {'-' * 10}")
    for label, value in rows:
        print(f"{label:<{width}}  {value:>10}")


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _mib(size: int) -> str:
    return f"{size / 1024**2:.0f} MiB"


def _kib(size: float) -> str:
    return f"{size / 1024:.1f} KiB"


if __name__ == "__main__":
    raise SystemExit(main())
