"""Server time of a site's pages with many items in it.

One site is filled with ``--items`` published items of mixed types (in a
process of its own, ``fill_site.py``); then a server is started on the same
database and each page is requested repeatedly by an anonymous visitor on
loopback. A plain Plone page in the same site is timed alongside, so the
figures compare the building blocks' pages with what Plone itself costs.
"""

from dataclasses import dataclass
from instance_script import run_in_instance
from measure_sites import percentile
from pathlib import Path
from pro.instance.process import ZopeProcess
import requests
import statistics
import time


FILL_SITE = Path(__file__).resolve().with_name("fill_site.py")
WARM_UP = 3
REQUESTS = 20
TIMEOUT = 60


@dataclass(frozen=True)
class PageFigures:
    items: int
    fill_seconds: float
    pages: dict[str, tuple[float, float]]  # label -> (median, p95) in seconds


def measure_pages(config: Path, var_dir: Path, items: int) -> PageFigures:
    """Fill a site in the stopped instance at ``var_dir`` and time its pages."""
    filled = run_in_instance(FILL_SITE, config, var_dir, "--items", str(items))
    examples = filled["examples"]
    site = f"/pro/{filled['site']}"
    paths = {
        "home page": site,
        "news listing": f"{site}/nieuws",
        "news item": examples["News Item"],
        "publication": examples["Publication"],
        "site search": f"{site}/@@zoeken?SearchableText=water",
        "plain Plone page (Document)": examples["Document"],
    }
    http = requests.Session()
    http.trust_env = False
    timings = {}
    with ZopeProcess(config, var_dir=var_dir, environ={"PRO_DEMO": "0"}) as zope:
        for label, path in paths.items():
            timings[label] = _time_page(http, zope.url + path)
    return PageFigures(items=items, fill_seconds=filled["seconds"], pages=timings)


def _time_page(http: requests.Session, url: str) -> tuple[float, float]:
    seconds = []
    for number in range(WARM_UP + REQUESTS):
        started = time.perf_counter()
        response = http.get(url, timeout=TIMEOUT)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        if number >= WARM_UP:
            seconds.append(elapsed)
    return statistics.median(seconds), percentile(seconds, 95)
