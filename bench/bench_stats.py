"""Web statistics: beacons per second on one instance, and the dashboards' speed.

Run ``.venv/bin/python bench/bench_stats.py`` (``--sites``, ``--seconds`` for
other sizes). It prints figures and never fails on one.

1. A fresh platform (FileStorage, no demo sites) gets ``--sites`` sites from
   the site factory and a year of aggregated counters up to yesterday for
   each (40 pages, referrers, campaigns, devices, downloads and searches a
   day), written straight into the counters while the instance is stopped.
2. One instance serves it. ``wrk`` (Debian's, with a Lua script that gives
   each request another visitor address) posts beacons for 10 seconds through
   Zope's publisher (``/hit``, the browser view), then for ``--seconds``
   through the WSGI middleware (``/@@hit``), each with 2 threads and 32
   connections. After the next flush the counted page views are compared with
   the requests wrk got answered, and the instance's log is searched for
   conflict errors.
3. The dashboards are timed over that year, as a platform administrator,
   for the last 12 months (whole months, the dashboards' own choice) and for
   366 days (partial months at both ends, read from the day counters): one
   site's ``@@statistieken`` and ``@stats``, and all sites side by side
   (``/pro/@@statistieken``, ``/pro/@stats``); the site's home page as the
   same user is timed for comparison.
"""

from datetime import date
from datetime import timedelta
from pathlib import Path
import argparse
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


REPOSITORY = Path(__file__).resolve().parents[1]
INSTANCE_YAML = REPOSITORY / "instance.yaml"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
DASHBOARD_REPEATS = 5

WRK_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  local address = "10." .. (counter %% 250) .. "." .. (math.floor(counter / 250) %% 250)
      .. "." .. (math.random(1, 250))
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["User-Agent"] = "%(agent)s",
    ["X-Forwarded-For"] = address,
  }, "s=%(site)s&p=/nieuws/item-" .. (counter %% 40) .. "&w=1280")
end
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        return _fill(args)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk); nothing measured")
        return 0

    sys.path.insert(0, str(REPOSITORY / "src"))
    from pro.instance.process import ZopeProcess

    sys.path.insert(0, str(Path(__file__).parent))
    from instance_script import run_in_instance

    password = secrets.token_urlsafe(12)
    environ = {"PRO_DEMO": "0", "PRO_ADMIN_PASSWORD": password}
    with tempfile.TemporaryDirectory(prefix="pro-bench-stats-") as scratch:
        var_dir = Path(scratch) / "var"
        with ZopeProcess(INSTANCE_YAML, var_dir=var_dir, environ=environ):
            pass
        filled = run_in_instance(
            Path(__file__), INSTANCE_YAML, var_dir, "--fill", "--sites", str(args.sites)
        )
        with ZopeProcess(
            INSTANCE_YAML, var_dir=var_dir, environ=environ, ready_path="/pro"
        ) as zope:
            figures = _measure(zope, password, args.seconds, Path(scratch))
            figures["conflicts"] = _conflicts(zope.output)
    _report(args, filled, figures)
    return 0


# Filling: runs in a Zope process of its own on the stopped instance.


def _fill(args) -> int:
    sys.path.insert(0, str(REPOSITORY / "src"))
    from pro.instance.bootstrap import platform_as_admin
    from pro.instance.config import load_config
    import transaction

    config = load_config(args.config, os.environ)
    started = time.perf_counter()
    with platform_as_admin(config, config.zope_conf_path) as portal:
        from pro.platform.api import create_site
        from pro.stats import storage
        from pro.stats.counter import local_day

        for number in range(args.sites):
            create_site(
                portal,
                {
                    "id": f"bench-{number + 1:03d}",
                    "title": f"Benchmarksite {number + 1}",
                    "organisation": f"Organisatie {number % 40 + 1}",
                },
                creator="admin",
            )
            transaction.commit()
        sites_seconds = time.perf_counter() - started

        started = time.perf_counter()
        stats = storage.stats_storage(portal, create=True)
        shard = storage.shard_of(stats, "bench-history")
        today = local_day()
        for number in range(args.sites):
            site_id = f"bench-{number + 1:03d}"
            generator = random.Random(number)
            tallies = {
                (site_id, (today - timedelta(days=back)).isoformat()): _day(generator)
                for back in range(1, 366)
            }
            storage.add_tallies(shard, tallies)
            storage.close_days(stats, shard, today)
            transaction.commit()
        counters_seconds = time.perf_counter() - started
    figures = {
        "sites_seconds": sites_seconds,
        "counters_seconds": counters_seconds,
        "data_fs_bytes": (Path(config.filestorage_path)).stat().st_size,
    }
    args.output.write_text(json.dumps(figures), encoding="utf-8")
    return 0


def _day(generator: random.Random):
    from pro.stats.counter import Tally

    tally = Tally()
    visitors = generator.randint(50, 400)
    tally.hashes = {generator.getrandbits(63) for _ in range(visitors)}
    for page in generator.sample(range(40), 15):
        views = generator.randint(1, 60)
        tally.pages[f"/nieuws/item-{page}"] = views
        tally.pageviews += views
    tally.devices.update(
        {"desktop": tally.pageviews // 2, "mobile": tally.pageviews // 3, "tablet": 5}
    )
    for host in ("www.google.nl", "duckduckgo.com", "www.rijksoverheid.nl"):
        tally.referrers[host] = generator.randint(0, 30)
    tally.campaigns["nieuwsbrief\x1femail\x1fmaand"] = generator.randint(0, 20)
    for number in range(3):
        tally.downloads[f"/publicaties/rapport-{number}.pdf"] = generator.randint(1, 9)
    tally.downloads_total = sum(tally.downloads.values())
    for terms in ("subsidie", "contact", "vergunning", "openingstijden"):
        tally.searches[terms] = generator.randint(1, 12)
    tally.empty_searches["kwijtschelding"] = generator.randint(0, 3)
    tally.searches["kwijtschelding"] = tally.empty_searches["kwijtschelding"] + 1
    tally.searches_total = sum(tally.searches.values())
    return tally


# Measuring: against the running instance.


def _measure(zope, password: str, seconds: int, scratch: Path) -> dict:
    import requests

    admin = requests.Session()
    admin.trust_env = False
    admin.auth = ("admin", password)
    admin.headers["Accept"] = "application/json"
    # Let the counter load the sites and the salts before the load starts.
    time.sleep(12)

    through_zope = _wrk(zope.url + "/pro/bench-002/hit", "bench-002", 10, scratch)
    through_middleware = _wrk(
        zope.url + "/pro/bench-001/@@hit", "bench-001", seconds, scratch
    )
    # The counter flushes every 10 seconds.
    time.sleep(15)
    today = date.today().isoformat()
    counted = {
        site: admin.get(
            f"{zope.url}/pro/{site}/@stats?start={today}", timeout=120
        ).json()["totals"]["pageviews"]
        for site in ("bench-001", "bench-002")
    }

    # The dashboards' "last 12 months": whole months up to today.
    first = (date.today().replace(day=1) - timedelta(days=335)).replace(day=1)
    months = f"start={first.isoformat()}&end={today}"
    days = f"start={(date.today() - timedelta(days=365)).isoformat()}&end={today}"
    pages = {
        "site home page as admin, for comparison": "/pro/bench-001",
        "site dashboard, 12 months by month": f"/pro/bench-001/@@statistieken?{months}"
        "&interval=month",
        "site dashboard, 366 days by day": f"/pro/bench-001/@@statistieken?{days}",
        "site REST @stats, 12 months": f"/pro/bench-001/@stats?{months}",
        "site REST @stats, 366 days": f"/pro/bench-001/@stats?{days}",
        "all sites side by side, 12 months": f"/pro/@@statistieken?{months}",
        "all sites REST @stats, 12 months": f"/pro/@stats?{months}",
        "all sites REST @stats, 366 days": f"/pro/@stats?{days}",
    }
    timings = {
        name: _time(admin, zope.url + path, None if "@stats" in path else "text/html")
        for name, path in pages.items()
    }
    return {
        "zope": through_zope,
        "middleware": through_middleware,
        "counted": counted,
        "timings": timings,
    }


def _wrk(url: str, site: str, seconds: int, scratch: Path) -> dict:
    script = scratch / f"{site}.lua"
    script.write_text(WRK_SCRIPT % {"agent": BROWSER, "site": site}, encoding="utf-8")
    result = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    output = result.stdout
    total = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": int(total.group(1)) if total else 0,
        "per_second": float(rate.group(1)) if rate else 0.0,
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def _time(session, url: str, accept: str | None) -> dict:
    headers = {"Accept": accept} if accept else {}
    seconds = []
    status = None
    for _ in range(DASHBOARD_REPEATS):
        started = time.perf_counter()
        response = session.get(url, headers=headers, timeout=600)
        seconds.append(time.perf_counter() - started)
        status = response.status_code
    return {"median": statistics.median(seconds), "first": seconds[0], "status": status}


def _conflicts(output: str) -> dict[str, list[str]]:
    """The log lines that report a conflict: of the counters, and others.

    Plone itself may conflict on its first pages after a start (a portlet
    assignment written by two threads); those are listed apart.
    """
    lines = [line for line in output.splitlines() if "onflict" in line]
    counters = [
        line for line in lines if "Statistics flush" in line or "pro.stats" in line
    ]
    return {
        "counters": counters,
        "other": [line for line in lines if line not in counters],
    }


def _report(args, filled: dict, figures: dict) -> None:
    zope, middleware = figures["zope"], figures["middleware"]
    counted = figures["counted"]
    rows = [
        ("sites made by the site factory", f"{args.sites}"),
        ("making them", f"{filled['sites_seconds']:.0f} s"),
        ("writing a year of counters for each", f"{filled['counters_seconds']:.0f} s"),
        ("Data.fs after filling", f"{filled['data_fs_bytes'] / 1024**2:.0f} MiB"),
        (
            "beacons through Zope's publisher (10 s)",
            f"{zope['per_second']:.0f}/s, {zope['requests']} sent, "
            f"{counted['bench-002']} counted, {zope['non_2xx']} non-2xx",
        ),
        (
            f"beacons through the middleware ({args.seconds} s)",
            f"{middleware['per_second']:.0f}/s, {middleware['requests']} sent, "
            f"{counted['bench-001']} counted, {middleware['non_2xx']} non-2xx",
        ),
        (
            "conflict errors of the counters",
            f"{len(figures['conflicts']['counters'])} "
            f"(other conflicts in the log: {len(figures['conflicts']['other'])})",
        ),
    ]
    for name, timing in figures["timings"].items():
        rows.append(
            (
                name,
                f"median {timing['median'] * 1000:.0f} ms, first "
                f"{timing['first'] * 1000:.0f} ms (HTTP {timing['status']})",
            )
        )
    width = max(len(name) for name, _value in rows)
    print("Web statistics")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    for line in (figures["conflicts"]["counters"] + figures["conflicts"]["other"])[:5]:
        print(f"  conflict: {line[:160]}")


if __name__ == "__main__":
    raise SystemExit(main())
