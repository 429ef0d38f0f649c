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
4. Pages of a full site: one site with ``--items`` published items of mixed
   types; median and 95th percentile server time of its home page, news
   listing, a news item, a publication and its search, against a plain Plone
   page in the same site. ``--items 0`` leaves this part out.
"""

from measure_pages import measure_pages
from measure_pages import PageFigures
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
    parser.add_argument(
        "--items",
        type=int,
        default=10000,
        help="items in the site whose pages are timed (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.sites < 1:
        parser.error("--sites must be at least 1")
    if args.items < 0:
        parser.error("--items must be 0 or more")

    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pro-bench-") as folder:
        var_dir = Path(folder) / "var"
        print("Starting the instance cold, then warm ...", file=sys.stderr)
        startup = measure_startup(INSTANCE_YAML, var_dir)
        print(f"Creating {args.sites} sites ...", file=sys.stderr)
        sites = measure_site_creation(INSTANCE_YAML, var_dir, args.sites)
        pages = None
        if args.items:
            print(f"Filling a site with {args.items} items ...", file=sys.stderr)
            pages = measure_pages(INSTANCE_YAML, var_dir, args.items)

    print_report(startup, sites, pages, time.monotonic() - began)
    return 0


def print_report(
    startup: StartupFigures,
    sites: SiteFigures,
    pages: PageFigures | None,
    total: float,
) -> None:
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
    ]
    if pages is not None:
        rows.append(
            (f"filling a site with {pages.items} items", _s(pages.fill_seconds))
        )
        for label, (median, p95) in pages.pages.items():
            rows.append(
                (f"{label}, median / p95", f"{median * 1000:.0f} / {p95 * 1000:.0f} ms")
            )
    rows.append(("whole bench", _s(total)))
    width = max(len(label) for label, _ in rows)
    print(
        f"PRO bench {datetime.date.today().isoformat()}: "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, FileStorage"
    )
    print(f"{'figure':<{width}}  {'value':>14}")
    print(f"{'-' * width}  {'-' * 14}")
    for label, value in rows:
        print(f"{label:<{width}}  {value:>14}")


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _mib(size: int) -> str:
    return f"{size / 1024**2:.0f} MiB"


def _kib(size: float) -> str:
    return f"{size / 1024:.1f} KiB"


if __name__ == "__main__":
    raise SystemExit(main())
