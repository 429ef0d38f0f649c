"""Print how long the accessibility checks take.

1. The HTML checker on its own: rich texts of about 1, 10, 100 and 1,000 KB
   with a problem in every tenth paragraph; median of 20 runs each.
2. A site of ``--items`` news items (every fifth with an error, so left
   unpublished by the publish check): the time to publish the others (the
   check runs on each), and the site's report (every item loaded and
   checked), median of 3 runs, in a Zope process of its own on a platform
   made by ``pro-instance serve`` in a temporary folder.

It never passes or fails on a figure. ``--items 0`` leaves part 2 out.
"""

from pathlib import Path
import argparse
import json
import os
import statistics
import sys
import tempfile
import time


REPOSITORY = Path(__file__).resolve().parents[1]
RUNS = 20
REPORT_RUNS = 3
SITE_ID = "toegankelijk"
PARAGRAPHS = (
    "<h2>Kop {n}</h2><p>Een alinea over water, dijken en rivieren met "
    "<a href='/pagina-{n}'>de pagina over dijk {n}</a>.</p>",
    "<p>Nog een alinea met een <strong>nadruk</strong> en een lijst:</p>"
    "<ul><li>een</li><li>twee</li></ul>",
    "<table><tr><th>Jaar</th><th>Aantal</th></tr><tr><td>{n}</td><td>3</td></tr>"
    "</table>",
)
PROBLEM = "<p>Lees het verslag: <a href='/verslag'>klik hier</a>.</p>"


def rich_text(size: int) -> str:
    parts, number = [], 0
    while sum(len(part) for part in parts) < size:
        parts.append(PARAGRAPHS[number % len(PARAGRAPHS)].format(n=number))
        if number % 10 == 9:
            parts.append(PROBLEM)
        number += 1
    return "".join(parts)


def measure_checker() -> dict[str, tuple[float, int]]:
    from pro.accessibility.checks import check_html

    figures = {}
    for size in (1_000, 10_000, 100_000, 1_000_000):
        html = rich_text(size)
        seconds = []
        for _run in range(RUNS):
            started = time.perf_counter()
            findings = check_html(html, "text")
            seconds.append(time.perf_counter() - started)
        figures[f"{size // 1000} KB"] = (statistics.median(seconds), len(findings))
    return figures


def measure_site(items: int) -> dict:
    """Make the platform in a temporary folder, then time the site there."""
    sys.path.insert(0, str(REPOSITORY / "bench"))
    from instance_script import run_in_instance
    from pro.instance.process import ZopeProcess

    config = REPOSITORY / "instance.yaml"
    with tempfile.TemporaryDirectory(prefix="pro-bench-a11y-") as var_dir:
        with ZopeProcess(config, var_dir=Path(var_dir), environ={"PRO_DEMO": "0"}):
            pass
        return run_in_instance(
            Path(__file__).resolve(),
            config,
            Path(var_dir),
            "--in-instance",
            "--items",
            str(items),
        )


def time_site(config_path: Path, items: int) -> dict:
    """Run inside the instance: fill a site, publish, and make its report."""
    from pro.instance.bootstrap import platform_as_admin
    from pro.instance.config import load_config

    config = load_config(config_path, os.environ)
    with platform_as_admin(config, config.zope_conf_path) as portal:
        from plone.app.textfield.value import RichTextValue
        from plone.dexterity.utils import createContentInContainer
        from pro.accessibility.exceptions import PublicationRefused
        from pro.accessibility.report import site_report
        from pro.platform.api import create_site
        import transaction

        site = create_site(
            portal,
            {"id": SITE_ID, "title": "Toegankelijk", "organisation": "Bench"},
            creator="admin",
        )
        workflow = portal.portal_workflow
        good, bad = rich_text(2_000).replace(PROBLEM, ""), rich_text(2_000)
        news = [
            createContentInContainer(
                site["nieuws"],
                "News Item",
                checkConstraints=False,
                title=f"Bericht {number}",
                text=RichTextValue(bad if number % 5 == 0 else good, "text/html"),
            )
            for number in range(items)
        ]
        transaction.commit()

        refused, started = 0, time.perf_counter()
        for item in news:
            try:
                workflow.doActionFor(item, "publish")
            except PublicationRefused:
                refused += 1
        publish_seconds = time.perf_counter() - started
        transaction.commit()

        report_seconds = []
        for _run in range(REPORT_RUNS):
            started = time.perf_counter()
            report = site_report(site)
            report_seconds.append(time.perf_counter() - started)
        transaction.commit()
    return {
        "items": items,
        "refused": refused,
        "publish_seconds": publish_seconds,
        "report_seconds": statistics.median(report_seconds),
        "pages_checked": report.pages_checked,
        "errors": report.errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--in-instance", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.in_instance:
        figures = time_site(args.config, args.items)
        args.output.write_text(json.dumps(figures), encoding="utf-8")
        return 0

    print("Accessibility checks")
    print()
    print("| rich text | check_html, median of 20 | findings |")
    print("|---|---|---|")
    for label, (seconds, findings) in measure_checker().items():
        print(f"| {label} | {seconds * 1000:.2f} ms | {findings} |")
    if args.items:
        site = measure_site(args.items)
        print()
        print(f"| site of {site['items']} news items | value |")
        print("|---|---|")
        print(
            f"| publish every item (check included) | {site['publish_seconds']:.2f} s "
            f"({site['publish_seconds'] / site['items'] * 1000:.1f} ms each) |"
        )
        print(f"| refused for errors | {site['refused']} |")
        print(
            f"| site report, median of {REPORT_RUNS} | {site['report_seconds']:.2f} s "
            f"for {site['pages_checked']} pages |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
