"""The accessibility report of one site: every problem on its content, by
page and by kind, with the day-by-day counts kept on the site."""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from persistent.mapping import PersistentMapping
from plone import api
from plone.protect.utils import safeWrite
from pro.accessibility.checks import check_content
from pro.accessibility.checks import Finding
from pro.landing.content import BLOCK_TYPES
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest


HISTORY_KEY = "pro.accessibility.history"
# About a year of daily counts: enough to see a trend, small to store.
HISTORY_DAYS = 400
# Checked as part of the page that holds them, or with nothing to check.
SKIPPED_TYPES = (*BLOCK_TYPES, "File")


@dataclass(frozen=True)
class PageProblems:
    """One item of the site and what the checks found on it."""

    title: str
    url: str
    portal_type: str
    review_state: str
    findings: list[Finding]

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "url": self.url,
            "type": self.portal_type,
            "review_state": self.review_state,
            "findings": [finding.as_json() for finding in self.findings],
        }


@dataclass
class SiteReport:
    site_id: str
    checked_on: date
    pages_checked: int
    pages: list[PageProblems] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(finding.is_error for page in self.pages for finding in page.findings)

    @property
    def warnings(self) -> int:
        return sum(len(page.findings) for page in self.pages) - self.errors

    def by_kind(self) -> dict[str, dict]:
        """Per kind of problem: its severity, how often, and on how many pages."""
        kinds: dict[str, dict] = {}
        for page in self.pages:
            for finding in page.findings:
                kind = kinds.setdefault(
                    finding.code,
                    {
                        "severity": finding.severity,
                        "criterion": finding.criterion,
                        "count": 0,
                        "pages": 0,
                        "example": finding,
                    },
                )
                kind["count"] += 1
            for code in {finding.code for finding in page.findings}:
                kinds[code]["pages"] += 1
        return dict(sorted(kinds.items(), key=lambda item: -item[1]["count"]))

    def counts(self) -> dict:
        return {
            "pages_checked": self.pages_checked,
            "pages_with_problems": len(self.pages),
            "errors": self.errors,
            "warnings": self.warnings,
        }

    def as_json(self) -> dict:
        return {
            "site": self.site_id,
            "checked_on": self.checked_on.isoformat(),
            "totals": self.counts(),
            "by_kind": {
                code: {
                    "severity": kind["severity"],
                    "criterion": kind["criterion"],
                    "count": kind["count"],
                    "pages": kind["pages"],
                    "message": kind["example"].as_json()["message"],
                }
                for code, kind in self.by_kind().items()
            },
            "pages": [page.as_json() for page in self.pages],
            "history": self.history,
        }


def site_report(site, today: date | None = None) -> SiteReport:
    """Check every item of ``site`` the current user may see, and keep
    today's counts in the site's history.

    Every item is loaded and checked, so the time grows with the site; the
    report is made when someone asks for it, not on every save.
    """
    today = today or date.today()
    report = SiteReport(site_id=site.getId(), checked_on=today, pages_checked=0)
    for brain in api.content.find(context=site, sort_on="path"):
        if brain.portal_type in SKIPPED_TYPES:
            continue
        report.pages_checked += 1
        obj = brain.getObject()
        findings = check_content(obj)
        if findings:
            report.pages.append(
                PageProblems(
                    title=brain.Title,
                    url=brain.getURL(),
                    portal_type=brain.portal_type,
                    review_state=brain.review_state or "",
                    findings=findings,
                )
            )
    report.history = record_counts(site, today, report.counts())
    return report


def record_counts(site, day: date, counts: dict) -> list[dict]:
    """Store ``counts`` as the site's figures of ``day`` and answer the
    history, oldest day first. A later report on the same day replaces it."""
    annotations = IAnnotations(site)
    history = annotations.get(HISTORY_KEY)
    if history is None:
        history = annotations[HISTORY_KEY] = PersistentMapping()
        _allow_write(getattr(site, "__annotations__", None))
    key = day.isoformat()
    if dict(history.get(key, {})) != counts:
        history[key] = dict(counts)
        for old in sorted(history)[:-HISTORY_DAYS]:
            del history[old]
        _allow_write(history)
    return [{"date": key, **history[key]} for key in sorted(history)]


def stored_history(site) -> list[dict]:
    history = IAnnotations(site).get(HISTORY_KEY, {})
    return [{"date": key, **history[key]} for key in sorted(history)]


def _allow_write(obj) -> None:
    # The counts are written while a report is read (a GET); plone.protect
    # would otherwise ask the reader to confirm a write they did not make.
    request = getRequest()
    if request is not None and obj is not None:
        safeWrite(obj, request)
