"""REST: the checks of one item and the report of a site."""

from plone.restapi.services import Service
from pro.accessibility.checks import check_content
from pro.accessibility.report import site_report


class AccessibilityCheck(Service):
    """``GET <item>/@accessibility-check``: what the checks find on the item
    now, and whether it may be published."""

    def reply(self) -> dict:
        findings = check_content(self.context)
        errors = sum(finding.is_error for finding in findings)
        return {
            "@id": f"{self.context.absolute_url()}/@accessibility-check",
            "url": self.context.absolute_url(),
            "errors": errors,
            "warnings": len(findings) - errors,
            "publishable": errors == 0,
            "findings": [finding.as_json() for finding in findings],
        }


class AccessibilityReport(Service):
    """``GET /pro/<site>/@accessibility-report``: every problem on the site,
    by kind and by page, with the counts of earlier days."""

    def reply(self) -> dict:
        report = site_report(self.context)
        return {
            "@id": f"{self.context.absolute_url()}/@accessibility-report",
            **report.as_json(),
        }
