"""What the platform's security checks cost per request, measured in-process.

Prints, without judging them: the time to build the Content-Security-Policy
header, to check a login against the sliding windows with many accounts and
addresses remembered, to measure the nesting of JSON bodies of growing size
(the request filter does this for every JSON request), and to check an
address that the server is asked to fetch. Run it with
``.venv/bin/python bench/bench_security.py``.
"""

from pro.security.headers import content_security_policy
from pro.security.login_limits import SlidingWindow
from pro.security.request_limits import json_depth
from pro.security.urls import check_fetch_url
import json
import statistics
import time


def _median_us(action, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1e6


def _policy() -> None:
    built = _median_us(lambda: content_security_policy(None), 2000)
    print(f"CSP header built: {built:.1f} µs")


def _login_windows(remembered: int) -> None:
    window = SlidingWindow()
    for number in range(remembered):
        window.fail(f"gebruiker-{number}", 900)
    check = _median_us(lambda: window.retry_after("gebruiker-7", 10, 900), 5000)
    fail = _median_us(lambda: window.fail("gebruiker-7", 900), 5000)
    print(
        f"login window, {remembered:,} accounts remembered: "
        f"check {check:.2f} µs, failure recorded {fail:.2f} µs"
    )


def _json_depth(megabytes: float) -> None:
    item = {"title": "Bericht", "text": {"data": "<p>" + "tekst " * 50 + "</p>"}}
    body = json.dumps([item] * int(megabytes * 1024**2 / 350)).encode()
    seconds = _median_us(lambda: json_depth(body), 5) / 1e6
    print(
        f"JSON depth of a {len(body) / 1024**2:.1f} MiB body: {seconds * 1000:.1f} ms "
        f"({len(body) / 1024**2 / seconds:.0f} MiB/s)"
    )


def _fetch_check() -> None:
    literal = _median_us(
        lambda: check_fetch_url("http://93.184.216.34/rss", "feed"), 2000
    )
    named = _median_us(
        lambda: check_fetch_url("https://www.example.nl/rss", "feed", resolve=False),
        2000,
    )
    print(f"fetch address check: IP literal {literal:.1f} µs, host name {named:.1f} µs")


def main() -> None:
    print("Security checks, in-process")
    _policy()
    for remembered in (1_000, 100_000):
        _login_windows(remembered)
    for megabytes in (0.1, 1, 10):
        _json_depth(megabytes)
    _fetch_check()


if __name__ == "__main__":
    main()
