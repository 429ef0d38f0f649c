"""Start-up time and memory of the instance that ``make run`` starts.

The cold start is the whole first-start path on a new var folder: render,
bootstrap (the platform and the demo sites) and the WSGI server, up to the
first 200 on ``/pro``. The warm start is the same command on the same folder
again, when only the server has to load. Memory is the resident set of the
server process, which is the process ``pro-instance serve`` was started as
(it execs the server).
"""

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from pro.instance.process import ZopeProcess
from urllib.parse import urlsplit
import requests
import time


# Seconds a server may take from its first answer to a 200 on /pro before the
# bench gives up; the page is normally there at once.
_PAGE_TIMEOUT = 60
# Seconds the server is left alone before its memory is read, so the figure
# is that of an idle instance, not of one still finishing a response.
_SETTLE_SECONDS = 2

_SKIPPED_LINKS = ("login", "logout", "@@", "++", "search")


@dataclass(frozen=True)
class StartupFigures:
    cold_start_seconds: float
    warm_start_seconds: float
    rss_after_start_bytes: int
    rss_after_pages_bytes: int
    pages_loaded: int


def measure_startup(config: Path, var_dir: Path) -> StartupFigures:
    """Start cold, load the demo pages, read memory, then start warm."""
    http = _http_session()
    with ZopeProcess(config, var_dir=var_dir, environ={"PRO_DEMO": "1"}) as zope:
        cold = _seconds_to_first_200(zope, http, "/pro")
        rss_after_start = _idle_rss(zope.pid)
        password = (var_dir / "admin-password").read_text(encoding="utf-8").strip()
        pages = _load_demo_pages(zope, http, password)
        rss_after_pages = _idle_rss(zope.pid)

    with ZopeProcess(config, var_dir=var_dir, environ={"PRO_DEMO": "1"}) as zope:
        warm = _seconds_to_first_200(zope, http, "/pro")

    return StartupFigures(
        cold_start_seconds=cold,
        warm_start_seconds=warm,
        rss_after_start_bytes=rss_after_start,
        rss_after_pages_bytes=rss_after_pages,
        pages_loaded=pages,
    )


def resident_set_bytes(pid: int) -> int:
    """The process's resident memory (VmRSS in /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            kilobytes = int(line.split()[1])
            return kilobytes * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _http_session() -> requests.Session:
    session = requests.Session()
    # A proxy from the environment must not be asked for 127.0.0.1.
    session.trust_env = False
    return session


def _seconds_to_first_200(zope: ZopeProcess, http: requests.Session, path: str):
    deadline = time.monotonic() + _PAGE_TIMEOUT
    while True:
        status = http.get(zope.url + path, timeout=_PAGE_TIMEOUT).status_code
        if status == 200:
            return time.monotonic() - zope.launched_at
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path} answered {status}, never 200")
        time.sleep(0.1)


def _idle_rss(pid: int) -> int:
    time.sleep(_SETTLE_SECONDS)
    return resident_set_bytes(pid)


def _load_demo_pages(zope: ZopeProcess, http: requests.Session, password: str):
    """Load every demo site's home page and the pages it links to, once."""
    registry = http.get(
        f"{zope.url}/pro/@sites",
        auth=("admin", password),
        headers={"Accept": "application/json"},
        timeout=_PAGE_TIMEOUT,
    )
    registry.raise_for_status()
    homes = [f"{zope.url}/pro/{item['id']}" for item in registry.json()["items"]]

    seen: set[str] = set()
    for home in homes:
        home_page = http.get(home, timeout=_PAGE_TIMEOUT)
        seen.add(home)
        for link in _links_within(home, home_page.text):
            if link not in seen:
                http.get(link, timeout=_PAGE_TIMEOUT)
                seen.add(link)
    return len(seen)


def _links_within(site_url: str, html: str) -> list[str]:
    """The pages below ``site_url`` the HTML links to, without forms and tools."""
    collector = _LinkCollector()
    collector.feed(html)
    links = set()
    for href in collector.hrefs:
        parts = urlsplit(href)
        if parts.query:
            continue
        url = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
        below = url.removeprefix(site_url + "/")
        if below == url or any(marker in below for marker in _SKIPPED_LINKS):
            continue
        links.add(url)
    return sorted(links)


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)
