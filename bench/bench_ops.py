"""Throughput and latency of the scaled-out deployment, measured with wrk.

One run on this machine: a RelStorage database on the local PostgreSQL (a
throwaway database, dropped afterwards), a platform with one site holding a
published news item, and beside the platform a plain Plone 6.2 site with a
published Document in the same database. Each row is ``wrk`` against one URL
for ``--seconds`` with ``--connections`` open connections, an anonymous
visitor on loopback, after a few unmeasured seconds of the same traffic:

- uncached, one instance (plone.app.caching switched off in the registry);
- uncached, two instances behind a load balancer (HAProxy when installed,
  else nginx);
- plone.app.caching's in-process RAM cache on one instance (caching on),
  once as plone.app.caching answers from it after traversal
  (``ram_cache_in_front: false``) and once answered in front of Zope's
  publisher by ``pro.caching.front``, as every instance runs by default;
- Varnish in front of one instance, with the VCL of ``docker/varnish/``;
- the plain Plone site's Document page on one instance, for comparison;
- the same uncached pages over one connection, one request at a time: the
  time each page takes to make, free of queueing;
- nginx serving the home page's bytes as a static file: the machine's bound.

Every request names the host ``pro.bench.example``, as a browser would.

It prints one table and never fails on a figure. Every instance runs
``wsgi_threads: 4`` in one process, as ``instance-relstorage.yaml`` does.
"""

from dataclasses import dataclass
from instance_script import run_in_instance
from pathlib import Path
from pro.instance.process import free_port
from pro.instance.process import HOST
from pro.instance.process import ZopeProcess
import argparse
import contextlib
import datetime
import os
import platform
import psycopg2
import requests
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time


VCL = Path(__file__).resolve().parents[1] / "docker" / "varnish" / "default.vcl"
ADMIN_DSN = os.environ.get(
    "PRO_BENCH_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)
WSGI_THREADS = 4
OPS_SITES = Path(__file__).resolve().with_name("ops_sites.py")
# Every request names this host, as a visitor's browser names the platform's:
# Plone leaves pages for 127.0.0.1 unthemed (plone.app.theming's unthemed
# host names), which would make the direct rows cheaper than the proxied ones.
VISITOR_HOST = "pro.bench.example"
# Seconds of traffic before each row, not measured.
WARM_SECONDS = 3

# wrk reports each run through this script: requests, seconds, p50 and p95
# latency in microseconds, and every kind of error.
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("PRO-WRK %d %d %d %d %d %d\\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    errors.connect + errors.read + errors.write + errors.timeout,
    errors.status))
end
"""


@dataclass(frozen=True)
class Figure:
    setup: str
    page: str
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    errors: int
    size_bytes: int


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per row")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)

    missing = [tool for tool in ("wrk", "varnishd", "nginx") if not _which(tool)]
    if missing:
        print(f"bench_ops: skipped, missing {', '.join(missing)}")
        return 0
    try:
        psycopg2.connect(ADMIN_DSN, connect_timeout=3).close()
    except psycopg2.OperationalError as error:
        print(f"bench_ops: skipped, no PostgreSQL at {ADMIN_DSN!r}: {error}")
        return 0

    with tempfile.TemporaryDirectory(prefix="pro-bench-ops-") as scratch:
        figures = run(Path(scratch), args.seconds, args.connections)
    print_table(figures, args.seconds, args.connections)
    return 0


def run(scratch: Path, seconds: int, connections: int) -> list[Figure]:
    scratch.chmod(0o755)  # varnishd and nginx workers read files in here
    password = secrets.token_urlsafe(12)
    figures: list[Figure] = []
    with contextlib.ExitStack() as stack:
        dsn = stack.enter_context(_throwaway_database())
        config = _write_config(scratch, dsn)
        environ = {"PRO_DEMO": "0", "PRO_ADMIN_PASSWORD": password}
        print("Starting the first instance ...", file=sys.stderr)
        one = stack.enter_context(
            ZopeProcess(config, var_dir=scratch / "var-1", environ=environ)
        )
        print("Making the bench site and a plain Plone site ...", file=sys.stderr)
        pages = run_in_instance(OPS_SITES, config, scratch / "var-1")
        plain_document = pages.pop("plain Plone Document")
        print("Starting the second instance ...", file=sys.stderr)
        two = stack.enter_context(
            ZopeProcess(config, var_dir=scratch / "var-2", environ=environ)
        )
        print("Starting an instance without the cache in front ...", file=sys.stderr)
        inside = stack.enter_context(
            ZopeProcess(
                _write_config(scratch, dsn, ram_cache_in_front=False),
                var_dir=scratch / "var-3",
                environ=environ,
            )
        )
        admin = requests.Session()
        admin.trust_env = False  # loopback only, never through a proxy
        admin.auth = ("admin", password)

        home_bytes = _get(one.url + pages["home page"]).content
        static = scratch / "static"
        static.mkdir()
        (static / "home.html").write_bytes(home_bytes)

        balancer_port = free_port()
        stack.enter_context(
            _load_balancer(scratch, balancer_port, [one.port, two.port])
        )
        nginx_port = free_port()
        stack.enter_context(_nginx_static(scratch, nginx_port, static))
        varnish_port = free_port()
        stack.enter_context(_varnish(scratch, varnish_port, one.port))

        wrk = _Wrk(scratch, seconds, connections)

        _set_caching(admin, one.url, enabled=False)
        for label, path in pages.items():
            figures.append(wrk.measure("uncached, one instance", label, one.url + path))
        balancer = f"http://{HOST}:{balancer_port}"
        for label, path in pages.items():
            figures.append(
                wrk.measure(
                    f"uncached, two instances ({_balancer_name()})",
                    label,
                    balancer + path,
                )
            )
        figures.append(
            wrk.measure(
                "plain Plone 6.2, one instance",
                "Document page",
                one.url + plain_document,
            )
        )
        # One request at a time: the time a page takes to make, without the
        # queueing that several connections on two cores add to the rows above.
        alone = _Wrk(scratch, seconds, connections=1)
        for label, path in pages.items():
            figures.append(
                alone.measure("uncached, one connection", label, one.url + path)
            )
        figures.append(
            alone.measure(
                "plain Plone 6.2, one connection",
                "Document page",
                one.url + plain_document,
            )
        )

        _set_caching(admin, one.url, enabled=True)
        for label, path in pages.items():
            figures.append(
                wrk.measure(
                    "RAM cache inside the publisher, one instance",
                    label,
                    inside.url + path,
                )
            )
        for label, path in pages.items():
            figures.append(
                wrk.measure(
                    "RAM cache in front of the publisher, one instance",
                    label,
                    one.url + path,
                )
            )
        varnish = f"http://{HOST}:{varnish_port}"
        for label, path in pages.items():
            figures.append(wrk.measure("Varnish, one instance", label, varnish + path))
        figures.append(
            wrk.measure(
                "nginx, static file",
                "home page bytes",
                f"http://{HOST}:{nginx_port}/home.html",
            )
        )
    return figures


class _Wrk:
    def __init__(self, scratch: Path, seconds: int, connections: int) -> None:
        self.script = scratch / "report.lua"
        self.script.write_text(WRK_REPORT, encoding="utf-8")
        self.seconds = seconds
        self.connections = connections

    def measure(self, setup: str, page: str, url: str) -> Figure:
        print(f"wrk {setup}: {page} ...", file=sys.stderr)
        size = len(_get(url).content)
        # One request at a time compiles the templates (through the balancer,
        # one request reaches each instance); then every thread of the
        # instance warms its own database connection (the objects it loaded,
        # the expressions it compiled). A row measured before that would
        # charge its page for the instance's start.
        _get(url)
        self._wrk(url, WARM_SECONDS)
        result = self._wrk(url, self.seconds)
        line = next(
            (row for row in result.stdout.splitlines() if row.startswith("PRO-WRK")),
            None,
        )
        if line is None:
            print(result.stdout + result.stderr, file=sys.stderr)
            return Figure(setup, page, 0.0, 0.0, 0.0, -1, size)
        requests_done, micros, p50, p95, errors, status_errors = map(
            int, line.split()[1:]
        )
        return Figure(
            setup=setup,
            page=page,
            requests_per_second=requests_done / (micros / 1e6),
            p50_ms=p50 / 1000,
            p95_ms=p95 / 1000,
            errors=errors + status_errors,
            size_bytes=size,
        )

    def _wrk(self, url: str, seconds: int) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                "wrk",
                "--threads",
                str(min(2, self.connections)),
                "--connections",
                str(self.connections),
                "--duration",
                f"{seconds}s",
                "--timeout",
                "30s",
                "--script",
                str(self.script),
                "--header",
                f"Host: {VISITOR_HOST}",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=False,
        )


def print_table(figures: list[Figure], seconds: int, connections: int) -> None:
    print(
        f"PRO operations bench {datetime.date.today().isoformat()}: "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, RelStorage on "
        f"PostgreSQL, {WSGI_THREADS} threads an instance, wrk {connections} "
        f"connections for {seconds} s a row"
    )
    header = ("setup", "page", "req/s", "p50 ms", "p95 ms", "errors", "KiB")
    rows = [
        (
            figure.setup,
            figure.page,
            f"{figure.requests_per_second:.0f}",
            f"{figure.p50_ms:.1f}",
            f"{figure.p95_ms:.1f}",
            str(figure.errors),
            f"{figure.size_bytes / 1024:.1f}",
        )
        for figure in figures
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * width for width in widths), *rows]:
        cells = [
            cell.ljust(width) if index < 2 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))


@contextlib.contextmanager
def _throwaway_database():
    name = f"pro_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = psycopg2.connect(ADMIN_DSN)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield psycopg2.extensions.make_dsn(ADMIN_DSN, dbname=name)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def _write_config(scratch: Path, dsn: str, ram_cache_in_front: bool = True) -> Path:
    config = scratch / f"instance-{'front' if ram_cache_in_front else 'inside'}.yaml"
    config.write_text(
        textwrap.dedent(
            f"""\
            http_host: {HOST}
            wsgi_threads: {WSGI_THREADS}
            db_storage: relstorage
            db_relstorage_postgresql_dsn: {dsn}
            db_relstorage_cache_local_mb: 200
            ram_cache_in_front: {str(ram_cache_in_front).lower()}
            """
        ),
        encoding="utf-8",
    )
    return config


def _set_caching(admin: requests.Session, url: str, enabled: bool) -> None:
    response = admin.patch(
        f"{url}/pro/@registry",
        json={"plone.caching.interfaces.ICacheSettings.enabled": enabled},
        headers={"Accept": "application/json"},
        timeout=60,
    )
    response.raise_for_status()


_HTTP = requests.Session()
# A proxy from the environment must not be asked for 127.0.0.1.
_HTTP.trust_env = False
_HTTP.headers["Host"] = VISITOR_HOST


def _get(url: str) -> requests.Response:
    response = _HTTP.get(url, timeout=60)
    response.raise_for_status()
    return response


def _which(tool: str) -> str | None:
    return shutil.which(tool) or next(
        (str(p) for p in (Path("/usr/sbin") / tool,) if p.exists()), None
    )


def _balancer_name() -> str:
    return "HAProxy" if _which("haproxy") else "nginx"


@contextlib.contextmanager
def _load_balancer(scratch: Path, port: int, backends: list[int]):
    if _which("haproxy"):
        config = scratch / "haproxy.cfg"
        servers = "\n".join(
            f"    server instance{n} {HOST}:{p}" for n, p in enumerate(backends, 1)
        )
        config.write_text(
            "defaults\n    mode http\n    timeout connect 5s\n"
            "    timeout client 60s\n    timeout server 60s\n"
            f"frontend http\n    bind {HOST}:{port}\n    default_backend instances\n"
            f"backend instances\n    balance roundrobin\n{servers}\n",
            encoding="utf-8",
        )
        command = [_which("haproxy"), "-db", "-f", str(config)]
        with _server(command, port, scratch / "haproxy.log"):
            yield
        return
    servers = "".join(f"server {HOST}:{p};" for p in backends)
    body = (
        f"upstream instances {{ {servers} keepalive 16; }}"
        f"server {{ listen {HOST}:{port};"
        " location / { proxy_pass http://instances; proxy_http_version 1.1;"
        ' proxy_set_header Connection ""; proxy_set_header Host $http_host; } }'
    )
    with _nginx(scratch, "balancer", body):
        yield


@contextlib.contextmanager
def _nginx_static(scratch: Path, port: int, folder: Path):
    body = f"server {{ listen {HOST}:{port}; server_name _; root {folder}; }}"
    with _nginx(scratch, "static", body, port):
        yield


@contextlib.contextmanager
def _nginx(scratch: Path, name: str, server_block: str, port: int | None = None):
    prefix = scratch / f"nginx-{name}"
    prefix.mkdir()
    (prefix / "logs").mkdir()
    config = prefix / "nginx.conf"
    config.write_text(
        "daemon off; worker_processes auto; pid nginx.pid;"
        " error_log logs/error.log;"
        " events { worker_connections 1024; }"
        " http { access_log off; sendfile on; keepalive_requests 100000;"
        f" {server_block} }}\n",
        encoding="utf-8",
    )
    command = [_which("nginx"), "-p", str(prefix), "-c", str(config)]
    listen = port if port is not None else _listen_port(server_block)
    with _server(command, listen, prefix / "logs" / "stdout.log"):
        yield


def _listen_port(server_block: str) -> int:
    return int(server_block.split(f"listen {HOST}:", 1)[1].split(";", 1)[0])


@contextlib.contextmanager
def _varnish(scratch: Path, port: int, backend_port: int):
    text = VCL.read_text(encoding="utf-8").replace(
        '.host = "haproxy";\n    .port = "8080";',
        f'.host = "{HOST}";\n    .port = "{backend_port}";',
    )
    vcl = scratch / "default.vcl"
    vcl.write_text(text, encoding="utf-8")
    vcl.chmod(0o644)
    command = [
        _which("varnishd"),
        "-F",
        "-a",
        f"{HOST}:{port}",
        "-n",
        str(scratch / "varnish"),
        "-f",
        str(vcl),
        "-s",
        "malloc,256m",
    ]
    with _server(command, port, scratch / "varnishd.log"):
        yield


@contextlib.contextmanager
def _server(command: list[str], port: int, log: Path):
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            _wait_for_port(port, process, log)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited: {log.read_text()[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{process.args[0]} did not listen on {port}")


if __name__ == "__main__":
    raise SystemExit(main())
