"""The report's counts over time and the statement's status, in one site."""

from datetime import date
from datetime import timedelta
from plone import api
from plone.app.textfield.value import RichTextValue
from pro.accessibility.report import HISTORY_DAYS
from pro.accessibility.report import record_counts
from pro.accessibility.report import site_report
from pro.accessibility.report import stored_history
from pro.testing import make_site
import pytest


DAY = date(2026, 12, 3)


@pytest.fixture
def site(portal):
    return make_site(portal, "verslag", blocks=["news"])


def add_news(site, title: str, html: str):
    with api.env.adopt_roles(["Manager"]):
        return api.content.create(
            site["nieuws"],
            type="News Item",
            title=title,
            text=RichTextValue(html, "text/html", "text/x-html-safe"),
        )


def test_each_day_keeps_its_own_counts_oldest_first(site):
    add_news(site, "Bericht", "<p><a href='/x'>klik hier</a></p>")
    site_report(site, today=DAY)
    add_news(site, "Tweede", "<table><tr><td>1</td></tr></table>")

    report = site_report(site, today=DAY + timedelta(days=1))

    assert [(day["date"], day["errors"]) for day in report.history] == [
        ("2026-12-03", 1),
        ("2026-12-04", 2),
    ]
    assert stored_history(site) == report.history


def test_a_later_report_on_the_same_day_replaces_that_day(site):
    item = add_news(site, "Bericht", "<p><a href='/x'>klik hier</a></p>")
    site_report(site, today=DAY)
    item.text = RichTextValue("<p>Opgelost.</p>", "text/html", "text/x-html-safe")

    report = site_report(site, today=DAY)

    assert [(day["date"], day["errors"]) for day in report.history] == [
        ("2026-12-03", 0)
    ]


def test_only_about_a_year_of_days_is_kept(site):
    counts = {"pages_checked": 1, "pages_with_problems": 0, "errors": 0}
    for number in range(HISTORY_DAYS + 5):
        history = record_counts(
            site, DAY + timedelta(days=number), {**counts, "warnings": number}
        )

    assert len(history) == HISTORY_DAYS
    assert history[0]["date"] == (DAY + timedelta(days=5)).isoformat()
    assert history[-1]["warnings"] == HISTORY_DAYS + 4


@pytest.mark.parametrize(
    ("html", "status"),
    [
        (
            "<p>Alles in orde, met <a href='/verslag'>het verslag</a>.</p>",
            "voldoet gedeeltelijk",
        ),
        ("<p><a href='/verslag'>klik hier</a></p>", "voldoet nog niet"),
    ],
)
def test_the_statement_claims_no_more_than_the_checks_show(site, html, status):
    add_news(site, "Bericht", html)

    with api.env.adopt_roles(["Manager"]):
        page = api.content.get_view("toegankelijkheidsverklaring", site, site.REQUEST)()

    assert status in " ".join(page.split())
    assert "Automatische controles dekken maar een deel van WCAG" in " ".join(
        page.split()
    )


def test_the_statement_asks_for_contact_details_when_the_site_has_none(site):
    with api.env.adopt_roles(["Manager"]):
        page = api.content.get_view("toegankelijkheidsverklaring", site, site.REQUEST)()

    assert "de website heeft geen contactpagina" in " ".join(page.split())
